#pragma once

#include "client/clientconfig.h"

#include <QList>
#include <QMap>
#include <QString>

// The part of Topics::TopicSpec the provisioner reads, in Qt types.
struct TopicSpecView {
    QString name;
    int partitions = 1;
    qint64 retentionMs = -1;
    bool compacted = false;
};

// Creates the recommended topic layout (base/topics.h) through the Admin API. Idempotent:
// topics that exist are left alone, whatever their settings. Runs on the caller's thread and
// blocks up to its timeout, so call it from a worker or a command-line tool, never the GUI.
class TopicProvisioner {
public:
    enum class Outcome { Created, Existed, Failed };
    struct Result {
        QString topic;
        Outcome outcome = Outcome::Failed;
        QString error;
    };

    explicit TopicProvisioner(ClientConfig config, int timeoutMs = 30'000);

    // One difference between a topic and the recommended layout, or a check the cluster could not answer.
    struct Drift {
        QString topic;
        QString check;    // "exists", "partitions", "replication factor", or a config name
        QString expected;
        QString actual;   // for an unanswerable check: why
        bool unanswerable = false;
    };

    // The configs each topic gets, with replication capped by the brokers available.
    static QMap<QString, QString> recommendedConfigs(const TopicSpecView &spec, int replicationFactor);
    QList<Result> provision();
    // Compares existing topics with the layout: partitions, replication factor, every listed config.
    // Throws KafkaException when the cluster cannot be reached.
    QList<Drift> check();

private:
    ClientConfig m_config;
    int m_timeoutMs;
};

