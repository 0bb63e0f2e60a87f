#pragma once

#include "base/clientstatus.h"

#include <librdkafka/rdkafka.h>

#include <functional>

// Where a client's error, statistics and delivery callbacks go. librdkafka calls them on the
// thread that polls the client; each one only copies into value types, and no exception
// escapes into C. The object must outlive the client it is installed on.
class ClientCallbacks {
public:
    std::function<void(const ClientError &)> onError;
    std::function<void(const ClientStatistics &)> onStatistics;
    std::function<void(const rd_kafka_message_t &)> onDelivery;
    // A group consumer's assignment changes (err: RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS or
    // __REVOKE_PARTITIONS), called inside poll(); the handler must apply it (Consumer::follow).
    // Set it before the client is made (Consumer's constructor): librdkafka takes it with the configuration.
    std::function<void(rd_kafka_t *, rd_kafka_resp_err_t, rd_kafka_topic_partition_list_t *)> onRebalance;
    // Delivery reports with an error so far; each statistics report carries it (the same thread writes both).
    qint64 failedDeliveries = 0;

    // Set onDelivery before installing on a producer's configuration.
    void install(rd_kafka_conf_t *conf);
};
