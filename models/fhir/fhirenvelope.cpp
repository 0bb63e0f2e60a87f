#include "fhir/fhirenvelope.h"

namespace {

std::string stringMember(const nlohmann::json &object, const char *name)
{
    const auto it = object.find(name);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool isAbsoluteUrl(std::string_view reference)
{
    return reference.starts_with("http://") || reference.starts_with("https://");
}

} // namespace

std::string idOfReference(std::string_view reference, std::string_view resourceType)
{
    // A versioned reference "Patient/1/_history/2" names the same resource.
    if (const auto history = reference.find("/_history/"); history != std::string_view::npos)
        reference = reference.substr(0, history);

    const std::string prefix = std::string(resourceType) + '/';
    std::string_view id;
    if (reference.starts_with(prefix)) {
        id = reference.substr(prefix.size());
    } else if (isAbsoluteUrl(reference)) {
        const auto at = reference.rfind('/' + prefix);
        if (at == std::string_view::npos)
            return {};
        id = reference.substr(at + 1 + prefix.size());
    } else {
        return {};
    }
    if (id.empty() || id.find('/') != std::string_view::npos)
        return {};
    return std::string(id);
}

std::string patientIdOfReference(std::string_view reference)
{
    return idOfReference(reference, "Patient");
}

std::string patientIdOfResource(const nlohmann::json &resource)
{
    if (!resource.is_object())
        return {};
    if (stringMember(resource, "resourceType") == "Patient")
        return stringMember(resource, "id");
    const auto subject = resource.find("subject");
    if (subject == resource.end() || !subject->is_object())
        return {};
    return patientIdOfReference(stringMember(*subject, "reference"));
}

FhirEnvelope FhirEnvelope::parse(std::string_view bytes)
{
    auto document = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded())
        throw EnvelopeError("not-json", "value is not valid JSON");
    return fromJson(std::move(document));
}

FhirEnvelope FhirEnvelope::fromJson(nlohmann::json document)
{
    if (!document.is_object())
        throw EnvelopeError("not-object", "value is JSON but not an object");

    FhirEnvelope envelope;
    if (const auto wrapped = document.find("fhir_resource"); wrapped != document.end()) {
        if (!wrapped->is_object() || !wrapped->contains("resourceType"))
            throw EnvelopeError("no-resource", "fhir_resource is not a FHIR resource");
        envelope.eventType = stringMember(document, "event_type");
        envelope.timestamp = stringMember(document, "timestamp");
        envelope.patientId = stringMember(document, "patient_id");
        envelope.resource = std::move(*wrapped);
    } else if (document.contains("resourceType")) {
        envelope.bare = true;
        envelope.resource = std::move(document);
    } else {
        throw EnvelopeError("no-resource", "neither a seed envelope nor a FHIR resource");
    }

    envelope.resourceType = stringMember(envelope.resource, "resourceType");
    if (envelope.resourceType.empty())
        throw EnvelopeError("no-resource", "resourceType is missing or not a string");
    envelope.resourceId = stringMember(envelope.resource, "id");
    if (envelope.patientId.empty())
        envelope.patientId = patientIdOfResource(envelope.resource);
    return envelope;
}
