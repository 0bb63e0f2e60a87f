#pragma once

#include "cluster/clustersnapshot.h"
#include "items/columntablemodel.h"

// The cluster's topics from the inspector's snapshots: name filter, internal topics hidden by default,
// under-replicated ones highlighted. Bounded by the cluster's own topic count; a refresh with the
// same topics is one dataChanged, a changed set one reset.
class TopicsModel final : public ColumnTableModel {
    Q_OBJECT
public:
    enum Column { Name, Partitions, Replication, Messages, Rate, Trend, UnderReplicated, ColumnCount };
    enum Role { RateHistoryRole = Qt::UserRole + 1, UnderReplicatedRole, TopicNameRole };

    explicit TopicsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;

    void setSnapshot(const ClusterSnapshot &snapshot);
    void setNameFilter(const QString &text);
    void setShowInternal(bool show);
    const TopicInfo &topicAt(int row) const { return m_rows.at(row); }
    int rowOf(const QString &topic) const;

private:
    QVariant cell(int row, int column, int role) const override;
    void rebuild();

    QList<TopicInfo> m_all;
    QList<TopicInfo> m_rows;
    QString m_filter;
    bool m_showInternal = false;
};
