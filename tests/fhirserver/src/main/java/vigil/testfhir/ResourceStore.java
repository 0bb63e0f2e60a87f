package vigil.testfhir;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * In-memory, thread-safe store of FHIR resources keyed by type and id, keeping every version.
 *
 * Stored resource objects are never mutated after they are written, so a list of versions taken
 * at one moment stays a consistent snapshot however the store changes later. Callers get copies.
 */
final class ResourceStore {

    /** One immutable version of one resource; {@code resource} is null for a delete marker. */
    static final class Version {
        final String type;
        final String id;
        final long versionId;
        final Date lastUpdated;
        final long seq;           // global write order, breaks lastUpdated ties
        final Resource resource;  // null when this version is a deletion

        Version(String type, String id, long versionId, Date lastUpdated, long seq, Resource resource) {
            this.type = type;
            this.id = id;
            this.versionId = versionId;
            this.lastUpdated = lastUpdated;
            this.seq = seq;
            this.resource = resource;
        }

        boolean deleted() {
            return resource == null;
        }

        /** A copy the caller may change freely. */
        Resource copyResource() {
            return resource == null ? null : resource.copy();
        }
    }

    /** All versions of one type/id, oldest first. */
    static final class Entry {
        final String type;
        final String id;
        final long createdSeq;
        final List<Version> versions = new ArrayList<>();

        Entry(String type, String id, long createdSeq) {
            this.type = type;
            this.id = id;
            this.createdSeq = createdSeq;
        }

        Version current() {
            return versions.get(versions.size() - 1);
        }
    }

    /** Undo record of one write made inside {@link #atomically}. */
    private record Undo(Entry entry, boolean entryCreated) {}

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Map<String, Entry>> byType = new HashMap<>();
    private long seq;
    private long lastMillis;
    private long nextId = 1;
    private Deque<Undo> undoLog; // non-null while a transaction runs (under the write lock)

    // ---------------------------------------------------------------- writes

    /** Creates a new resource with a server-assigned id. */
    Version create(String type, Resource in) {
        lock.writeLock().lock();
        try {
            return write(type, allocateIdLocked(type), in, null).version;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Reserves a fresh id for a resource that a transaction will create. */
    String allocateId(String type) {
        lock.writeLock().lock();
        try {
            return allocateIdLocked(type);
        } finally {
            lock.writeLock().unlock();
        }
    }

    record WriteResult(Version version, boolean created) {}

    /**
     * Update-or-create. {@code expectedVersion} (from If-Match) may be null; when given it must
     * equal the current version id, else 409.
     */
    WriteResult update(String type, String id, Resource in, String expectedVersion) {
        lock.writeLock().lock();
        try {
            return write(type, id, in, expectedVersion);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Deletes; returns the delete marker, or null if there was nothing (or only a deletion) to delete. */
    Version delete(String type, String id) {
        lock.writeLock().lock();
        try {
            Entry e = entries(type).get(id);
            if (e == null || e.current().deleted()) {
                return null;
            }
            Version v = new Version(type, id, e.current().versionId + 1, nowLocked(), ++seq, null);
            e.versions.add(v);
            if (undoLog != null) {
                undoLog.push(new Undo(e, false));
            }
            return v;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes everything. */
    void wipe() {
        lock.writeLock().lock();
        try {
            byType.clear();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Runs {@code body} under the write lock; if it throws, every write it made is rolled back
     * before the exception propagates.
     */
    <R> R atomically(Supplier<R> body) {
        lock.writeLock().lock();
        try {
            if (undoLog != null) {
                return body.get(); // nested: the outer call owns the rollback
            }
            undoLog = new ArrayDeque<>();
            try {
                R r = body.get();
                undoLog = null;
                return r;
            } catch (RuntimeException | Error ex) {
                Deque<Undo> log = undoLog;
                undoLog = null;
                while (!log.isEmpty()) {
                    Undo u = log.pop();
                    u.entry.versions.remove(u.entry.versions.size() - 1);
                    if (u.entryCreated) {
                        entries(u.entry.type).remove(u.entry.id);
                    }
                }
                throw ex;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    // ---------------------------------------------------------------- reads

    /** Current version; 404 if unknown, 410 if deleted. */
    Version read(String type, String id) {
        lock.readLock().lock();
        try {
            Entry e = entries(type).get(id);
            if (e == null) {
                throw new ResourceNotFoundException(new IdType(type, id));
            }
            Version v = e.current();
            if (v.deleted()) {
                throw new ResourceGoneException(new IdType(type, id, String.valueOf(v.versionId)));
            }
            return v;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A given version; 404 if unknown, 410 if that version is a deletion. */
    Version vread(String type, String id, String versionId) {
        lock.readLock().lock();
        try {
            Entry e = entries(type).get(id);
            long vid;
            try {
                vid = Long.parseLong(versionId);
            } catch (NumberFormatException ex) {
                vid = -1;
            }
            if (e == null || vid < 1 || vid > e.versions.size()) {
                throw new ResourceNotFoundException(new IdType(type, id, versionId));
            }
            Version v = e.versions.get((int) vid - 1);
            if (v.deleted()) {
                throw new ResourceGoneException(new IdType(type, id, versionId));
            }
            return v;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Current, non-deleted versions of a type that match, in creation order (a snapshot). */
    List<Version> current(String type, Predicate<Version> filter) {
        lock.readLock().lock();
        try {
            List<Version> out = new ArrayList<>();
            for (Entry e : entries(type).values()) {
                Version v = e.current();
                if (!v.deleted() && filter.test(v)) {
                    out.add(v);
                }
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** All versions of one resource (id non-null) or of a whole type, newest first. */
    List<Version> history(String type, String id, Date since) {
        lock.readLock().lock();
        try {
            List<Version> out = new ArrayList<>();
            if (id != null) {
                Entry e = entries(type).get(id);
                if (e == null) {
                    throw new ResourceNotFoundException(new IdType(type, id));
                }
                out.addAll(e.versions);
            } else {
                for (Entry e : entries(type).values()) {
                    out.addAll(e.versions);
                }
            }
            if (since != null) {
                out.removeIf(v -> v.lastUpdated.before(since));
            }
            out.sort((a, b) -> Long.compare(b.seq, a.seq));
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    // ---------------------------------------------------------------- internals

    private Map<String, Entry> entries(String type) {
        // LinkedHashMap keeps creation order for unsorted searches.
        return byType.computeIfAbsent(type, t -> new LinkedHashMap<>());
    }

    private String allocateIdLocked(String type) {
        Map<String, Entry> m = entries(type);
        String id;
        do {
            id = String.valueOf(nextId++);
        } while (m.containsKey(id));
        return id;
    }

    /** Now, at millisecond precision, never earlier than the previous write. */
    private Date nowLocked() {
        long now = Math.max(System.currentTimeMillis(), lastMillis);
        lastMillis = now;
        return new Date(now);
    }

    private WriteResult write(String type, String id, Resource in, String expectedVersion) {
        Map<String, Entry> m = entries(type);
        Entry e = m.get(id);
        boolean entryCreated = false;
        if (expectedVersion != null) {
            String have = e == null ? "(none)" : String.valueOf(e.current().versionId);
            if (e == null || !have.equals(expectedVersion)) {
                throw new ResourceVersionConflictException(
                        "Version conflict on " + type + "/" + id + ": If-Match " + expectedVersion
                                + " but current version is " + have);
            }
        }
        if (e == null) {
            e = new Entry(type, id, ++seq);
            m.put(id, e);
            entryCreated = true;
        }
        boolean created = e.versions.isEmpty() || e.current().deleted();
        long vid = e.versions.isEmpty() ? 1 : e.current().versionId + 1;
        Date when = nowLocked();
        Resource stored = in.copy();
        stored.setId(new IdType(type, id, String.valueOf(vid)));
        stored.getMeta().setVersionId(String.valueOf(vid));
        InstantType lu = new InstantType(when, TemporalPrecisionEnum.MILLI);
        lu.setTimeZoneZulu(true);
        stored.getMeta().setLastUpdatedElement(lu);
        Version v = new Version(type, id, vid, when, ++seq, stored);
        e.versions.add(v);
        if (undoLog != null) {
            undoLog.push(new Undo(e, entryCreated));
        }
        return new WriteResult(v, created);
    }
}
