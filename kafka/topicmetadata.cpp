#include "topicmetadata.h"

#include "kafkaerror.h"
#include "kafkahandles.h"

int partitionCountOf(rd_kafka_t *client, const std::string &topic, int timeoutMs)
{
    const QString name = QString::fromStdString(topic);
    rd_kafka_topic_t *handle = rd_kafka_topic_new(client, topic.c_str(), nullptr);
    const rd_kafka_metadata_t *raw = nullptr;
    const auto error = rd_kafka_metadata(client, 0, handle, &raw, timeoutMs);
    rd_kafka_topic_destroy(handle);
    throwIfError(error, QStringLiteral("metadata of %1").arg(name));
    RdMetadataPtr metadata(raw);
    if (metadata->topic_cnt != 1 || metadata->topics[0].err || metadata->topics[0].partition_cnt < 1)
        throw KafkaException({RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
                              QStringLiteral("%1 does not exist; create the topic layout first (vigil provision)")
                                  .arg(name),
                              true, false});
    return metadata->topics[0].partition_cnt;
}
