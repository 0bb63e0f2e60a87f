package vigil.testfhir;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;

/**
 * Entry point.
 * <pre>
 *   java -jar vigil-fhirserver.jar [--host 127.0.0.1] [--port 0] [--baseurl-file FILE]
 * </pre>
 * Port 0 picks a free port; the base URL ({@code http://HOST:PORT/fhir}) is printed and, with
 * --baseurl-file, written to that file once the server listens. Environment:
 * FHIR_BEARER_TOKEN, FHIR_BASIC_AUTH=user:password (see README.md).
 */
public final class Main {

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSX");
        System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.ca.uhn.fhir", "warn");

        String host = "127.0.0.1";
        int port = 0;
        Path baseUrlFile = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String next = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--host" -> { host = need(a, next); i++; }
                case "--port" -> { port = Integer.parseInt(need(a, next)); i++; }
                case "--baseurl-file" -> { baseUrlFile = Path.of(need(a, next)); i++; }
                case "-h", "--help" -> {
                    System.out.println("usage: vigil-fhirserver [--host H] [--port P] [--baseurl-file FILE]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        String bearer = env("FHIR_BEARER_TOKEN");
        String basic = env("FHIR_BASIC_AUTH");
        if (basic != null && !basic.contains(":")) {
            throw new IllegalArgumentException("FHIR_BASIC_AUTH must be user:password");
        }

        FhirContext ctx = FhirContext.forR4();
        ResourceStore store = new ResourceStore();
        Faults faults = new Faults();

        Server server = new Server();
        ServerConnector conn = new ServerConnector(server);
        conn.setHost(host);
        conn.setPort(port);
        server.addConnector(conn);

        ServletContextHandler web = new ServletContextHandler();
        web.setContextPath("/");
        ServletHolder fhir = new ServletHolder("fhir", new FhirServer(ctx, store, faults));
        fhir.setInitOrder(0); // initialise HAPI before we report the server as up
        web.addServlet(fhir, "/fhir/*");
        web.addFilter(new FilterHolder(new GuardFilter(ctx, faults, bearer, basic)), "/fhir/*",
                EnumSet.of(DispatcherType.REQUEST));
        web.addServlet(new ServletHolder("control", new ControlServlet(faults, store)), "/control/*");
        server.setHandler(web);
        server.setStopAtShutdown(true);
        server.start();

        String base = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + conn.getLocalPort() + "/fhir";
        System.out.println("vigil-fhirserver listening: " + base + " (pid " + ProcessHandle.current().pid()
                + (bearer != null ? ", bearer auth" : "") + (basic != null ? ", basic auth" : "") + ")");
        System.out.flush();
        if (baseUrlFile != null) {
            Path tmp = baseUrlFile.resolveSibling(baseUrlFile.getFileName() + ".tmp");
            Files.writeString(tmp, base + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, baseUrlFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        server.join();
    }

    private static String need(String flag, String value) {
        if (value == null) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return value;
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? null : v;
    }
}
