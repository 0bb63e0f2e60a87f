#include "items/partitionsmodel.h"

#include <QColor>
#include <QLocale>

PartitionsModel::PartitionsModel(QObject *parent)
    : ColumnTableModel({tr("Partition"), tr("Leader"), tr("Replicas"), tr("In-sync"), tr("Low"), tr("High"), tr("Messages"),
                        tr("Status")},
                       parent)
{
    Q_ASSERT(columnCount() == ColumnCount);
}

int PartitionsModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

static QString joinIds(const QList<int> &ids)
{
    QStringList parts;
    for (int id : ids)
        parts.append(QString::number(id));
    return parts.join(QStringLiteral(", "));
}

QVariant PartitionsModel::cell(int row, int column, int role) const
{
    const PartitionInfo &p = m_rows.at(row);
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Partition: return p.id;
        case Leader: return p.leader < 0 ? QStringLiteral("none") : QString::number(p.leader);
        case Replicas: return joinIds(p.replicas);
        case InSync: return joinIds(p.isr);
        case Low: return p.low < 0 ? QStringLiteral("?") : QLocale::system().toString(p.low);
        case High: return p.high < 0 ? QStringLiteral("?") : QLocale::system().toString(p.high);
        case Messages: return p.messages() < 0 ? QStringLiteral("?") : QLocale::system().toString(p.messages());
        case Status:
            if (!p.error.isEmpty())
                return p.error;
            if (!p.replicasOnDownBrokers.isEmpty())
                return QStringLiteral("under-replicated: broker %1 down").arg(joinIds(p.replicasOnDownBrokers));
            return p.underReplicated() ? QStringLiteral("under-replicated") : QStringLiteral("ok");
        }
        return {};
    }
    if (role == Qt::BackgroundRole && (p.underReplicated() || !p.error.isEmpty()))
        return QColor(0xf8, 0xd7, 0xda);
    if (role == UnderReplicatedRole)
        return p.underReplicated();
    if (role == Qt::TextAlignmentRole && column != Status && column != Replicas && column != InSync)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

void PartitionsModel::setTopic(const TopicInfo &topic)
{
    if (topic.name == m_topic && topic.partitions.size() == m_rows.size()) {
        m_rows = topic.partitions;
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_topic = topic.name;
    m_rows = topic.partitions;
    endResetModel();
}

void PartitionsModel::clear()
{
    beginResetModel();
    m_topic.clear();
    m_rows.clear();
    endResetModel();
}
