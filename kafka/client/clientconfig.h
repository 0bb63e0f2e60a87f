#pragma once

#include "client/kafkahandles.h"

#include <QList>
#include <QPair>
#include <QString>

#include <stdexcept>

// A client property that librdkafka or the properties file reader rejected. The message may echo a
// value the user gave, so secrets in it are masked (SecretMask).
class ConfigError : public std::runtime_error {
public:
    explicit ConfigError(const std::string &what);
};

// Client configuration as Kafka engineers give it: --bootstrap, repeated -X key=value (as kcat)
// and --config client.properties (as the Kafka CLI tools). Every property is passed through to
// librdkafka unchanged, so SASL, SSL and mTLS settings work; librdkafka's own message names a bad one.
class ClientConfig {
public:
    void set(const QString &key, const QString &value);
    // Sets key unless the user gave it: Vigil's defaults, the user's to override with -X.
    void setDefault(const QString &key, const QString &value);
    // "key=value", as kcat's -X takes it.
    void setAssignment(const QString &assignment);
    // Java-style properties: key=value or key: value, '#' and '!' comments, '\' continues a line.
    void loadPropertiesFile(const QString &path);
    void setBootstrapServers(const QString &servers) { set(QStringLiteral("bootstrap.servers"), servers); }

    QString value(const QString &key, const QString &fallback = {}) const;
    bool contains(const QString &key) const;
    QString bootstrapServers() const { return value(QStringLiteral("bootstrap.servers")); }
    const QList<QPair<QString, QString>> &properties() const { return m_properties; }

    // A librdkafka configuration with every property set; throws ConfigError on the first one
    // librdkafka rejects, with its message.
    RdConfPtr build() const;
    // Throws ConfigError if build() would.
    void validate() const { build(); }

private:
    QList<QPair<QString, QString>> m_properties; // in the order given; a later value replaces an earlier one
};
