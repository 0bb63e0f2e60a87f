#pragma once

#include "local/kafkadistribution.h"

#include <QList>
#include <QString>

// A node's two loopback ports: clients (PLAINTEXT) and the KRaft controller quorum.
struct NodeAddress {
    int id = 0;
    quint16 port = 0;
    quint16 controllerPort = 0;
    quint16 saslPort = 0; // the secured listeners (--secured); 0 without
    quint16 mtlsPort = 0;

    friend bool operator==(const NodeAddress &, const NodeAddress &) = default;
};

// One node of the local cluster: an Apache Kafka broker and KRaft controller in one JVM, in
// <cluster>/node-<id>/ (data/, logs/, server.properties). Blocking calls; the owner's thread.
class LocalNode {
public:
    LocalNode(KafkaDistribution kafka, const QString &clusterDir, int id);

    int id() const { return m_id; }
    QString dir() const { return m_dir; }
    QString logFile() const;
    bool isFormatted() const;

    // server.properties and log4j2.properties for this node of `nodes` (every node of the cluster);
    // with `security`, its secured listeners too.
    void writeConfig(const QList<NodeAddress> &nodes, int heapMb, const class LocalSecurity *security = nullptr) const;
    // Kafka's storage tool; the first start of a node, with a SCRAM credential to add when given.
    // Throws LocalClusterError.
    void format(const QString &clusterId, const QString &scramCredential = {}) const;
    // The JVM in a session of its own, detached (it outlives a crashed console); returns its PID.
    // Throws LocalClusterError.
    qint64 start(int heapMb) const;
    // Alive, not a zombie, and this node's JVM (a recycled PID is not).
    bool isRunning(qint64 pid) const;
    // The end of the node's log, for an error message.
    QString logTail(int lines = 15) const;

    // SIGTERM to every PID (a clean shutdown), SIGKILL to those alive after `deadlineMs`; returns when all are gone.
    static void stopAll(const QList<qint64> &pids, int deadlineMs);
    static bool processAlive(qint64 pid);

private:
    KafkaDistribution m_kafka;
    int m_id;
    QString m_dir;

    QString propertiesFile() const { return m_dir + QStringLiteral("/server.properties"); }
};
