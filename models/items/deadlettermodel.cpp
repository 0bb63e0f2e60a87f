#include "items/deadlettermodel.h"

#include <QDateTime>

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
