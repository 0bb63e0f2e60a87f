#pragma once

#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QStringList>

#include <functional>

// Profiles' secrets in the OS keychain (the Secret Service over D-Bus on Linux: gnome-keyring,
// KeePassXC, KWallet), through qtkeychain, under the service "Vigil" and keychainKey(profile, key).
// Never a plain-text file: where no keychain service runs, every call fails with unavailable()
// saying so, and the caller says what to do instead.
class Keychain : public QObject {
    Q_OBJECT
public:
    using Secrets = QList<QPair<QString, QString>>; // property, value
    // Empty on success, else what went wrong, for people.
    using Done = std::function<void(const QString &error)>;

    explicit Keychain(QString service = QStringLiteral("Vigil"), QObject *parent = nullptr);

    // Asynchronous, for the GUI: `done` runs on this object's thread when every job finished.
    void write(const QString &profile, const Secrets &secrets, Done done);
    void read(const QString &profile, const QStringList &keys, std::function<void(const Secrets &, const QString &error)> done);
    void remove(const QString &profile, const QStringList &keys, Done done);

    // The same, waiting in a local event loop: for the command line before any window, and tests.
    QString writeNow(const QString &profile, const Secrets &secrets);
    QString readNow(const QString &profile, const QStringList &keys, Secrets *secrets);
    QString removeNow(const QString &profile, const QStringList &keys);

    // What a failed job means, with what to do about it when no keychain service runs.
    static QString explain(int error, const QString &errorString);

private:
    QString m_service;
};
