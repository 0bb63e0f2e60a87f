#pragma once

#include "schemas/schemacatalog.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

// Checks the JSON events Vigil produces against their topic's schema before they are sent.
// Topic T uses the latest version of subject "T-value" in the catalog. An event is mapped onto the
// schema's flat record (patient, LOINC code, value, ... taken from the seed envelope or a bare FHIR
// resource, the resource itself kept whole in `fhir_resource`) and that record is validated.
// Topics without a subject (fhir.other, labs.processed, dlq) and DiagnosticReports on labs.results
// are not covered: refusal() lets them through.
class SchemaEnforcer {
public:
    explicit SchemaEnforcer(SchemaCatalog catalog);

    // One enforcer over SchemaCatalog::bundled(), shared by every producer in the process.
    static std::shared_ptr<const SchemaEnforcer> bundled();

    // nullopt when the event may be produced; else why it is refused, for the user
    // ("healthcare.labs.results (FhirObservationEvent v2): the lab result names no patient (`patient_id` ...)").
    // A value in the Confluent wire format must decode with a version of the topic's subject.
    std::optional<std::string> refusal(std::string_view topic, std::string_view value) const;

    struct Projection {
        const CatalogEntry *entry = nullptr; // the schema applied; null when the topic is not covered
        nlohmann::json datum;                // the Avro record as JSON (AvroCodec encodes it)
        std::string refusal;                 // empty when valid
    };
    // The record the event maps to on its topic's schema, and whether it is valid.
    Projection project(std::string_view topic, std::string_view jsonValue) const;

    bool covers(std::string_view topic) const;
    const SchemaCatalog &catalog() const { return m_catalog; }

private:
    std::optional<std::string> wireFormatRefusal(std::string_view topic, std::string_view value) const;

    SchemaCatalog m_catalog;
};
