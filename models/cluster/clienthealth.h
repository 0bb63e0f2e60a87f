#pragma once

#include "base/clientstatus.h"
#include "cluster/lagrule.h"

#include <QList>
#include <QMap>
#include <QString>

// One of Vigil's own Kafka clients as the cluster health view lists it.
struct ClientHealthRow {
    QString name;               // "vigil-evaluator#producer-2"
    QString type;               // "producer", "consumer"
    int brokersUp = 0;
    int brokersTotal = 0;
    double sentPerSecond = 0;
    double receivedPerSecond = 0;
    double produceErrorsPerSecond = 0; // failed deliveries per second between the last two reports
    qint64 failedDeliveries = 0;
    double averageRttMs = 0;
    double p99RttMs = 0;
    qint64 queuedMessages = 0;
    qint64 requestsInFlight = 0;
    qint64 lastSeenMs = 0;
    bool erring = false;        // the produce-error rule fires for it
};

// The librdkafka statistics of every client in the process, with rates between reports and the
// seed's produce-error rule (ClusterRules: > 0.01 errors/s for 3 minutes). Clients that stop
// reporting (a finished replay's producer) are forgotten after `forgetAfterMs`, so it stays bounded.
class ClientHealth {
public:
    explicit ClientHealth(qint64 forgetAfterMs = 60'000) : m_forgetAfterMs(forgetAfterMs) {}

    ClusterRules &rules() { return m_rules; }
    // Returns the produce-error alerts that fired or cleared with this report.
    QList<ConsoleAlert> update(const ClientStatistics &statistics, qint64 nowMs);
    QList<ClientHealthRow> rows() const { return m_rows.values(); } // by name

    static QString nameOf(const ClientStatistics &statistics);

private:
    struct Previous {
        qint64 timestampUs = 0;
        qint64 sent = 0;
        qint64 received = 0;
    };
    ClusterRules m_rules;
    qint64 m_forgetAfterMs;
    QMap<QString, ClientHealthRow> m_rows;
    QMap<QString, Previous> m_previous;
};
