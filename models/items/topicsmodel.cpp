#include "items/topicsmodel.h"

#include <QColor>
#include <QLocale>

#include <algorithm>

int TopicsModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int TopicsModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

static QString formatCount(qint64 n)
{
    return n < 0 ? QStringLiteral("?") : QLocale::system().toString(n);
}

QVariant TopicsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TopicInfo &t = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
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
        return index.column() == Name ? QVariant(Qt::AlignLeft | Qt::AlignVCenter) : QVariant(Qt::AlignRight | Qt::AlignVCenter);
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

QVariant TopicsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[] = {"Topic", "Partitions", "RF", "Messages", "msgs/s", "Produce rate", "Under-replicated"};
    return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
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
