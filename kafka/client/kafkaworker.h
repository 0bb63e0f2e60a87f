#pragma once

#include "base/clientstatus.h"

#include <QObject>

// A QObject that lives on its own QThread and owns librdkafka clients there (DESIGN.md rule 1).
// start() runs when the thread starts; shutdown() closes and destroys the clients on that same
// thread, then ends it. Results leave only through queued signals.
class KafkaWorker : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

public Q_SLOTS:
    virtual void start() = 0;
    void shutdown();

Q_SIGNALS:
    void errorOccurred(const ClientError &error);
    void statisticsUpdated(const ClientStatistics &statistics);

protected:
    // Close and destroy every client, with deadlines; called on the worker's thread.
    virtual void releaseClients() = 0;
};
