#pragma once

#include "local/localnode.h"

#include <QList>
#include <QString>

#include <functional>

// Who opens the local cluster: `vigil broker` owns what it starts and stops it when it exits; a
// console's cluster runs while any console uses it (the last one out stops it).
enum class LocalClusterRole { Console, Broker };

struct LocalClusterOptions {
    QString dataDir;    // the cluster's directory; defaultDataDir(nodes) unless --data-dir
    int nodes = 1;      // 0: as dataDir was formatted, else 1
    LocalClusterRole role = LocalClusterRole::Console;
    int heapMb = 320;   // per JVM: one node stays under 600 MB resident (README, "The local cluster")
    int startTimeoutMs = 90'000;
    int stopTimeoutMs = 20'000;
    bool secured = false; // --secured: SASL_SSL and mTLS listeners beside PLAINTEXT (LocalSecurity)
};

// Vigil's local Apache Kafka cluster: KRaft nodes (broker and controller in one JVM each) on free
// loopback ports, data under the user's data directory so that history, offsets and
// acknowledgements survive a restart. Its directory holds
//   layout.json   cluster id and node ports, written at the first start (the ports are kept when free)
//   cluster.lock  while it runs: bootstrap list, owner PID and role, node PIDs, who uses it (PID/token)
//   node-N/       each node's data, logs and configuration
// A second process reuses a running cluster; a lock whose processes are gone is cleared.
// Every call blocks (a start takes seconds): use it from a worker thread, never the GUI thread.
class LocalCluster {
public:
    using Progress = std::function<void(const QString &)>;

    LocalCluster(KafkaDistribution kafka, LocalClusterOptions options);
    ~LocalCluster(); // release()
    LocalCluster(const LocalCluster &) = delete;
    LocalCluster &operator=(const LocalCluster &) = delete;

    // ${XDG_DATA_HOME:-~/.local/share}/Vigil/kafka/<n>-node(s)
    static QString defaultDataDir(int nodes);
    // The bootstrap list of a cluster running from `dataDir`, empty when none runs.
    static QString runningBootstrap(const QString &dataDir);
    // The PIDs of its node JVMs that run, from the lock file (for figures and drills).
    static QList<qint64> runningNodePids(const QString &dataDir);
    // Deletes the cluster's data. Throws LocalClusterError while it runs.
    static void reset(const QString &dataDir);

    // Starts the cluster, or joins the one running from the directory (starting any node that is
    // down). Throws LocalClusterError with the node's log when it does not come up.
    void open(const Progress &progress = {});
    QString bootstrapServers() const { return m_bootstrap; }
    // With options.secured, once open: the secured listeners and the client properties files for them
    // (<cluster>/secured/sasl_ssl.properties, mtls.properties); empty without.
    QString saslBootstrap() const;
    QString mtlsBootstrap() const;
    QString securedDir() const;
    bool startedHere() const { return m_startedHere; }
    const LocalClusterOptions &options() const { return m_options; }
    const KafkaDistribution &kafka() const { return m_kafka; }
    // The node ids with a running JVM.
    QList<int> runningNodes() const;

    // Failure drills: one node down (SIGTERM, a clean shutdown) or up again (until it answers).
    void stopNode(int id);
    void startNode(int id);

    // Leaves the cluster: stops it if this process owns it as `vigil broker`, or if it is the last
    // console using it. Idempotent.
    void release();

private:
    KafkaDistribution m_kafka;
    LocalClusterOptions m_options;
    QList<LocalNode> m_nodes;
    QList<NodeAddress> m_addresses;
    QString m_bootstrap;
    QString m_user; // this instance in the lock file: two in one process are two users
    bool m_open = false;
    bool m_startedHere = false;

    QString lockPath() const;
    void loadOrCreateLayout(const Progress &progress);
    void waitUntilAnswering(const QList<int> &ids, const QList<qint64> &pids);
};
