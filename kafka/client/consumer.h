#pragma once

#include "client/clientcallbacks.h"
#include "client/clientconfig.h"
#include "client/kafkahandles.h"
#include "base/kafkarecord.h"

#include <QStringList>

// A librdkafka high-level consumer owned by the thread that polls it.
class Consumer {
public:
    using RebalanceHandler = decltype(ClientCallbacks::onRebalance);
    explicit Consumer(const ClientConfig &config, RebalanceHandler onRebalance = {});
    ~Consumer();
    Consumer(const Consumer &) = delete;
    Consumer &operator=(const Consumer &) = delete;

    ClientCallbacks &callbacks() { return m_callbacks; }
    rd_kafka_t *handle() const { return m_client.get(); }

    void subscribe(const QStringList &topics);
    // The next message or error event, or null when none arrived within the timeout.
    RdMessagePtr poll(int timeoutMs);
    // Leaves the group and stops fetching, waiting at most deadlineMs. Returns false on time-out.
    bool close(int deadlineMs);

    static KafkaRecord toRecord(const rd_kafka_message_t &message);
    // Applies an assignment change the way librdkafka does without a handler (eager or cooperative).
    static void follow(rd_kafka_t *client, rd_kafka_resp_err_t change, rd_kafka_topic_partition_list_t *partitions);

private:
    ClientCallbacks m_callbacks; // must outlive m_client
    RdKafkaPtr m_client;
    bool m_closed = false;
};
