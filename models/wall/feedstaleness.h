#pragma once

#include "wall/wallfeed.h"

#include <cstdint>
#include <optional>
#include <string>

// Whether a wall display hears its feed (DESIGN.md rule 5): down when nothing has arrived within the
// staleness limit, or while the client reports every broker lost. An empty board then shows
// "FEED DOWN" rather than passing for "no open alerts".
class FeedStaleness {
public:
    explicit FeedStaleness(std::int64_t limitMs = 30'000);

    std::int64_t limitMs() const { return m_limitMs; }

    // The feed began listening; the limit runs from here until something is heard.
    void started(std::int64_t nowMs);
    // A record or a heartbeat.
    void heard(std::int64_t nowMs);
    // Only brokersBack() ends a loss: a record in flight proves nothing about the brokers.
    void brokersLost(std::int64_t nowMs, std::string reason);
    void brokersBack(std::int64_t nowMs);

    FeedHealth health(std::int64_t nowMs) const;
    // A remote display: the console's health as its heartbeats report it, and whether the display
    // still hears the console (heard() per heartbeat).
    FeedHealth remoteHealth(const FeedHealth &upstream, std::int64_t nowMs) const;

private:
    std::int64_t m_limitMs;
    std::optional<std::int64_t> m_startedMs;
    std::optional<std::int64_t> m_lastHeardMs;
    std::optional<std::int64_t> m_brokersLostMs;
    std::string m_brokersLostReason;
};
