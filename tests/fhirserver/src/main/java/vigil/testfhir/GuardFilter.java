package vigil.testfhir;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.hl7.fhir.r4.model.OperationOutcome;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Sits in front of the FHIR servlet: first injects the faults armed through /control/*, then
 * enforces the optional bearer / basic credentials (every request but /metadata).
 */
final class GuardFilter implements Filter {

    private final FhirContext ctx;
    private final Faults faults;
    private final String bearerToken; // null: not required
    private final String basicAuth;   // "user:password" or null

    GuardFilter(FhirContext ctx, Faults faults, String bearerToken, String basicAuth) {
        this.ctx = ctx;
        this.faults = faults;
        this.bearerToken = bearerToken;
        this.basicAuth = basicAuth;
    }

    @Override
    public void doFilter(ServletRequest sreq, ServletResponse sres, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) sreq;
        HttpServletResponse res = (HttpServletResponse) sres;

        Faults.Injected f = faults.next();
        if (f != null) {
            if (f.retryAfterSeconds() > 0 || f.status() == 429) {
                res.setHeader("Retry-After", String.valueOf(Math.max(0, f.retryAfterSeconds())));
            }
            send(res, f.status(), OperationOutcome.IssueType.TRANSIENT,
                    "Injected failure (test control): HTTP " + f.status());
            return;
        }

        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        boolean open = path.equals("/metadata") || path.equals("/metadata/");
        if (!open && (bearerToken != null || basicAuth != null) && !authorized(req.getHeader("Authorization"))) {
            if (bearerToken != null) {
                res.addHeader("WWW-Authenticate", "Bearer realm=\"vigil-test-fhir\"");
            }
            if (basicAuth != null) {
                res.addHeader("WWW-Authenticate", "Basic realm=\"vigil-test-fhir\"");
            }
            send(res, 401, OperationOutcome.IssueType.LOGIN, "Missing or invalid credentials");
            return;
        }
        chain.doFilter(req, res);
    }

    private boolean authorized(String header) {
        if (header == null) {
            return false;
        }
        int sp = header.indexOf(' ');
        if (sp < 0) {
            return false;
        }
        String scheme = header.substring(0, sp);
        String value = header.substring(sp + 1).trim();
        if (bearerToken != null && scheme.equalsIgnoreCase("Bearer")) {
            return same(value, bearerToken);
        }
        if (basicAuth != null && scheme.equalsIgnoreCase("Basic")) {
            try {
                String decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
                return same(decoded, basicAuth);
            } catch (IllegalArgumentException ex) {
                return false;
            }
        }
        return false;
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private void send(HttpServletResponse res, int status, OperationOutcome.IssueType code, String text)
            throws IOException {
        OperationOutcome oo = new OperationOutcome();
        oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(code).setDiagnostics(text);
        byte[] body = ctx.newJsonParser().encodeResourceToString(oo).getBytes(StandardCharsets.UTF_8);
        res.setStatus(status);
        res.setContentType("application/fhir+json;charset=utf-8");
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }
}
