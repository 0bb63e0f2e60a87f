#pragma once

#include <QList>
#include <QPair>
#include <QString>

// What librdkafka's statistics say about one of Vigil's clients (statistics.interval.ms).
struct ClientStatistics {
    QString client;            // librdkafka's client name, e.g. "rdkafka#consumer-1"
    QString clientId;          // client.id, e.g. "vigil-inspector"
    QString type;              // "producer" or "consumer"
    qint64 timestampUs = 0;    // librdkafka's "ts" (monotonic microseconds)
    int brokersUp = 0;         // brokers of the cluster (not bootstrap entries) in state UP
    int brokersTotal = 0;
    qint64 receivedMessages = 0; // rxmsgs: all messages consumed from brokers
    qint64 sentMessages = 0;     // txmsgs: all messages produced to brokers
    qint64 transportErrors = 0;  // summed txerrs + rxerrs + req_timeouts over brokers
    qint64 queuedMessages = 0;   // msg_cnt: messages waiting in the client's queues
    double averageRttMs = 0.0;   // mean of the brokers' average round-trip times
    double p99RttMs = 0.0;       // the worst broker's 99th percentile round-trip time
    qint64 requestsInFlight = 0; // requests waiting to be sent or answered (outbuf_cnt + waitresp_cnt)
    qint64 failedDeliveries = 0; // produced messages the cluster did not take (delivery reports with an error)
    QList<QPair<int, QString>> brokerStates; // each cluster member: node id, librdkafka state ("UP", "DOWN", ...)
};

// An error reported by a client, as DESIGN.md rule 7 describes it.
struct ClientError {
    int code = 0;
    QString message;
    bool fatal = false;
    bool retriable = false;
};
