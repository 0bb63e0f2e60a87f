#include "items/feedmodel.h"

#include "fhir/patientmask.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

FeedModel::FeedModel(int capacity, QObject *parent) : BoundedTableModel(capacity, parent) {}

int FeedModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FeedModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const FeedEvent &event = eventAt(index.row());
    if (role == Qt::ForegroundRole && event.resourceType.isEmpty())
        return QBrush(QColor(0xc6, 0x28, 0x28));
    if (role == Qt::ToolTipRole && index.column() == Topic)
        return QStringLiteral("%1 [%2] @ %3").arg(event.topic).arg(event.partition).arg(event.offset);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Time:
        return QDateTime::fromMSecsSinceEpoch(event.timestampMs).toString(QStringLiteral("HH:mm:ss.zzz"));
    case Topic:
        return event.topic;
    case Resource:
        return event.resourceType.isEmpty() ? QStringLiteral("—") : event.resourceType;
    case Patient:
        return m_revealPatientIds ? event.patientId : maskedPatientId(event.patientId);
    case Summary:
        return event.summary;
    }
    return {};
}

QVariant FeedModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return BoundedTableModel::headerData(section, orientation, role);
    switch (section) {
    case Time: return tr("Time");
    case Topic: return tr("Topic");
    case Resource: return tr("Resource");
    case Patient: return tr("Patient");
    case Summary: return tr("Summary");
    }
    return {};
}

void FeedModel::setPatientIdsRevealed(bool revealed)
{
    if (revealed == m_revealPatientIds)
        return;
    m_revealPatientIds = revealed;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, Patient), index(rowCount() - 1, Patient), {Qt::DisplayRole});
}

void FeedModel::appendBatch(const QList<FeedEvent> &batch)
{
    m_totalReceived += batch.size();
    appendRows(batch);
}
