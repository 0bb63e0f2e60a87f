#pragma once

#include "cluster/clustersnapshot.h"

#include <QAbstractTableModel>

// The cluster's topics from the inspector's snapshots: name filter, internal topics hidden by default,
// under-replicated ones highlighted. Bounded by the cluster's own topic count; a refresh with the
// same topics is one dataChanged, a changed set one reset.
class TopicsModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, Partitions, Replication, Messages, Rate, Trend, UnderReplicated, ColumnCount };
    enum Role { RateHistoryRole = Qt::UserRole + 1, UnderReplicatedRole, TopicNameRole };

    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setSnapshot(const ClusterSnapshot &snapshot);
    void setNameFilter(const QString &text);
    void setShowInternal(bool show);
    const TopicInfo &topicAt(int row) const { return m_rows.at(row); }
    int rowOf(const QString &topic) const;

private:
    void rebuild();

    QList<TopicInfo> m_all;
    QList<TopicInfo> m_rows;
    QString m_filter;
    bool m_showInternal = false;
};
