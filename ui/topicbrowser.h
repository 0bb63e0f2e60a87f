#pragma once

#include "cluster/clustersnapshot.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QCheckBox;
class QTableView;
class QPlainTextEdit;
class TopicsModel;
class PartitionsModel;

// The integration team's topic list: filter by name, internal topics hidden unless asked for,
// under-replicated topics highlighted; a chosen topic's partitions and its configs (or why the
// cluster cannot give them). Fed by ClusterInspector::snapshotReady -> showSnapshot.
class TopicBrowser final : public QWidget {
    Q_OBJECT
public:
    explicit TopicBrowser(QWidget *parent = nullptr);

    TopicsModel *topicsModel() const { return m_topics; }
    PartitionsModel *partitionsModel() const { return m_partitions; }
    QString selectedTopic() const { return m_selected; }

public Q_SLOTS:
    void showSnapshot(const ClusterSnapshot &snapshot);
    void selectTopic(const QString &topic);

Q_SIGNALS:
    void topicSelected(const QString &topic);

private:
    void showDetails();

    TopicsModel *m_topics;
    PartitionsModel *m_partitions;
    QLineEdit *m_filter;
    QCheckBox *m_internal;
    QTableView *m_topicTable;
    QTableView *m_partitionTable;
    QPlainTextEdit *m_configs;
    QLabel *m_status;
    ClusterSnapshot m_snapshot;
    QString m_selected;
};
