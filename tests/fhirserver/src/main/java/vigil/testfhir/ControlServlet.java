package vigil.testfhir;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Test control endpoints, outside the FHIR base and not subject to auth or faults:
 * <pre>
 *   POST /control/ignore-sort[?mode=reverse|shuffle]   searches with _sort come back reversed / shuffled
 *   POST /control/throttle?count=N&amp;retryAfter=S        next N FHIR requests: 429 + Retry-After: S
 *   POST /control/fail?count=N&amp;status=503[&amp;retryAfter=S] next N FHIR requests: that status
 *   POST /control/reset                                  all of the above off
 *   POST /control/wipe                                   delete all stored resources
 *   GET  /control/state                                  JSON of the switches and a FHIR request counter
 * </pre>
 */
final class ControlServlet extends HttpServlet {

    private final Faults faults;
    private final ResourceStore store;

    ControlServlet(Faults faults, ResourceStore store) {
        this.faults = faults;
        this.store = store;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        if ("/state".equals(req.getPathInfo())) {
            reply(res, 200, faults.toJson());
        } else {
            reply(res, 404, "{\"error\":\"unknown control endpoint (GET /control/state, POST the others)\"}");
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String what = req.getPathInfo() == null ? "" : req.getPathInfo();
        try {
            switch (what) {
                case "/reset" -> faults.reset();
                case "/wipe" -> store.wipe();
                case "/ignore-sort" -> {
                    String mode = req.getParameter("mode");
                    faults.setSortMode(mode == null || mode.equals("reverse")
                            ? Faults.SortMode.REVERSE
                            : mode.equals("shuffle") ? Faults.SortMode.SHUFFLE : bad("mode must be reverse or shuffle"));
                }
                case "/throttle" -> faults.throttle(intParam(req, "count", 1), intParam(req, "retryAfter", 1));
                case "/fail" -> {
                    int status = intParam(req, "status", 503);
                    if (status < 400 || status > 599) {
                        bad("status must be 400..599");
                    }
                    faults.fail(intParam(req, "count", 1), status, intParam(req, "retryAfter", 0));
                }
                default -> {
                    reply(res, 404, "{\"error\":\"unknown control endpoint " + what.replace("\"", "") + "\"}");
                    return;
                }
            }
        } catch (IllegalArgumentException ex) {
            reply(res, 400, "{\"error\":\"" + ex.getMessage().replace("\"", "'") + "\"}");
            return;
        }
        reply(res, 200, faults.toJson());
    }

    private static int intParam(HttpServletRequest req, String name, int dflt) {
        String v = req.getParameter(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(name + " must be a non-negative integer");
        }
    }

    private static <X> X bad(String msg) {
        throw new IllegalArgumentException(msg);
    }

    private static void reply(HttpServletResponse res, int status, String json) throws IOException {
        byte[] body = (json + "\n").getBytes(StandardCharsets.UTF_8);
        res.setStatus(status);
        res.setContentType("application/json");
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }
}
