#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

struct KafkaHeader {
    QByteArray name;
    QByteArray value;
};

// One consumed Kafka record as a value type, safe to hand between threads.
struct KafkaRecord {
    QString topic;
    int partition = -1;
    qint64 offset = -1;
    qint64 timestampMs = -1;
    QByteArray key;
    QByteArray value;
    QList<KafkaHeader> headers;
};
