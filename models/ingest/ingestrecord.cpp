#include "ingest/ingestrecord.h"

#include "base/topics.h"
#include "fhir/fhirenvelope.h"
#include "ingest/jsonfields.h"
#include "ingest/notification.h"

namespace {

using nlohmann::json;
using JsonFields::metaAt;
using JsonFields::stringAt;

IngestRecord record(const json &resource, std::string_view eventType, std::string_view timestamp)
{
    const std::string type = stringAt(resource, "resourceType");
    const std::string id = stringAt(resource, "id");
    const std::string patient = patientIdOfResource(resource);
    json envelope = {
        {"event_type", eventType},
        {"resource_type", type},
        {"resource_id", id},
        {"patient_id", patient.empty() ? json(nullptr) : json(patient)},
        {"timestamp", timestamp},
        {"fhir_resource", resource},
    };
    IngestRecord out;
    out.topic = patient.empty() ? std::string(Topics::FhirOther) : std::string(Topics::forResourceType(type));
    out.key = patient.empty() ? type + '/' + id : patient;
    out.value = envelope.dump();
    return out;
}

} // namespace

std::string_view eventTypeOfMethod(std::string_view method)
{
    if (method == "POST")
        return "create";
    if (method == "DELETE")
        return "delete";
    return "update";
}

IngestRecord envelopeRecord(const json &resource, std::string_view method, std::string_view timestamp)
{
    return record(resource, eventTypeOfMethod(method), timestamp);
}

IngestRecord deletionRecord(std::string_view reference, std::string_view timestamp)
{
    const std::string relative = relativeReference(reference);
    const auto slash = relative.find('/');
    const json deleted = {{"resourceType", relative.substr(0, slash)},
                          {"id", slash == std::string::npos ? std::string() : relative.substr(slash + 1)}};
    return record(deleted, "delete", timestamp);
}

std::string versionKey(const json &resource)
{
    const std::string type = stringAt(resource, "resourceType");
    const std::string id = stringAt(resource, "id");
    if (type.empty() || id.empty())
        return {};
    if (const std::string version = metaAt(resource, "versionId"); !version.empty())
        return type + '/' + id + "/_history/" + version;
    if (const std::string updated = metaAt(resource, "lastUpdated"); !updated.empty())
        return type + '/' + id + '@' + updated;
    return {};
}

std::string deletionKey(std::string_view reference, std::string_view version)
{
    const std::string relative = relativeReference(reference);
    if (relative.empty())
        return {};
    return relative + "/_deleted" + (version.empty() ? std::string() : '/' + std::string(version));
}
