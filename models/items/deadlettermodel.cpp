#include "items/deadlettermodel.h"

#include <QDateTime>

DeadLetterModel::DeadLetterModel(int capacity, QObject *parent)
    : BoundedTableModel({tr("Time"), tr("Reason"), tr("Why"), tr("Record")}, capacity, parent)
{
    Q_ASSERT(columnCount() == ColumnCount);
}

QVariant DeadLetterModel::cell(int row, int column, int role) const
{
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    const DeadLetterEntry &entry = rowAt(row);
    switch (column) {
    case Time: return QDateTime::fromMSecsSinceEpoch(entry.timestampMs).toString(QStringLiteral("HH:mm:ss"));
    case Reason: return entry.reason;
    case Message: return entry.message;
    case Source: return QStringLiteral("%1 [%2] @ %3").arg(entry.topic).arg(entry.partition).arg(entry.offset);
    }
    return {};
}
