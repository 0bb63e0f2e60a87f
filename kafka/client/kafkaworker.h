#pragma once

#include "base/clientstatus.h"
#include "base/warningthrottle.h"

#include <QObject>
#include <QTimer>

// A QObject that lives on its own QThread and owns librdkafka clients there (DESIGN.md rule 1).
// start() runs when the thread starts; shutdown() closes and destroys the clients on that same
// thread, then ends it. Results leave only through queued signals.
//
// start() runs open() under one guard. A setting that librdkafka or Vigil refuses (ConfigError)
// will fail the same way every time: the worker reports it as fatal and stays stopped. A cluster
// that did not answer (KafkaException that is not fatal) is reported, the clients are released,
// and open() runs again after RetryFirstMs, doubling to RetryMaxMs, so a worker started before
// its cluster begins work when the cluster comes, instead of staying idle for good.
class KafkaWorker : public QObject {
    Q_OBJECT
public:
    static constexpr int RetryFirstMs = 2000;
    static constexpr int RetryMaxMs = 10'000;

    explicit KafkaWorker(QObject *parent = nullptr);

public Q_SLOTS:
    void start();
    void shutdown();

Q_SIGNALS:
    void errorOccurred(const ClientError &error);
    void statisticsUpdated(const ClientStatistics &statistics);

protected:
    // Creates the clients and begins the work; throws on failure (see the class comment).
    virtual void open() = 0;
    // Close and destroy every client, with deadlines; called on the worker's thread.
    virtual void releaseClients() = 0;
    // open() failed with error; retryInMs is when it runs again, 0 when it never will. The
    // default reports the error.
    virtual void openFailed(const ClientError &error, int retryInMs);
    // A failure that may repeat on every try (the cluster away): each distinct one is said once as
    // errorOccurred, then with a count a minute. Returns the line said, empty while held back.
    QString warn(const ClientError &error, const QString &who);
    // The counts of held-back warnings that are due ("(3 more times in the last 60 s)").
    QStringList dueWarnings();
    // A client that librdkafka declared failed for good, but not fenced by another instance (the
    // cluster lost its quorum under a transaction, say): the clients are released and open() runs
    // again after the same backoff as a failed start. Returns the wait in ms.
    int reopenLater();
    // Another instance took this one's transactional id: going on would fight it.
    static bool isFenced(int code);

private:
    WarningThrottle m_warnings;
    QTimer m_reopen;
    int m_reopenMs = 0;
};
