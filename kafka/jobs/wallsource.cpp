#include "jobs/wallsource.h"
#include "base/text.h"

#include "client/clientroles.h"
#include "client/consumer.h"
#include "fhir/fhirenvelope.h"
#include "client/kafkaerror.h"
#include "client/kafkahandles.h"
#include "client/topicmetadata.h"

#include <QDateTime>

#include <utility>

namespace {

constexpr int MaxWaitMs = 50; // between heartbeat checks when nothing arrives
constexpr int MaxBatchRecords = 5000;
constexpr int MetadataTimeoutMs = 5000;
constexpr int ProbeTimeoutMs = 2000;

qint64 now() { return QDateTime::currentMSecsSinceEpoch(); }

} // namespace

WallSource::WallSource(WallSourceSettings settings, QObject *parent)
    : KafkaWorker(parent), m_settings(std::move(settings))
{
}

WallSource::~WallSource() = default;

ClientConfig WallSource::readerConfig(const ClientConfig &config)
{
    // Alerts are written in the evaluator's transactions: the reader sees committed ones only, so
    // an aborted one never reaches the ward.
    return ClientRoles::assignOnlyReader(config, QStringLiteral("vigil-wall"));
}

void WallSource::open()
{
    m_consumer = std::make_unique<Consumer>(readerConfig(m_settings.config));
    m_consumer->callbacks().onError = [this](const ClientError &error) {
        Q_EMIT errorOccurred(error);
        if (error.code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
            Q_EMIT brokersLost(error.message);
    };
    m_consumer->callbacks().onStatistics = [this](const ClientStatistics &stats) { Q_EMIT statisticsUpdated(stats); };
    assignFromBeginning();
    m_sinceHeard.start();
    QMetaObject::invokeMethod(this, &WallSource::pollBatch, Qt::QueuedConnection);
}

void WallSource::openFailed(const ClientError &error, int retryInMs)
{
    // The cluster may be down when the display starts (the start is retried), or refuse it for good (a
    // missing ACL, a missing topic): either way the ward is told at once.
    KafkaWorker::openFailed(error, retryInMs);
    Q_EMIT brokersLost(error.message);
}

void WallSource::assignFromBeginning()
{
    RdPartitionListPtr partitions(rd_kafka_topic_partition_list_new(32));
    for (const std::string &topic : {m_settings.topics.alerts, m_settings.topics.adt}) {
        const int count = partitionCountOf(m_consumer->handle(), topic, MetadataTimeoutMs);
        for (int partition = 0; partition < count; ++partition)
            rd_kafka_topic_partition_list_add(partitions.get(), topic.c_str(), partition)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    throwIfError(rd_kafka_assign(m_consumer->handle(), partitions.get()), QStringLiteral("assign"));
    m_partitionsAssigned = partitions->cnt;
}

void WallSource::pollBatch()
{
    if (!m_consumer)
        return;
    WallBatch batch;
    int records = 0;
    // Waits for the first record, then takes what is already there: an alert is on the board as soon
    // as it is read, and a flood still comes in large batches.
    int timeoutMs = MaxWaitMs;
    while (records < MaxBatchRecords) {
        RdMessagePtr message = m_consumer->poll(std::exchange(timeoutMs, 0));
        if (!message)
            break;
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            m_partitionsAtEnd.emplace(QString::fromUtf8(rd_kafka_topic_name(message->rkt)), message->partition);
            continue;
        }
        if (message->err) {
            warn(consumeError(*message), QStringLiteral("wall")); // once, then counted: it repeats while it lasts
            continue;
        }
        ++records;
        decode(Consumer::toRecord(*message), batch);
    }
    batch.live = m_live;
    const bool caughtUp = !m_live && int(m_partitionsAtEnd.size()) >= m_partitionsAssigned;
    batch.caughtUp = caughtUp;
    if (records > 0 || caughtUp) {
        m_sinceHeard.restart();
        Q_EMIT heard(now());
    }
    if (!batch.alerts.empty() || !batch.adt.empty() || batch.unreadable > 0 || caughtUp)
        Q_EMIT batchReady(batch);
    if (caughtUp)
        m_live = true; // the batch above closed the history; everything after it is live
    if (m_sinceHeard.hasExpired(m_settings.heartbeatMs))
        probeBrokers();
    QMetaObject::invokeMethod(this, &WallSource::pollBatch, Qt::QueuedConnection);
}

void WallSource::decode(const KafkaRecord &record, WallBatch &batch)
{
    const std::string_view bytes = Text::view(record.value);
    const auto unreadable = [&batch](const char *what) {
        if (batch.unreadable++ == 0)
            batch.firstUnreadable = QString::fromUtf8(what);
    };
    if (record.topic.toStdString() == m_settings.topics.alerts) {
        if (record.value.isNull())
            return; // a tombstone: compaction's way of forgetting an alert
        try {
            batch.alerts.push_back(Alert::parse(bytes));
        } catch (const AlertError &error) {
            unreadable(error.what());
        }
        return;
    }
    try {
        if (auto event = adtEventFromEnvelope(FhirEnvelope::parse(bytes), record.timestampMs))
            batch.adt.push_back(std::move(*event));
    } catch (const EnvelopeError &error) {
        unreadable(error.what());
    }
}

void WallSource::probeBrokers()
{
    int64_t low = 0, high = 0;
    const auto error = queryWatermarks(m_consumer->handle(), m_settings.topics.alerts.c_str(), 0, &low, &high, ProbeTimeoutMs);
    m_sinceHeard.restart(); // probe again only after another interval, answered or not
    if (error == RD_KAFKA_RESP_ERR_NO_ERROR)
        Q_EMIT heard(now());
}

void WallSource::releaseClients()
{
    if (m_consumer) {
        m_consumer->close(3000);
        m_consumer.reset();
    }
}
