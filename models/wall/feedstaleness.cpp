#include "wall/feedstaleness.h"

#include <algorithm>

namespace {

// The condition that began first explains the outage; the reason of a later one would hide how long
// the display has been blind.
// Ties go to `a`.
const FeedHealth &earliest(const FeedHealth &a, const FeedHealth &b)
{
    if (a.up)
        return b;
    if (b.up)
        return a;
    return b.downSinceMs < a.downSinceMs ? b : a;
}

} // namespace

FeedStaleness::FeedStaleness(std::int64_t limitMs)
    : m_limitMs(std::max<std::int64_t>(1, limitMs))
{
}

void FeedStaleness::started(std::int64_t nowMs)
{
    m_startedMs = nowMs;
}

void FeedStaleness::heard(std::int64_t nowMs)
{
    m_lastHeardMs = std::max(m_lastHeardMs.value_or(nowMs), nowMs);
}

void FeedStaleness::brokersLost(std::int64_t nowMs, std::string reason)
{
    if (!m_brokersLostMs) // a repeated report keeps the first moment
        m_brokersLostMs = nowMs;
    m_brokersLostReason = std::move(reason);
}

void FeedStaleness::brokersBack(std::int64_t)
{
    m_brokersLostMs.reset();
    m_brokersLostReason.clear();
}

FeedHealth FeedStaleness::health(std::int64_t nowMs) const
{
    FeedHealth health;
    health.up = true;
    health.lastHeardMs = m_lastHeardMs.value_or(0);

    FeedHealth stale = health;
    const std::optional<std::int64_t> limitFrom = m_lastHeardMs ? m_lastHeardMs : m_startedMs;
    if (!limitFrom) {
        // Without started() nothing says when the limit began; down, so a blank board never passes for a quiet one.
        stale = {false, 0, nowMs, "no data yet"};
    } else if (nowMs - *limitFrom > m_limitMs) {
        stale.up = false;
        stale.downSinceMs = *limitFrom + m_limitMs;
        stale.reason = "no data for " + std::to_string(m_limitMs / 1000) + " s";
    }

    FeedHealth lost = health;
    if (m_brokersLostMs) {
        lost.up = false;
        lost.downSinceMs = m_brokersLostMs;
        lost.reason = m_brokersLostReason;
    }
    return earliest(lost, stale);
}

FeedHealth FeedStaleness::remoteHealth(const FeedHealth &upstream, std::int64_t nowMs) const
{
    const FeedHealth local = health(nowMs);
    FeedHealth console = local;
    if (!upstream.up) {
        console.up = false;
        console.downSinceMs = upstream.downSinceMs.value_or(upstream.lastHeardMs);
        console.reason = upstream.reason;
    }
    return earliest(console, local);
}
