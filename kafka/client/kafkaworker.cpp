#include "client/kafkaworker.h"

#include "client/clientconfig.h"
#include "client/kafkaerror.h"

#include <QDateTime>
#include <QRegularExpression>
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
    if (error.fatal || isAuthorizationError(error.code)) { // a missing ACL is granted by a person, not by trying again
        openFailed(error, 0);
        return;
    }
    openFailed(error, reopenLater());
}

int KafkaWorker::reopenLater()
{
    releaseClients();
    m_reopenMs = m_reopenMs == 0 ? RetryFirstMs : qMin(RetryMaxMs, m_reopenMs * 2);
    m_reopen.start(m_reopenMs);
    return m_reopenMs;
}

bool KafkaWorker::isFenced(int code)
{
    return code == RD_KAFKA_RESP_ERR__FENCED || code == RD_KAFKA_RESP_ERR_PRODUCER_FENCED
           || code == RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
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

QString KafkaWorker::warn(const ClientError &error, const QString &who)
{
    QString key = QString::number(error.code) + u':' + error.message.left(120);
    key.remove(QRegularExpression(QStringLiteral("[0-9]+"))); // "after 3255ms", ports: the same failure
    const QString line = m_warnings.admit(key, QStringLiteral("%1: %2").arg(who, error.message),
                                          QDateTime::currentMSecsSinceEpoch());
    if (!line.isEmpty()) {
        // Said as a warning, the work goes on: a fatal client error the worker recovers from by making
        // its clients anew must not read as a worker that stopped (a headless service would exit).
        ClientError warning = error;
        warning.fatal = false;
        Q_EMIT errorOccurred(warning);
    }
    return line;
}

QStringList KafkaWorker::dueWarnings()
{
    return m_warnings.due(QDateTime::currentMSecsSinceEpoch());
}
