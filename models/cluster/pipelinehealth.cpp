#include "cluster/pipelinehealth.h"

#include <QDateTime>

PipelineHealth::PipelineHealth(QObject *parent) : QObject(parent) {}

void PipelineHealth::record(const EvaluatorReport &report)
{
    const qint64 second = report.committedAtMs / 1000;
    Second &slot = m_seconds[size_t(second % qint64(m_seconds.size()))];
    if (slot.second != second)
        slot = {second, {}};
    for (Minute *counts : {&slot.counts, &m_totals}) {
        counts->records += report.records;
        counts->processed += report.processed;
        counts->alerts += report.alerts;
        counts->deadLetters += report.deadLetters;
    }
    m_stubbed += report.stubbed;
    m_undeliverable += report.undeliverable;
    m_lagMs = qMax<qint64>(0, report.committedAtMs - report.oldestRecordMs);
    m_thresholdSet = report.thresholdSet;
}

PipelineHealth::Minute PipelineHealth::lastMinute(qint64 nowMs) const
{
    const qint64 now = nowMs / 1000;
    Minute sum;
    for (const Second &slot : m_seconds) {
        if (slot.second > now - qint64(m_seconds.size()) && slot.second <= now) {
            sum.records += slot.counts.records;
            sum.processed += slot.counts.processed;
            sum.alerts += slot.counts.alerts;
            sum.deadLetters += slot.counts.deadLetters;
        }
    }
    return sum;
}
