#include "walldisplay.h"

#include "network/wallfeedclient.h"
#include "wallservice.h"
#include "wall/wallstate.h"
#include "wallwindow.h"

#include <QDateTime>

namespace {
qint64 now() { return QDateTime::currentMSecsSinceEpoch(); }
}

WallDisplay::WallDisplay(const CommandLine &line)
{
    const CommandLine::Wall &wall = line.wall;
    m_state = std::make_unique<WallState>(wall.options);
    m_state->board().setDefaultPolicy(wall.defaultPolicy);
    for (const auto &[unit, policy] : wall.unitPolicies)
        m_state->board().setPolicy(unit, policy);

    WallWindowOptions options;
    options.unit = wall.unit;
    options.kiosk = wall.kiosk;
    options.source = wall.feed.isValid() ? QObject::tr("via console %1").arg(wall.feed.toDisplayString())
                                         : QObject::tr("Kafka %1").arg(line.config.bootstrapServers());
    m_window = std::make_unique<WallWindow>(m_state.get(), options);

    if (wall.feed.isValid()) {
        connectFeed(wall);
        return;
    }
    m_service = std::make_unique<WallService>(line.config, m_state.get());
    QObject::connect(m_window.get(), &WallWindow::actionRequested, m_service.get(), [this](const AlertAction &action) {
        const QString id = QString::fromStdString(action.alertId);
        m_service->perform(action, [window = m_window.get(), id](bool ok, const QString &error) {
            window->actionAnswered(id, ok, error);
        });
    });
}

void WallDisplay::connectFeed(const CommandLine::Wall &wall)
{
    // The console sends this unit's part of the board only (without a unit, the overview only).
    m_client = std::make_unique<WallFeedClient>(wall.feed, wall.token, QString::fromStdString(wall.unit));
    WallFeedClient *client = m_client.get();
    WallState *state = m_state.get();
    if (!wall.caFile.isEmpty()) {
        QString error;
        const auto tls = WallFeedClient::trusting(wall.caFile, &error);
        if (!tls)
            throw std::runtime_error("--wall-ca: " + error.toStdString());
        client->setTlsConfiguration(*tls);
    }
    QObject::connect(client, &WallFeedClient::snapshotReceived, state,
                     [state](const WallSnapshot &snapshot) {
                         state->applySnapshot(snapshot.alerts, snapshot.census, now());
                         state->upstreamHealth(snapshot.health, now());
                     });
    QObject::connect(client, &WallFeedClient::alertsReceived, state,
                     [state](const std::vector<Alert> &alerts) { state->applyAlerts(alerts, now()); });
    QObject::connect(client, &WallFeedClient::censusReceived, state,
                     [state](const std::vector<CensusEntry> &census) { state->replaceCensus(census, now()); });
    QObject::connect(client, &WallFeedClient::heartbeatReceived, state,
                     [state](const FeedHealth &upstream, qint64) { state->upstreamHealth(upstream, now()); });
    // Losing the console is losing the feed: the banner shows at once, not after the staleness limit.
    QObject::connect(client, &WallFeedClient::connectedChanged, state, [state](bool connected) {
        if (!connected)
            state->brokersLost(QObject::tr("lost the connection to the console"), now());
    });
    QObject::connect(client, &WallFeedClient::refused, state,
                     [state](const QString &why) { state->brokersLost(QObject::tr("the console refused this display: %1").arg(why), now()); });

    QObject::connect(m_window.get(), &WallWindow::actionRequested, client, [this](const AlertAction &action) {
        const int request = m_client->sendAction(action);
        if (request < 0)
            m_window->actionAnswered(QString::fromStdString(action.alertId), false, QObject::tr("not connected to the console"));
        else
            m_requests[request] = QString::fromStdString(action.alertId);
    });
    QObject::connect(client, &WallFeedClient::actionAnswered, m_window.get(),
                     [this](int request, bool ok, const QString &error) {
                         const auto it = m_requests.find(request);
                         if (it == m_requests.end())
                             return;
                         m_window->actionAnswered(it->second, ok, error);
                         m_requests.erase(it);
                     });
    client->start();
}

WallDisplay::~WallDisplay() = default;
