#pragma once

#include "clinical/criticalvalueevaluator.h"

#include <QList>
#include <QMap>
#include <QString>

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

class QIODevice;

// One rule of either set, with what the replayed range gave under each.
struct WhatIfRuleCounts {
    QString display;
    QString codes; // "2823-3, 6298-4"
    QString unit;
    std::optional<double> liveLow, liveHigh;           // absent: no such limit (or no such rule) in the live set
    std::optional<double> candidateLow, candidateHigh;
    bool inLive = false;
    bool inCandidate = false;
    qint64 evaluated = 0; // results a rule of either set applied to, with a value
    qint64 liveCriticalLow = 0, liveCriticalHigh = 0;
    qint64 candidateCriticalLow = 0, candidateCriticalHigh = 0;
    qint64 added = 0;   // critical under the candidate, not (or not the same way) under the live set
    qint64 removed = 0; // critical under the live set, not (or not the same way) under the candidate
};

// A result whose alert appears or vanishes under the candidate set. The patient is masked already.
struct WhatIfChange {
    enum class Kind : std::uint8_t { Added, Removed };
    Kind kind = Kind::Added;
    QString patient; // masked
    QString analyte;
    double value = 0.0;
    QString unit;
    qint64 timestampMs = 0;
    Verdict live = Verdict::Normal;
    Verdict candidate = Verdict::Normal;
    QString topic;
    int partition = -1;
    qint64 offset = -1;
};

// Values of one rule in fixed bins between limits-derived bounds, with both sets' limits.
struct WhatIfHistogram {
    QString display;
    QString unit;
    double lower = 0.0;
    double upper = 1.0;
    QList<qint64> counts; // bins of equal width from lower to upper
    qint64 below = 0;     // values under lower
    qint64 above = 0;     // values at or over upper
    std::optional<double> liveLow, liveHigh, candidateLow, candidateHigh;

    double binWidth() const { return counts.isEmpty() ? 0.0 : (upper - lower) / double(counts.size()); }
};

struct WhatIfHourCount {
    qint64 live = 0;
    qint64 candidate = 0;
};

// What running one range through the live and a candidate threshold set gives: per rule counts,
// the changed alerts, critical alerts per hour under both, and per rule a value histogram.
// A value type: built on the replay's worker thread, copied to the GUI thread as a snapshot.
// Memory is bounded: at most changeCapacity changes are kept (the rest are counted in changesLeftOut),
// histograms have fixed bins, and at most MaxHours hourly buckets are kept (later hours are counted
// in hoursLeftOut).
class WhatIfComparison {
public:
    static constexpr int MaxHours = 24 * 400;

    WhatIfComparison() = default;
    WhatIfComparison(std::shared_ptr<const ThresholdSet> live, std::shared_ptr<const ThresholdSet> candidate,
                     int changeCapacity = 2000, int histogramBins = 40);

    // One record, evaluated under the live set and under the candidate set.
    void add(const Evaluation &live, const Evaluation &candidate, qint64 timestampMs, const RecordSource &source);

    const std::shared_ptr<const ThresholdSet> &live() const { return m_live; }
    const std::shared_ptr<const ThresholdSet> &candidate() const { return m_candidate; }
    QString liveName() const;
    QString candidateName() const;

    qint64 records() const { return m_records; }
    qint64 evaluated() const { return m_evaluated; }
    qint64 liveAlerts() const { return m_liveAlerts; }
    qint64 candidateAlerts() const { return m_candidateAlerts; }
    qint64 added() const { return m_added; }
    qint64 removed() const { return m_removed; }

    const QList<WhatIfRuleCounts> &rules() const { return m_rules; }
    const QList<WhatIfChange> &changes() const { return m_changes; }
    qint64 changesLeftOut() const { return m_changesLeftOut; }
    int changeCapacity() const { return m_changeCapacity; }
    // Key: the hour's first millisecond (UTC, from the record timestamp).
    const QMap<qint64, WhatIfHourCount> &alertsPerHour() const { return m_hours; }
    qint64 hoursLeftOut() const { return m_hoursLeftOut; }
    // For rules()[rule]; an empty histogram for a bad index.
    WhatIfHistogram histogram(int rule) const;

    // The comparison as CSV: the per rule table, then the changed alerts, then alerts per hour,
    // each under its own header row, separated by an empty line.
    QByteArray toCsv() const;

private:
    int rowFor(const std::string &code) const;

    std::shared_ptr<const ThresholdSet> m_live;
    std::shared_ptr<const ThresholdSet> m_candidate;
    int m_changeCapacity = 2000;
    QList<WhatIfRuleCounts> m_rules;
    QList<WhatIfHistogram> m_histograms;
    std::unordered_map<std::string, int> m_rowByCode;
    QList<WhatIfChange> m_changes;
    qint64 m_changesLeftOut = 0;
    QMap<qint64, WhatIfHourCount> m_hours;
    qint64 m_hoursLeftOut = 0;
    qint64 m_records = 0;
    qint64 m_evaluated = 0;
    qint64 m_liveAlerts = 0;
    qint64 m_candidateAlerts = 0;
    qint64 m_added = 0;
    qint64 m_removed = 0;
};
