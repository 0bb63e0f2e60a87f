#include "jobs/feedconsumer.h"

void FeedConsumer::deliver(QList<KafkaRecord> &&batch)
{
    QList<FeedEvent> events;
    events.reserve(batch.size());
    for (const auto &record : batch)
        events.append(FeedEvent::fromRecord(record));
    Q_EMIT eventsReady(events);
}
