#pragma once

#include "client/clientcallbacks.h"
#include "client/clientconfig.h"
#include "client/kafkahandles.h"
#include "base/kafkarecord.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

// A tagged record's delivery report: `tag` is what produce() was given; error is NO_ERROR once delivered.
struct TaggedDelivery {
    quintptr tag = 0;
    rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

struct DeliveryCounts {
    qint64 delivered = 0;
    qint64 failed = 0;
    ClientError lastFailure;
};

// A librdkafka producer owned by the thread that uses it. Delivery reports, errors and
// statistics arrive when that thread calls poll(), flush() or a transaction call.
class Producer {
public:
    explicit Producer(const ClientConfig &config);
    Producer(const Producer &) = delete;
    Producer &operator=(const Producer &) = delete;

    ClientCallbacks &callbacks() { return m_callbacks; }
    rd_kafka_t *handle() const { return m_client.get(); }

    // Queues one record; waits (polling) while the local queue is full. Throws KafkaException.
    // A non-zero tag is handed back by takeTaggedDeliveries() with the record's delivery report.
    void produce(const std::string &topic, std::string_view key, std::string_view value,
                 const QList<KafkaHeader> &headers = {}, qint64 timestampMs = 0,
                 int partition = RD_KAFKA_PARTITION_UA, quintptr tag = 0);
    void poll(int timeoutMs = 0);
    // Waits for outstanding deliveries; returns how many are still queued when the time is up.
    int flush(int timeoutMs);

    // Transactions (transactional.id must be configured). Each throws KafkaException; a failed
    // commit is aborted first when librdkafka says the transaction must be aborted.
    // A commit that timed out (the cluster away) goes on in the background and its outcome is not
    // known: librdkafka's transaction calls are resumable, so the caller must call
    // commitTransaction() again while commitPending(), and may neither abort nor begin another.
    // An abort that timed out is resumed by the next beginTransaction() or abortTransaction().
    void initTransactions(int timeoutMs);
    void beginTransaction();
    void commitTransaction(int timeoutMs);
    bool commitPending() const { return m_commitPending; }
    void abortTransaction(int timeoutMs);
    void sendOffsetsToTransaction(const rd_kafka_topic_partition_list_t *offsets,
                                  rd_kafka_t *consumer, int timeoutMs);

    const DeliveryCounts &deliveries() const { return m_deliveries; }
    // Delivery reports of tagged records since the last call, in delivery order.
    std::vector<TaggedDelivery> takeTaggedDeliveries() { return std::exchange(m_tagged, {}); }

    // Whether the cluster refused this one record for what it is (too large, invalid for the topic,
    // a timestamp out of range), as opposed to the cluster or the transaction failing: sending it
    // again will fail again, whatever else happens.
    static bool refusesRecord(rd_kafka_resp_err_t error);
    // Why a record was not delivered, for people: an ACL refusal says what may not be written, and a
    // record purged because the producer failed for good says why it failed.
    ClientError deliveryError(const rd_kafka_message_t &message) const;

private:
    QString m_transactionalId;
    ClientCallbacks m_callbacks; // must outlive m_client
    DeliveryCounts m_deliveries;
    std::vector<TaggedDelivery> m_tagged;
    RdKafkaPtr m_client;
    bool m_commitPending = false;
    bool m_abortPending = false;
};
