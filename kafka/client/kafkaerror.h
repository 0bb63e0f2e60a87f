#pragma once

#include "base/clientstatus.h"

#include <librdkafka/rdkafka.h>

#include <stdexcept>

// Thrown inside kafka/ only; workers catch it and emit the ClientError it carries.
class KafkaException : public std::runtime_error {
public:
    explicit KafkaException(ClientError error);
    const ClientError &error() const { return m_error; }

private:
    ClientError m_error;
};

// A ClientError for a librdkafka error code, prefixed with what Vigil was doing.
ClientError clientError(rd_kafka_resp_err_t code, const QString &context);
// A ClientError from a librdkafka error object (transactions API); takes ownership of it.
ClientError clientError(rd_kafka_error_t *error, const QString &context);

// ClientErrors Vigil raises itself (librdkafka's own come from clientError()).
namespace ClientErrors {
// A setting or input refused for what it is: it will fail the same way every time (fatal).
ClientError refusedSetting(const QString &message);
// Something the user should know; the work goes on (neither fatal nor retriable).
ClientError warning(const QString &message);
// A step that failed and is tried again (retriable).
ClientError retrying(const QString &message);
} // namespace ClientErrors

// Throws KafkaException unless code is RD_KAFKA_RESP_ERR_NO_ERROR.
void throwIfError(rd_kafka_resp_err_t code, const QString &context);
// Throws KafkaException if error is set; takes ownership of it.
void throwIfError(rd_kafka_error_t *error, const QString &context);
