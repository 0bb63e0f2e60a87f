#pragma once

#include <librdkafka/rdkafka.h>

#include <string>

// How many partitions `topic` has, asked of the cluster through `client`. Blocks up to timeoutMs:
// worker threads only. Throws KafkaException when the cluster cannot answer or the topic is missing
// (then the message says to create the layout first).
int partitionCountOf(rd_kafka_t *client, const std::string &topic, int timeoutMs);
