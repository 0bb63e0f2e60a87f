#pragma once

#include "clinical/alert.h"
#include "wall/wallfeed.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

class UnitCensus;

// When an unacknowledged alert escalates, per unit.
struct EscalationPolicy {
    std::int64_t firstMs = 15 * 60'000;
    std::int64_t secondMs = 30 * 60'000;

    int levelAfter(std::int64_t waitingMs) const; // 0, 1 or 2

    bool operator==(const EscalationPolicy &) const = default;
};

struct AlertBoardLimits {
    std::int64_t resolvedLingerMs = 2 * 60'000; // the board shows a resolved or retracted alert leaving
    std::int64_t retentionMs = 10 * 60'000;     // after which a resolved or retracted alert is forgotten
    std::size_t capacity = 20'000;              // beyond it closed, then acknowledged, then open alerts go (oldest first)
};

// What a batch changed that a person must notice: the display chimes and highlights these.
struct BoardChange {
    std::vector<std::string> newlyOpen;
};

// One line of a unit's board, every text minimum necessary (CLINICAL.md, "wall display").
struct BoardRow {
    enum class Direction : std::uint8_t { Up, Down };

    Alert alert;
    std::string room;
    std::string bed;
    std::string patient;   // patientLabel()
    std::string analyte;
    std::string valueText; // "> 6.9 mmol/L"
    std::string number;    // "> 6.9"
    std::string unit;      // "mmol/L"; an annotation unit without its braces ("INR")
    Direction direction = Direction::Up;
    std::int64_t resultTimeMs = 0; // issued, else effective, else when evaluated
    std::int64_t ageMs = 0;        // since the result
    std::int64_t waitingMs = 0;    // open: since the alert was raised; 0 otherwise
    int escalation = 0;            // 0, 1, 2; only open alerts escalate

    AlertState state() const { return alert.state; }
    const std::string &ackedBy() const { return alert.ackedBy; }
};

// The charge nurse's line for a unit; unit "" gathers alerts of patients on no census.
struct UnitSummary {
    std::string unit;
    int admitted = 0;
    int open = 0;
    int acknowledged = 0;
    std::optional<std::int64_t> oldestUnacknowledgedWaitMs;
    int maxEscalation = 0;

    bool operator==(const UnitSummary &) const = default;
};

// The latest state of every alert on healthcare.alerts.critical, by alert id, and the boards built
// from it. Records may repeat, arrive during a rebuild from the topic's beginning, or carry an
// amendment of an alert someone already acknowledged: the lifecycle never goes backwards.
class AlertBoard {
public:
    explicit AlertBoard(AlertBoardLimits limits = {});

    // `live` is false while the board is rebuilt from the topic's beginning: nothing is new then.
    BoardChange apply(const std::vector<Alert> &alerts, bool live, std::int64_t nowMs);

    void setDefaultPolicy(const EscalationPolicy &policy) { m_defaultPolicy = policy; }
    void setPolicy(const std::string &unit, const EscalationPolicy &policy) { m_policies[unit] = policy; }
    const EscalationPolicy &policyFor(const std::string &unit) const;

    // The patient's ward on the census, else the ward named by the alert's location.
    static std::string unitOf(const Alert &alert, const UnitCensus &census);
    // The lifecycle's order (open 0, acknowledged 1, resolved and retracted 2): a board never goes back.
    static int lifecycleRank(AlertState state);
    // unitOf() of each alert, in order; the census's wards are gathered once.
    static std::vector<std::string> unitsOf(const std::vector<Alert> &alerts, const UnitCensus &census);
    // Open, acknowledged, then lingering resolved and retracted alerts of the unit, in board order.
    std::vector<BoardRow> rows(const std::string &unit, const UnitCensus &census, std::int64_t nowMs) const;
    // Every census ward, every ward an alert names, and "" when alerts have no unit; by unit name, "" last.
    std::vector<UnitSummary> summaries(const UnitCensus &census, std::int64_t nowMs) const;

    std::vector<Alert> all() const; // by alert id
    const Alert *find(const std::string &alertId) const;
    std::size_t size() const { return m_alerts.size(); }
    // Open alerts forgotten because the board was full: a display says so rather than hide it.
    std::size_t evictedOpen() const { return m_evictedOpen; }

    // Forgets resolved and retracted alerts closed more than the retention ago.
    void expire(std::int64_t nowMs);

    void setPatientLabelPolicy(const PatientLabelPolicy &policy) { m_labelPolicy = policy; }

private:
    struct Known {
        Alert alert;
        std::int64_t closedAtMs = 0; // resolved or retracted: when; the board's clock if the record has no time
    };

    void merge(const Alert &incoming, std::int64_t nowMs);
    void evictBeyondCapacity();
    BoardRow rowOf(const Known &known, const std::string &unit, const UnitCensus &census, std::int64_t nowMs) const;
    bool onBoard(const Known &known, std::int64_t nowMs) const;

    AlertBoardLimits m_limits;
    EscalationPolicy m_defaultPolicy;
    std::map<std::string, EscalationPolicy> m_policies;
    PatientLabelPolicy m_labelPolicy;
    std::unordered_map<std::string, Known> m_alerts;
    std::size_t m_evictedOpen = 0;
};
