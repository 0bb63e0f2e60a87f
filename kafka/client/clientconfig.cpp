#include "client/clientconfig.h"

#include "base/propertiesfile.h"

#include "base/secretmask.h"


ConfigError::ConfigError(const std::string &what)
    : std::runtime_error(SecretMask::masked(QString::fromStdString(what)).toStdString())
{
}

void ClientConfig::set(const QString &key, const QString &value)
{
    for (auto &property : m_properties) {
        if (property.first == key) {
            property.second = value;
            return;
        }
    }
    m_properties.append({key, value});
}

void ClientConfig::setDefault(const QString &key, const QString &value)
{
    if (!contains(key))
        set(key, value);
}

void ClientConfig::setAssignment(const QString &assignment)
{
    const qsizetype equals = assignment.indexOf(u'=');
    if (equals <= 0)
        throw ConfigError("expected key=value, got \"" + assignment.toStdString() + '"');
    set(assignment.left(equals).trimmed(), assignment.mid(equals + 1));
}

void ClientConfig::loadPropertiesFile(const QString &path)
{
    QList<QPair<QString, QString>> properties;
    try {
        properties = readPropertiesFile(path);
    } catch (const std::runtime_error &error) {
        throw ConfigError(error.what());
    }
    for (const auto &[key, value] : properties)
        set(key, value);
}

QString ClientConfig::value(const QString &key, const QString &fallback) const
{
    for (const auto &property : m_properties) {
        if (property.first == key)
            return property.second;
    }
    return fallback;
}

bool ClientConfig::contains(const QString &key) const
{
    for (const auto &property : m_properties) {
        if (property.first == key)
            return true;
    }
    return false;
}

RdConfPtr ClientConfig::build() const
{
    RdConfPtr conf(rd_kafka_conf_new());
    char errstr[512];
    for (const auto &[key, value] : m_properties) {
        const QByteArray k = key.toUtf8();
        const QByteArray v = value.toUtf8();
        if (rd_kafka_conf_set(conf.get(), k.constData(), v.constData(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
            QString message = QString::fromUtf8(errstr);
            if (SecretMask::isSecretProperty(key) && !value.isEmpty())
                message.replace(value, QString::fromUtf16(SecretMask::Mask));
            throw ConfigError(message.toStdString());
        }
    }
    return conf;
}
