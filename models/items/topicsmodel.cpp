#include "items/topicsmodel.h"

#include <QColor>
#include <QLocale>

#include <algorithm>

TopicsModel::TopicsModel(QObject *parent)
    : ColumnTableModel({tr("Topic"), tr("Partitions"), tr("RF"), tr("Messages"), tr("msgs/s"), tr("Produce rate"),
                        tr("Under-replicated")},
                       parent)
{
    Q_ASSERT(columnCount() == ColumnCount);
}

int TopicsModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

static QString formatCount(qint64 n)
{
    return n < 0 ? QStringLiteral("?") : QLocale::system().toString(n);
}

QVariant TopicsModel::cell(int row, int column, int role) const
{
    const TopicInfo &t = m_rows.at(row);
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Name: return t.internal ? t.name + QStringLiteral(" (internal)") : t.name;
        case Partitions: return int(t.partitions.size());
        case Replication: return t.replicationFactor();
        case Messages: return formatCount(t.totalMessages());
        case Rate: return t.produceRate < 0 ? QStringLiteral("–") : QString::number(t.produceRate, 'f', t.produceRate < 10 ? 1 : 0);
        case Trend: return {};
        case UnderReplicated: return t.underReplicatedCount() ? QString::number(t.underReplicatedCount()) : QString();
        }
        return {};
    case Qt::TextAlignmentRole:
        return column == Name ? QVariant(Qt::AlignLeft | Qt::AlignVCenter) : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::BackgroundRole:
        return t.underReplicatedCount() ? QVariant(QColor(0xf8, 0xd7, 0xda)) : QVariant();
    case Qt::ToolTipRole:
        if (!t.error.isEmpty())
            return t.error;
        return t.underReplicatedCount() ? QStringLiteral("%1 partitions under-replicated").arg(t.underReplicatedCount()) : QVariant();
    case RateHistoryRole: return QVariant::fromValue(t.rateHistory);
    case UnderReplicatedRole: return t.underReplicatedCount();
    case TopicNameRole: return t.name;
    }
    return {};
}

void TopicsModel::setSnapshot(const ClusterSnapshot &snapshot)
{
    m_all = snapshot.topics;
    std::sort(m_all.begin(), m_all.end(), [](const TopicInfo &a, const TopicInfo &b) { return a.name < b.name; });
    rebuild();
}

void TopicsModel::setNameFilter(const QString &text)
{
    m_filter = text.trimmed();
    rebuild();
}

void TopicsModel::setShowInternal(bool show)
{
    m_showInternal = show;
    rebuild();
}

int TopicsModel::rowOf(const QString &topic) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).name == topic)
            return i;
    }
    return -1;
}

void TopicsModel::rebuild()
{
    QList<TopicInfo> rows;
    for (const auto &t : m_all) {
        if ((t.internal || t.name.startsWith(u"__")) && !m_showInternal)
            continue;
        if (!m_filter.isEmpty() && !t.name.contains(m_filter, Qt::CaseInsensitive))
            continue;
        rows.append(t);
    }
    const bool sameNames = rows.size() == m_rows.size()
        && std::equal(rows.begin(), rows.end(), m_rows.begin(), [](const TopicInfo &a, const TopicInfo &b) { return a.name == b.name; });
    if (sameNames) {
        m_rows = std::move(rows);
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}
