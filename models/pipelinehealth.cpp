#include "pipelinehealth.h"

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

DeadLetterModel::DeadLetterModel(int capacity, QObject *parent) : BoundedTableModel(capacity, parent) {}

int DeadLetterModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DeadLetterModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return {};
    const DeadLetterEntry &entry = rowAt(index.row());
    switch (index.column()) {
    case Time: return QDateTime::fromMSecsSinceEpoch(entry.timestampMs).toString(QStringLiteral("HH:mm:ss"));
    case Reason: return entry.reason;
    case Message: return entry.message;
    case Source: return QStringLiteral("%1 [%2] @ %3").arg(entry.topic).arg(entry.partition).arg(entry.offset);
    }
    return {};
}

QVariant DeadLetterModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return BoundedTableModel::headerData(section, orientation, role);
    switch (section) {
    case Time: return tr("Time");
    case Reason: return tr("Reason");
    case Message: return tr("Why");
    case Source: return tr("Record");
    }
    return {};
}
