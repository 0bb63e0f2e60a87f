package vigil.testfhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.model.valueset.BundleEntryTransactionMethodEnum;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.Delete;
import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Since;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateAndListParam;
import ca.uhn.fhir.rest.param.DateOrListParam;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** HAPI resource provider for one resource type, backed by the shared {@link ResourceStore}. */
public final class StoreResourceProvider<T extends IBaseResource> implements IResourceProvider {

    private final FhirContext ctx;
    private final Class<T> type;
    private final String typeName;
    private final ResourceStore store;
    private final Faults faults;

    StoreResourceProvider(FhirContext ctx, Class<T> type, ResourceStore store, Faults faults) {
        this.ctx = ctx;
        this.type = type;
        this.typeName = ctx.getResourceType(type);
        this.store = store;
        this.faults = faults;
    }

    @Override
    public Class<T> getResourceType() {
        return type;
    }

    @Read(version = true)
    public T read(@IdParam IdType id) {
        ResourceStore.Version v = id.hasVersionIdPart()
                ? store.vread(typeName, id.getIdPart(), id.getVersionIdPart())
                : store.read(typeName, id.getIdPart());
        return type.cast(v.copyResource());
    }

    @Create
    public MethodOutcome create(@ResourceParam T resource) {
        ResourceStore.Version v = store.create(typeName, (Resource) resource);
        return outcome(v, true);
    }

    @Update
    public MethodOutcome update(@IdParam IdType id, @ResourceParam T resource) {
        if (!id.hasIdPart()) {
            throw new InvalidRequestException("update needs an id in the URL");
        }
        String ifMatch = id.hasVersionIdPart() ? id.getVersionIdPart() : null;
        ResourceStore.WriteResult r = store.update(typeName, id.getIdPart(), (Resource) resource, ifMatch);
        return outcome(r.version(), r.created());
    }

    @Delete
    public MethodOutcome delete(@IdParam IdType id) {
        ResourceStore.Version v = store.delete(typeName, id.getIdPart());
        OperationOutcome oo = new OperationOutcome();
        oo.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                .setCode(OperationOutcome.IssueType.INFORMATIONAL)
                .setDiagnostics(v == null
                        ? "Nothing to delete: " + typeName + "/" + id.getIdPart()
                        : "Deleted " + typeName + "/" + id.getIdPart() + " (version " + v.versionId + ")");
        MethodOutcome mo = new MethodOutcome();
        if (v != null) {
            mo.setId(new IdType(typeName, v.id, String.valueOf(v.versionId)));
        }
        mo.setOperationOutcome(oo);
        return mo;
    }

    /** {type}/{id}/_history */
    @History
    public IBundleProvider instanceHistory(@IdParam IdType id, @Since Date since) {
        return historyBundle(store.history(typeName, id.getIdPart(), since));
    }

    /** {type}/_history */
    @History
    public IBundleProvider typeHistory(@Since Date since) {
        return historyBundle(store.history(typeName, null, since));
    }

    /**
     * Search supporting _id (comma = OR), _lastUpdated (prefixes eq ne gt ge lt le sa eb ap; several
     * parameters are ANDed) and _sort on _lastUpdated / _id. Other parameters are ignored.
     * _count and paging are handled by HAPI with the server's paging provider.
     */
    @Search(allowUnknownParams = true)
    public IBundleProvider search(
            @OptionalParam(name = "_id") TokenAndListParam ids,
            @OptionalParam(name = "_lastUpdated") DateAndListParam lastUpdated,
            @Sort SortSpec sort) {
        Predicate<ResourceStore.Version> filter = idFilter(ids).and(lastUpdatedFilter(lastUpdated));
        List<ResourceStore.Version> hits = store.current(typeName, filter);
        if (sort != null) {
            hits.sort(comparator(sort));
            switch (faults.sortMode()) {
                case REVERSE -> Collections.reverse(hits);
                case SHUFFLE -> Collections.shuffle(hits);
                default -> { }
            }
        }
        List<IBaseResource> out = new ArrayList<>(hits.size());
        for (ResourceStore.Version v : hits) {
            out.add(v.copyResource());
        }
        return new SimpleBundleProvider(out);
    }

    // ---------------------------------------------------------------- helpers

    private MethodOutcome outcome(ResourceStore.Version v, boolean created) {
        MethodOutcome mo = new MethodOutcome();
        mo.setId(new IdType(typeName, v.id, String.valueOf(v.versionId)));
        mo.setCreated(created);
        mo.setResource(v.copyResource());
        return mo;
    }

    private IBundleProvider historyBundle(List<ResourceStore.Version> versions) {
        List<IBaseResource> out = new ArrayList<>(versions.size());
        for (ResourceStore.Version v : versions) {
            Resource r;
            BundleEntryTransactionMethodEnum method;
            if (!v.deleted()) {
                r = v.copyResource();
                method = v.versionId == 1 ? BundleEntryTransactionMethodEnum.POST : BundleEntryTransactionMethodEnum.PUT;
            } else {
                // A deletion: HAPI drops the resource from the entry and writes request.method DELETE.
                r = (Resource) ctx.getResourceDefinition(typeName).newInstance();
                r.setId(new IdType(typeName, v.id, String.valueOf(v.versionId)));
                method = BundleEntryTransactionMethodEnum.DELETE;
            }
            ResourceMetadataKeyEnum.ENTRY_TRANSACTION_METHOD.put(r, method);
            out.add(r);
        }
        return new SimpleBundleProvider(out);
    }

    private static Predicate<ResourceStore.Version> idFilter(TokenAndListParam ids) {
        if (ids == null) {
            return v -> true;
        }
        List<Set<String>> and = new ArrayList<>();
        for (TokenOrListParam or : ids.getValuesAsQueryTokens()) {
            Set<String> set = new HashSet<>();
            for (TokenParam t : or.getValuesAsQueryTokens()) {
                String value = t.getValue();
                if (value == null) {
                    continue;
                }
                for (String part : value.split(",")) {
                    String p = part.trim();
                    if (!p.isEmpty()) {
                        set.add(new IdType(p).getIdPart()); // accepts "123" and "Type/123"
                    }
                }
            }
            and.add(set);
        }
        return v -> {
            for (Set<String> s : and) {
                if (!s.contains(v.id)) {
                    return false;
                }
            }
            return true;
        };
    }

    private static Predicate<ResourceStore.Version> lastUpdatedFilter(DateAndListParam params) {
        if (params == null) {
            return v -> true;
        }
        List<List<DateParam>> and = new ArrayList<>();
        for (DateOrListParam or : params.getValuesAsQueryTokens()) {
            and.add(new ArrayList<>(or.getValuesAsQueryTokens()));
        }
        return v -> {
            long t = v.lastUpdated.getTime();
            for (List<DateParam> or : and) {
                boolean any = false;
                for (DateParam p : or) {
                    if (matches(p, t)) {
                        any = true;
                        break;
                    }
                }
                if (!any) {
                    return false;
                }
            }
            return true;
        };
    }

    /**
     * FHIR date search semantics: the parameter value stands for the range [start, end) implied
     * by its precision (a full instant is a 1 ms range); the resource's lastUpdated is an instant.
     */
    static boolean matches(DateParam p, long t) {
        if (p.getValue() == null) {
            return true;
        }
        TemporalPrecisionEnum prec = p.getPrecision() == null ? TemporalPrecisionEnum.MILLI : p.getPrecision();
        long start = p.getValue().getTime();
        long end = prec.add(p.getValue(), 1).getTime();
        ParamPrefixEnum prefix = p.getPrefix() == null ? ParamPrefixEnum.EQUAL : p.getPrefix();
        return switch (prefix) {
            case EQUAL, APPROXIMATE -> t >= start && t < end;
            case NOT_EQUAL -> t < start || t >= end;
            case GREATERTHAN, STARTS_AFTER -> t >= end;
            case GREATERTHAN_OR_EQUALS -> t >= start;
            case LESSTHAN, ENDS_BEFORE -> t < start;
            case LESSTHAN_OR_EQUALS -> t < end;
        };
    }

    private static Comparator<ResourceStore.Version> comparator(SortSpec spec) {
        Comparator<ResourceStore.Version> c = null;
        for (SortSpec s = spec; s != null; s = s.getChain()) {
            Comparator<ResourceStore.Version> one = switch (s.getParamName()) {
                case "_lastUpdated" -> Comparator.<ResourceStore.Version>comparingLong(v -> v.lastUpdated.getTime())
                        .thenComparingLong(v -> v.seq);
                case "_id" -> (a, b) -> compareIds(a.id, b.id);
                default -> throw new InvalidRequestException(
                        "Unsupported _sort parameter '" + s.getParamName() + "': this test server sorts on _lastUpdated and _id only");
            };
            if (s.getOrder() == SortOrderEnum.DESC) {
                one = one.reversed();
            }
            c = c == null ? one : c.thenComparing(one);
        }
        return c;
    }

    /** Numeric ids in numeric order, others lexically, numeric before non-numeric. */
    private static int compareIds(String a, String b) {
        boolean na = a.chars().allMatch(Character::isDigit);
        boolean nb = b.chars().allMatch(Character::isDigit);
        if (na && nb) {
            int byLen = Integer.compare(a.length(), b.length());
            return byLen != 0 ? byLen : a.compareTo(b);
        }
        if (na != nb) {
            return na ? -1 : 1;
        }
        return a.compareTo(b);
    }
}
