#pragma once

#include "fhir/fhirdatetime.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

// Where a record was read: the coordinates that let anyone find the original in Kafka.
struct RecordSource {
    std::string topic;
    int partition = -1;
    std::int64_t offset = -1;

    bool operator==(const RecordSource &) const = default;
};

// open -> acknowledged -> resolved; open or acknowledged -> retracted (the result was withdrawn).
enum class AlertState : std::uint8_t { Open, Acknowledged, Resolved, Retracted };
enum class AlertSeverity : std::uint8_t { CriticalLow, CriticalHigh, Delta };

std::string_view alertStateName(AlertState state);                 // "open", "acknowledged", ...
std::optional<AlertState> alertStateFromName(std::string_view name);
std::string_view alertSeverityName(AlertSeverity severity);        // "critical-low", "critical-high", "delta"
// How far along the lifecycle is: open 0, acknowledged 1, resolved or retracted 2.
int lifecycleRank(AlertState state);
std::optional<AlertSeverity> alertSeverityFromName(std::string_view name);

// An alert record that cannot be read (fromJson).
class AlertError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct AlertChange;

// One critical-value or delta alert, as published on healthcare.alerts.critical (key = alertId).
// A lifecycle change is a new value of the same alert: the transition functions return a changed copy.
struct Alert {
    std::string alertId;
    AlertState state = AlertState::Open;
    AlertSeverity severity = AlertSeverity::CriticalHigh;
    bool late = false;             // the result was issued more than the evaluator's horizon ago
    std::string patientId;
    std::string encounterId;       // empty when the Observation names no encounter
    std::string location;          // empty until someone who knows the encounter's bed fills it in
    std::string observationId;
    std::string loinc;             // the code that matched the rule
    std::string display;           // the rule's display
    double value = 0.0;            // in `unit`, the rule's unit
    std::string comparator;        // "<", "<=", ">=", ">" when the lab reported a bound
    std::string unit;
    double limit = 0.0;            // the limit that was crossed, in `unit`
    std::string thresholdSetName;
    int thresholdSetVersion = 0;
    std::string effective;         // as the Observation gave them (FHIR dateTime, instant)
    std::string issued;
    std::int64_t evaluatedAtMs = 0; // when the alert was raised (an amendment keeps it; a correction is raised anew)
    std::string ackedBy;
    std::optional<std::int64_t> ackedAtMs;
    bool readBack = false;         // the acknowledging clinician read the value back
    std::string resolvedBy;
    std::optional<std::int64_t> resolvedAtMs;
    std::string retractionReason;  // the Observation status that withdrew the result
    std::optional<std::int64_t> retractedAtMs;
    std::optional<double> baseline; // delta alerts: the earlier value the change is measured from
    int stage = 0;                  // delta alerts: the KDIGO stage 1..3; 0 otherwise
    // An amended or corrected result about the same observation: the value is the new one, and the
    // value before it is kept. Corrected: the result is no longer critical; the alert is open again
    // until someone acknowledges the correction (a corrected critical value is communicated too).
    bool amended = false;
    std::optional<double> previousValue;
    bool corrected = false;
    RecordSource source;

    bool operator==(const Alert &) const = default;

    // Stable and deterministic: one id per observation, matched code and kind (critical or delta),
    // so a re-evaluated record, an amendment or a restart all update the same compacted key.
    // `observationKey` is the Observation id, or the record's coordinates when it has none.
    static std::string makeId(std::string_view observationKey, std::string_view loinc, bool delta);

    // Whether a result issued at `issued` (else effective at `effective`) is older than `horizonMs`
    // at `evaluatedAtMs`. False when neither time can be read.
    static bool isLate(std::string_view issued, std::string_view effective, std::int64_t evaluatedAtMs,
                       std::int64_t horizonMs);

    // The record format of DESIGN.md ("Data contracts"); empty optional texts are null.
    nlohmann::json toJson() const;
    // Throws AlertError naming the field. Unknown keys are ignored so that newer writers can add fields.
    static Alert fromJson(const nlohmann::json &json);
    static Alert parse(std::string_view text); // the record's value bytes; throws AlertError

    // Each refuses (an AlertChange with an error and no alert) a transition the lifecycle does not allow.
    AlertChange acknowledge(std::string_view by, std::int64_t atMs, bool readBackConfirmed) const;
    AlertChange resolve(std::string_view by, std::int64_t atMs) const;
    AlertChange retract(std::string_view reason, std::int64_t atMs) const;

    // What is known of this alert after `later`, another record of it: the values of the later
    // evaluation, and the lifecycle that is further along, so that a record never moves an alert
    // backwards (an amendment keeps the acknowledgement). A correction starts the lifecycle anew.
    Alert combinedWith(const Alert &later) const;
    // This alert's values with `other`'s lifecycle: state, who acknowledged, resolved or retracted it, and when.
    Alert withLifecycleOf(const Alert &other) const;
};

// The outcome of a lifecycle transition: the changed alert, or why it was refused.
struct AlertChange {
    std::optional<Alert> alert;
    std::string error;

    explicit operator bool() const { return alert.has_value(); }
};
