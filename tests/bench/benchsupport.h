#pragma once

// What the benchmarks share: creating a topic on a real broker and waiting until it is led.
#include "clientconfig.h"
#include "kafkaerror.h"
#include "kafkahandles.h"
#include "producer.h"
#include "topicmetadata.h"

#include <QString>
#include <QThread>

// Creates `topic` (replication factor 1) and waits until its partitions are known; empty, else why not.
inline QString createRealTopic(const ClientConfig &config, const QString &topic, int partitions)
{
    Producer client(config);
    char errstr[512];
    rd_kafka_NewTopic_t *newTopic = rd_kafka_NewTopic_new(topic.toUtf8().constData(), partitions, 1, errstr, sizeof errstr);
    if (!newTopic)
        return QString::fromUtf8(errstr);
    RdQueuePtr queue(rd_kafka_queue_new(client.handle()));
    rd_kafka_CreateTopics(client.handle(), &newTopic, 1, nullptr, queue.get());
    rd_kafka_NewTopic_destroy(newTopic);
    rd_kafka_event_t *event = rd_kafka_queue_poll(queue.get(), 30'000);
    if (!event)
        return QStringLiteral("no answer");
    const QString error = rd_kafka_event_error(event) ? QString::fromUtf8(rd_kafka_event_error_string(event)) : QString();
    rd_kafka_event_destroy(event);
    for (int attempt = 0; attempt < 50; ++attempt) {
        try {
            if (partitionCountOf(client.handle(), topic.toStdString(), 2000) == partitions)
                return error;
        } catch (const KafkaException &) {
        }
        QThread::msleep(200);
    }
    return error;
}
