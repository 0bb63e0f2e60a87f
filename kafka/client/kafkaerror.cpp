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
