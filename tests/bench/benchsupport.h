#pragma once

// What the benchmarks share: the lab results they produce, the machine's load, and creating a topic on
// a real broker.
#include "client/clientconfig.h"
#include "client/kafkaerror.h"
#include "client/kafkahandles.h"
#include "client/producer.h"
#include "client/topicmetadata.h"

#include <QFile>
#include <QString>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>

// The analytes of the benchmarks' lab results, with a plausible spread of values.
struct BenchAnalyte {
    const char *loinc;
    const char *display;
    const char *unit;
    double mean;
    double spread;
};
inline constexpr BenchAnalyte BenchAnalytes[] = {
    {"2823-3", "Potassium [Moles/volume] in Serum or Plasma", "mmol/L", 4.3, 1.0},
    {"2951-2", "Sodium [Moles/volume] in Serum or Plasma", "mmol/L", 140, 8},
    {"2345-7", "Glucose [Mass/volume] in Serum or Plasma", "mg/dL", 110, 80},
};

// Record n's analyte and a value for it, written with two decimals.
inline const BenchAnalyte &analyteOf(int n)
{
    return BenchAnalytes[n % 3];
}
inline std::string drawnValue(const BenchAnalyte &analyte, std::mt19937 &random)
{
    std::normal_distribution<double> value(analyte.mean, analyte.spread);
    char number[32];
    std::snprintf(number, sizeof number, "%.2f", std::max(0.1, value(random)));
    return number;
}

inline std::string loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return "?";
    return file.readLine().trimmed().toStdString();
}

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

// Deletes `topic`; empty, else why not.
inline QString deleteRealTopic(const ClientConfig &config, const QString &topic)
{
    Producer client(config);
    const QByteArray name = topic.toUtf8();
    rd_kafka_DeleteTopic_t *deleteTopic = rd_kafka_DeleteTopic_new(name.constData());
    RdQueuePtr queue(rd_kafka_queue_new(client.handle()));
    rd_kafka_DeleteTopics(client.handle(), &deleteTopic, 1, nullptr, queue.get());
    rd_kafka_DeleteTopic_destroy(deleteTopic);
    rd_kafka_event_t *event = rd_kafka_queue_poll(queue.get(), 30'000);
    if (!event)
        return QStringLiteral("no answer");
    const QString error = rd_kafka_event_error(event) ? QString::fromUtf8(rd_kafka_event_error_string(event)) : QString();
    rd_kafka_event_destroy(event);
    return error;
}
