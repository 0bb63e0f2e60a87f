#pragma once

#include "cluster/clustersnapshot.h"

#include <QAbstractTableModel>

// One topic's partitions: leader, replicas, in-sync replicas, watermarks; under-replicated highlighted.
class PartitionsModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Partition, Leader, Replicas, InSync, Low, High, Messages, Status, ColumnCount };
    enum Role { UnderReplicatedRole = Qt::UserRole + 1 };

    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Shows the topic's partitions; the same topic again updates in place.
    void setTopic(const TopicInfo &topic);
    void clear();
    QString topicName() const { return m_topic; }
    const PartitionInfo &partitionAt(int row) const { return m_rows.at(row); }

private:
    QString m_topic;
    QList<PartitionInfo> m_rows;
};
