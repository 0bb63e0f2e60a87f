package vigil.testfhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * POST of a transaction or batch Bundle at the FHIR base. Entries may be POST {type}, PUT
 * {type}/{id}, DELETE {type}/{id} and GET {type}/{id}[/_history/{vid}]. A transaction is
 * all-or-nothing (rolled back on the first error) and rewrites references to urn:uuid fullUrls
 * of created entries; a batch runs each entry on its own.
 */
public final class BundleProcessor {

    private final FhirContext ctx;
    private final ResourceStore store;

    BundleProcessor(FhirContext ctx, ResourceStore store) {
        this.ctx = ctx;
        this.store = store;
    }

    /** A parsed entry request. */
    private record Op(String method, String type, String id, String vid) {}

    @Transaction
    public Bundle transaction(@TransactionParam Bundle in, RequestDetails request) {
        Bundle.BundleType bt = in.getType();
        if (bt != Bundle.BundleType.TRANSACTION && bt != Bundle.BundleType.BATCH) {
            throw new InvalidRequestException("Bundle.type must be transaction or batch, not " + (bt == null ? "empty" : bt.toCode()));
        }
        String prefer = request.getHeader("Prefer");
        boolean representation = prefer != null && prefer.contains("return=representation");
        List<Bundle.BundleEntryComponent> entries = in.getEntry();
        Bundle out = new Bundle();
        out.setType(bt == Bundle.BundleType.TRANSACTION
                ? Bundle.BundleType.TRANSACTIONRESPONSE : Bundle.BundleType.BATCHRESPONSE);
        out.setId(java.util.UUID.randomUUID().toString());

        if (bt == Bundle.BundleType.BATCH) {
            for (Bundle.BundleEntryComponent e : entries) {
                try {
                    out.addEntry(run(parse(e), e, representation));
                } catch (BaseServerResponseException ex) {
                    out.addEntry(errorEntry(ex));
                }
            }
            return out;
        }

        // Transaction: parse everything first, pre-assign ids to creates, rewrite references.
        List<Op> ops = new ArrayList<>(entries.size());
        Map<String, String> idFor = new HashMap<>();
        for (Bundle.BundleEntryComponent e : entries) {
            ops.add(parse(e));
        }
        List<Op> resolved = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            Bundle.BundleEntryComponent e = entries.get(i);
            if (op.method.equals("POST")) {
                op = new Op("PUT-NEW", op.type, store.allocateId(op.type), null);
            }
            if (e.hasFullUrl() && op.id != null && (op.method.equals("PUT-NEW") || op.method.equals("PUT"))) {
                idFor.put(e.getFullUrl(), op.type + "/" + op.id);
            }
            resolved.add(op);
        }
        for (Bundle.BundleEntryComponent e : entries) {
            if (e.getResource() != null && !idFor.isEmpty()) {
                for (Reference r : ctx.newTerser().getAllPopulatedChildElementsOfType(e.getResource(), Reference.class)) {
                    String target = r.getReference();
                    if (target != null && idFor.containsKey(target)) {
                        r.setReference(idFor.get(target));
                    }
                }
            }
        }
        // FHIR processing order: DELETE, POST, PUT, GET; the response keeps the request order.
        Bundle.BundleEntryComponent[] answers = new Bundle.BundleEntryComponent[entries.size()];
        store.atomically(() -> {
            for (String phase : new String[] {"DELETE", "PUT-NEW", "PUT", "GET"}) {
                for (int i = 0; i < resolved.size(); i++) {
                    if (resolved.get(i).method.equals(phase)) {
                        answers[i] = run(resolved.get(i), entries.get(i), representation);
                    }
                }
            }
            return null;
        });
        for (Bundle.BundleEntryComponent a : answers) {
            out.addEntry(a);
        }
        return out;
    }

    private Op parse(Bundle.BundleEntryComponent e) {
        Bundle.BundleEntryRequestComponent rq = e.getRequest();
        if (rq == null || rq.getMethod() == null || !rq.hasUrl()) {
            throw new InvalidRequestException("Bundle entry needs request.method and request.url");
        }
        String method = rq.getMethod().toCode();
        String url = rq.getUrl();
        if (url.contains("?") || rq.hasIfNoneExist() || rq.hasIfMatch() || rq.hasIfNoneMatch()) {
            throw new InvalidRequestException("Conditional or search entries are not supported by this test server: " + method + " " + url);
        }
        String[] parts = url.replaceAll("^/+|/+$", "").split("/");
        String type = parts[0];
        if (!ctx.getResourceTypes().contains(type)) {
            throw new InvalidRequestException("Unknown resource type in entry URL: " + url);
        }
        switch (method) {
            case "POST" -> {
                if (parts.length != 1) {
                    throw new InvalidRequestException("POST entry URL must be a resource type: " + url);
                }
                requireResource(e, type, url);
                return new Op("POST", type, null, null);
            }
            case "PUT", "DELETE" -> {
                if (parts.length != 2) {
                    throw new InvalidRequestException(method + " entry URL must be {type}/{id}: " + url);
                }
                if (method.equals("PUT")) {
                    requireResource(e, type, url);
                }
                return new Op(method, type, parts[1], null);
            }
            case "GET" -> {
                if (parts.length == 2) {
                    return new Op("GET", type, parts[1], null);
                }
                if (parts.length == 4 && parts[2].equals("_history")) {
                    return new Op("GET", type, parts[1], parts[3]);
                }
                throw new InvalidRequestException("GET entry URL must be {type}/{id}[/_history/{vid}]: " + url);
            }
            default -> throw new InvalidRequestException("Unsupported entry method " + method);
        }
    }

    private static void requireResource(Bundle.BundleEntryComponent e, String type, String url) {
        if (e.getResource() == null || !type.equals(e.getResource().fhirType())) {
            throw new InvalidRequestException("Entry for " + url + " needs a " + type + " resource");
        }
    }

    private Bundle.BundleEntryComponent run(Op op, Bundle.BundleEntryComponent e, boolean representation) {
        Bundle.BundleEntryComponent a = new Bundle.BundleEntryComponent();
        Bundle.BundleEntryResponseComponent rs = a.getResponse();
        switch (op.method) {
            case "POST", "PUT-NEW", "PUT" -> {
                ResourceStore.Version v;
                boolean created;
                if (op.method.equals("POST")) {
                    v = store.create(op.type, e.getResource());
                    created = true;
                } else {
                    ResourceStore.WriteResult r = store.update(op.type, op.id, e.getResource(), null);
                    v = r.version();
                    created = r.created();
                }
                rs.setStatus(created ? "201 Created" : "200 OK");
                describe(rs, v);
                if (representation) {
                    a.setResource(v.copyResource());
                }
            }
            case "DELETE" -> {
                ResourceStore.Version v = store.delete(op.type, op.id);
                rs.setStatus("204 No Content");
                if (v != null) {
                    rs.setEtag("W/\"" + v.versionId + "\"");
                }
            }
            case "GET" -> {
                ResourceStore.Version v = op.vid == null
                        ? store.read(op.type, op.id) : store.vread(op.type, op.id, op.vid);
                rs.setStatus("200 OK");
                describe(rs, v);
                a.setResource(v.copyResource());
            }
            default -> throw new IllegalStateException(op.method);
        }
        return a;
    }

    private static void describe(Bundle.BundleEntryResponseComponent rs, ResourceStore.Version v) {
        rs.setLocation(v.type + "/" + v.id + "/_history/" + v.versionId);
        rs.setEtag("W/\"" + v.versionId + "\"");
        Resource r = v.resource;
        InstantType lu = r.getMeta().getLastUpdatedElement();
        rs.setLastModified(lu.getValue());
    }

    private static Bundle.BundleEntryComponent errorEntry(BaseServerResponseException ex) {
        Bundle.BundleEntryComponent a = new Bundle.BundleEntryComponent();
        a.getResponse().setStatus(String.valueOf(ex.getStatusCode()));
        OperationOutcome oo = new OperationOutcome();
        oo.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(OperationOutcome.IssueType.PROCESSING)
                .setDiagnostics(ex.getMessage());
        a.getResponse().setOutcome(oo);
        return a;
    }
}
