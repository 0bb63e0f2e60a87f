#include "items/consumerlagmodel.h"

#include <QColor>
#include <QDateTime>
#include <QLocale>

#include <algorithm>

QString formatLagSeconds(double seconds, bool estimated)
{
    if (seconds < 0)
        return QStringLiteral("–");
    const QString prefix = estimated ? QStringLiteral("~") : QString();
    if (seconds >= 3600)
        return prefix + QStringLiteral("%1 h").arg(seconds / 3600.0, 0, 'f', 1);
    if (seconds >= 120)
        return prefix + QStringLiteral("%1 min").arg(seconds / 60.0, 0, 'f', 1);
    return prefix + QStringLiteral("%1 s").arg(seconds, 0, 'f', 1);
}

static QColor statusColour(LagStatus status)
{
    switch (status) {
    case LagStatus::Ok: return {0xd4, 0xed, 0xda};
    case LagStatus::Warn: return {0xff, 0xf3, 0xcd};
    default: return {0xf8, 0xd7, 0xda};
    }
}

ConsumerLagModel::ConsumerLagModel(LagStatusEvaluator::Clock clock, QObject *parent)
    : ColumnTableModel({tr("Group"), tr("State"), tr("Members"), tr("Status"), tr("Lag (msgs)"), tr("Lag (time)"), tr("Alert")},
                       parent),
      m_clock(clock ? clock : LagStatusEvaluator::Clock([] { return QDateTime::currentMSecsSinceEpoch(); })),
      m_evaluator(10, m_clock)
{
    Q_ASSERT(columnCount() == ColumnCount);
}

int ConsumerLagModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

QVariant ConsumerLagModel::cell(int row, int column, int role) const
{
    const ConsumerGroupInfo &g = m_rows.at(row);
    const LagStatus status = m_evaluator.groupStatus(g.id);
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Group: return g.discovered ? g.id : g.id + QStringLiteral(" (added)");
        case State: return g.described ? g.state : QStringLiteral("not known"); // why: the tooltip
        case Members: return g.described ? QString::number(g.members.size()) : QStringLiteral("–");
        case Status: return lagStatusName(status);
        case Lag: return g.partitions.isEmpty() ? QStringLiteral("–") : QLocale::system().toString(g.totalLag());
        case LagSeconds: return formatLagSeconds(g.maxLagSeconds(), g.anyEstimated());
        case Alert: return m_rule.firing(g.id) ? QStringLiteral("LAG ALERT") : QString();
        }
        return {};
    case Qt::BackgroundRole:
        if (column == Status)
            return statusColour(status);
        if (column == Alert && m_rule.firing(g.id))
            return QColor(0xdc, 0x35, 0x45);
        return {};
    case Qt::ToolTipRole:
        if (!g.error.isEmpty())
            return g.error;
        if (column == LagSeconds && g.anyEstimated())
            return QStringLiteral("estimated by interpolating produce times from watermark history");
        return {};
    case Qt::TextAlignmentRole:
        return column == Lag || column == LagSeconds ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case GroupIdRole: return g.id;
    case StatusRole: return int(status);
    }
    return {};
}

void ConsumerLagModel::setSnapshot(const ClusterSnapshot &snapshot)
{
    const qint64 now = snapshot.takenAtMs > 0 ? snapshot.takenAtMs : m_clock();
    QList<ConsoleAlert> changes;
    QList<ConsumerGroupInfo> rows = snapshot.groups;
    std::sort(rows.begin(), rows.end(), [](const ConsumerGroupInfo &a, const ConsumerGroupInfo &b) { return a.id < b.id; });
    for (const auto &g : rows) {
        for (const auto &p : g.partitions) {
            if (p.committed >= 0 && p.lag >= 0)
                m_evaluator.observe(g.id, p.topic, p.partition, p.committed, p.lag, now);
        }
        if (!g.partitions.isEmpty()) {
            changes += m_rule.observe(g.id, g.totalLag(), now);
            auto &points = m_history[g.id];
            points.push_back({now, g.totalLag()});
            while (points.size() > size_t(m_historyCapacity))
                points.pop_front();
        }
    }
    // Groups that disappeared leave the model and their state goes with them.
    for (const auto &old : std::as_const(m_rows)) {
        if (std::none_of(rows.begin(), rows.end(), [&](const ConsumerGroupInfo &g) { return g.id == old.id; })) {
            m_evaluator.forgetGroup(old.id);
            m_history.remove(old.id);
        }
    }
    const bool sameIds = rows.size() == m_rows.size()
        && std::equal(rows.begin(), rows.end(), m_rows.begin(), [](const ConsumerGroupInfo &a, const ConsumerGroupInfo &b) { return a.id == b.id; });
    if (sameIds) {
        m_rows = std::move(rows);
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
    } else {
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
    }
    m_groupsNote = snapshot.groupsListed ? QString() : snapshot.groupsNote;
    Q_EMIT historyUpdated();
    if (!changes.isEmpty())
        Q_EMIT alertsChanged(changes);
}

int ConsumerLagModel::rowOf(const QString &group) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).id == group)
            return i;
    }
    return -1;
}

QList<ConsumerLagModel::LagPoint> ConsumerLagModel::history(const QString &group) const
{
    const auto it = m_history.constFind(group);
    return it == m_history.constEnd() ? QList<LagPoint>() : QList<LagPoint>(it->begin(), it->end());
}

QStringList ConsumerLagModel::groupIds() const
{
    QStringList ids;
    for (const auto &g : m_rows)
        ids.append(g.id);
    return ids;
}

GroupPartitionsModel::GroupPartitionsModel(QObject *parent)
    : ColumnTableModel({tr("Topic"), tr("Partition"), tr("Committed"), tr("End"), tr("Lag (msgs)"), tr("Lag (time)"), tr("Status")},
                       parent)
{
    Q_ASSERT(columnCount() == ColumnCount);
}

int GroupPartitionsModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

QVariant GroupPartitionsModel::cell(int row, int column, int role) const
{
    const GroupPartitionLag &p = m_rows.at(row);
    const auto count = [](qint64 n) { return n < 0 ? QStringLiteral("–") : QLocale::system().toString(n); };
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Topic: return p.topic;
        case Partition: return p.partition;
        case Committed: return p.committed < 0 ? QStringLiteral("none") : count(p.committed);
        case End: return count(p.end);
        case Lag: return count(p.lag);
        case LagSeconds: return formatLagSeconds(p.lagSeconds, p.lagSecondsEstimated);
        case Status: return lagStatusName(m_status.at(row));
        }
        return {};
    }
    if (role == Qt::BackgroundRole && column == Status)
        return statusColour(m_status.at(row));
    if (role == Qt::ToolTipRole && column == LagSeconds && p.lagSecondsEstimated)
        return QStringLiteral("estimate: interpolated from watermark history");
    return {};
}

void GroupPartitionsModel::setGroup(const ConsumerGroupInfo &group, const LagStatusEvaluator &evaluator)
{
    QList<LagStatus> status;
    for (const auto &p : group.partitions)
        status.append(evaluator.partitionStatus(group.id, p.topic, p.partition));
    if (group.id == m_group && group.partitions.size() == m_rows.size()) {
        m_rows = group.partitions;
        m_status = status;
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_group = group.id;
    m_rows = group.partitions;
    m_status = status;
    endResetModel();
}

void GroupPartitionsModel::clear()
{
    beginResetModel();
    m_group.clear();
    m_rows.clear();
    m_status.clear();
    endResetModel();
}
