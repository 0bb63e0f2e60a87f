#include "client/topiclimits.h"

#include <vector>

namespace {
using EventPtr = std::unique_ptr<rd_kafka_event_t, void (*)(rd_kafka_event_t *)>;
}

void TopicLimits::request(rd_kafka_t *client, const QStringList &topics, int timeoutMs)
{
    std::vector<rd_kafka_ConfigResource_t *> resources;
    for (const auto &topic : topics)
        resources.push_back(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.toUtf8().constData()));
    m_queue.reset(rd_kafka_queue_new(client));
    rd_kafka_AdminOptions_t *options = rd_kafka_AdminOptions_new(client, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
    char errstr[512];
    rd_kafka_AdminOptions_set_request_timeout(options, timeoutMs, errstr, sizeof errstr);
    rd_kafka_DescribeConfigs(client, resources.data(), resources.size(), options, m_queue.get());
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_ConfigResource_destroy_array(resources.data(), resources.size());
    m_note = QStringLiteral("waiting for the cluster's limits");
}

bool TopicLimits::take()
{
    if (!m_queue || m_answered)
        return false;
    rd_kafka_event_t *raw = rd_kafka_queue_poll(m_queue.get(), 0);
    if (!raw)
        return false;
    EventPtr event(raw, rd_kafka_event_destroy);
    m_answered = true;
    m_note.clear();
    if (rd_kafka_event_error(raw)) {
        m_note = QStringLiteral("the cluster did not say its limits (%1)").arg(QString::fromUtf8(rd_kafka_event_error_string(raw)));
    } else if (const auto *result = rd_kafka_event_DescribeConfigs_result(raw)) {
        size_t count = 0;
        const rd_kafka_ConfigResource_t **topics = rd_kafka_DescribeConfigs_result_resources(result, &count);
        for (size_t i = 0; i < count; ++i) {
            if (rd_kafka_ConfigResource_error(topics[i]) != RD_KAFKA_RESP_ERR_NO_ERROR)
                continue;
            size_t entryCount = 0;
            const rd_kafka_ConfigEntry_t **entries = rd_kafka_ConfigResource_configs(topics[i], &entryCount);
            for (size_t e = 0; e < entryCount; ++e) {
                const char *value = rd_kafka_ConfigEntry_value(entries[e]);
                if (value && std::string_view(rd_kafka_ConfigEntry_name(entries[e])) == "max.message.bytes")
                    m_limits[rd_kafka_ConfigResource_name(topics[i])] = QByteArray(value).toLongLong();
            }
        }
    }
    m_queue.reset(); // destroyed before the client, as every queue
    return true;
}

qint64 TopicLimits::limitOf(std::string_view topic) const
{
    const auto found = m_limits.find(topic);
    return found != m_limits.end() && found->second > 0 ? found->second : KafkaDefault;
}

qint64 TopicLimits::batchBytes(std::string_view key, std::string_view value, const QList<KafkaHeader> &headers)
{
    // Record batch v2: 61 bytes of batch header; per record a length, attributes, timestamp and offset
    // deltas, key and value lengths and a header count (varints, at most 5 or 10 bytes each).
    constexpr qint64 BatchHeader = 61, RecordOverhead = 1 + 5 + 10 + 5 + 5 + 5 + 5, HeaderOverhead = 5 + 5;
    qint64 bytes = BatchHeader + RecordOverhead + qint64(key.size()) + qint64(value.size());
    for (const auto &header : headers)
        bytes += HeaderOverhead + header.name.size() + header.value.size();
    return bytes;
}
