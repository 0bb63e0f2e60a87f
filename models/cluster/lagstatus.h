#pragma once

#include <QHash>
#include <QList>
#include <QString>

#include <deque>
#include <functional>

// Burrow's consumer status, per partition and per group.
enum class LagStatus { Ok, Warn, Stall, Stop, Rewind, Err };
QString lagStatusName(LagStatus status);

// A Burrow-style evaluator over a sliding window of offset commits per partition.
// Rules, checked in this order on the window of the last windowSize commits:
//   STOP   the consumer has lag and the time since its last commit exceeds the window's span
//          (Burrow's rule) and at least minStopMs. A partition with zero lag is never STOP:
//          Burrow's known false STOP on idle topics, where nothing arrives so nothing is committed.
//   REWIND a commit went backwards within the window.
//   STALL  the committed offset did not move across the whole window while lag stayed above zero.
//   WARN   lag grew at every step of the window (the consumer moves, but falls behind).
//   OK     otherwise, and while fewer than two commits are known.
// A group is ERR when any partition is STOP, STALL or REWIND, WARN when any is WARN, else OK.
// Time comes from an injectable clock (milliseconds) so tests script sequences exactly.
class LagStatusEvaluator {
public:
    using Clock = std::function<qint64()>;
    explicit LagStatusEvaluator(int windowSize = 10, Clock clock = {});

    void setMinStopMs(qint64 ms) { m_minStopMs = ms; }

    // A commit observed at atMs: always enters the window.
    void recordCommit(const QString &group, const QString &topic, int partition, qint64 offset, qint64 lag, qint64 atMs);
    // A polled observation (the inspector's): enters the window only when the offset moved, since a
    // poll cannot tell a re-commit of the same offset from no commit; the current lag is always updated.
    void observe(const QString &group, const QString &topic, int partition, qint64 offset, qint64 lag, qint64 atMs);
    void forgetGroup(const QString &group);

    LagStatus partitionStatus(const QString &group, const QString &topic, int partition) const;
    LagStatus groupStatus(const QString &group) const;
    qint64 now() const { return m_clock(); }

private:
    struct Commit {
        qint64 offset;
        qint64 lag;
        qint64 atMs;
    };
    struct Window {
        std::deque<Commit> commits;
        qint64 currentLag = 0;
    };
    static QString keyOf(const QString &group, const QString &topic, int partition);
    LagStatus evaluate(const Window &window) const;

    int m_windowSize;
    Clock m_clock;
    qint64 m_minStopMs = 0;
    QHash<QString, Window> m_windows;          // group \x1f topic \x1f partition
    QHash<QString, QList<QString>> m_groupKeys;
};
