#pragma once

#include "cluster/clustersnapshot.h"
#include "items/columntablemodel.h"

// One topic's partitions: leader, replicas, in-sync replicas, watermarks; under-replicated highlighted.
class PartitionsModel final : public ColumnTableModel {
    Q_OBJECT
public:
    enum Column { Partition, Leader, Replicas, InSync, Low, High, Messages, Status, ColumnCount };
    enum Role { UnderReplicatedRole = Qt::UserRole + 1 };

    explicit PartitionsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;

    // Shows the topic's partitions; the same topic again updates in place.
    void setTopic(const TopicInfo &topic);
    void clear();
    QString topicName() const { return m_topic; }
    const PartitionInfo &partitionAt(int row) const { return m_rows.at(row); }

private:
    QVariant cell(int row, int column, int role) const override;

    QString m_topic;
    QList<PartitionInfo> m_rows;
};
