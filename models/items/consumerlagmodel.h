#pragma once

#include "cluster/clustersnapshot.h"
#include "cluster/lagrule.h"
#include "cluster/lagstatus.h"
#include "items/columntablemodel.h"

#include <QHash>

#include <deque>

// Consumer groups from the inspector's snapshots, one row per group: state, members, Burrow-style
// status over a sliding window, total lag in messages and the oldest unconsumed message's age.
// It feeds the lag rule, keeps a bounded lag history per group for the trend chart, and says when
// an alert fires or clears.
class ConsumerLagModel final : public ColumnTableModel {
    Q_OBJECT
public:
    enum Column { Group, State, Members, Status, Lag, LagSeconds, Alert, ColumnCount };
    enum Role { GroupIdRole = Qt::UserRole + 1, StatusRole };
    struct LagPoint {
        qint64 atMs;
        qint64 lag;
    };

    explicit ConsumerLagModel(LagStatusEvaluator::Clock clock = {}, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;

    void setSnapshot(const ClusterSnapshot &snapshot);
    void setLagRule(const LagRule::Settings &settings) { m_rule.setSettings(settings); }
    const LagRule &lagRule() const { return m_rule; }
    const LagStatusEvaluator &evaluator() const { return m_evaluator; }
    void setHistoryCapacity(int points) { m_historyCapacity = qMax(2, points); }

    const ConsumerGroupInfo &groupAt(int row) const { return m_rows.at(row); }
    int rowOf(const QString &group) const;
    QList<LagPoint> history(const QString &group) const;
    QStringList groupIds() const;
    QString groupsNote() const { return m_groupsNote; }

Q_SIGNALS:
    void alertsChanged(const QList<ConsoleAlert> &changes);
    void historyUpdated();

private:
    QVariant cell(int row, int column, int role) const override;

    LagStatusEvaluator::Clock m_clock;
    LagStatusEvaluator m_evaluator;
    LagRule m_rule;
    QList<ConsumerGroupInfo> m_rows;
    QHash<QString, std::deque<LagPoint>> m_history;
    int m_historyCapacity = 4 * 3600 / 2; // four hours at a 2 s refresh
    QString m_groupsNote;
};

// The partitions of one group: committed and end offsets, lag in messages and seconds, status.
class GroupPartitionsModel final : public ColumnTableModel {
    Q_OBJECT
public:
    enum Column { Topic, Partition, Committed, End, Lag, LagSeconds, Status, ColumnCount };

    explicit GroupPartitionsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;

    void setGroup(const ConsumerGroupInfo &group, const LagStatusEvaluator &evaluator);
    void clear();

private:
    QVariant cell(int row, int column, int role) const override;

    QString m_group;
    QList<GroupPartitionLag> m_rows;
    QList<LagStatus> m_status;
};

// Lag in seconds as the views show it: "12.3 s", "~12 s" for an estimate, "–" when unknown.
QString formatLagSeconds(double seconds, bool estimated);
