#include "cluster/lagstatus.h"

#include <QDateTime>

QString lagStatusName(LagStatus status)
{
    switch (status) {
    case LagStatus::Ok: return QStringLiteral("OK");
    case LagStatus::Warn: return QStringLiteral("WARN");
    case LagStatus::Stall: return QStringLiteral("STALL");
    case LagStatus::Stop: return QStringLiteral("STOP");
    case LagStatus::Rewind: return QStringLiteral("REWIND");
    case LagStatus::Err: return QStringLiteral("ERR");
    }
    return {};
}

LagStatusEvaluator::LagStatusEvaluator(int windowSize, Clock clock)
    : m_windowSize(qMax(2, windowSize)), m_clock(clock ? std::move(clock) : Clock([] { return QDateTime::currentMSecsSinceEpoch(); }))
{
}

QString LagStatusEvaluator::keyOf(const QString &group, const QString &topic, int partition)
{
    return group + QChar(0x1f) + topic + QChar(0x1f) + QString::number(partition);
}

void LagStatusEvaluator::recordCommit(const QString &group, const QString &topic, int partition, qint64 offset, qint64 lag, qint64 atMs)
{
    const QString key = keyOf(group, topic, partition);
    if (!m_windows.contains(key))
        m_groupKeys[group].append(key);
    Window &window = m_windows[key];
    window.commits.push_back({offset, lag, atMs});
    while (window.commits.size() > size_t(m_windowSize))
        window.commits.pop_front();
    window.currentLag = lag;
}

void LagStatusEvaluator::observe(const QString &group, const QString &topic, int partition, qint64 offset, qint64 lag, qint64 atMs)
{
    const QString key = keyOf(group, topic, partition);
    const auto it = m_windows.constFind(key);
    if (it != m_windows.constEnd() && !it->commits.empty() && it->commits.back().offset == offset) {
        m_windows[key].currentLag = lag;
        return;
    }
    recordCommit(group, topic, partition, offset, lag, atMs);
}

void LagStatusEvaluator::forgetGroup(const QString &group)
{
    for (const auto &key : m_groupKeys.take(group))
        m_windows.remove(key);
}

LagStatus LagStatusEvaluator::evaluate(const Window &window) const
{
    const auto &c = window.commits;
    if (c.size() < 2)
        return LagStatus::Ok;
    const Commit &first = c.front();
    const Commit &last = c.back();
    const qint64 span = last.atMs - first.atMs;
    const qint64 sinceLast = m_clock() - last.atMs;
    if (window.currentLag > 0 && sinceLast > span && sinceLast >= m_minStopMs)
        return LagStatus::Stop;
    for (size_t i = 1; i < c.size(); ++i) {
        if (c[i].offset < c[i - 1].offset)
            return LagStatus::Rewind;
    }
    bool moved = false;
    bool lagAlwaysPositive = true;
    bool lagGrewEveryStep = true;
    for (size_t i = 0; i < c.size(); ++i) {
        lagAlwaysPositive = lagAlwaysPositive && c[i].lag > 0;
        if (i > 0) {
            moved = moved || c[i].offset != c[i - 1].offset;
            lagGrewEveryStep = lagGrewEveryStep && c[i].lag > c[i - 1].lag;
        }
    }
    if (!moved && lagAlwaysPositive)
        return LagStatus::Stall;
    if (lagGrewEveryStep)
        return LagStatus::Warn;
    return LagStatus::Ok;
}

LagStatus LagStatusEvaluator::partitionStatus(const QString &group, const QString &topic, int partition) const
{
    const auto it = m_windows.constFind(keyOf(group, topic, partition));
    return it == m_windows.constEnd() ? LagStatus::Ok : evaluate(*it);
}

LagStatus LagStatusEvaluator::groupStatus(const QString &group) const
{
    bool warn = false;
    for (const auto &key : m_groupKeys.value(group)) {
        const LagStatus status = evaluate(m_windows.value(key));
        if (status == LagStatus::Stop || status == LagStatus::Stall || status == LagStatus::Rewind)
            return LagStatus::Err;
        warn = warn || status == LagStatus::Warn;
    }
    return warn ? LagStatus::Warn : LagStatus::Ok;
}
