#pragma once

#include "clinical/alert.h"
#include "clinical/creatininedelta.h"
#include "clinical/patientmemory.h"
#include "clinical/thresholdset.h"

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct FhirEnvelope;

// What the evaluator concluded about one record.
enum class Verdict : std::uint8_t {
    Normal,        // a rule applied and the value is within its limits
    CriticalLow,
    CriticalHigh,
    NotApplicable, // a FHIR resource other than Observation
    NotFinal,      // status is not final, amended or corrected
    NoRule,        // no LOINC coding that the threshold set names
    NoValue,       // a rule applied but the result carries no valueQuantity.value
    DeadLetter,    // cannot be evaluated safely: goes to healthcare.dlq with a reason
};

// "normal", "critical-low", "critical-high", "not-applicable", "not-final", "no-rule", "no-value", "dead-letter".
std::string_view verdictName(Verdict verdict);

// Dead-letter reason codes. Stable: they travel in the DLQ headers and dashboards count them.
namespace DeadLetterReason {
inline constexpr std::string_view NotJson = "not-json";           // the value is not valid JSON
inline constexpr std::string_view NotObject = "not-object";       // JSON, but not an object
inline constexpr std::string_view NoResource = "no-resource";     // neither seed envelope nor FHIR resource
inline constexpr std::string_view NoPatient = "no-patient";       // an Observation naming no patient
inline constexpr std::string_view BadValue = "bad-value";         // valueQuantity, its value or comparator malformed,
                                                                  // or a number beyond the range of a double
inline constexpr std::string_view MissingUnit = "missing-unit";   // a value with no unit at all
inline constexpr std::string_view UnknownUnit = "unknown-unit";   // a unit that is not a UCUM code Vigil knows
inline constexpr std::string_view UnitMismatch = "unit-mismatch"; // a known unit with no conversion to the rule's
inline constexpr std::string_view InternalError = "internal-error"; // the evaluator itself failed (a bug)
inline constexpr std::string_view AlertRefused = "alert-refused";   // the alert it raised broke the alerts topic's schema
} // namespace DeadLetterReason

struct Evaluation {
    Verdict verdict = Verdict::DeadLetter;
    std::string deadLetterReason;  // one of DeadLetterReason, for a dead letter only
    std::string deadLetterMessage; // for people; names fields and units, never patients or values
    // To publish on healthcare.alerts.critical, in order: a critical alert and/or a delta alert, or the
    // retractions of the alerts raised for an Observation that was cancelled or entered in error.
    std::vector<Alert> alerts;

    // What was evaluated, for healthcare.labs.processed; empty where not known.
    std::string resourceType;
    std::string observationId;
    std::string patientId;
    std::string loinc;           // the code that matched a rule
    std::optional<double> value; // converted to the rule's unit
    std::string unit;

    std::string_view verdictName() const { return ::verdictName(verdict); }
};

struct EvaluatorOptions {
    enum class Parser : std::uint8_t {
        Fast,      // simdjson when Vigil is built with it, else the reference parser
        Reference, // nlohmann/json through FhirEnvelope
    };

    std::int64_t lateHorizonMs = 24LL * 3600 * 1000; // an alert on a result issued earlier is marked late
    std::size_t openAlertCapacity = 20'000;          // observations whose alerts can still be retracted
    std::size_t deltaPatients = 20'000;
    std::size_t deltaValuesPerPatient = 32;
    Parser parser = Parser::Fast;
};

// Evaluates lab results against a threshold set and the creatinine delta rule. Pure domain code for the
// evaluator job's worker thread: no clock (nowMs is given), no I/O. Not thread-safe; one per worker.
//
// Memory is bounded. Besides CreatinineDelta's histories, it remembers the alerts raised for the last
// openAlertCapacity observations so that a later cancelled or entered-in-error status can retract them;
// an observation pushed out of that memory is not retracted automatically (its alert stays for a person).
// The fast reader keeps one parse buffer, at most 4 MiB; larger records are read by the reference reader.
//
// With simdjson (built with VIGIL_WITH_SIMDJSON) records are read by simdjson's DOM parser, which validates
// the whole document as nlohmann does; whatever it cannot read goes to the reference reader, which then
// decides the dead letter. Both readers give the same Evaluation for the same bytes (tested).
class CriticalValueEvaluator {
public:
    // Throws std::invalid_argument when thresholds is null.
    explicit CriticalValueEvaluator(std::shared_ptr<const ThresholdSet> thresholds, EvaluatorOptions options = {});
    ~CriticalValueEvaluator();
    CriticalValueEvaluator(const CriticalValueEvaluator &) = delete;
    CriticalValueEvaluator &operator=(const CriticalValueEvaluator &) = delete;

    // Swaps the set between batches; alert ids do not depend on it. Throws std::invalid_argument on null.
    void setThresholds(std::shared_ptr<const ThresholdSet> thresholds);
    const std::shared_ptr<const ThresholdSet> &thresholds() const { return m_thresholds; }

    // Never throws: whatever cannot be evaluated safely comes back as a dead letter with a reason.
    Evaluation evaluate(std::string_view recordValue, const RecordSource &source, std::int64_t nowMs);

    // Whether this build has the simdjson parser behind EvaluatorOptions::Parser::Fast.
    static bool fastParserAvailable();
    bool usesFastParser() const { return m_fast != nullptr; }

    std::size_t rememberedObservations() const { return m_remembered.size(); }

    // An alert as the alerts topic has it now: published by an evaluator, or changed by a person on a
    // display. The memory of its observation follows it, so that a later amendment, correction or
    // withdrawal of that result starts from the alert's latest state: an amended result that is still
    // critical keeps the acknowledgement (amended, with the previous value); one that is no longer
    // critical opens the alert again as corrected, for someone to acknowledge the correction.
    void observe(const Alert &published);
    // The patients whose memory (PatientMemory) changed since the last call, for the state topic.
    std::vector<PatientMemory> takeChangedMemories();
    // A patient's memory as the state topic kept it: replaces what is known of the patient.
    void restore(const PatientMemory &memory);
    const CreatinineDelta &creatinineDelta() const { return m_delta; }

    struct Facts; // what one record says, whichever parser read it
    struct Comparison {
        Verdict verdict = Verdict::Normal;
        double limit = 0.0; // the limit that was crossed
    };

private:
    class FastReader;
    struct Remembered {
        std::vector<Alert> alerts;
        std::list<std::string>::iterator age;
    };
    // The UCUM code of a result's unit, or the dead-letter reason and why.
    struct UnitOfResult {
        std::string_view code;
        std::string_view reason;
        std::string problem;
    };

    Evaluation evaluateRecord(std::string_view recordValue, const RecordSource &source, std::int64_t nowMs);
    static bool readReference(std::string_view recordValue, FhirEnvelope &envelope, Facts &facts,
                              Evaluation &evaluation);
    void decide(const Facts &facts, const RecordSource &source, std::int64_t nowMs, Evaluation &evaluation);
    const ThresholdRule *matchRule(const Facts &facts, Evaluation &evaluation) const;
    Alert criticalAlert(const Facts &facts, const ThresholdRule &rule, const Comparison &comparison,
                        const RecordSource &source, std::int64_t nowMs, const Evaluation &evaluation) const;
    std::optional<double> valueInRuleUnit(const Facts &facts, const ThresholdRule &rule,
                                          Evaluation &evaluation) const;
    static UnitOfResult unitOf(const Facts &facts);
    void withdraw(const Facts &facts, const RecordSource &source, std::int64_t nowMs, Evaluation &evaluation);
    void checkDelta(const Facts &facts, const RecordSource &source, std::int64_t nowMs, Evaluation &evaluation);
    Alert alertFor(const Facts &facts, const RecordSource &source, std::int64_t nowMs, std::string_view loinc,
                   bool delta) const;
    void remember(std::string_view observationId, const std::vector<Alert> &alerts);
    Remembered &rememberedFor(const std::string &observationId);
    void settle(const std::string &observationId, const RecordSource &source, std::int64_t nowMs, Evaluation &evaluation);

    std::shared_ptr<const ThresholdSet> m_thresholds;
    EvaluatorOptions m_options;
    CreatinineDelta m_delta;
    std::unique_ptr<Facts> m_facts; // reused, so reading a record allocates little
    std::unique_ptr<FastReader> m_fast;
    std::list<std::string> m_rememberedAge; // observation ids, most recent first
    std::unordered_map<std::string, Remembered> m_remembered;
};
