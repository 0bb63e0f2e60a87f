#pragma once

#include "clinical/evaluatorreport.h"

#include <QHash>

#include <deque>
#include <limits>
#include <optional>

// The last hour of evaluated results per LOINC code, in each rule's unit, so the threshold editor
// can count how a rule classifies them now and how edited limits would. Bounded in time and count.
class RuleActivity {
public:
    struct Counts {
        int normal = 0;
        int criticalLow = 0;
        int criticalHigh = 0;
        int flipped = 0; // classified differently under the candidate limits
    };
    struct Limits {
        std::optional<double> low;
        std::optional<double> high;
    };

    explicit RuleActivity(qint64 windowMs = 3'600'000, int capacityPerCode = 50'000);

    void record(const QList<EvaluatedValue> &values);
    // Forgets what is older than the window, measured back from nowMs. Results arrive from many
    // partitions, not quite in time order: count() skips old ones that are not yet trimmed.
    void expire(qint64 nowMs);
    Counts count(const QStringList &loincCodes, const Limits &current, const Limits &candidate) const;
    int size() const;

private:
    struct Sample {
        double value;
        qint64 timestampMs;
    };
    qint64 m_windowMs;
    qint64 m_cutoffMs = std::numeric_limits<qint64>::min();
    int m_capacityPerCode;
    QHash<QString, std::deque<Sample>> m_samples;
};
