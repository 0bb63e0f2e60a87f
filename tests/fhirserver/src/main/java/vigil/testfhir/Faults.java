package vigil.testfhir;

import java.util.concurrent.atomic.AtomicLong;

/** Misbehaviour switched on through /control/*, read by the FHIR side. Thread-safe. */
final class Faults {

    enum SortMode { HONOUR, REVERSE, SHUFFLE }

    /** What the guard filter must answer instead of serving one FHIR request. */
    record Injected(int status, int retryAfterSeconds) {}

    private SortMode sortMode = SortMode.HONOUR;
    private int throttleLeft;
    private int throttleRetryAfter;
    private int failLeft;
    private int failStatus;
    private int failRetryAfter;
    private final AtomicLong fhirRequests = new AtomicLong();

    synchronized void reset() {
        sortMode = SortMode.HONOUR;
        throttleLeft = 0;
        failLeft = 0;
    }

    synchronized void setSortMode(SortMode m) {
        sortMode = m;
    }

    synchronized SortMode sortMode() {
        return sortMode;
    }

    synchronized void throttle(int count, int retryAfterSeconds) {
        throttleLeft = count;
        throttleRetryAfter = retryAfterSeconds;
    }

    synchronized void fail(int count, int status, int retryAfterSeconds) {
        failLeft = count;
        failStatus = status;
        failRetryAfter = retryAfterSeconds;
    }

    /** Counts one FHIR request and returns the fault to inject for it, if any (throttle first). */
    synchronized Injected next() {
        fhirRequests.incrementAndGet();
        if (throttleLeft > 0) {
            throttleLeft--;
            return new Injected(429, throttleRetryAfter);
        }
        if (failLeft > 0) {
            failLeft--;
            return new Injected(failStatus, failRetryAfter);
        }
        return null;
    }

    synchronized String toJson() {
        return "{\"sort\":\"" + sortMode.name().toLowerCase() + "\""
                + ",\"throttleRemaining\":" + throttleLeft
                + ",\"throttleRetryAfter\":" + throttleRetryAfter
                + ",\"failRemaining\":" + failLeft
                + ",\"failStatus\":" + failStatus
                + ",\"fhirRequests\":" + fhirRequests.get() + "}";
    }
}
