#include "client/kafkaworker.h"

#include "client/clientconfig.h"
#include "client/kafkaerror.h"

#include <QThread>

KafkaWorker::KafkaWorker(QObject *parent) : QObject(parent), m_reopen(this)
{
    m_reopen.setSingleShot(true);
    connect(&m_reopen, &QTimer::timeout, this, &KafkaWorker::start);
}

void KafkaWorker::start()
{
    ClientError error;
    try {
        open();
        m_reopenMs = 0;
        return;
    } catch (const ConfigError &refused) {
        error = ClientErrors::refusedSetting(QString::fromUtf8(refused.what()));
    } catch (const KafkaException &failed) {
        error = failed.error();
    } catch (const std::exception &failed) {
        error = ClientErrors::refusedSetting(QString::fromUtf8(failed.what()));
    }
    releaseClients();
    if (error.fatal) {
        openFailed(error, 0);
        return;
    }
    m_reopenMs = m_reopenMs == 0 ? RetryFirstMs : qMin(RetryMaxMs, m_reopenMs * 2);
    openFailed(error, m_reopenMs);
    m_reopen.start(m_reopenMs);
}

void KafkaWorker::openFailed(const ClientError &error, int retryInMs)
{
    ClientError reported = error;
    if (retryInMs > 0)
        reported.message += tr(" (trying again in %1 s)").arg(retryInMs / 1000);
    Q_EMIT errorOccurred(reported);
}

void KafkaWorker::shutdown()
{
    m_reopen.stop();
    releaseClients();
    QThread::currentThread()->quit();
}
