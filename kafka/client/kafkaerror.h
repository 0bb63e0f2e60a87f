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

// Whether the cluster refused for want of an ACL (topic, group, transactional id, cluster).
bool isAuthorizationError(int code);
// A refusal for want of an ACL, in the words of what was being done: deniedError(code, "read
// healthcare.labs.results") says "not authorized to read healthcare.labs.results — ACL (Broker: Topic
// authorization failed)". Neither fatal nor retriable: granting the ACL is a person's step.
ClientError deniedError(int code, const QString &what);
// The error a consumed message carries; an ACL refusal is said as the topic (or the group, when
// groupId is given) that may not be read.
ClientError consumeError(const rd_kafka_message_t &message, const QString &groupId = {});
// A librdkafka error callback's reason, with what it means put first when the client's identity was
// refused at sign-in: a wrong user name or password, a client certificate the broker does not trust,
// a broker certificate this client does not trust. Anything else is returned as it came.
QString explainSignInFailure(int code, const QString &reason);

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
