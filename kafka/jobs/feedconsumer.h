#pragma once

#include "client/consumerworker.h"
#include "fhir/feedevent.h"

// The Dashboard's live feed: consumes the input topics and decodes each batch into feed rows
// on its own thread, so the GUI thread only inserts rows.
class FeedConsumer final : public ConsumerWorker {
    Q_OBJECT
public:
    using ConsumerWorker::ConsumerWorker;

Q_SIGNALS:
    void eventsReady(const QList<FeedEvent> &batch);

protected:
    void deliver(QList<KafkaRecord> &&batch) override;
};
