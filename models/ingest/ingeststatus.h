#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

#include <array>
#include <cstdint>

// How one ingest source is doing, as the console's Ingest area shows it: a webhook subscription or a
// polled resource type.
struct IngestSourceStatus {
    QString source;         // "webhook :8443", "poll https://ehr/fhir"
    QString name;           // the subscription, or the resource type polled
    QString state;          // in words: "receiving", "polling", "next round in 30 s", "Kafka unavailable", ...
    qint64 lastEventMs = 0; // when the last event was committed (ms since the epoch), 0 before any
    int eventsPerMinute = 0;
    qint64 events = 0;      // committed to Kafka
    qint64 gaps = 0;        // event numbers found missing
    qint64 unmended = 0;    // of those, not fetched yet
    qint64 duplicates = 0;  // notifications or resource versions dropped as already published
    qint64 errors = 0;
    QString lastError;      // with its HTTP status: "413 Payload Too Large: the body is over 16 MiB"
};
Q_DECLARE_METATYPE(IngestSourceStatus)
using IngestStatuses = QList<IngestSourceStatus>;

// Events in the last minute, counted in one-second buckets (bounded whatever the rate).
class EventRate {
public:
    void add(std::int64_t nowMs, int count = 1);
    int perMinute(std::int64_t nowMs) const;

private:
    std::array<std::int64_t, 60> m_second{}; // which second each bucket counts
    std::array<int, 60> m_count{};
};
