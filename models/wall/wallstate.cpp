#include "wall/wallstate.h"

WallState::WallState(WallOptions options, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_board(m_options.limits), m_staleness(m_options.staleAfterMs)
{
    m_board.setPatientLabelPolicy(m_options.labels);
}

void WallState::applyBatch(const std::vector<Alert> &alerts, const std::vector<AdtEvent> &adt, bool live, qint64 nowMs)
{
    if (!adt.empty()) {
        m_census.apply(adt);
        m_lastUpdateMs = nowMs;
    }
    announce(m_board.apply(alerts, live, nowMs));
    if (!alerts.empty())
        m_lastUpdateMs = nowMs;
    Q_EMIT changed();
}

void WallState::applySnapshot(const std::vector<Alert> &alerts, const std::vector<CensusEntry> &census, qint64 nowMs)
{
    m_census.replace(census);
    m_current = true; // a console sends its whole state
    // A reconnecting display already knows most of these; only the ones it does not are news.
    announce(m_board.apply(alerts, false, nowMs));
    m_lastUpdateMs = nowMs;
    heard(nowMs);
}

void WallState::historyRead()
{
    m_current = true;
    Q_EMIT changed();
}

void WallState::applyAlerts(const std::vector<Alert> &alerts, qint64 nowMs)
{
    announce(m_board.apply(alerts, true, nowMs));
    m_lastUpdateMs = nowMs;
    heard(nowMs);
}

void WallState::replaceCensus(const std::vector<CensusEntry> &census, qint64 nowMs)
{
    m_census.replace(census);
    m_lastUpdateMs = nowMs;
    heard(nowMs);
}

void WallState::announce(const BoardChange &change)
{
    if (!change.newlyOpen.empty())
        Q_EMIT alertsArrived(change.newlyOpen);
}

void WallState::heard(qint64 nowMs)
{
    m_staleness.heard(nowMs);
    m_staleness.brokersBack(nowMs); // whatever was heard came from a reachable broker or console
    Q_EMIT changed();
}

void WallState::brokersLost(const QString &reason, qint64 nowMs)
{
    m_staleness.brokersLost(nowMs, reason.toStdString());
    Q_EMIT changed();
}

void WallState::upstreamHealth(const FeedHealth &upstream, qint64 nowMs)
{
    m_upstream = upstream;
    m_remote = true;
    heard(nowMs);
}

std::vector<BoardRow> WallState::rows(const std::string &unit, qint64 nowMs) const
{
    return m_board.rows(unit, m_census, nowMs);
}

FeedHealth WallState::health(qint64 nowMs) const
{
    FeedHealth health = m_remote ? m_staleness.remoteHealth(m_upstream, nowMs) : m_staleness.health(nowMs);
    if (!m_evaluationStopped.empty()) {
        if (health.up)
            health.downSinceMs = m_evaluationStoppedAtMs;
        health.up = false;
        health.reason = "critical-value evaluation stopped: " + m_evaluationStopped
                        + (health.reason.empty() ? std::string() : "; " + health.reason);
    }
    return health;
}

void WallState::setEvaluationStopped(const std::string &reason, qint64 nowMs)
{
    if (reason == m_evaluationStopped)
        return;
    m_evaluationStopped = reason;
    m_evaluationStoppedAtMs = nowMs;
    Q_EMIT changed();
}

int WallState::admitted(const std::string &unit) const
{
    return int(m_census.patientsOn(unit).size());
}

void WallState::expire(qint64 nowMs)
{
    m_board.expire(nowMs);
}
