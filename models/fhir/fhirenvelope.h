#pragma once

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

// A record that cannot be read as a FHIR event. `reason` is a stable code for dead letters.
class EnvelopeError : public std::runtime_error {
public:
    EnvelopeError(std::string reason, const std::string &message)
        : std::runtime_error(message), m_reason(std::move(reason)) {}
    const std::string &reason() const { return m_reason; }

private:
    std::string m_reason;
};

// A clinical event as it arrives on an input topic: the seed envelope
// {"event_type","resource_type","resource_id","patient_id","timestamp","fhir_resource"}
// or a bare FHIR resource (top-level "resourceType"). Both read the same way.
struct FhirEnvelope {
    std::string eventType;    // empty for a bare resource
    std::string resourceType;
    std::string resourceId;
    std::string patientId;    // empty when no patient rule applies
    std::string timestamp;    // the envelope's timestamp; empty for a bare resource
    nlohmann::json resource;
    bool bare = false;

    // Throws EnvelopeError with reason "not-json", "not-object" or "no-resource".
    static FhirEnvelope parse(std::string_view bytes);
    static FhirEnvelope fromJson(nlohmann::json document);
};

// DESIGN.md's patient id rules for a resource without an envelope: the id of a Patient,
// else subject.reference "Patient/{id}" or an absolute URL ending in "/Patient/{id}".
// Contained ("#…") and Group references do not count. Empty when none applies.
std::string patientIdOfResource(const nlohmann::json &resource);

// The id in "{resourceType}/{id}" or an absolute URL ending in "/{resourceType}/{id}", without
// a version ("/_history/…"); empty for any other reference.
std::string idOfReference(std::string_view reference, std::string_view resourceType);

// The id in a reference to a Patient, or empty.
std::string patientIdOfReference(std::string_view reference);
