#include "client/producer.h"

#include "client/kafkaerror.h"

#include <QDeadlineTimer>

Producer::Producer(const ClientConfig &config) : m_transactionalId(config.value(QStringLiteral("transactional.id")))
{
    RdConfPtr conf = config.build();
    m_callbacks.onDelivery = [this](const rd_kafka_message_t &message) {
        if (message.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            ++m_deliveries.delivered;
        } else {
            ++m_deliveries.failed;
            m_deliveries.lastFailure = deliveryError(message);
        }
        if (message._private)
            m_tagged.push_back({reinterpret_cast<quintptr>(message._private), message.err});
    };
    m_callbacks.install(conf.get());
    char errstr[512];
    m_client.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr));
    if (!m_client)
        throw ConfigError(errstr);
    conf.release(); // rd_kafka_new took it
}

void Producer::produce(const std::string &topic, std::string_view key, std::string_view value,
                       const QList<KafkaHeader> &headers, qint64 timestampMs, int partition, quintptr tag)
{
    for (;;) {
        rd_kafka_headers_t *recordHeaders = nullptr;
        if (!headers.isEmpty()) {
            recordHeaders = rd_kafka_headers_new(size_t(headers.size()));
            for (const auto &header : headers)
                rd_kafka_header_add(recordHeaders, header.name.constData(), header.name.size(),
                                    header.value.constData(), header.value.size());
        }
        const rd_kafka_resp_err_t error = rd_kafka_producev(
            m_client.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key.data(), key.size()),
            RD_KAFKA_V_VALUE(const_cast<char *>(value.data()), value.size()),
            RD_KAFKA_V_HEADERS(recordHeaders), RD_KAFKA_V_TIMESTAMP(timestampMs),
            RD_KAFKA_V_OPAQUE(reinterpret_cast<void *>(tag)), RD_KAFKA_V_END);
        if (error == RD_KAFKA_RESP_ERR_NO_ERROR) {
            rd_kafka_poll(m_client.get(), 0);
            return;
        }
        if (recordHeaders)
            rd_kafka_headers_destroy(recordHeaders); // not taken on failure
        if (error != RD_KAFKA_RESP_ERR__QUEUE_FULL)
            throwIfError(error, QStringLiteral("produce to %1").arg(QString::fromStdString(topic)));
        rd_kafka_poll(m_client.get(), 100); // let deliveries drain the queue
    }
}

ClientError Producer::deliveryError(const rd_kafka_message_t &message) const
{
    const QString topic = QString::fromUtf8(rd_kafka_topic_name(message.rkt));
    if (isAuthorizationError(message.err))
        return deniedError(message.err, QStringLiteral("write ") + topic);
    char reason[512];
    const rd_kafka_resp_err_t fatal = rd_kafka_fatal_error(m_client.get(), reason, sizeof reason);
    if (fatal == RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED) // an idempotent producer's first request
        return deniedError(fatal, QStringLiteral("write idempotently to the cluster (IDEMPOTENT_WRITE), so not to ") + topic);
    if (isAuthorizationError(fatal))
        return deniedError(fatal, QStringLiteral("write ") + topic);
    if (fatal != RD_KAFKA_RESP_ERR_NO_ERROR)
        return {fatal, QStringLiteral("not delivered to %1: the producer failed for good: %2").arg(topic, QString::fromUtf8(reason)),
                true, false};
    return clientError(message.err, QStringLiteral("delivery failed"));
}

bool Producer::refusesRecord(rd_kafka_resp_err_t error)
{
    switch (error) {
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_TIMESTAMP:
    case RD_KAFKA_RESP_ERR_POLICY_VIOLATION:
        return true;
    default:
        return false;
    }
}

void Producer::poll(int timeoutMs)
{
    rd_kafka_poll(m_client.get(), timeoutMs);
}

int Producer::flush(int timeoutMs)
{
    rd_kafka_flush(m_client.get(), timeoutMs);
    return rd_kafka_outq_len(m_client.get());
}

namespace {
// How long beginTransaction() waits for an abort that timed out before to finish.
constexpr int TransactionResumeMs = 10'000;
} // namespace

void Producer::initTransactions(int timeoutMs)
{
    rd_kafka_error_t *error = rd_kafka_init_transactions(m_client.get(), timeoutMs);
    if (error && isAuthorizationError(rd_kafka_error_code(error))) {
        const RdErrorPtr owned(error);
        const int code = rd_kafka_error_code(error);
        // A principal that may not use its transactional id may not stay: fatal, said as the ACL it lacks.
        ClientError denied = deniedError(code, code == RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED
                                                   ? QStringLiteral("write idempotently to the cluster (IDEMPOTENT_WRITE)")
                                                   : QStringLiteral("use the transactional id ") + m_transactionalId);
        denied.fatal = true;
        throw KafkaException(denied);
    }
    throwIfError(error, QStringLiteral("init transactions"));
}

void Producer::beginTransaction()
{
    if (m_abortPending)
        abortTransaction(TransactionResumeMs);
    throwIfError(rd_kafka_begin_transaction(m_client.get()), QStringLiteral("begin transaction"));
}

void Producer::commitTransaction(int timeoutMs)
{
    rd_kafka_error_t *error = rd_kafka_commit_transaction(m_client.get(), timeoutMs);
    m_commitPending = false;
    if (error && rd_kafka_error_txn_requires_abort(error)) {
        ClientError failure = clientError(error, QStringLiteral("commit transaction"));
        failure.retriable = true; // aborted: the same records may be sent again in a new transaction
        rd_kafka_error_t *abortError = rd_kafka_abort_transaction(m_client.get(), timeoutMs);
        if (abortError) {
            m_abortPending = rd_kafka_error_is_retriable(abortError);
            failure = clientError(abortError, QStringLiteral("abort after failed commit"));
        }
        throw KafkaException(failure);
    }
    m_commitPending = error && rd_kafka_error_is_retriable(error);
    throwIfError(error, QStringLiteral("commit transaction"));
}

void Producer::abortTransaction(int timeoutMs)
{
    rd_kafka_error_t *error = rd_kafka_abort_transaction(m_client.get(), timeoutMs);
    m_abortPending = error && rd_kafka_error_is_retriable(error);
    throwIfError(error, QStringLiteral("abort transaction"));
}

void Producer::sendOffsetsToTransaction(const rd_kafka_topic_partition_list_t *offsets, rd_kafka_t *consumer,
                                        int timeoutMs)
{
    rd_kafka_consumer_group_metadata_t *group = rd_kafka_consumer_group_metadata(consumer);
    rd_kafka_error_t *error = rd_kafka_send_offsets_to_transaction(m_client.get(), offsets, group, timeoutMs);
    rd_kafka_consumer_group_metadata_destroy(group);
    throwIfError(error, QStringLiteral("send offsets to transaction"));
}
