#include "client/consumerworker.h"

#include "client/clientroles.h"
#include "client/consumer.h"
#include "client/kafkaerror.h"

#include <QDeadlineTimer>

ConsumerWorker::ConsumerWorker(ConsumerSettings settings, QObject *parent)
    : KafkaWorker(parent), m_settings(std::move(settings))
{
}

ConsumerWorker::~ConsumerWorker() = default;

void ConsumerWorker::open()
{
    ClientConfig config = ClientRoles::groupReader(m_settings.config, m_settings.groupId, m_settings.groupId);
    config.setDefault(QStringLiteral("auto.offset.reset"), m_settings.offsetReset);
    m_consumer = std::make_unique<Consumer>(config);
    m_consumer->callbacks().onError = [this](const ClientError &error) { reportError(error); };
    m_consumer->callbacks().onStatistics = [this](const ClientStatistics &stats) { Q_EMIT statisticsUpdated(stats); };
    m_consumer->subscribe(m_settings.topics);
    QMetaObject::invokeMethod(this, &ConsumerWorker::pollBatch, Qt::QueuedConnection);
}

void ConsumerWorker::pollBatch()
{
    if (!m_consumer)
        return;
    QList<KafkaRecord> batch;
    QDeadlineTimer deadline(m_settings.maxBatchMs);
    while (batch.size() < m_settings.maxBatchRecords && !deadline.hasExpired() && !m_failedFatally) {
        RdMessagePtr message = m_consumer->poll(int(deadline.remainingTime()));
        if (!message)
            break;
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
            continue;
        if (message->err) {
            reportError(consumeError(*message, m_settings.groupId));
            continue;
        }
        batch.append(Consumer::toRecord(*message));
    }
    if (m_failedFatally) {
        releaseClients(); // after poll() has returned: never from inside its callbacks
        return;
    }
    if (!batch.isEmpty())
        deliver(std::move(batch));
    // Re-queued rather than looped, so shutdown() and other queued calls get their turn.
    QMetaObject::invokeMethod(this, &ConsumerWorker::pollBatch, Qt::QueuedConnection);
}

void ConsumerWorker::reportError(const ClientError &error)
{
    if (!error.fatal) {
        warn(error, m_settings.groupId); // said once, then counted: a refusal repeats at every metadata refresh
        return;
    }
    Q_EMIT errorOccurred(error);
    m_failedFatally = true;
}

void ConsumerWorker::deliver(QList<KafkaRecord> &&batch)
{
    Q_EMIT recordsReady(batch);
}

void ConsumerWorker::releaseClients()
{
    if (m_consumer) {
        m_consumer->close(3000);
        m_consumer.reset();
    }
}
