#pragma once

#include <QThread>

#include <memory>

class KafkaWorker;

// Runs one KafkaWorker on a thread of its own. stop() asks the worker to release its clients
// and waits with a deadline, so quitting never hangs on a broker that does not answer.
class WorkerThread {
public:
    // Takes ownership of the worker (which must have no parent) and starts it.
    WorkerThread(KafkaWorker *worker, const QString &name);
    ~WorkerThread();
    WorkerThread(const WorkerThread &) = delete;
    WorkerThread &operator=(const WorkerThread &) = delete;

    // Returns false if the worker did not finish within the deadline; its thread is then
    // abandoned (left to end with the process) rather than waited on forever.
    bool stop(int deadlineMs = 5000);

private:
    std::unique_ptr<QThread> m_thread;
    KafkaWorker *m_worker;
};
