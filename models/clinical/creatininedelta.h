#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

// Why a creatinine value was flagged (KDIGO acute kidney injury, CLINICAL.md "Delta and trend rules").
struct CreatinineFinding {
    enum class Criterion : std::uint8_t {
        Rise48h,  // rose by at least 0.3 mg/dL over the lowest value of the 48 h before
        Ratio7d,  // at least 1.5 x the lowest value of the 7 days before
    };
    Criterion criterion = Criterion::Rise48h;
    double baselineMgPerDl = 0.0;   // the earlier value the change is measured from
    std::int64_t baselineAtMs = 0;
    double limitMgPerDl = 0.0;      // baseline + 0.3, or 1.5 x baseline
    int stage = 1;                  // KDIGO 1..3 (3: >= 3.0 x baseline or >= 4.0 mg/dL)
};

// The KDIGO delta rule for creatinine over each patient's recent values, placed in time by the
// Observation's effective (else issued) time, never the wall clock, so a replay finds what live did.
// Memory is bounded: at most maxPatients histories (the least recently updated is dropped first),
// each holding at most maxValuesPerPatient values of the last 7 days (the oldest is dropped first).
// Not thread-safe: one evaluator owns one instance.
class CreatinineDelta {
public:
    static constexpr std::int64_t kRiseWindowMs = 48LL * 3600 * 1000;
    static constexpr std::int64_t kRatioWindowMs = 7LL * 24 * 3600 * 1000;
    static constexpr double kRiseMgPerDl = 0.3;
    static constexpr double kRatio = 1.5;

    // One value of a patient's history. `observation` is a stable hash of the Observation id (0: none),
    // the same in every build, so that a history kept in Kafka is read back as it was written.
    struct Sample {
        std::int64_t atMs = 0;
        double mgPerDl = 0.0;
        std::uint64_t observation = 0;

        bool operator==(const Sample &) const = default;
    };

    explicit CreatinineDelta(std::size_t maxPatients = 20'000, std::size_t maxValuesPerPatient = 32);

    // Serum/plasma 2160-0 and blood 38483-4 (mass per volume, compared in mg/dL).
    static bool isCreatinine(std::string_view loinc);

    // Records a value and checks it against the patient's earlier ones. The same observation id again
    // (an amendment) replaces its earlier value. Non-positive or non-finite values are ignored.
    std::optional<CreatinineFinding> add(std::string_view patientId, std::string_view observationId,
                                         std::int64_t effectiveMs, double mgPerDl);

    // Drops a value whose Observation was cancelled or entered in error: it must not be a baseline.
    void forget(std::string_view patientId, std::string_view observationId);

    std::size_t patientCount() const { return m_byPatient.size(); }
    std::size_t valueCount(std::string_view patientId) const;

    // A patient's history, ordered by time (empty when unknown), and the same put back, as the
    // evaluator's state in Kafka keeps it: replaces what is known; an empty one forgets the patient.
    std::vector<Sample> samplesOf(std::string_view patientId) const;
    void restore(std::string_view patientId, std::vector<Sample> samples);
    // The patients whose history add() or forget() changed since the last call (restore() does not).
    std::vector<std::string> takeChanged();

private:
    struct History {
        std::string patientId;
        std::vector<Sample> samples; // ordered by time
    };
    struct IdHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view id) const { return std::hash<std::string_view>{}(id); }
    };
    using Recent = std::list<History>;

    History &historyOf(std::string_view patientId);
    static std::optional<CreatinineFinding> check(const std::vector<Sample> &samples, const Sample &value);
    void store(History &history, const Sample &value) const;

    std::size_t m_maxPatients;
    std::size_t m_maxValues;
    Recent m_recent; // most recently updated first
    std::unordered_map<std::string, Recent::iterator, IdHash, std::equal_to<>> m_byPatient;
    std::vector<std::string> m_changed; // since takeChanged(); a patient may repeat
};
