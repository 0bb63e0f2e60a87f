#include "client/clientconfig.h"

#include "base/secretmask.h"

#include <QFile>
#include <QRegularExpression>

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
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        throw ConfigError(path.toStdString() + ": " + file.errorString().toStdString());

    int lineNumber = 0;
    QString pending;
    while (!file.atEnd()) {
        ++lineNumber;
        QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (pending.isEmpty() && (line.isEmpty() || line.startsWith(u'#') || line.startsWith(u'!')))
            continue;
        if (line.endsWith(u'\\')) {
            pending += line.chopped(1);
            continue;
        }
        line = pending + line;
        pending.clear();

        const qsizetype separator = line.indexOf(QRegularExpression(QStringLiteral("[=:]")));
        if (separator <= 0)
            throw ConfigError(path.toStdString() + ':' + std::to_string(lineNumber) + ": expected key=value");
        set(line.left(separator).trimmed(), line.mid(separator + 1).trimmed());
    }
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
