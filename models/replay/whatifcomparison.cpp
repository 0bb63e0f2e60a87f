#include "replay/whatifcomparison.h"
#include "base/text.h"

#include "clinical/alert.h"
#include "fhir/patientmask.h"
#include "replay/replayexport.h"

#include <QDateTime>

#include <cmath>

namespace {

constexpr qint64 HourMs = 3'600'000;

bool isCritical(Verdict verdict)
{
    return verdict == Verdict::CriticalLow || verdict == Verdict::CriticalHigh;
}

bool isEvaluated(Verdict verdict)
{
    return verdict == Verdict::Normal || isCritical(verdict);
}

QString optionalNumber(const std::optional<double> &value)
{
    return value ? QString::number(*value) : QString();
}

QString instant(qint64 ms)
{
    return QString::fromStdString(msToFhirInstant(ms));
}

// Bounds wide enough to show every limit of both sets with room either side.
std::pair<double, double> boundsFor(const WhatIfRuleCounts &rule)
{
    double lowest = std::numeric_limits<double>::infinity();
    double highest = -lowest;
    for (const auto &limit : {rule.liveLow, rule.liveHigh, rule.candidateLow, rule.candidateHigh}) {
        if (limit) {
            lowest = std::min(lowest, *limit);
            highest = std::max(highest, *limit);
        }
    }
    if (!std::isfinite(lowest))
        return {0.0, 1.0};
    if (highest - lowest <= 0.0) {
        // One limit (or several equal ones): from zero to twice it, as lab values are positive.
        const double magnitude = std::abs(highest) > 0 ? std::abs(highest) : 1.0;
        return {std::min(0.0, highest - magnitude), std::max(2.0 * highest, highest + magnitude)};
    }
    const double span = highest - lowest;
    double lower = lowest - span / 2;
    if (lowest >= 0 && lower < 0)
        lower = 0;
    return {lower, highest + span / 2};
}

} // namespace

WhatIfComparison::WhatIfComparison(std::shared_ptr<const ThresholdSet> live, std::shared_ptr<const ThresholdSet> candidate,
                                   int changeCapacity, int histogramBins)
    : m_live(std::move(live)), m_candidate(std::move(candidate)), m_changeCapacity(qMax(0, changeCapacity))
{
    auto codesOf = [](const ThresholdRule &rule) {
        QStringList codes;
        for (const auto &code : rule.loinc)
            codes.append(QString::fromStdString(code));
        return codes.join(QStringLiteral(", "));
    };
    // A row per live rule, then one per candidate rule that names no code of a live rule.
    if (m_live) {
        for (const ThresholdRule &rule : m_live->rules()) {
            WhatIfRuleCounts row;
            row.display = QString::fromStdString(rule.display);
            row.codes = codesOf(rule);
            row.unit = QString::fromStdString(rule.unit);
            row.liveLow = rule.low;
            row.liveHigh = rule.high;
            row.inLive = true;
            for (const auto &code : rule.loinc)
                m_rowByCode.emplace(code, int(m_rules.size()));
            m_rules.append(row);
        }
    }
    if (m_candidate) {
        for (const ThresholdRule &rule : m_candidate->rules()) {
            int row = -1;
            for (const auto &code : rule.loinc) {
                if (const auto it = m_rowByCode.find(code); it != m_rowByCode.end() && m_rules[it->second].inLive) {
                    row = it->second;
                    break;
                }
            }
            if (row < 0) {
                WhatIfRuleCounts added;
                added.display = QString::fromStdString(rule.display);
                added.codes = codesOf(rule);
                added.unit = QString::fromStdString(rule.unit);
                row = int(m_rules.size());
                m_rules.append(added);
            }
            WhatIfRuleCounts &counts = m_rules[row];
            if (counts.inCandidate)
                continue; // two candidate rules over one live rule: the first one decides the limits shown
            counts.candidateLow = rule.low;
            counts.candidateHigh = rule.high;
            counts.inCandidate = true;
            for (const auto &code : rule.loinc)
                m_rowByCode.emplace(code, row);
        }
    }
    for (const WhatIfRuleCounts &rule : std::as_const(m_rules)) {
        WhatIfHistogram histogram;
        histogram.display = rule.display;
        histogram.unit = rule.unit;
        std::tie(histogram.lower, histogram.upper) = boundsFor(rule);
        histogram.counts = QList<qint64>(qMax(1, histogramBins), 0);
        histogram.liveLow = rule.liveLow;
        histogram.liveHigh = rule.liveHigh;
        histogram.candidateLow = rule.candidateLow;
        histogram.candidateHigh = rule.candidateHigh;
        m_histograms.append(histogram);
    }
}

QString WhatIfComparison::liveName() const
{
    return m_live ? QStringLiteral("%1 v%2").arg(QString::fromStdString(m_live->name())).arg(m_live->version()) : QString();
}

QString WhatIfComparison::candidateName() const
{
    return m_candidate ? QStringLiteral("%1 v%2").arg(QString::fromStdString(m_candidate->name())).arg(m_candidate->version())
                       : QString();
}

int WhatIfComparison::rowFor(const std::string &code) const
{
    if (code.empty())
        return -1;
    const auto it = m_rowByCode.find(code);
    return it == m_rowByCode.end() ? -1 : it->second;
}

void WhatIfComparison::add(const Evaluation &live, const Evaluation &candidate, qint64 timestampMs,
                           const RecordSource &source)
{
    ++m_records;
    const bool liveEvaluated = isEvaluated(live.verdict);
    const bool candidateEvaluated = isEvaluated(candidate.verdict);
    if (!liveEvaluated && !candidateEvaluated)
        return;
    ++m_evaluated;
    const int row = rowFor(liveEvaluated ? live.loinc : candidate.loinc);
    const bool liveCritical = isCritical(live.verdict);
    const bool candidateCritical = isCritical(candidate.verdict);
    m_liveAlerts += liveCritical;
    m_candidateAlerts += candidateCritical;

    if (row >= 0) {
        WhatIfRuleCounts &counts = m_rules[row];
        ++counts.evaluated;
        counts.liveCriticalLow += live.verdict == Verdict::CriticalLow;
        counts.liveCriticalHigh += live.verdict == Verdict::CriticalHigh;
        counts.candidateCriticalLow += candidate.verdict == Verdict::CriticalLow;
        counts.candidateCriticalHigh += candidate.verdict == Verdict::CriticalHigh;
        const std::optional<double> value = liveEvaluated ? live.value : candidate.value;
        if (value) {
            WhatIfHistogram &histogram = m_histograms[row];
            if (*value < histogram.lower) {
                ++histogram.below;
            } else if (*value >= histogram.upper) {
                ++histogram.above;
            } else {
                const auto bin = qsizetype((*value - histogram.lower) / histogram.binWidth());
                ++histogram.counts[qBound<qsizetype>(0, bin, histogram.counts.size() - 1)];
            }
        }
    }

    if (liveCritical || candidateCritical) {
        const qint64 hour = timestampMs >= 0 ? timestampMs - timestampMs % HourMs : 0;
        auto it = m_hours.find(hour);
        if (it == m_hours.end() && m_hours.size() >= MaxHours)
            ++m_hoursLeftOut;
        else {
            if (it == m_hours.end())
                it = m_hours.insert(hour, {});
            it->live += liveCritical;
            it->candidate += candidateCritical;
        }
    }

    if (live.verdict == candidate.verdict || (!liveCritical && !candidateCritical))
        return;
    // A changed direction (low under one set, high under the other) is both an added and a removed alert.
    const bool added = candidateCritical;
    const bool removed = liveCritical;
    for (const bool isAdded : {true, false}) {
        if (isAdded ? !added : !removed)
            continue;
        if (row >= 0)
            ++(isAdded ? m_rules[row].added : m_rules[row].removed);
        ++(isAdded ? m_added : m_removed);
        if (m_changes.size() >= m_changeCapacity) {
            ++m_changesLeftOut;
            continue;
        }
        const Evaluation &by = isAdded ? candidate : live;
        WhatIfChange change;
        change.kind = isAdded ? WhatIfChange::Kind::Added : WhatIfChange::Kind::Removed;
        change.patient = maskedPatientId(QString::fromStdString(by.patientId));
        change.analyte = row >= 0 ? m_rules[row].display : QString::fromStdString(by.loinc);
        change.value = by.value.value_or(std::nan(""));
        change.unit = QString::fromStdString(by.unit);
        change.timestampMs = timestampMs;
        change.live = live.verdict;
        change.candidate = candidate.verdict;
        change.topic = QString::fromStdString(source.topic);
        change.partition = source.partition;
        change.offset = source.offset;
        m_changes.append(change);
    }
}

WhatIfHistogram WhatIfComparison::histogram(int rule) const
{
    return rule >= 0 && rule < m_histograms.size() ? m_histograms[rule] : WhatIfHistogram{};
}

QByteArray WhatIfComparison::toCsv() const
{
    QByteArray csv;
    csv += ReplayExport::csvLine({QStringLiteral("analyte"), QStringLiteral("loinc"), QStringLiteral("unit"),
                                  QStringLiteral("live_low"), QStringLiteral("live_high"), QStringLiteral("candidate_low"),
                                  QStringLiteral("candidate_high"), QStringLiteral("evaluated"),
                                  QStringLiteral("live_critical_low"), QStringLiteral("live_critical_high"),
                                  QStringLiteral("candidate_critical_low"), QStringLiteral("candidate_critical_high"),
                                  QStringLiteral("alerts_added"), QStringLiteral("alerts_removed")});
    for (const WhatIfRuleCounts &rule : m_rules) {
        csv += ReplayExport::csvLine(
            {rule.display, rule.codes, rule.unit, optionalNumber(rule.liveLow), optionalNumber(rule.liveHigh),
             optionalNumber(rule.candidateLow), optionalNumber(rule.candidateHigh), QString::number(rule.evaluated),
             QString::number(rule.liveCriticalLow), QString::number(rule.liveCriticalHigh),
             QString::number(rule.candidateCriticalLow), QString::number(rule.candidateCriticalHigh),
             QString::number(rule.added), QString::number(rule.removed)});
    }
    csv += "\r\n";
    csv += ReplayExport::csvLine({QStringLiteral("change"), QStringLiteral("time"), QStringLiteral("patient"),
                                  QStringLiteral("analyte"), QStringLiteral("value"), QStringLiteral("unit"),
                                  QStringLiteral("live_verdict"), QStringLiteral("candidate_verdict"),
                                  QStringLiteral("topic"), QStringLiteral("partition"), QStringLiteral("offset")});
    for (const WhatIfChange &change : m_changes) {
        csv += ReplayExport::csvLine(
            {change.kind == WhatIfChange::Kind::Added ? QStringLiteral("added") : QStringLiteral("removed"),
             instant(change.timestampMs), change.patient, change.analyte,
             std::isnan(change.value) ? QString() : QString::number(change.value), change.unit,
             Text::toQString(verdictName(change.live)), Text::toQString(verdictName(change.candidate)), change.topic, QString::number(change.partition),
             QString::number(change.offset)});
    }
    if (m_changesLeftOut > 0)
        csv += ReplayExport::csvLine({QStringLiteral("left out"), QString(), QString(), QString(),
                                      QString::number(m_changesLeftOut)});
    csv += "\r\n";
    csv += ReplayExport::csvLine({QStringLiteral("hour"), QStringLiteral("live_alerts"), QStringLiteral("candidate_alerts")});
    for (auto it = m_hours.begin(); it != m_hours.end(); ++it)
        csv += ReplayExport::csvLine({instant(it.key()), QString::number(it->live), QString::number(it->candidate)});
    return csv;
}
