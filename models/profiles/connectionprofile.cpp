#include "profiles/connectionprofile.h"

#include "base/propertiesfile.h"
#include "base/secretmask.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUrl>

namespace {

constexpr auto RegistryKey = "vigil.schema.registry";
constexpr auto WallFeedKey = "vigil.wall.feed";
constexpr auto WallCaKey = "vigil.wall.ca";
constexpr auto KeychainKey = "vigil.keychain";
constexpr auto RegistryPasswordKey = "vigil.schema.registry.password";

QList<QPair<QString, QString>> readProperties(const QString &path)
{
    try {
        return readPropertiesFile(path);
    } catch (const std::runtime_error &error) {
        throw ProfileError(QString::fromUtf8(error.what()));
    }
}

} // namespace

QString ConnectionProfile::value(const QString &key) const
{
    for (const auto &[k, v] : properties) {
        if (k == key)
            return v;
    }
    return {};
}

void ConnectionProfile::set(const QString &key, const QString &value)
{
    for (auto &[k, v] : properties) {
        if (k == key) {
            v = value;
            return;
        }
    }
    properties.append({key, value});
}

QList<QPair<QString, QString>> ConnectionProfile::clientProperties() const
{
    QList<QPair<QString, QString>> client;
    for (const auto &property : properties) {
        if (!property.first.startsWith(QStringLiteral("vigil.")))
            client.append(property);
    }
    return client;
}

void ConnectionProfile::applySecrets(const QList<QPair<QString, QString>> &secrets)
{
    for (const auto &[key, secret] : secrets) {
        if (key == QLatin1String(RegistryPasswordKey)) {
            QUrl url(schemaRegistry);
            url.setPassword(secret);
            schemaRegistry = url.toString();
        } else {
            set(key, secret);
        }
    }
}

ConnectionProfile ConnectionProfile::fromPropertiesFile(const QString &name, const QString &path)
{
    ConnectionProfile profile;
    profile.name = name;
    for (const auto &[key, value] : readProperties(path)) {
        if (key == QLatin1String(RegistryKey))
            profile.schemaRegistry = value;
        else if (key == QLatin1String(WallFeedKey))
            profile.wallFeed = value;
        else if (key == QLatin1String(WallCaKey))
            profile.wallCaFile = value;
        else if (key != QLatin1String(KeychainKey))
            profile.set(key, value);
    }
    return profile;
}

QString keychainKey(const QString &profile, const QString &property)
{
    return QStringLiteral("profile/%1/%2").arg(profile, property);
}

ProfileStore::ProfileStore(QString dir) : m_dir(std::move(dir)) {}

QString ProfileStore::defaultDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) + QStringLiteral("/Vigil/profiles");
}

void ProfileStore::checkName(const QString &name)
{
    static const QRegularExpression allowed(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    if (!allowed.match(name).hasMatch())
        throw ProfileError(QStringLiteral("a profile name is 1 to 64 letters, digits, '.', '-' or '_', got \"%1\"").arg(name));
}

QString ProfileStore::pathOf(const QString &name) const
{
    return m_dir + u'/' + name + QStringLiteral(".properties");
}

QStringList ProfileStore::names() const
{
    QStringList names;
    for (const QString &file : QDir(m_dir).entryList({QStringLiteral("*.properties")}, QDir::Files, QDir::Name))
        names.append(file.chopped(int(QStringLiteral(".properties").size())));
    return names;
}

ConnectionProfile ProfileStore::load(const QString &name) const
{
    checkName(name);
    if (!QFile::exists(pathOf(name)))
        throw ProfileError(QStringLiteral("no profile \"%1\" in %2 (profiles: %3)")
                               .arg(name, m_dir, names().isEmpty() ? QStringLiteral("none") : names().join(QStringLiteral(", "))));
    return ConnectionProfile::fromPropertiesFile(name, pathOf(name));
}

QStringList ProfileStore::keychainHeld(const QString &name) const
{
    if (!QFile::exists(pathOf(name)))
        return {}; // not saved yet
    for (const auto &[key, value] : readProperties(pathOf(name))) {
        if (key == QLatin1String(KeychainKey))
            return value.split(u',', Qt::SkipEmptyParts);
    }
    return {};
}

QList<QPair<QString, QString>> ProfileStore::save(const ConnectionProfile &profile) const
{
    checkName(profile.name);
    QList<QPair<QString, QString>> secrets;
    QString text = QStringLiteral("# Vigil connection profile \"%1\": librdkafka client properties (as kcat -F and\n"
                                  "# vigil --config read them) and Vigil's own vigil.* settings. Secrets are not in\n"
                                  "# this file: vigil.keychain lists those the OS keychain holds for it.\n")
                       .arg(profile.name);
    for (const auto &[key, value] : profile.properties) {
        if (SecretMask::isSecretProperty(key)) { // vigil.wall.token too
            if (!value.isEmpty())
                secrets.append({key, value});
            continue;
        }
        text += key + u'=' + value + u'\n';
    }
    if (!profile.schemaRegistry.isEmpty()) {
        QUrl registry(profile.schemaRegistry);
        if (!registry.password().isEmpty()) {
            secrets.append({QLatin1String(RegistryPasswordKey), registry.password()});
            registry.setPassword({});
        }
        text += QLatin1String(RegistryKey) + u'=' + registry.toString() + u'\n';
    }
    if (!profile.wallFeed.isEmpty())
        text += QLatin1String(WallFeedKey) + u'=' + profile.wallFeed + u'\n';
    if (!profile.wallCaFile.isEmpty())
        text += QLatin1String(WallCaKey) + u'=' + profile.wallCaFile + u'\n';
    QStringList held;
    for (const auto &secret : std::as_const(secrets))
        held.append(secret.first);
    if (!held.isEmpty())
        text += QLatin1String(KeychainKey) + u'=' + held.join(u',') + u'\n';

    if (!QDir().mkpath(m_dir))
        throw ProfileError(QStringLiteral("cannot create %1").arg(m_dir));
    QSaveFile file(pathOf(profile.name));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text) || file.write(text.toUtf8()) < 0 || !file.commit())
        throw ProfileError(QStringLiteral("cannot write %1: %2").arg(pathOf(profile.name), file.errorString()));
    return secrets;
}

void ProfileStore::remove(const QString &name) const
{
    checkName(name);
    QFile::remove(pathOf(name));
}
