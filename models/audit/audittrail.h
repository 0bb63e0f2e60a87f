#pragma once

#include <QString>

#include <nlohmann/json.hpp>

#include <map>
#include <string>

// One thing that must be accounted for: a reveal of patient identifiers, an export with them, a
// threshold change, a replay's re-publish or redrive, a produced message, a profile or display-token
// change. `what` holds the details (never a secret); `why` is the reason a person typed, if asked.
struct AuditAction {
    QString action;      // "reveal-patient-ids", "threshold-change", ...
    nlohmann::json what; // an object
    QString why;
    QString typedName;   // the name a person typed, where the console asked for one
};

// The tamper-evident trail of audited actions: JSON Lines, one entry per line, appended and flushed
// before the action happens, never rewritten. Each entry carries who (the OS user and any name
// typed), when, where (host, console instance), what and why, its sequence number in its chain, the
// hash of the entry before it and its own hash (SHA-256 of the entry without "hash", keys sorted).
// Consoles of one user on one machine share the file and its chain (a lock file orders them); the
// chain is named when the file begins, "<user>@<host>/<8 hex digits>", so that chains from many files
// stay apart in the vigil.audit topic, where AuditShipper copies them.
class AuditTrail {
public:
    // The default lives in the user's application data folder.
    explicit AuditTrail(QString path = defaultPath(), QString instance = defaultInstance());
    static QString defaultPath();
    static QString defaultInstance(); // "console-<pid>"
    static QString chainName();       // "<os user>@<host>", the start of a new file's chain name

    // Appends the entry and flushes it; returns it as written. Throws std::runtime_error when it
    // cannot: whatever was to be audited must then not happen.
    nlohmann::json append(const AuditAction &action, qint64 atMs) const;

    const QString &path() const { return m_path; }

    // The hash an entry carries: SHA-256 (hex) of its compact JSON without the "hash" member.
    static std::string hashOf(const nlohmann::json &entry);

private:
    QString m_path;
    QString m_instance;
};

// Checks chains of audit entries, given in order (a file's lines, or a topic's records). Entries of
// several chains may interleave; each chain must start at seq 1, and each entry carry its
// predecessor's hash, the next seq and its own correct hash. An exact copy of a chain's last entry
// (one the shipper sent twice) is counted once.
class AuditVerifier {
public:
    // Feeds the next entry as text; `where` names it for the report ("line 12", "vigil.audit[0]@41").
    void add(const QByteArray &text, const QString &where);

    // Empty while every entry so far checks out; else the first broken entry and what is wrong with it.
    const QString &firstBroken() const { return m_firstBroken; }
    qint64 entries() const { return m_entries; }
    qint64 duplicates() const { return m_duplicates; }
    int chains() const { return int(m_last.size()); }

private:
    struct Last {
        qint64 seq = 0;
        std::string hash;
    };
    std::map<std::string, Last> m_last; // chain -> its last entry
    QString m_firstBroken;
    qint64 m_entries = 0;
    qint64 m_duplicates = 0;
};
