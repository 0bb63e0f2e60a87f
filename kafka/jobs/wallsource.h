#pragma once

#include "clinical/alert.h"
#include "client/clientconfig.h"
#include "base/kafkarecord.h"
#include "client/kafkaworker.h"
#include "base/topics.h"
#include "wall/wallfeed.h"

#include <QElapsedTimer>

#include <memory>
#include <set>
#include <utility>
#include <vector>

class Consumer;

// What a wall display learned from the cluster since the last batch.
struct WallBatch {
    std::vector<Alert> alerts;
    std::vector<AdtEvent> adt;
    bool live = false;       // false while the topics are still being read from their beginning
    bool caughtUp = false;   // this batch ends that history: the board is now the current truth
    int unreadable = 0;      // records that could not be read (counted, never shown as alerts)
    QString firstUnreadable; // why the first of them could not be read
};

// Where wall displays read and write: the seed's layout, unless a test or a site names others.
struct WallTopics {
    std::string alerts{Topics::CriticalAlerts};
    std::string adt{Topics::Adt};
};

struct WallSourceSettings {
    ClientConfig config;
    WallTopics topics;
    int heartbeatMs = 5000; // how often the source proves the brokers answer when no record arrives
};

// The wall display's view of the cluster (issue 5): reads the compacted alerts topic and the ADT
// topic from their beginning, so a display starts with the current truth, then follows both live.
// It joins no group and commits nothing: every display reads everything, and restarts read it again.
// Records are decoded on this thread; the GUI thread gets batches. While no record flows it asks a
// broker for a watermark every heartbeatMs and reports the answer as heard(), so an idle unit is
// told apart from a dead feed.
class WallSource final : public KafkaWorker {
    Q_OBJECT
public:
    explicit WallSource(WallSourceSettings settings, QObject *parent = nullptr);
    ~WallSource() override;

    // The display's consumer settings (benchmarks measure what a ward sees with these).
    static ClientConfig readerConfig(const ClientConfig &config);

Q_SIGNALS:
    void batchReady(const WallBatch &batch);
    void heard(qint64 atMs);                   // a broker answered (a record or a heartbeat)
    void brokersLost(const QString &reason);   // librdkafka says no broker can be reached

protected:
    void open() override;
    void openFailed(const ClientError &error, int retryInMs) override;
    void releaseClients() override;

private:
    void assignFromBeginning();
    void pollBatch();
    void decode(const KafkaRecord &record, WallBatch &batch);
    void probeBrokers();

    WallSourceSettings m_settings;
    std::unique_ptr<Consumer> m_consumer;
    std::set<std::pair<QString, int>> m_partitionsAtEnd; // reached once: the history is read
    int m_partitionsAssigned = 0;
    bool m_live = false;
    QElapsedTimer m_sinceHeard;
};
