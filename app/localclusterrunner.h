#pragma once

#include "local/localcluster.h"

#include <QObject>

#include <functional>
#include <memory>

// The local Apache Kafka cluster on a thread of its own, so that starting it (seconds; the first
// start formats the log directories) never blocks the GUI thread. Every slot is queued to it; the
// cluster is left (stopped when this process is its last console) when the thread finishes.
class LocalClusterRunner final : public QObject {
    Q_OBJECT
public:
    explicit LocalClusterRunner(LocalClusterOptions options, QObject *parent = nullptr);
    ~LocalClusterRunner() override;

    // With no --brokers and no --data-dir: the node count of a local cluster already running, so a
    // second console joins it instead of starting another; else `fallback`.
    static int runningNodeCount(int fallback);
    // Creates the recommended topic layout where missing (replication capped by the nodes); the failures.
    static QStringList provisionTopics(const QString &bootstrap);
    // For the status bar and `vigil broker`: "local Kafka 4.1.2 (1 node, <dir>)".
    static QString describe(const LocalCluster &cluster);

public Q_SLOTS:
    // Finds Java and the jars, starts or joins the cluster, creates Vigil's topics on it.
    void start();
    // Failure drills (Cluster health).
    void stopNode(int id);
    void startNode(int id);

Q_SIGNALS:
    void progress(const QString &step);
    // `description` names it for the status bar: "local Kafka 4.1.2 (1 node, <dir>)"; `warnings`
    // are what did not work (a topic that could not be created).
    void ready(const QString &bootstrap, const QString &description, const QStringList &warnings);
    // Java or the jars are missing: the console falls back to the mock cluster and says why.
    void unavailable(const QString &why, const QString &fix);
    // The cluster did not start, or a drill did not work.
    void failed(const QString &why);
    void nodesChanged(const QList<int> &running, int total);

private:
    LocalClusterOptions m_options;
    std::unique_ptr<LocalCluster> m_cluster;

    void reportNodes();
    // One drill step (a node down or up), then the nodes as they are; a failure is said, not thrown.
    void drill(const std::function<void()> &step);
};
