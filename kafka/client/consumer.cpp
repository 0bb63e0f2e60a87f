#include "client/consumer.h"

#include "client/kafkaerror.h"

#include <QDeadlineTimer>

#include <cstring>

Consumer::Consumer(const ClientConfig &config, RebalanceHandler onRebalance)
{
    m_callbacks.onRebalance = std::move(onRebalance);
    RdConfPtr conf = config.build();
    m_callbacks.install(conf.get());
    char errstr[512];
    m_client.reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), errstr, sizeof errstr));
    if (!m_client)
        throw ConfigError(errstr);
    conf.release(); // rd_kafka_new took it
    rd_kafka_poll_set_consumer(m_client.get());
}

Consumer::~Consumer()
{
    if (!m_closed)
        close(2000);
    rd_kafka_t *client = m_client.release();
    rd_kafka_destroy_flags(client, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
}

void Consumer::subscribe(const QStringList &topics)
{
    RdPartitionListPtr list(rd_kafka_topic_partition_list_new(int(topics.size())));
    for (const auto &topic : topics)
        rd_kafka_topic_partition_list_add(list.get(), topic.toUtf8().constData(), RD_KAFKA_PARTITION_UA);
    throwIfError(rd_kafka_subscribe(m_client.get(), list.get()), QStringLiteral("subscribe"));
}

RdMessagePtr Consumer::poll(int timeoutMs)
{
    return RdMessagePtr(rd_kafka_consumer_poll(m_client.get(), timeoutMs));
}

bool Consumer::close(int deadlineMs)
{
    m_closed = true;
    QDeadlineTimer deadline(deadlineMs);
    RdQueuePtr queue(rd_kafka_queue_new(m_client.get()));
    if (rd_kafka_error_t *error = rd_kafka_consumer_close_queue(m_client.get(), queue.get())) {
        rd_kafka_error_destroy(error);
        return false;
    }
    while (!rd_kafka_consumer_closed(m_client.get())) {
        if (deadline.hasExpired())
            return false;
        rd_kafka_event_t *event = rd_kafka_queue_poll(queue.get(), int(qMin<qint64>(100, deadline.remainingTime())));
        if (event && rd_kafka_event_type(event) == RD_KAFKA_EVENT_REBALANCE) {
            // Closing revokes the assignment; give it up the way the group protocol expects.
            follow(m_client.get(), RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS, rd_kafka_event_topic_partition_list(event));
        }
        if (event)
            rd_kafka_event_destroy(event);
    }
    return true;
}

void Consumer::follow(rd_kafka_t *client, rd_kafka_resp_err_t change, rd_kafka_topic_partition_list_t *partitions)
{
    const bool assign = change == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS;
    if (strcmp(rd_kafka_rebalance_protocol(client), "COOPERATIVE") == 0) {
        rd_kafka_error_t *error = assign ? rd_kafka_incremental_assign(client, partitions)
                                         : rd_kafka_incremental_unassign(client, partitions);
        if (error)
            rd_kafka_error_destroy(error);
    } else {
        rd_kafka_assign(client, assign ? partitions : nullptr);
    }
}

KafkaRecord Consumer::toRecord(const rd_kafka_message_t &message)
{
    KafkaRecord record;
    record.topic = QString::fromUtf8(rd_kafka_topic_name(message.rkt));
    record.partition = message.partition;
    record.offset = message.offset;
    record.timestampMs = rd_kafka_message_timestamp(&message, nullptr);
    if (message.key)
        record.key = QByteArray(static_cast<const char *>(message.key), qsizetype(message.key_len));
    if (message.payload)
        record.value = QByteArray(static_cast<const char *>(message.payload), qsizetype(message.len));
    rd_kafka_headers_t *headers = nullptr;
    if (rd_kafka_message_headers(&message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char *name;
        const void *value;
        size_t size;
        for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
            record.headers.append({QByteArray(name), QByteArray(static_cast<const char *>(value), qsizetype(size))});
    }
    return record;
}
