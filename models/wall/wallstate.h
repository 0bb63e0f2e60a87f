#pragma once

#include "wall/alertboard.h"
#include "wall/feedstaleness.h"
#include "wall/unitcensus.h"
#include "wall/wallfeed.h"

#include <QObject>

#include <string>
#include <vector>

struct WallOptions {
    std::int64_t staleAfterMs = 30'000;
    PatientLabelPolicy labels;
    AlertBoardLimits limits;
};

// Everything the wall displays of a process know, whichever way they hear it (their own Kafka consumer,
// or a console's WebSocket feed): the alerts and the census of every unit, and whether the feed can be
// trusted. Each display shows one unit of it. Time comes in as
// nowMs on every call, so tests drive it with a fixed clock.
class WallState final : public QObject {
    Q_OBJECT
public:
    explicit WallState(WallOptions options, QObject *parent = nullptr);

    const WallOptions &options() const { return m_options; }
    AlertBoard &board() { return m_board; }
    const AlertBoard &board() const { return m_board; }
    const UnitCensus &census() const { return m_census; }

    // From the display's own consumer: `live` is false while history is read from the beginning.
    void applyBatch(const std::vector<Alert> &alerts, const std::vector<AdtEvent> &adt, bool live, qint64 nowMs);
    // From a console's feed: the whole state at connect, then changes.
    void applySnapshot(const std::vector<Alert> &alerts, const std::vector<CensusEntry> &census, qint64 nowMs);
    void applyAlerts(const std::vector<Alert> &alerts, qint64 nowMs);
    void replaceCensus(const std::vector<CensusEntry> &census, qint64 nowMs);

    // The history has been read: from now on an empty board means no open alerts, not "not yet known".
    void historyRead();
    bool isCurrent() const { return m_current; }

    void heard(qint64 nowMs);
    void brokersLost(const QString &reason, qint64 nowMs);
    // A console's heartbeat: its own feed's health, which a remote display inherits.
    void upstreamHealth(const FeedHealth &upstream, qint64 nowMs);
    // The console's evaluator has stopped for good: no new critical result can reach the board, so
    // the feed is down whatever the topic says, with this reason ("" once it runs again).
    void setEvaluationStopped(const std::string &reason, qint64 nowMs);

    std::vector<BoardRow> rows(const std::string &unit, qint64 nowMs) const;
    FeedHealth health(qint64 nowMs) const;
    int admitted(const std::string &unit) const; // patients on the unit's census
    qint64 lastUpdateMs() const { return m_lastUpdateMs; } // last alert or census change; 0 when none
    // Forgets what has left the board (bounded memory for a display that runs for weeks).
    void expire(qint64 nowMs);

Q_SIGNALS:
    void changed();
    // Alerts that arrived live, open and on time: the displays of their units chime and highlight them.
    void alertsArrived(const std::vector<std::string> &alertIds);

private:
    void announce(const BoardChange &change);

    WallOptions m_options;
    AlertBoard m_board;
    UnitCensus m_census;
    FeedStaleness m_staleness;
    FeedHealth m_upstream;
    std::string m_evaluationStopped;
    qint64 m_evaluationStoppedAtMs = 0;
    bool m_remote = false; // fed by a console, whose own feed health counts too
    qint64 m_lastUpdateMs = 0;
    bool m_current = false;
};
