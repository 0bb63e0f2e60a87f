#pragma once

#include "schemas/avrocodec.h"

#include "base/kafkarecord.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

// What the cluster inspector saw in one refresh, as immutable value types that cross from its
// worker thread to the GUI (DESIGN.md rules 1-2). -1 means "not known" throughout.

struct BrokerInfo {
    int id = -1;
    QString host;
    int port = 0;
    bool up = true;
    QString state; // librdkafka's view of the connection, e.g. "UP", "DOWN", "INIT" (never needed)
};

struct PartitionInfo {
    int id = -1;
    int leader = -1;
    QList<int> replicas;
    QList<int> isr;
    qint64 low = -1;
    qint64 high = -1;
    QString error;              // metadata or watermark error, in words
    QList<int> replicasOnDownBrokers;
    // ISR smaller than the replica set, or a replica on a broker the inspector sees down (the
    // mock cluster never shrinks its ISR, so the second is how a drill shows there).
    bool underReplicated() const { return isr.size() < replicas.size() || !replicasOnDownBrokers.isEmpty(); }
    qint64 messages() const { return low >= 0 && high >= low ? high - low : -1; }
};

struct TopicConfigEntry {
    QString name;
    QString value;
    bool isDefault = false;
};

struct TopicInfo {
    QString name;
    bool internal = false;
    QList<PartitionInfo> partitions;
    QString error;
    double produceRate = -1;      // messages/s from the last two refreshes' high watermarks
    QList<double> rateHistory;    // oldest first, bounded; for the sparkline
    QList<TopicConfigEntry> configs;
    bool configsAnswered = false;
    QString configsNote;          // why there are no configs ("not supported by this cluster")
    QStringList drift;            // differences from the recommended layout, in words

    int replicationFactor() const { return partitions.isEmpty() ? 0 : int(partitions.first().replicas.size()); }
    qint64 totalMessages() const
    {
        qint64 total = 0;
        for (const auto &p : partitions) {
            if (p.messages() < 0)
                return -1;
            total += p.messages();
        }
        return total;
    }
    int underReplicatedCount() const
    {
        int n = 0;
        for (const auto &p : partitions)
            n += p.underReplicated() ? 1 : 0;
        return n;
    }
};

struct GroupPartitionLag {
    QString topic;
    int partition = -1;
    qint64 committed = -1;      // -1: nothing committed
    qint64 end = -1;            // high watermark
    qint64 lag = -1;            // messages
    double lagSeconds = -1;     // age of the next unconsumed message
    bool lagSecondsEstimated = false; // interpolated from watermark history, not read from a record
};

struct GroupMember {
    QString memberId;
    QString clientId;
    QString host;
    QStringList assignment; // "topic[p]"
};

struct ConsumerGroupInfo {
    QString id;
    QString state;              // "Stable", "Empty"... or empty when the cluster cannot describe groups
    bool discovered = false;    // listed by the cluster rather than added by the user
    bool described = false;
    QList<GroupMember> members;
    QList<GroupPartitionLag> partitions;
    QString error;

    qint64 totalLag() const
    {
        qint64 total = 0;
        for (const auto &p : partitions)
            total += qMax<qint64>(0, p.lag);
        return total;
    }
    double maxLagSeconds() const
    {
        double m = -1;
        for (const auto &p : partitions)
            m = qMax(m, p.lagSeconds);
        return m;
    }
    bool anyEstimated() const
    {
        for (const auto &p : partitions) {
            if (p.lagSecondsEstimated)
                return true;
        }
        return false;
    }
};

struct ClusterSnapshot {
    qint64 takenAtMs = 0;
    qint64 refreshMs = 0;       // how long the refresh took
    QString bootstrap;
    QString clusterId;
    int controllerId = -1;
    QList<BrokerInfo> brokers;
    QList<TopicInfo> topics;
    QList<ConsumerGroupInfo> groups;
    bool groupsListed = false;  // ListConsumerGroups answered
    QString groupsNote;         // why not
    bool groupsDescribed = false;
    bool configsAnswered = false;
    QString configsNote;
    QString error;              // the refresh failed as a whole (cluster unreachable)
    QString accessNote;         // topics of the layout this principal may not describe ("not authorized to ... — ACL")

    int brokersDown() const
    {
        int n = 0;
        for (const auto &b : brokers)
            n += b.up ? 0 : 1;
        return n;
    }
    int underReplicatedPartitions() const
    {
        int n = 0;
        for (const auto &t : topics)
            n += t.underReplicatedCount();
        return n;
    }
    const TopicInfo *topic(const QString &name) const
    {
        for (const auto &t : topics) {
            if (t.name == name)
                return &t;
        }
        return nullptr;
    }
};

// The words the views show where the mock cluster cannot answer.
inline QString notSupportedByThisCluster() { return QStringLiteral("not supported by this cluster"); }

// ---- Message browsing -----------------------------------------------------------------------

// Where a browse starts.
struct BrowseRequest {
    enum class Start { Beginning, EndMinusN, Offset, Timestamp };
    QString topic;
    QList<int> partitions;      // empty: all
    Start start = Start::Beginning;
    qint64 offset = 0;          // Offset: this offset; EndMinusN: N
    qint64 timestampMs = 0;     // Timestamp: the first record at or after this time
    int pageSize = 200;         // records per page, over all chosen partitions
};

// One row of the message table: light, with the value cut short when large.
struct BrowsedMessage {
    KafkaRecord record;         // value truncated to previewBytes when valueSize >= LargeValueBytes
    qint64 valueSize = 0;       // the full size on the broker
    bool truncated = false;
    QString resourceType;
    QString patientId;
    QString summary;            // FHIR-aware: code, value, status; or why unreadable
    QByteArray avroJson;        // an Avro value (Confluent wire format) decoded to JSON; empty otherwise

    static constexpr qint64 LargeValueBytes = 1024 * 1024;
    static constexpr qint64 PreviewBytes = 4096;
    // Decodes the FHIR summary and truncates a large value; with `schemas`, Avro values in the Confluent
    // wire format are decoded first. Runs on the worker.
    static BrowsedMessage fromRecord(KafkaRecord record, const AvroCodec::SchemaLookup &schemas = {});
};

struct BrowsePage {
    quint64 requestId = 0;
    QList<BrowsedMessage> messages; // ordered by timestamp, then partition and offset
    bool atBeginning = false;
    bool atEnd = false;
    QString error;
};

struct FilterRequest {
    QString topic;
    QList<int> partitions;       // empty: all
    QString key;                 // exact key (patient id); empty: any
    QString text;                // substring of the value, case-insensitive; empty: any
    qint64 maxBytes = 512LL * 1024 * 1024; // stop after scanning this many bytes
    int maxMatches = 1000;
};

struct FilterProgress {
    quint64 requestId = 0;
    qint64 scannedMessages = 0;
    qint64 scannedBytes = 0;
    qint64 totalMessages = 0;   // what the scan covers, from watermarks
    QList<BrowsedMessage> matches; // new since the last progress
    bool finished = false;
    bool cancelled = false;
    bool byteCapReached = false;
    QString error;
};

struct ProduceRequest {
    QString topic;
    int partition = -1;          // -1: by key
    QByteArray key;
    QList<KafkaHeader> headers;
    QByteArray value;
    bool requireJson = true;
};

struct ProduceResult {
    QString topic;
    int partition = -1;
    qint64 offset = -1;
    QString error;              // empty on success
};

Q_DECLARE_METATYPE(ClusterSnapshot)
Q_DECLARE_METATYPE(BrowseRequest)
Q_DECLARE_METATYPE(BrowsePage)
Q_DECLARE_METATYPE(BrowsedMessage)
Q_DECLARE_METATYPE(FilterRequest)
Q_DECLARE_METATYPE(FilterProgress)
Q_DECLARE_METATYPE(ProduceRequest)
Q_DECLARE_METATYPE(ProduceResult)
