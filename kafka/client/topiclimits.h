#pragma once

#include "client/kafkahandles.h"
#include "base/kafkarecord.h"

#include <QString>
#include <QStringList>

#include <map>
#include <string>
#include <string_view>

// How large a record each topic accepts (its effective max.message.bytes, which is the broker's
// message.max.bytes unless the topic overrides it), asked of the cluster with DescribeConfigs
// without blocking: request() sends, take() picks up the answer when it has come. Until then, and
// on a cluster that cannot answer (the embedded mock), every topic has Kafka's default limit.
class TopicLimits {
public:
    static constexpr qint64 KafkaDefault = 1'048'588; // message.max.bytes of an Apache Kafka broker

    void request(rd_kafka_t *client, const QStringList &topics, int timeoutMs);
    // True once when the answer arrives (limits or an error, see note()).
    bool take();

    qint64 limitOf(std::string_view topic) const;
    bool answered() const { return m_answered; }
    QString note() const { return m_note; } // why the defaults are used, when they are

    // The size of a record batch that holds only this record, as the broker compares it with the
    // topic's limit (uncompressed, worst-case varints): a record that fits this way always fits.
    static qint64 batchBytes(std::string_view key, std::string_view value, const QList<KafkaHeader> &headers);

private:
    RdQueuePtr m_queue;
    std::map<std::string, qint64, std::less<>> m_limits;
    bool m_answered = false;
    QString m_note;
};
