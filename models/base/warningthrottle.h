#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

#include <cstdint>

// Keeps a flood of the same warning from filling the log: the first occurrence of each distinct
// key (a peer, a failure reason) is said at once; later ones are counted and said as one summary
// line per period ("… 161,702 more times in the last 60 s"). The number of keys is bounded, so a
// peer that invents a new reason per message cannot grow it: past the bound, keys share one count.
// Time comes in on every call, so tests drive it with a fixed clock. Not thread-safe: one owner.
class WarningThrottle {
public:
    explicit WarningThrottle(std::int64_t periodMs = 60'000, int maxKeys = 128);

    // The line to log now, or an empty string when this occurrence is only counted.
    QString admit(const QString &key, const QString &message, std::int64_t nowMs);
    // Summary lines for keys whose period ended with occurrences still unsaid; call it periodically.
    QStringList due(std::int64_t nowMs);

    std::int64_t suppressed() const { return m_suppressed; } // occurrences counted but not said, ever

private:
    struct Entry {
        QString message;
        std::int64_t periodStartMs = 0;
        std::int64_t unsaid = 0;
    };
    QString summary(const Entry &entry) const;

    std::int64_t m_periodMs;
    int m_maxKeys;
    QHash<QString, Entry> m_entries;
    std::int64_t m_suppressed = 0;
};
