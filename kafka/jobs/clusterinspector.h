#pragma once

#include <functional>

#include "client/clientconfig.h"
#include "client/kafkahandles.h"
#include "client/kafkaworker.h"
#include "cluster/clustersnapshot.h"

#include <QHash>
#include <QSet>
#include <QStringList>

#include <deque>
#include <memory>

class QTimer;
class Consumer;
class Producer;

struct InspectorSettings {
    ClientConfig config;
    int refreshMs = 5000;        // settable later with setRefreshInterval
    int requestTimeoutMs = 3000; // every cluster call is bounded by this
    QStringList groups;          // group ids to watch besides those the cluster lists
    bool checkLayoutDrift = true;
};

// Asks the cluster what it holds, on its own thread, every refresh: metadata, watermarks (and from
// their deltas, produce rates), topic configs and groups where the cluster answers, committed offsets
// and lag. Each refresh leaves as one immutable ClusterSnapshot. Every call carries a timeout, and a
// broker that stops answering costs at most one timeout per refresh: its other partitions are skipped.
class ClusterInspector final : public KafkaWorker {
    Q_OBJECT
public:
    explicit ClusterInspector(InspectorSettings settings, QObject *parent = nullptr);
    ~ClusterInspector() override;

    // Whether a cluster answers a metadata request with these settings within timeoutMs: empty when
    // it did, else why not (a refused sign-in said as such). Blocks: a worker thread's call.
    static QString probe(const ClientConfig &config, int timeoutMs);
    // probe() on a thread of its own; `done` runs on the application's thread, unless receiver is gone by then.
    static void probeInBackground(const ClientConfig &config, QObject *receiver, std::function<void(const QString &error)> done);

public Q_SLOTS:
    void refresh();
    void setRefreshInterval(int ms);
    void addGroup(const QString &groupId);
    void removeGroup(const QString &groupId);

Q_SIGNALS:
    void snapshotReady(const ClusterSnapshot &snapshot);
    void refreshIntervalChanged(int ms);

protected:
    void open() override;
    void releaseClients() override;

private:
    struct WatermarkPoint {
        qint64 atMs;
        qint64 high;
    };
    using PartitionKey = QPair<QString, int>;

    void readMetadata(ClusterSnapshot &snapshot);
    void readWatermarks(ClusterSnapshot &snapshot, QSet<int> &unresponsive);
    void readConfigs(ClusterSnapshot &snapshot);
    void readDrift(ClusterSnapshot &snapshot);
    void readAccess(ClusterSnapshot &snapshot);
    void readGroups(ClusterSnapshot &snapshot);
    void readCommitted(ConsumerGroupInfo &group, const ClusterSnapshot &snapshot);
    void readLagTimes(ClusterSnapshot &snapshot);
    double interpolatedAgeSeconds(const PartitionKey &key, qint64 offset, qint64 nowMs) const;
    // Runs an admin request and waits for its result event, at most the request timeout.
    rd_kafka_event_t *awaitAdmin(rd_kafka_queue_t *queue);

    InspectorSettings m_settings;
    std::unique_ptr<Producer> m_admin; // admin, metadata and watermark requests; never produces
    std::unique_ptr<Consumer> m_peek; // reads the next unconsumed record's timestamp; joins no group
    QTimer *m_timer = nullptr;
    QHash<int, QString> m_brokerStates;  // node id -> librdkafka state from statistics
    QMap<int, BrokerInfo> m_seenBrokers; // every broker the metadata has listed, by id
    QHash<PartitionKey, std::deque<WatermarkPoint>> m_watermarks;
    QHash<QString, std::deque<double>> m_rates;
    int m_refreshes = 0;
    QHash<QString, QStringList> m_drift;
    QString m_driftNote;
    QString m_accessNote;
    bool m_refreshing = false;
    // The mock cluster never answers DescribeConfigs, ListGroups or DescribeGroups: after one
    // unanswered request the inspector says so and asks again only every BackOffRefreshes.
    int m_configsRetryAt = 0;
    int m_listRetryAt = 0;
    int m_describeRetryAt = 0;
    QString m_configsNote;
    QString m_listNote;
    QString m_describeNote;
};
