#include "workerthread.h"

#include "kafkaworker.h"

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

bool WorkerThread::stop(int deadlineMs)
{
    if (!m_thread)
        return true;
    if (m_thread->isRunning()) {
        QMetaObject::invokeMethod(m_worker, &KafkaWorker::shutdown, Qt::QueuedConnection);
        if (!m_thread->wait(QDeadlineTimer(deadlineMs))) {
            qCCritical(lcKafka) << m_thread->objectName() << "did not stop within" << deadlineMs << "ms; abandoning it";
            (void)m_thread.release();
            return false;
        }
    }
    m_thread.reset();
    return true;
}
