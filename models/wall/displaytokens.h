#pragma once

#include <QList>
#include <QString>

#include <stdexcept>

// One wall display's access to a console's feed: its name, when it was let in and, once revoked, when.
struct DisplayToken {
    QString name;          // "ICU station 2": what the console's Wall displays area shows
    QString sha256;        // of the token; the token itself is shown once, when it is made, and kept nowhere
    qint64 createdAtMs = 0;
    qint64 revokedAtMs = 0; // 0 while it may connect

    bool revoked() const { return revokedAtMs != 0; }
};

class DisplayTokenError : public std::runtime_error {
public:
    explicit DisplayTokenError(const QString &what) : std::runtime_error(what.toStdString()) {}
};

// The displays allowed on a console's wall feed, one token each, named and revocable, kept as JSON
// (default ~/.config/Vigil/wall-displays.json). Only the tokens' SHA-256 is stored, so the file holds
// nothing a display could connect with; a revoked display stays listed, as a record.
class DisplayTokens {
public:
    explicit DisplayTokens(QString path = defaultPath()); // reads the file if there is one; throws
    static QString defaultPath();

    // Lets a new display in: returns its token, to be typed into (or given to) that display once.
    // Throws DisplayTokenError (a name in use or empty, a file that cannot be written).
    QString add(const QString &name, qint64 nowMs);
    // Throws DisplayTokenError when there is no such display or the file cannot be written.
    void revoke(const QString &name, qint64 nowMs);

    // The display this token lets in; empty for an unknown or revoked one. Compares in constant time.
    QString displayFor(const QString &offered) const;
    bool isEmpty() const { return m_tokens.isEmpty(); }
    const QList<DisplayToken> &tokens() const { return m_tokens; }

private:
    void save() const;

    QString m_path;
    QList<DisplayToken> m_tokens;
};
