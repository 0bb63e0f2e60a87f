#include "items/feedmodel.h"

#include "fhir/patientmask.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

FeedModel::FeedModel(int capacity, QObject *parent)
    : BoundedTableModel({tr("Time"), tr("Topic"), tr("Resource"), tr("Patient"), tr("Summary")}, capacity, parent)
{
    Q_ASSERT(columnCount() == ColumnCount);
}

QVariant FeedModel::cell(int row, int column, int role) const
{
    const FeedEvent &event = eventAt(row);
    if (role == Qt::ForegroundRole && event.resourceType.isEmpty())
        return QBrush(QColor(0xc6, 0x28, 0x28));
    if (role == Qt::ToolTipRole && column == Topic)
        return QStringLiteral("%1 [%2] @ %3").arg(event.topic).arg(event.partition).arg(event.offset);
    if (role != Qt::DisplayRole)
        return {};
    switch (column) {
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
