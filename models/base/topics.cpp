#include "base/topics.h"

namespace Topics {

std::string_view forResourceType(std::string_view resourceType)
{
    if (resourceType == "Patient" || resourceType == "Encounter")
        return Adt;
    if (resourceType == "Observation" || resourceType == "DiagnosticReport")
        return LabResults;
    if (resourceType == "MedicationRequest")
        return MedicationOrders;
    return FhirOther;
}

const std::vector<TopicSpec> &recommendedLayout()
{
    constexpr long long day = 24LL * 60 * 60 * 1000;
    static const std::vector<TopicSpec> layout = {
        {Adt, 12, 30 * day, false},
        {LabResults, 8, 90 * day, false},
        {CriticalAlerts, 6, -1, true},
        {MedicationOrders, 8, 90 * day, false},
        {FhirOther, 6, 30 * day, false},
        {LabsProcessed, 8, 90 * day, false},
        {DeadLetters, 3, 90 * day, false},
        {EvaluatorState, 8, -1, true}, // as many partitions as LabResults: partition p keeps the patients of input p
        {IngestCursors, 3, -1, true},
        {Audit, 3, 6 * 365 * day, false},
    };
    return layout;
}

} // namespace Topics
