#include "client/workerthread.h"

#include "client/kafkaworker.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcKafka)

WorkerThread::WorkerThread(KafkaWorker *worker, const QString &name)
    : m_thread(std::make_unique<QThread>()), m_worker(worker)
{
    m_thread->setObjectName(name);
    worker->moveToThread(m_thread.get());
    // The worker is deleted on its own thread, after shutdown() has released its clients.
    QObject::connect(m_thread.get(), &QThread::finished, worker, &QObject::deleteLater);
    QObject::connect(m_thread.get(), &QThread::started, worker, &KafkaWorker::start);
    m_thread->start();
}

WorkerThread::~WorkerThread()
{
    stop();
}

void WorkerThread::requestStop()
{
    if (!m_thread || m_stopRequested || !m_thread->isRunning())
        return;
    m_stopRequested = true;
    QMetaObject::invokeMethod(m_worker, &KafkaWorker::shutdown, Qt::QueuedConnection);
}

bool WorkerThread::stop(int deadlineMs)
{
    return stop(QDeadlineTimer(deadlineMs));
}

bool WorkerThread::stop(QDeadlineTimer deadline)
{
    if (!m_thread)
        return true;
    requestStop();
    if (m_thread->isRunning() && !m_thread->wait(deadline)) {
        qCCritical(lcKafka) << m_thread->objectName() << "did not stop in time; abandoning it";
        (void)m_thread.release();
        return false;
    }
    m_thread.reset();
    return true;
}

void WorkerThread::stopAll(const std::vector<WorkerThread *> &threads, int deadlineMs)
{
    for (WorkerThread *thread : threads) {
        if (thread)
            thread->requestStop();
    }
    const QDeadlineTimer deadline(deadlineMs);
    for (WorkerThread *thread : threads) {
        if (thread)
            thread->stop(deadline);
    }
}
