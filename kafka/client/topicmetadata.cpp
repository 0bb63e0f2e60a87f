#include "client/topicmetadata.h"

#include "client/kafkaerror.h"
#include "client/kafkahandles.h"

#include <QElapsedTimer>

int partitionCountOf(rd_kafka_t *client, const std::string &topic, int timeoutMs)
{
    const QString name = QString::fromStdString(topic);
    rd_kafka_topic_t *handle = rd_kafka_topic_new(client, topic.c_str(), nullptr);
    const rd_kafka_metadata_t *raw = nullptr;
    const auto error = rd_kafka_metadata(client, 0, handle, &raw, timeoutMs);
    rd_kafka_topic_destroy(handle);
    throwIfError(error, QStringLiteral("metadata of %1").arg(name));
    RdMetadataPtr metadata(raw);
    if (metadata->topic_cnt == 1 && isAuthorizationError(metadata->topics[0].err)) {
        ClientError denied = deniedError(metadata->topics[0].err, QStringLiteral("describe ") + name);
        denied.fatal = true;
        throw KafkaException(denied);
    }
    if (metadata->topic_cnt != 1 || metadata->topics[0].err || metadata->topics[0].partition_cnt < 1)
        throw KafkaException({RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
                              QStringLiteral("%1 does not exist; create the topic layout first (vigil provision)")
                                  .arg(name),
                              true, false});
    return metadata->topics[0].partition_cnt;
}

QHash<QPair<QString, int>, qint64> listOffsets(rd_kafka_t *client, const QList<QPair<QString, int>> &partitions,
                                              int64_t which, int timeoutMs, rd_kafka_resp_err_t *error)
{
    QHash<QPair<QString, int>, qint64> answered;
    *error = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (partitions.isEmpty())
        return answered;
    RdPartitionListPtr list(rd_kafka_topic_partition_list_new(int(partitions.size())));
    for (const auto &[topic, partition] : partitions)
        rd_kafka_topic_partition_list_add(list.get(), topic.toUtf8().constData(), partition)->offset = which;
    *error = rd_kafka_offsets_for_times(client, list.get(), timeoutMs);
    // Unanswered partitions keep the negative "timestamp" they were asked with.
    for (int i = 0; i < list->cnt; ++i) {
        const auto &element = list->elems[i];
        if (!element.err && element.offset >= 0)
            answered.insert({QString::fromUtf8(element.topic), element.partition}, element.offset);
    }
    return answered;
}

rd_kafka_resp_err_t queryWatermarks(rd_kafka_t *client, const char *topic, int32_t partition, int64_t *low,
                                    int64_t *high, int timeoutMs)
{
    const QPair<QString, int> key{QString::fromUtf8(topic), partition};
    QElapsedTimer elapsed;
    elapsed.start();
    rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
    const auto highs = listOffsets(client, {key}, RD_KAFKA_OFFSET_END, timeoutMs, &error);
    if (!highs.contains(key))
        return error ? error : RD_KAFKA_RESP_ERR__TIMED_OUT;
    const int remaining = qMax(1, timeoutMs - int(elapsed.elapsed()));
    const auto lows = listOffsets(client, {key}, RD_KAFKA_OFFSET_BEGINNING, remaining, &error);
    if (!lows.contains(key))
        return error ? error : RD_KAFKA_RESP_ERR__TIMED_OUT;
    *low = lows.value(key);
    *high = highs.value(key);
    return RD_KAFKA_RESP_ERR_NO_ERROR;
}
