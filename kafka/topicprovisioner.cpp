#include "topicprovisioner.h"

#include "kafkaerror.h"
#include "producer.h"
#include "topics.h"

#include <vector>

namespace {

constexpr int PreferredReplication = 3;
constexpr int PreferredMinInsyncReplicas = 2;
constexpr qint64 AlertCompactionLagMs = 60LL * 60 * 1000; // an alert's latest state is compacted within an hour

int brokerCount(rd_kafka_t *client, int timeoutMs)
{
    const rd_kafka_metadata_t *raw = nullptr;
    throwIfError(rd_kafka_metadata(client, 0, nullptr, &raw, timeoutMs), QStringLiteral("cluster metadata"));
    RdMetadataPtr metadata(raw);
    return metadata->broker_cnt;
}

} // namespace

TopicProvisioner::TopicProvisioner(ClientConfig config, int timeoutMs)
    : m_config(std::move(config)), m_timeoutMs(timeoutMs)
{
}

QMap<QString, QString> TopicProvisioner::recommendedConfigs(const TopicSpecView &spec, int replicationFactor)
{
    QMap<QString, QString> configs;
    configs.insert(QStringLiteral("message.timestamp.type"), QStringLiteral("CreateTime"));
    configs.insert(QStringLiteral("min.insync.replicas"),
                   QString::number(qMax(1, qMin(PreferredMinInsyncReplicas, replicationFactor - 1))));
    if (spec.compacted) {
        configs.insert(QStringLiteral("cleanup.policy"), QStringLiteral("compact"));
        configs.insert(QStringLiteral("max.compaction.lag.ms"), QString::number(AlertCompactionLagMs));
    } else {
        configs.insert(QStringLiteral("cleanup.policy"), QStringLiteral("delete"));
        configs.insert(QStringLiteral("retention.ms"), QString::number(spec.retentionMs));
    }
    return configs;
}

QList<TopicProvisioner::Result> TopicProvisioner::provision()
{
    Producer client(m_config); // any client can send admin requests
    const int replication = qMin(PreferredReplication, brokerCount(client.handle(), m_timeoutMs));

    std::vector<rd_kafka_NewTopic_t *> newTopics;
    for (const auto &spec : Topics::recommendedLayout()) {
        const TopicSpecView view{QString::fromUtf8(spec.name.data(), qsizetype(spec.name.size())), spec.partitions,
                                 spec.retentionMs, spec.compacted};
        char errstr[512];
        rd_kafka_NewTopic_t *topic = rd_kafka_NewTopic_new(view.name.toUtf8().constData(), view.partitions, replication,
                                                           errstr, sizeof errstr);
        const auto configs = recommendedConfigs(view, replication);
        for (auto it = configs.begin(); it != configs.end(); ++it)
            rd_kafka_NewTopic_set_config(topic, it.key().toUtf8().constData(), it.value().toUtf8().constData());
        newTopics.push_back(topic);
    }

    RdQueuePtr queue(rd_kafka_queue_new(client.handle()));
    rd_kafka_AdminOptions_t *options = rd_kafka_AdminOptions_new(client.handle(), RD_KAFKA_ADMIN_OP_CREATETOPICS);
    char errstr[512];
    rd_kafka_AdminOptions_set_request_timeout(options, m_timeoutMs, errstr, sizeof errstr);
    rd_kafka_AdminOptions_set_operation_timeout(options, m_timeoutMs, errstr, sizeof errstr);
    rd_kafka_CreateTopics(client.handle(), newTopics.data(), newTopics.size(), options, queue.get());
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_NewTopic_destroy_array(newTopics.data(), newTopics.size());

    rd_kafka_event_t *event = rd_kafka_queue_poll(queue.get(), m_timeoutMs + 5000);
    if (!event)
        throw KafkaException({RD_KAFKA_RESP_ERR__TIMED_OUT, QStringLiteral("CreateTopics: no answer"), false, true});
    std::unique_ptr<rd_kafka_event_t, void (*)(rd_kafka_event_t *)> owned(event, rd_kafka_event_destroy);
    throwIfError(rd_kafka_event_error(event), QStringLiteral("CreateTopics"));

    QList<Result> results;
    size_t count = 0;
    const rd_kafka_topic_result_t **topics =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count);
    for (size_t i = 0; i < count; ++i) {
        Result result;
        result.topic = QString::fromUtf8(rd_kafka_topic_result_name(topics[i]));
        const auto error = rd_kafka_topic_result_error(topics[i]);
        if (error == RD_KAFKA_RESP_ERR_NO_ERROR) {
            result.outcome = Outcome::Created;
        } else if (error == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
            result.outcome = Outcome::Existed;
        } else {
            const char *message = rd_kafka_topic_result_error_string(topics[i]);
            result.error = QString::fromUtf8(message ? message : rd_kafka_err2str(error));
        }
        results.append(result);
    }
    return results;
}
