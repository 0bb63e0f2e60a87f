#pragma once

#include "schemas/avrocodec.h"
#include "schemas/schemaenforcer.h"

#include "client/clientconfig.h"
#include "cluster/clustersnapshot.h"
#include "client/kafkaworker.h"

#include <QElapsedTimer>
#include <QMap>

#include <atomic>
#include <memory>

class Consumer;
class Producer;

struct BrowserSettings {
    ClientConfig config;
    int requestTimeoutMs = 5000; // watermarks, offsets-for-times, and reading one page
    int fetchWaitMs = 20;        // the mock cluster holds an empty fetch this long
    int progressEveryMs = 100;   // filter progress leaves at most this often
    AvroCodec::SchemaLookup schemas;                 // decodes Avro values; none: shown as bytes
    std::shared_ptr<const SchemaEnforcer> enforcer; // refuses events that break their topic's schema
};

// Browses a topic's records on its own thread with consumers that join no group and commit nothing
// (assign, never subscribe). Pages are read between watermarks with deadlines; a filter scans in
// re-queued slices so cancel, shutdown and other requests interleave with it, and reports progress
// with its matches in batches. Values of 1 MB or more leave truncated; loadFullValue fetches one.
// Also produces a message and re-publishes a record to another topic.
class MessageBrowser final : public KafkaWorker {
    Q_OBJECT
public:
    explicit MessageBrowser(BrowserSettings settings, QObject *parent = nullptr);
    ~MessageBrowser() override;

    // Thread-safe: every filter request up to this id stops at its next record, or does not start
    // when it is still queued (request ids grow; a cancel can overtake the request it cancels).
    void requestCancel(quint64 throughRequestId)
    {
        quint64 seen = m_cancelledThrough.load();
        while (seen < throughRequestId && !m_cancelledThrough.compare_exchange_weak(seen, throughRequestId)) {
        }
    }

public Q_SLOTS:
    void browse(quint64 requestId, const BrowseRequest &request);
    void pageForward(quint64 requestId);
    void pageBackward(quint64 requestId);
    void filter(quint64 requestId, const FilterRequest &request);
    void cancelFilter(); // the running filter, from this thread's queue
    void loadFullValue(const QString &topic, int partition, qint64 offset);
    void produce(const ProduceRequest &request);
    void republish(const BrowsedMessage &message, const QString &targetTopic);

Q_SIGNALS:
    void pageReady(const BrowsePage &page);
    void filterProgress(const FilterProgress &progress);
    void fullValueLoaded(const QString &topic, int partition, qint64 offset, const QByteArray &value);
    void produced(const ProduceResult &result);

protected:
    void open() override;
    void releaseClients() override;

private:
    struct Range {
        qint64 low = 0;
        qint64 high = 0;
        qint64 pageStart = 0; // first offset of the current page
        qint64 pageEnd = 0;   // one past its last
    };
    struct Scan {
        quint64 requestId = 0;
        FilterRequest request;
        QMap<int, qint64> next; // partition -> next offset to see
        QMap<int, qint64> end;  // partition -> high watermark when the scan began
        FilterProgress progress;
        QByteArray key;
        QByteArray needle;      // lower case
        QElapsedTimer sinceProgress;
        int matches = 0;
    };

    QList<int> partitionsOf(const QString &topic, const QList<int> &chosen);
    void readWatermarks(const QString &topic, QMap<int, Range> &ranges);
    // Reads [from, to) of each partition with the browse consumer; stops at the deadline.
    QList<KafkaRecord> readRanges(const QString &topic, const QMap<int, QPair<qint64, qint64>> &ranges, int deadlineMs);
    void readPage(quint64 requestId, const QMap<int, qint64> &starts);
    void scanSlice();
    void finishScan();
    Producer &producer();
    ProduceResult send(const QString &topic, int partition, const QByteArray &key, const QList<KafkaHeader> &headers,
                       const QByteArray &value);

    BrowserSettings m_settings;
    std::unique_ptr<Consumer> m_consumer; // pages and single records
    std::unique_ptr<Consumer> m_scanner;  // filters, so a page can be read while a filter runs
    std::unique_ptr<Producer> m_producer;
    QString m_topic;
    int m_pageSize = 200;
    QMap<int, Range> m_ranges;
    std::unique_ptr<Scan> m_scan;
    std::atomic<quint64> m_cancelledThrough{0};
    QList<ProduceResult> m_deliveries;
};
