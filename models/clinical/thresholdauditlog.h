#pragma once

#include <QString>

#include <stdexcept>

class ThresholdSet;

// The append-only record of every threshold change applied to a running evaluator: who, when,
// why, and the set before and after, one JSON object per line. Nothing is ever rewritten.
class ThresholdAuditLog {
public:
    // The default lives in the user's application data folder.
    explicit ThresholdAuditLog(QString path = defaultPath());
    static QString defaultPath();

    // Throws std::runtime_error when the line cannot be written and flushed: a change that
    // cannot be recorded must not be applied.
    void append(const QString &who, const QString &reason, const ThresholdSet &before, const ThresholdSet &after,
                qint64 atMs) const;

    const QString &path() const { return m_path; }

private:
    QString m_path;
};
