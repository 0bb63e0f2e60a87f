#include "base/warningthrottle.h"

#include <QLocale>

namespace {
const QString OverflowKey = QStringLiteral("\x01other");
}

WarningThrottle::WarningThrottle(std::int64_t periodMs, int maxKeys) : m_periodMs(periodMs), m_maxKeys(qMax(1, maxKeys)) {}

QString WarningThrottle::admit(const QString &key, const QString &message, std::int64_t nowMs)
{
    QString effectiveKey = key;
    if (!m_entries.contains(key) && m_entries.size() >= m_maxKeys)
        effectiveKey = OverflowKey;
    auto found = m_entries.find(effectiveKey);
    if (found == m_entries.end()) {
        m_entries.insert(effectiveKey, Entry{message, nowMs, 0});
        return effectiveKey == OverflowKey ? message + QStringLiteral(" (further distinct warnings are counted together)")
                                           : message;
    }
    Entry &entry = *found;
    if (nowMs - entry.periodStartMs < m_periodMs) {
        ++entry.unsaid;
        ++m_suppressed;
        return {};
    }
    // A new period: say this one, with what the last period kept quiet.
    const QString line = entry.unsaid ? message + QStringLiteral(" (and %1)").arg(summary(entry)) : message;
    entry = Entry{message, nowMs, 0};
    return line;
}

QStringList WarningThrottle::due(std::int64_t nowMs)
{
    QStringList lines;
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (nowMs - it->periodStartMs < m_periodMs) {
            ++it;
            continue;
        }
        if (it->unsaid) {
            lines.append(it->message + QStringLiteral(" (%1)").arg(summary(*it)));
            it->periodStartMs = nowMs;
            it->unsaid = 0;
            ++it;
        } else {
            it = m_entries.erase(it); // quiet for a whole period: its next occurrence is news again
        }
    }
    return lines;
}

QString WarningThrottle::summary(const Entry &entry) const
{
    return QStringLiteral("%1 more time%2 in the last %3 s")
        .arg(QLocale::c().toString(qlonglong(entry.unsaid)), entry.unsaid == 1 ? QString() : QStringLiteral("s"))
        .arg(m_periodMs / 1000);
}
