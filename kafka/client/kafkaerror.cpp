#include "client/kafkaerror.h"

#include "client/kafkahandles.h"

namespace {

QString withContext(const QString &context, const char *what)
{
    return context.isEmpty() ? QString::fromUtf8(what) : context + QStringLiteral(": ") + QString::fromUtf8(what);
}

} // namespace

KafkaException::KafkaException(ClientError error)
    : std::runtime_error(error.message.toStdString()), m_error(std::move(error))
{
}

ClientError clientError(rd_kafka_resp_err_t code, const QString &context)
{
    ClientError error;
    error.code = code;
    error.message = withContext(context, rd_kafka_err2str(code));
    error.fatal = code == RD_KAFKA_RESP_ERR__FATAL;
    error.retriable = code == RD_KAFKA_RESP_ERR__TRANSPORT || code == RD_KAFKA_RESP_ERR__TIMED_OUT
                      || code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || code == RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT;
    return error;
}

ClientError clientError(rd_kafka_error_t *raw, const QString &context)
{
    RdErrorPtr owned(raw);
    ClientError error;
    error.code = rd_kafka_error_code(raw);
    error.message = withContext(context, rd_kafka_error_string(raw));
    error.fatal = rd_kafka_error_is_fatal(raw);
    error.retriable = rd_kafka_error_is_retriable(raw);
    return error;
}

bool isAuthorizationError(int code)
{
    return code == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED || code == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED
           || code == RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED
           || code == RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
}

ClientError deniedError(int code, const QString &what)
{
    return {code,
            QStringLiteral("not authorized to %1 — ACL (%2)").arg(what, QString::fromUtf8(rd_kafka_err2str(rd_kafka_resp_err_t(code)))),
            false, false};
}

ClientError consumeError(const rd_kafka_message_t &message, const QString &groupId)
{
    if (message.err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED && message.rkt)
        return deniedError(message.err, QStringLiteral("read ") + QString::fromUtf8(rd_kafka_topic_name(message.rkt)));
    if (message.err == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED && !groupId.isEmpty())
        return deniedError(message.err, QStringLiteral("use the consumer group ") + groupId);
    if (isAuthorizationError(message.err))
        return deniedError(message.err, QString::fromUtf8(rd_kafka_message_errstr(&message)));
    return clientError(message.err, QStringLiteral("consume"));
}

QString explainSignInFailure(int code, const QString &reason)
{
    QString meaning;
    if (code == RD_KAFKA_RESP_ERR__AUTHENTICATION && reason.contains(u"SASL")) {
        meaning = QStringLiteral("the cluster refused the user name or password (sasl.username, sasl.password)");
        if (reason.contains(u"SCRAM") && rd_kafka_version() < 0x020601ff)
            meaning += QStringLiteral(", or librdkafka %1 cannot sign in with SCRAM to this broker (fixed in librdkafka "
                                      "2.6.1; PLAIN over SASL_SSL or mTLS work)")
                           .arg(QString::fromUtf8(rd_kafka_version_str()));
    } else if (reason.contains(u"certificate verify failed")) {
        meaning = QStringLiteral("the broker's certificate is not trusted (ssl.ca.location names the CA that signed it)");
    } else if (reason.contains(u"alert certificate unknown") || reason.contains(u"alert unknown ca")
               || reason.contains(u"alert bad certificate") || reason.contains(u"alert certificate required")) {
        meaning = QStringLiteral("the broker refused this client's certificate (ssl.certificate.location: it must be "
                                 "signed by a CA the broker trusts)");
    }
    return meaning.isEmpty() ? reason : meaning + QStringLiteral(": ") + reason;
}

ClientError ClientErrors::refusedSetting(const QString &message)
{
    return {RD_KAFKA_RESP_ERR__INVALID_ARG, message, true, false};
}

ClientError ClientErrors::warning(const QString &message)
{
    return {RD_KAFKA_RESP_ERR__INVALID_ARG, message, false, false};
}

ClientError ClientErrors::retrying(const QString &message)
{
    return {RD_KAFKA_RESP_ERR__FAIL, message, false, true};
}

void throwIfError(rd_kafka_resp_err_t code, const QString &context)
{
    if (code != RD_KAFKA_RESP_ERR_NO_ERROR)
        throw KafkaException(clientError(code, context));
}

void throwIfError(rd_kafka_error_t *error, const QString &context)
{
    if (error)
        throw KafkaException(clientError(error, context));
}
