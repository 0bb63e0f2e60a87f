#pragma once

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <stdexcept>

// A refused profile name or file; the message says what and where.
class ProfileError : public std::runtime_error {
public:
    explicit ProfileError(const QString &what) : std::runtime_error(what.toStdString()) {}
};

// A named cluster as a user keeps it: the librdkafka properties (bootstrap.servers, security.protocol,
// sasl.*, ssl.*, any -X), the schema registry and the wall feed. Secrets are values like the others
// here; ProfileStore keeps them out of the file.
struct ConnectionProfile {
    QString name;
    QList<QPair<QString, QString>> properties; // in the order given
    QString schemaRegistry;                    // empty: the bundled schemas
    QString wallFeed;                          // a console's wall feed (ws:// or wss://), for --wall displays
    QString wallCaFile;                        // the hospital CA that signed the wall feed's certificate

    QString value(const QString &key) const;
    void set(const QString &key, const QString &value);
    QString bootstrapServers() const { return value(QStringLiteral("bootstrap.servers")); }
    // What librdkafka gets: the properties without Vigil's own vigil.* keys.
    QList<QPair<QString, QString>> clientProperties() const;
    QString wallToken() const { return value(QStringLiteral("vigil.wall.token")); }
    // Puts back what the keychain held (ProfileStore::save took out): properties, the registry's password.
    void applySecrets(const QList<QPair<QString, QString>> &secrets);

    // Java-style properties, as the Kafka tools write them (ClientConfig reads the same syntax);
    // Vigil's own settings are the vigil.* keys. Throws ProfileError.
    static ConnectionProfile fromPropertiesFile(const QString &name, const QString &path);
};

// The key under which a profile's secret is kept in the keychain: "profile/<name>/<property>".
QString keychainKey(const QString &profile, const QString &property);

// Profiles as readable files in one folder (default ~/.config/Vigil/profiles), one <name>.properties
// each, with every secret left out: the file lists which properties the keychain holds (vigil.keychain).
class ProfileStore {
public:
    explicit ProfileStore(QString dir = defaultDir());
    static QString defaultDir();

    QStringList names() const;
    // Without its secrets: those are in the keychain under keychainKey(name, key) for each key
    // of keychainHeld(). Throws ProfileError.
    ConnectionProfile load(const QString &name) const;
    // The secret keys the file says the keychain holds.
    QStringList keychainHeld(const QString &name) const;
    // Writes the file without the secrets; returns the secrets to put in the keychain (key, value).
    // Throws ProfileError.
    QList<QPair<QString, QString>> save(const ConnectionProfile &profile) const;
    void remove(const QString &name) const;

    // Letters, digits, '.', '-' and '_': a file name on every system. Throws ProfileError.
    static void checkName(const QString &name);
    QString pathOf(const QString &name) const;

private:
    QString m_dir;
};
