#pragma once

#include "base/kafkarecord.h"

#include <QString>

// One row of the live feed, decoded from a Kafka record on the consumer's thread.
struct FeedEvent {
    qint64 timestampMs = 0;
    QString topic;
    int partition = -1;
    qint64 offset = -1;
    QString resourceType; // empty when the record is not a readable FHIR event
    QString patientId;
    QString summary;      // for unreadable records: why, in words

    static FeedEvent fromRecord(const KafkaRecord &record);
};
