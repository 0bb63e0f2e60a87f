#include "jobs/topicprovisioner.h"
#include "base/text.h"

#include "client/kafkaerror.h"
#include "client/producer.h"
#include "base/topics.h"

#include <vector>

namespace {

constexpr int PreferredReplication = 3;
constexpr int PreferredMinInsyncReplicas = 2;
constexpr qint64 AlertCompactionLagMs = 60LL * 60 * 1000; // an alert's latest state is compacted within an hour

RdMetadataPtr clusterMetadata(rd_kafka_t *client, int timeoutMs)
{
    const rd_kafka_metadata_t *raw = nullptr;
    throwIfError(rd_kafka_metadata(client, 1, nullptr, &raw, timeoutMs), QStringLiteral("cluster metadata"));
    return RdMetadataPtr(raw);
}

int brokerCount(rd_kafka_t *client, int timeoutMs)
{
    return clusterMetadata(client, timeoutMs)->broker_cnt;
}

TopicSpecView viewOf(const Topics::TopicSpec &spec)
{
    return {Text::toQString(spec.name), spec.partitions, spec.retentionMs,
            spec.compacted};
}

using EventPtr = std::unique_ptr<rd_kafka_event_t, void (*)(rd_kafka_event_t *)>;

// The topics' configs as the cluster reports them; throws when the cluster cannot answer.
QMap<QString, QMap<QString, QString>> describeConfigs(rd_kafka_t *client, const QStringList &topics, int timeoutMs)
{
    std::vector<rd_kafka_ConfigResource_t *> resources;
    for (const auto &topic : topics)
        resources.push_back(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.toUtf8().constData()));
    RdQueuePtr queue(rd_kafka_queue_new(client));
    rd_kafka_AdminOptions_t *options = rd_kafka_AdminOptions_new(client, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
    char errstr[512];
    rd_kafka_AdminOptions_set_request_timeout(options, timeoutMs, errstr, sizeof errstr);
    rd_kafka_DescribeConfigs(client, resources.data(), resources.size(), options, queue.get());
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_ConfigResource_destroy_array(resources.data(), resources.size());

    rd_kafka_event_t *raw = rd_kafka_queue_poll(queue.get(), timeoutMs + 5000);
    if (!raw)
        throw KafkaException({RD_KAFKA_RESP_ERR__TIMED_OUT, QStringLiteral("DescribeConfigs: no answer"), false, true});
    EventPtr event(raw, rd_kafka_event_destroy);
    throwIfError(rd_kafka_event_error(raw), QStringLiteral("DescribeConfigs"));

    QMap<QString, QMap<QString, QString>> configs;
    size_t count = 0;
    const rd_kafka_ConfigResource_t **results =
        rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(raw), &count);
    for (size_t i = 0; i < count; ++i) {
        throwIfError(rd_kafka_ConfigResource_error(results[i]), QStringLiteral("DescribeConfigs"));
        auto &topicConfigs = configs[QString::fromUtf8(rd_kafka_ConfigResource_name(results[i]))];
        size_t entryCount = 0;
        const rd_kafka_ConfigEntry_t **entries = rd_kafka_ConfigResource_configs(results[i], &entryCount);
        for (size_t e = 0; e < entryCount; ++e) {
            const char *value = rd_kafka_ConfigEntry_value(entries[e]);
            topicConfigs.insert(QString::fromUtf8(rd_kafka_ConfigEntry_name(entries[e])),
                                value ? QString::fromUtf8(value) : QString());
        }
    }
    return configs;
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
        const TopicSpecView view = viewOf(spec);
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
    EventPtr owned(event, rd_kafka_event_destroy);
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

QList<TopicProvisioner::Drift> TopicProvisioner::check()
{
    Producer client(m_config);
    const RdMetadataPtr metadata = clusterMetadata(client.handle(), m_timeoutMs);
    const int replication = qMin(PreferredReplication, metadata->broker_cnt);

    QList<Drift> drift;
    QStringList existing;
    for (const auto &spec : Topics::recommendedLayout()) {
        const TopicSpecView view = viewOf(spec);
        const rd_kafka_metadata_topic_t *topic = nullptr;
        for (int i = 0; i < metadata->topic_cnt; ++i) {
            if (view.name == QString::fromUtf8(metadata->topics[i].topic) && !metadata->topics[i].err)
                topic = &metadata->topics[i];
        }
        if (!topic) {
            drift.append({view.name, QStringLiteral("exists"), QStringLiteral("yes"), QStringLiteral("no"), false});
            continue;
        }
        existing.append(view.name);
        if (topic->partition_cnt != view.partitions)
            drift.append({view.name, QStringLiteral("partitions"), QString::number(view.partitions),
                          QString::number(topic->partition_cnt), false});
        const int replicas = topic->partition_cnt > 0 ? topic->partitions[0].replica_cnt : 0;
        if (replicas != replication)
            drift.append({view.name, QStringLiteral("replication factor"), QString::number(replication),
                          QString::number(replicas), false});
    }
    if (existing.isEmpty())
        return drift;

    QMap<QString, QMap<QString, QString>> actual;
    try {
        // A cluster that does not answer DescribeConfigs (the embedded one) need not be waited on long.
        actual = describeConfigs(client.handle(), existing, qMin(m_timeoutMs, 5000));
    } catch (const KafkaException &error) {
        for (const auto &topic : existing)
            drift.append({topic, QStringLiteral("configs"), {},
                          QStringLiteral("not supported by this cluster (%1)").arg(error.error().message), true});
        return drift;
    }
    for (const auto &spec : Topics::recommendedLayout()) {
        const TopicSpecView view = viewOf(spec);
        if (!existing.contains(view.name))
            continue;
        const auto expected = recommendedConfigs(view, replication);
        for (auto it = expected.begin(); it != expected.end(); ++it) {
            const QString value = actual.value(view.name).value(it.key());
            if (value != it.value())
                drift.append({view.name, it.key(), it.value(), value.isEmpty() ? QStringLiteral("(unset)") : value, false});
        }
    }
    return drift;
}
