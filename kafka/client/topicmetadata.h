#pragma once

#include <librdkafka/rdkafka.h>

#include <QHash>
#include <QList>
#include <QPair>
#include <QString>

#include <string>

// How many partitions `topic` has, asked of the cluster through `client`. Blocks up to timeoutMs:
// worker threads only. Throws KafkaException when the cluster cannot answer or the topic is missing
// (then the message says to create the layout first).
int partitionCountOf(rd_kafka_t *client, const std::string &topic, int timeoutMs);

// The low and high watermarks of one partition, like rd_kafka_query_watermark_offsets but bounded by
// timeoutMs: librdkafka 2.0's own call ignores its timeout while the leader's connection keeps failing,
// so a broker going down would block the calling worker until it came back. Asks with ListOffsets
// (rd_kafka_offsets_for_times, "timestamps" -2 and -1); RD_KAFKA_RESP_ERR__TIMED_OUT when unanswered.
rd_kafka_resp_err_t queryWatermarks(rd_kafka_t *client, const char *topic, int32_t partition, int64_t *low,
                                    int64_t *high, int timeoutMs);

// Each partition's offset for one ListOffsets "timestamp" (RD_KAFKA_OFFSET_END: the high watermark,
// RD_KAFKA_OFFSET_BEGINNING: the low), one request per leader, all within timeoutMs. Partitions
// not answered in time are left out; `error` is librdkafka's overall result.
QHash<QPair<QString, int>, qint64> listOffsets(rd_kafka_t *client, const QList<QPair<QString, int>> &partitions,
                                              int64_t which, int timeoutMs, rd_kafka_resp_err_t *error);
