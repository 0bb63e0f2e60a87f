#include "client/clientcallbacks.h"

#include "client/kafkaerror.h"
#include "client/statisticsparser.h"
#include "base/warningthrottle.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QMutex>
#include <QRegularExpression>

Q_LOGGING_CATEGORY(lcKafka, "vigil.kafka", QtInfoMsg)

namespace {

ClientCallbacks *callbacksOf(void *opaque)
{
    return static_cast<ClientCallbacks *>(opaque);
}

void errorCallback(rd_kafka_t *client, int code, const char *reason, void *opaque)
{
    auto *self = callbacksOf(opaque);
    ClientError error = clientError(rd_kafka_resp_err_t(code), QString());
    error.message = explainSignInFailure(code, QString::fromUtf8(reason));
    if (code == RD_KAFKA_RESP_ERR__FATAL) {
        char fatal[512];
        const auto fatalCode = rd_kafka_fatal_error(client, fatal, sizeof fatal);
        error.code = fatalCode;
        error.message = QString::fromUtf8(fatal);
        error.fatal = true;
    }
    try {
        if (self->onError)
            self->onError(error);
    } catch (...) {
        qCCritical(lcKafka) << "error handler threw while reporting:" << error.message;
    }
}

int statisticsCallback(rd_kafka_t *, char *json, size_t length, void *opaque)
{
    auto *self = callbacksOf(opaque);
    try {
        if (self->onStatistics) {
            ClientStatistics stats = parseStatistics({json, length});
            stats.failedDeliveries = self->failedDeliveries;
            self->onStatistics(stats);
        }
    } catch (const std::exception &error) {
        qCWarning(lcKafka) << "unreadable client statistics:" << error.what();
    }
    return 0; // librdkafka frees the JSON
}

void deliveryCallback(rd_kafka_t *, const rd_kafka_message_t *message, void *opaque)
{
    auto *self = callbacksOf(opaque);
    if (message->err)
        ++self->failedDeliveries;
    try {
        if (self->onDelivery)
            self->onDelivery(*message);
    } catch (...) {
        qCCritical(lcKafka) << "delivery handler threw";
    }
}

// librdkafka logs from its own threads; Qt's logging is thread-safe, the throttle is guarded. A
// broker that stays away is said once per distinct line and then counted once a minute.
void logCallback(const rd_kafka_t *, int level, const char *facility, const char *text)
{
    if (level > 5) {
        qCDebug(lcKafka, "%s: %s", facility, text);
        return;
    }
    static QMutex mutex;
    static WarningThrottle throttle;
    const QString message = QString::fromUtf8(facility) + QStringLiteral(": ") + QString::fromUtf8(text);
    QStringList lines;
    {
        const QMutexLocker lock(&mutex);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        lines = throttle.due(now);
        // The key leaves out what changes from one try to the next (times, counts).
        QString key = message.left(100);
        key.remove(QRegularExpression(QStringLiteral("[0-9]+")));
        if (const QString line = throttle.admit(key, message, now); !line.isEmpty())
            lines.append(line);
    }
    for (const QString &line : lines) {
        if (level <= 3)
            qCWarning(lcKafka).noquote() << line;
        else
            qCInfo(lcKafka).noquote() << line;
    }
}

void rebalanceCallback(rd_kafka_t *client, rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t *partitions,
                       void *opaque)
{
    try {
        callbacksOf(opaque)->onRebalance(client, error, partitions);
    } catch (const std::exception &exception) {
        qCCritical(lcKafka) << "rebalance handler threw:" << exception.what();
    }
}

} // namespace

void ClientCallbacks::install(rd_kafka_conf_t *conf)
{
    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_conf_set_error_cb(conf, errorCallback);
    rd_kafka_conf_set_stats_cb(conf, statisticsCallback);
    if (onDelivery) // a consumer warns about a delivery callback it cannot use
        rd_kafka_conf_set_dr_msg_cb(conf, deliveryCallback);
    if (onRebalance)
        rd_kafka_conf_set_rebalance_cb(conf, rebalanceCallback);
    rd_kafka_conf_set_log_cb(conf, logCallback);
}
