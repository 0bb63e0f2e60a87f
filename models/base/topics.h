#pragma once

#include <string_view>
#include <vector>

// The seed's topic layout (DESIGN.md, "Data contracts") and the resource-to-topic map.
namespace Topics {

inline constexpr std::string_view Adt = "healthcare.adt.events";
inline constexpr std::string_view LabResults = "healthcare.labs.results";
inline constexpr std::string_view LabsProcessed = "healthcare.labs.processed";
inline constexpr std::string_view CriticalAlerts = "healthcare.alerts.critical";
inline constexpr std::string_view MedicationOrders = "healthcare.medications.orders";
inline constexpr std::string_view FhirOther = "healthcare.fhir.other";
inline constexpr std::string_view DeadLetters = "healthcare.dlq";
// The evaluator's memory per patient (PatientMemory): compacted, partitioned like LabResults.
inline constexpr std::string_view EvaluatorState = "healthcare.evaluator.state";
// Where each FHIR REST poller is (PollCursor): compacted, one record per server and resource type.
inline constexpr std::string_view IngestCursors = "healthcare.ingest.cursors";
// The consoles' hash-chained audit entries (AuditTrail), keyed by chain; kept six years (HIPAA's
// retention of documentation), never compacted.
inline constexpr std::string_view Audit = "vigil.audit";

// Patient, Encounter -> adt; Observation, DiagnosticReport -> labs.results;
// MedicationRequest -> medications.orders; anything else -> fhir.other.
std::string_view forResourceType(std::string_view resourceType);

struct TopicSpec {
    std::string_view name;
    int partitions;
    long long retentionMs; // -1: kept forever (compacted topics)
    bool compacted;
};

// The recommended layout, in a stable order.
const std::vector<TopicSpec> &recommendedLayout();

} // namespace Topics
