#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>

// Owning pointers for librdkafka's C handles. Destroy order matters (DESIGN.md rule 8):
// messages, queues and partition lists go before the client that made them.
struct RdKafkaDeleter {
    void operator()(rd_kafka_t *handle) const { rd_kafka_destroy(handle); }
    void operator()(rd_kafka_conf_t *conf) const { rd_kafka_conf_destroy(conf); }
    void operator()(rd_kafka_message_t *message) const { rd_kafka_message_destroy(message); }
    void operator()(rd_kafka_queue_t *queue) const { rd_kafka_queue_destroy(queue); }
    void operator()(rd_kafka_topic_partition_list_t *list) const { rd_kafka_topic_partition_list_destroy(list); }
    void operator()(rd_kafka_headers_t *headers) const { rd_kafka_headers_destroy(headers); }
    void operator()(rd_kafka_error_t *error) const { rd_kafka_error_destroy(error); }
    void operator()(const rd_kafka_metadata_t *metadata) const { rd_kafka_metadata_destroy(metadata); }
};

using RdKafkaPtr = std::unique_ptr<rd_kafka_t, RdKafkaDeleter>;
using RdConfPtr = std::unique_ptr<rd_kafka_conf_t, RdKafkaDeleter>;
using RdMessagePtr = std::unique_ptr<rd_kafka_message_t, RdKafkaDeleter>;
using RdQueuePtr = std::unique_ptr<rd_kafka_queue_t, RdKafkaDeleter>;
using RdPartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, RdKafkaDeleter>;
using RdHeadersPtr = std::unique_ptr<rd_kafka_headers_t, RdKafkaDeleter>;
using RdErrorPtr = std::unique_ptr<rd_kafka_error_t, RdKafkaDeleter>;
using RdMetadataPtr = std::unique_ptr<const rd_kafka_metadata_t, RdKafkaDeleter>;
