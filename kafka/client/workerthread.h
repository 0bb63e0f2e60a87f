#pragma once

#include <QThread>

#include <QDeadlineTimer>

#include <memory>
#include <vector>

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

    // Asks the worker to release its clients and returns at once; stop() then only waits.
    void requestStop();
    // Returns false if the worker did not finish within the deadline; its thread is then
    // abandoned (left to end with the process) rather than waited on forever.
    bool stop(int deadlineMs = 5000);
    bool stop(QDeadlineTimer deadline);
    // Tells every one to stop, then waits for all on one deadline: quitting takes as long as the
    // slowest worker, not the sum of them. Null entries are skipped.
    static void stopAll(const std::vector<WorkerThread *> &threads, int deadlineMs = 5000);

private:
    std::unique_ptr<QThread> m_thread;
    KafkaWorker *m_worker;
    bool m_stopRequested = false;
};
