#include "jobs/ingestpublisher.h"

#include "client/clientroles.h"
#include "client/consumer.h"
#include "client/kafkaerror.h"
#include "client/producer.h"
#include "client/topicmetadata.h"

#include <QDeadlineTimer>
#include <QLoggingCategory>

#include <set>

Q_LOGGING_CATEGORY(lcIngest, "vigil.ingest")

namespace {
constexpr int InitTimeoutMs = 30'000;
constexpr int CursorReadMs = 20'000;
constexpr int ResumeEveryMs = 1000;
} // namespace

IngestPublisher::IngestPublisher(ClientConfig config, QString transactionalId, QObject *parent)
    : KafkaWorker(parent), m_config(std::move(config)), m_transactionalId(std::move(transactionalId)), m_resume(this)
{
    m_resume.setInterval(ResumeEveryMs);
    connect(&m_resume, &QTimer::timeout, this, &IngestPublisher::resumeCommit);
}

IngestPublisher::~IngestPublisher() = default;

void IngestPublisher::readCursorsOf(std::string base, std::string topic)
{
    m_cursorBase = std::move(base);
    m_cursorTopic = std::move(topic);
}

void IngestPublisher::open()
{
    ClientConfig config = ClientRoles::transactionalProducer(m_config, m_transactionalId, QStringLiteral("vigil-ingest"));
    config.setDefault(QStringLiteral("linger.ms"), QStringLiteral("0"));
    m_producer = std::make_unique<Producer>(config);
    m_producer->callbacks().onError = [this](const ClientError &error) {
        if (error.fatal)
            Q_EMIT errorOccurred(error);
    };
    m_producer->initTransactions(InitTimeoutMs); // ends what an earlier run of this source left open
    if (!m_cursorBase.empty())
        readCursors();
    setAvailable(true);
    if (!m_queue.empty())
        QMetaObject::invokeMethod(this, &IngestPublisher::drain, Qt::QueuedConnection);
}

void IngestPublisher::openFailed(const ClientError &error, int retryInMs)
{
    setAvailable(false);
    KafkaWorker::openFailed(error, retryInMs);
}

void IngestPublisher::readCursors()
{
    ClientConfig config = ClientRoles::assignOnlyReader(m_config, QStringLiteral("vigil-ingest-cursors"));
    config.setDefault(QStringLiteral("fetch.wait.max.ms"), QStringLiteral("10"));
    Consumer reader(config);
    const int partitions = partitionCountOf(reader.handle(), m_cursorTopic, 10'000);
    RdPartitionListPtr list(rd_kafka_topic_partition_list_new(partitions));
    for (int p = 0; p < partitions; ++p)
        rd_kafka_topic_partition_list_add(list.get(), m_cursorTopic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    throwIfError(rd_kafka_assign(reader.handle(), list.get()), QStringLiteral("assign the ingest cursors"));
    const std::string prefix = m_cursorBase + ' ';
    QHash<QByteArray, QByteArray> latest; // compaction keeps the latest per key; so does this
    std::set<int> atEnd;
    QDeadlineTimer deadline(CursorReadMs);
    while (int(atEnd.size()) < partitions) {
        if (deadline.hasExpired())
            throw KafkaException(ClientErrors::retrying(
                tr("the ingest cursors on %1 were not read to their end within %2 s")
                    .arg(QString::fromStdString(m_cursorTopic)).arg(CursorReadMs / 1000)));
        RdMessagePtr message = reader.poll(100);
        if (!message)
            continue;
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            atEnd.insert(message->partition);
            continue;
        }
        if (message->err || !message->key)
            continue;
        const QByteArray key(static_cast<const char *>(message->key), int(message->key_len));
        if (!key.startsWith(QByteArray::fromStdString(prefix)))
            continue;
        if (message->payload)
            latest.insert(key, QByteArray(static_cast<const char *>(message->payload), int(message->len)));
        else
            latest.remove(key);
    }
    rd_kafka_assign(reader.handle(), nullptr);
    reader.close(2000);
    Q_EMIT cursorsRead(latest.values());
}

void IngestPublisher::publish(quint64 batch, const IngestBatch &records)
{
    if (!m_producer || !m_available) {
        Q_EMIT outcome(batch, IngestOutcome::Failed, tr("Kafka cannot take events now: the cluster is not reachable"));
        return;
    }
    if (!m_unknown.empty()) {
        Q_EMIT outcome(batch, IngestOutcome::Failed,
                       tr("Kafka cannot take events now: an earlier commit has not been confirmed yet"));
        return;
    }
    m_queue.push_back({batch, records});
    if (m_queue.size() == 1) // batches queued behind this one are written with it
        QMetaObject::invokeMethod(this, &IngestPublisher::drain, Qt::QueuedConnection);
}

void IngestPublisher::drain()
{
    while (!m_queue.empty() && m_producer && m_unknown.empty()) {
        const auto end = m_queue.begin() + std::min<std::ptrdiff_t>(MaxGroupBatches, std::ptrdiff_t(m_queue.size()));
        std::vector<Queued> group(std::make_move_iterator(m_queue.begin()), std::make_move_iterator(end));
        m_queue.erase(m_queue.begin(), end);
        write(std::move(group));
    }
}

void IngestPublisher::write(std::vector<Queued> group)
{
    try {
        m_producer->beginTransaction();
        for (const Queued &queued : group) {
            for (const IngestRecord &record : queued.records.records)
                m_producer->produce(record.topic, record.key, record.value);
        }
        m_producer->commitTransaction(CommitTimeoutMs);
        for (const Queued &queued : group)
            Q_EMIT outcome(queued.batch, IngestOutcome::Committed, {});
        return;
    } catch (const KafkaException &exception) {
        const ClientError error = exception.error();
        qCInfo(lcIngest).noquote() << "a transaction of" << group.size() << "batches failed (pending:"
                                   << m_producer->commitPending() << "):" << error.message;
        if (error.fatal) {
            for (const Queued &queued : group)
                Q_EMIT outcome(queued.batch, IngestOutcome::Failed, error.message);
            Q_EMIT errorOccurred(error);
            setAvailable(false);
            releaseClients();
            if (!isFenced(error.code))
                reopenLater();
            return;
        }
        if (m_producer->commitPending()) { // its outcome is not known: resumed until it is
            for (const Queued &queued : group) {
                m_unknown.push_back(queued.batch);
                Q_EMIT outcome(queued.batch, IngestOutcome::Unknown, error.message);
            }
            m_resume.start();
            return;
        }
        try {
            m_producer->abortTransaction(CommitTimeoutMs);
        } catch (const KafkaException &) {
            // an abort that failed is resumed by the next beginTransaction()
        }
        if (group.size() > 1 && Producer::refusesRecord(rd_kafka_resp_err_t(error.code))) {
            for (Queued &queued : group) // one batch's record was refused: the others go on alone
                write({std::move(queued)});
            return;
        }
        const IngestOutcome result =
            Producer::refusesRecord(rd_kafka_resp_err_t(error.code)) ? IngestOutcome::Refused : IngestOutcome::Failed;
        for (const Queued &queued : group)
            Q_EMIT outcome(queued.batch, result, error.message);
    }
}

void IngestPublisher::resumeCommit()
{
    if (!m_producer || m_unknown.empty()) {
        m_resume.stop();
        return;
    }
    IngestOutcome result = IngestOutcome::Committed;
    QString message;
    try {
        m_producer->commitTransaction(ResumeEveryMs);
    } catch (const KafkaException &exception) {
        if (m_producer->commitPending())
            return; // still not known: the timer tries again
        result = IngestOutcome::Failed;
        message = exception.error().message;
        try {
            m_producer->abortTransaction(CommitTimeoutMs);
        } catch (const KafkaException &) {
        }
    }
    m_resume.stop();
    qCInfo(lcIngest).noquote() << "the commit that timed out" << (result == IngestOutcome::Committed ? "succeeded" : "failed:")
                               << message;
    for (const quint64 batch : std::exchange(m_unknown, {}))
        Q_EMIT outcome(batch, result, message);
    drain();
}

void IngestPublisher::setAvailable(bool available)
{
    if (available == m_available)
        return;
    m_available = available;
    Q_EMIT availabilityChanged(available);
}

void IngestPublisher::releaseClients()
{
    m_resume.stop();
    for (const quint64 batch : std::exchange(m_unknown, {}))
        Q_EMIT outcome(batch, IngestOutcome::Failed, tr("the ingest producer was closed before its commit was confirmed"));
    for (const Queued &queued : std::exchange(m_queue, {}))
        Q_EMIT outcome(queued.batch, IngestOutcome::Failed, tr("the ingest producer was closed"));
    m_producer.reset();
    setAvailable(false);
}
