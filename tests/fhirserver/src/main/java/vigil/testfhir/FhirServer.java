package vigil.testfhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.LoggingInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The HAPI plain server: one store-backed provider per R4 resource type, plus bundles at the base. */
final class FhirServer extends RestfulServer {

    private final transient ResourceStore store;
    private final transient Faults faults;

    FhirServer(FhirContext ctx, ResourceStore store, Faults faults) {
        super(ctx);
        this.store = store;
        this.faults = faults;
    }

    @Override
    protected void initialize() {
        FhirContext ctx = getFhirContext();
        setServerName("Vigil test FHIR server");
        setImplementationDescription("In-memory FHIR R4 test server for the Vigil test suite");
        setDefaultResponseEncoding(EncodingEnum.JSON);

        // Search results are kept here, so a page link keeps serving the snapshot it was made from.
        FifoMemoryPagingProvider paging = new FifoMemoryPagingProvider(1000);
        paging.setDefaultPageSize(20);
        paging.setMaximumPageSize(1000);
        setPagingProvider(paging);

        List<Object> providers = new ArrayList<>();
        for (String name : resourceTypes(ctx)) {
            Class<? extends IBaseResource> c = ctx.getResourceDefinition(name).getImplementingClass();
            providers.add(provider(ctx, c));
        }
        setResourceProviders(cast(providers));
        registerProvider(new BundleProcessor(ctx, store));

        LoggingInterceptor log = new LoggingInterceptor();
        log.setLogger(LoggerFactory.getLogger("vigil.testfhir.request"));
        log.setMessageFormat("${requestVerb} ${requestUrl}${requestParameters} -> ${operationType} ${idOrResourceName} (${processingTimeMillis} ms)");
        log.setErrorMessageFormat("ERROR ${requestVerb} ${requestUrl}${requestParameters} -> ${exceptionMessage}");
        log.setLogExceptions(true);
        registerInterceptor(log);
    }

    /** All R4 types, or the comma list in FHIR_RESOURCE_TYPES (fewer types start faster). */
    private static Set<String> resourceTypes(FhirContext ctx) {
        Set<String> all = new TreeSet<>(ctx.getResourceTypes());
        String wanted = System.getenv("FHIR_RESOURCE_TYPES");
        if (wanted == null || wanted.isBlank() || wanted.trim().equals("all")) {
            return all;
        }
        Set<String> out = new TreeSet<>();
        for (String t : wanted.split(",")) {
            String name = t.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!all.contains(name)) {
                throw new IllegalArgumentException("FHIR_RESOURCE_TYPES: unknown R4 resource type " + name);
            }
            out.add(name);
        }
        return out;
    }

    private <T extends IBaseResource> StoreResourceProvider<T> provider(FhirContext ctx, Class<T> c) {
        return new StoreResourceProvider<>(ctx, c, store, faults);
    }

    @SuppressWarnings("unchecked")
    private static List<ca.uhn.fhir.rest.server.IResourceProvider> cast(List<Object> l) {
        return (List<ca.uhn.fhir.rest.server.IResourceProvider>) (List<?>) l;
    }
}
