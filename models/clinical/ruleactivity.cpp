#include "clinical/ruleactivity.h"

namespace {

enum class Class { Normal, Low, High };

Class classify(double value, const RuleActivity::Limits &limits)
{
    if (limits.low && value < *limits.low)
        return Class::Low;
    if (limits.high && value > *limits.high)
        return Class::High;
    return Class::Normal;
}

} // namespace

RuleActivity::RuleActivity(qint64 windowMs, int capacityPerCode)
    : m_windowMs(windowMs), m_capacityPerCode(capacityPerCode)
{
}

void RuleActivity::record(const QList<EvaluatedValue> &values)
{
    for (const auto &value : values) {
        auto &samples = m_samples[value.loinc];
        samples.push_back({value.value, value.timestampMs});
        if (int(samples.size()) > m_capacityPerCode)
            samples.pop_front();
    }
}

void RuleActivity::expire(qint64 nowMs)
{
    m_cutoffMs = nowMs - m_windowMs;
    for (auto &samples : m_samples) {
        while (!samples.empty() && samples.front().timestampMs < m_cutoffMs)
            samples.pop_front();
    }
}

RuleActivity::Counts RuleActivity::count(const QStringList &loincCodes, const Limits &current,
                                         const Limits &candidate) const
{
    Counts counts;
    for (const auto &code : loincCodes) {
        const auto it = m_samples.constFind(code);
        if (it == m_samples.constEnd())
            continue;
        for (const Sample &sample : *it) {
            if (sample.timestampMs < m_cutoffMs)
                continue;
            const Class now = classify(sample.value, current);
            counts.normal += now == Class::Normal;
            counts.criticalLow += now == Class::Low;
            counts.criticalHigh += now == Class::High;
            counts.flipped += now != classify(sample.value, candidate);
        }
    }
    return counts;
}

int RuleActivity::size() const
{
    int total = 0;
    for (const auto &samples : m_samples)
        total += int(samples.size());
    return total;
}
