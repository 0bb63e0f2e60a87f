#include "network/wallfeedserver.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslKey>
#include "base/text.h"

#include "wall/alertboard.h"

#include <QDateTime>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

namespace {

// A display let in by the console's shared token rather than one of its own.
const QString SharedToken = QStringLiteral("\x01shared");

// Actions are a few hundred bytes; a display has no reason to send more.
constexpr quint64 MaxIncomingMessageBytes = 64 * 1024;
// A refused peer that does not answer the close handshake is cut off after this.
constexpr int RefusalGraceMs = 5000;
// A display's set of known alert ids is rebuilt with its census; a unit whose census never changes
// while alerts keep coming starts it afresh here (its alerts are then re-sent once, harmlessly).
constexpr std::size_t MaxKnownAlertsPerDisplay = 2 * AlertBoardLimits{}.capacity;

// Addresses identify a display, never a patient: safe to log.
QString peerOf(const QWebSocket &socket)
{
    return QStringLiteral("%1:%2").arg(socket.peerAddress().toString()).arg(socket.peerPort());
}

QString rateLimitMessage(const WallFeedServerOptions &options)
{
    const QString pace = options.actionRefillMs == 1000
        ? QStringLiteral("one a second")
        : QStringLiteral("one every %1 s").arg(options.actionRefillMs / 1000.0);
    return QStringLiteral("too many actions from this display: at most %1 in a burst, then %2")
        .arg(options.actionBurst)
        .arg(pace);
}

std::unordered_set<std::string> idsOf(const std::vector<Alert> &alerts)
{
    std::unordered_set<std::string> ids;
    for (const Alert &alert : alerts)
        ids.insert(alert.alertId);
    return ids;
}

} // namespace

WallFeedServer::WallFeedServer(QString token, WallFeedServerOptions options, QObject *parent)
    : QObject(parent), m_token(std::move(token)), m_options(options),
      m_server(new QWebSocketServer(QStringLiteral("Vigil wall feed"),
                                    m_options.tls ? QWebSocketServer::SecureMode : QWebSocketServer::NonSecureMode, this)),
      m_pseudonymKey(WallFeedView::newPseudonymKey())
{
    WallProtocol::registerMetaTypes();
    if (m_options.tls)
        m_server->setSslConfiguration(*m_options.tls);
    m_clock.start();
    connect(m_server, &QWebSocketServer::newConnection, this, &WallFeedServer::admit);
    connect(m_server, &QWebSocketServer::acceptError, this, [this](QAbstractSocket::SocketError) {
        qCWarning(lcWallFeed) << "wall feed cannot accept a display:" << m_server->errorString();
    });
    m_heartbeat.setInterval(std::max(1, m_options.heartbeatMs));
    connect(&m_heartbeat, &QTimer::timeout, this, &WallFeedServer::beat);
}

WallFeedServer::~WallFeedServer()
{
    m_heartbeat.stop();
    const QList<QWebSocket *> clients = std::exchange(m_clients, {});
    for (QWebSocket *socket : clients) {
        socket->disconnect(this);
        socket->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("the console is shutting down"));
    }
    m_server->close();
}

std::optional<QSslConfiguration> WallFeedServer::tlsFrom(const QString &certificateFile, const QString &keyFile, QString *error)
{
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(certificateFile, QSsl::Pem);
    if (chain.isEmpty()) {
        *error = QStringLiteral("%1 holds no PEM certificate").arg(certificateFile);
        return std::nullopt;
    }
    QFile file(keyFile);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(keyFile, file.errorString());
        return std::nullopt;
    }
    const QByteArray pem = file.readAll();
    QSslKey key(pem, QSsl::Rsa);
    if (key.isNull())
        key = QSslKey(pem, QSsl::Ec);
    if (key.isNull()) {
        *error = QStringLiteral("%1 holds no unencrypted RSA or EC private key (PEM)").arg(keyFile);
        return std::nullopt;
    }
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificateChain(chain);
    tls.setPrivateKey(key);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone); // displays prove themselves with their tokens
    return tls;
}

bool WallFeedServer::listen(const QHostAddress &address, quint16 port)
{
    if (m_token.trimmed().isEmpty() && (!m_options.displays || m_options.displays->isEmpty())) {
        // it would refuse every display: say so now, not on the ward
        m_errorString = QStringLiteral("the wall feed needs a token");
        return false;
    }
    if (!m_server->listen(address, port)) {
        m_errorString = m_server->errorString();
        return false;
    }
    m_errorString.clear();
    m_heartbeat.start();
    qCInfo(lcWallFeed) << "wall feed listening on" << url().toString();
    return true;
}

QUrl WallFeedServer::url() const
{
    if (!m_server->isListening())
        return {};
    QUrl url;
    url.setScheme(m_options.tls ? QStringLiteral("wss") : QStringLiteral("ws"));
    url.setHost(m_server->serverAddress().toString());
    url.setPort(m_server->serverPort());
    url.setPath(Text::toQString(WallProtocol::Path));
    return url;
}

QString WallFeedServer::errorString() const
{
    return m_errorString;
}

void WallFeedServer::setSnapshotProvider(std::function<WallSnapshot()> provider)
{
    m_snapshotProvider = std::move(provider);
}

int WallFeedServer::clientCount() const
{
    return int(m_clients.size());
}

int WallFeedServer::droppedClients() const
{
    return m_dropped;
}

int WallFeedServer::refusedClients() const
{
    return m_refused;
}

void WallFeedServer::publishAlerts(const std::vector<Alert> &alerts)
{
    if (alerts.empty())
        return;
    struct UnitPart {
        QString frame; // empty: none of the alerts is the unit's
        std::vector<std::string> ids;
    };
    std::map<std::string, UnitPart> parts; // every display of a unit sees the same part
    const QList<QWebSocket *> clients = m_clients; // send() may drop one
    for (QWebSocket *socket : clients) {
        const auto found = m_displays.find(socket);
        if (found == m_displays.end() || found->second.view.isOverview())
            continue;
        Display &display = found->second;
        const auto [part, fresh] = parts.try_emplace(display.view.audience().unit);
        if (fresh) {
            const std::vector<Alert> ours = display.view.alerts(alerts, m_census);
            for (const Alert &alert : ours)
                part->second.ids.push_back(alert.alertId);
            if (!ours.empty())
                part->second.frame = QString::fromStdString(WallProtocol::encodeAlerts(ours));
        }
        if (part->second.frame.isEmpty())
            continue;
        if (display.alertIds.size() > MaxKnownAlertsPerDisplay)
            display.alertIds.clear();
        display.alertIds.insert(part->second.ids.begin(), part->second.ids.end());
        send(socket, part->second.frame);
    }
}

void WallFeedServer::publishCensus(const std::vector<CensusEntry> &census)
{
    m_census.replace(census);
    sendViewOfCensus(census);
}

void WallFeedServer::sendViewOfCensus(const std::vector<CensusEntry> &census)
{
    std::map<std::string, std::vector<CensusEntry>> rowsOfUnit;
    std::vector<QWebSocket *> changed;
    const QList<QWebSocket *> clients = m_clients;
    for (QWebSocket *socket : clients) {
        const auto found = m_displays.find(socket);
        if (found == m_displays.end() || found->second.view.isOverview())
            continue;
        Display &display = found->second;
        auto rows = rowsOfUnit.find(display.view.audience().unit);
        if (rows == rowsOfUnit.end())
            rows = rowsOfUnit.emplace(display.view.audience().unit, display.view.census(census)).first;
        if (rows->second == display.census)
            continue; // another unit's change is no news here
        display.census = rows->second;
        if (send(socket, QString::fromStdString(WallProtocol::encodeCensus(rows->second))))
            changed.push_back(socket);
    }
    if (!changed.empty())
        sendAlertsThatMovedIn(changed);
}

// A transfer moves a patient's alerts to the new unit: its displays learn of them after the census
// that placed them. (The old unit's displays place them elsewhere by the census they now have.)
void WallFeedServer::sendAlertsThatMovedIn(const std::vector<QWebSocket *> &displays)
{
    if (!m_snapshotProvider)
        return;
    std::vector<Alert> board;
    try {
        board = m_snapshotProvider().alerts;
    } catch (const std::exception &error) {
        qCWarning(lcWallFeed) << "the board could not be read for the wall feed:" << error.what();
        return;
    }
    std::map<std::string, std::vector<Alert>> alertsOfUnit;
    for (QWebSocket *socket : displays) {
        const auto found = m_displays.find(socket);
        if (found == m_displays.end()) // dropped meanwhile
            continue;
        Display &display = found->second;
        auto ours = alertsOfUnit.find(display.view.audience().unit);
        if (ours == alertsOfUnit.end())
            ours = alertsOfUnit.emplace(display.view.audience().unit, display.view.alerts(board, m_census)).first;
        std::vector<Alert> news;
        for (const Alert &alert : ours->second) {
            if (!display.alertIds.contains(alert.alertId))
                news.push_back(alert);
        }
        display.alertIds = idsOf(ours->second); // what is on the board now: bounded by it
        if (!news.empty())
            send(socket, QString::fromStdString(WallProtocol::encodeAlerts(news)));
    }
}

void WallFeedServer::setFeedHealth(const FeedHealth &health)
{
    const bool changed = health.up != m_health.up;
    m_health = health;
    if (changed)
        beat();
}

void WallFeedServer::answerAction(int clientRequestKey, bool ok, const QString &error)
{
    const auto found = m_pendingActions.constFind(clientRequestKey);
    if (found == m_pendingActions.cend())
        return;
    const PendingAction pending = *found;
    m_pendingActions.erase(found);
    if (pending.socket && m_clients.contains(pending.socket.data()))
        send(pending.socket, QString::fromStdString(WallProtocol::encodeActionResult(pending.request, ok,
                                                                                      error.toStdString())));
}

void WallFeedServer::admit()
{
    while (QWebSocket *socket = m_server->nextPendingConnection()) {
        socket->setParent(this);
        if (socket->requestUrl().path() != Text::toQString(WallProtocol::Path)) {
            refuse(socket, WallProtocol::UnknownPath);
            continue;
        }
        const QString credential = credentialOf(*socket);
        if (credential.isEmpty()) {
            refuse(socket, WallProtocol::WrongToken);
            continue;
        }
        const QString unit = QUrlQuery(socket->requestUrl())
                                 .queryItemValue(QStringLiteral("unit"), QUrl::FullyDecoded)
                                 .trimmed();
        if (std::size_t(unit.toUtf8().size()) > WallProtocol::MaxNameLength) {
            refuse(socket, WallProtocol::UnitTooLong);
            continue;
        }
        socket->setMaxAllowedIncomingMessageSize(MaxIncomingMessageBytes);
        socket->setMaxAllowedIncomingFrameSize(MaxIncomingMessageBytes);
        connect(socket, &QWebSocket::textMessageReceived, this,
                [this, socket](const QString &frame) { receive(socket, frame); });
        connect(socket, &QWebSocket::binaryMessageReceived, this, [this, socket](const QByteArray &) {
            log(QtInfoMsg, socket->peerAddress().toString(), QStringLiteral("binary"),
                QStringLiteral("binary frame from %1, not part of the wall protocol").arg(peerOf(*socket)));
            send(socket, QString::fromStdString(
                             WallProtocol::encodeError("binary frames are not part of the wall protocol")));
        });
        connect(socket, &QWebSocket::disconnected, this, [this, socket] { forget(socket); });
        if (socket->state() != QAbstractSocket::ConnectedState) { // gone before it was taken
            socket->disconnect(this);
            socket->deleteLater();
            continue;
        }
        const WallAudience audience{unit.toStdString(), m_options.fullIdentifiers, m_options.labels};
        Display &display = m_displays
                               .insert_or_assign(socket, Display{peerOf(*socket), credential, socket->peerAddress().toString(),
                                                                 WallFeedView(audience, m_pseudonymKey), {}, {},
                                                                 double(std::max(0, m_options.actionBurst)), clockMs()})
                               .first->second;
        m_clients.append(socket);
        log(QtInfoMsg, display.address, QStringLiteral("connected"),
            QStringLiteral("wall display %3 connected from %1, %2")
                .arg(display.peer, unit.isEmpty() ? QStringLiteral("no unit (overview only)") : QStringLiteral("unit %1").arg(unit),
                     credential == SharedToken ? QStringLiteral("(shared token)") : u'"' + credential + u'"'));
        Q_EMIT clientCountChanged(clientCount());

        WallSnapshot snapshot;
        try {
            if (m_snapshotProvider)
                snapshot = m_snapshotProvider();
            else
                snapshot.health = m_health;
        } catch (const std::exception &error) {
            log(QtWarningMsg, display.address, QStringLiteral("snapshot"),
                QStringLiteral("no snapshot for the wall display at %1: %2").arg(display.peer, QString::fromUtf8(error.what())));
            socket->close(QWebSocketProtocol::CloseCodeBadOperation, QStringLiteral("snapshot unavailable"));
            continue;
        }
        if (m_snapshotProvider) // the freshest census there is
            m_census.replace(snapshot.census);
        WallSnapshot view{display.view.alerts(snapshot.alerts, m_census), display.view.census(snapshot.census),
                          snapshot.health};
        display.census = view.census;
        display.alertIds = idsOf(view.alerts);
        send(socket, QString::fromStdString(WallProtocol::encodeSnapshot(view)));
    }
}

QString WallFeedServer::credentialOf(const QWebSocket &socket) const
{
    QString offered = QUrlQuery(socket.requestUrl()).queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded);
    const QByteArray authorization = socket.request().rawHeader("Authorization").trimmed();
    if (authorization.left(7).toLower() == "bearer ")
        offered = QString::fromUtf8(authorization.mid(7)).trimmed();
    if (m_options.displays) {
        if (QString name = m_options.displays->displayFor(offered); !name.isEmpty())
            return name;
    }
    return WallProtocol::tokensMatch(m_token.toStdString(), offered.toStdString()) ? SharedToken : QString();
}

void WallFeedServer::dropDisplay(const QString &name, const QString &reason)
{
    for (QWebSocket *socket : QList<QWebSocket *>(m_clients)) {
        const auto display = m_displays.find(socket);
        if (display == m_displays.end() || display->second.credential != name)
            continue;
        log(QtWarningMsg, display->second.address, QStringLiteral("revoked"),
            QStringLiteral("wall display \"%1\" at %2 dropped: %3").arg(name, display->second.peer, reason));
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated, reason);
    }
}

void WallFeedServer::refuse(QWebSocket *socket, std::string_view reason)
{
    ++m_refused;
    log(QtWarningMsg, socket->peerAddress().toString(), QStringLiteral("refused"),
        QStringLiteral("wall display refused from %1: %2").arg(peerOf(*socket), Text::toQString(reason)));
    connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    socket->close(QWebSocketProtocol::CloseCodePolicyViolated, Text::toQString(reason));
    QTimer::singleShot(RefusalGraceMs, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
}

void WallFeedServer::receive(QWebSocket *socket, const QString &frame)
{
    const auto found = m_displays.find(socket);
    if (found == m_displays.end())
        return;
    Display &display = found->second;
    WallActionRequest request;
    try {
        request = WallProtocol::decodeClientMessage(frame.toStdString());
    } catch (const WallProtocolError &error) {
        log(QtInfoMsg, display.address, QStringLiteral("unreadable"),
            QStringLiteral("unreadable frame from %1: %2").arg(display.peer, QString::fromUtf8(error.what())));
        send(socket, QString::fromStdString(error.request()
                                                ? WallProtocol::encodeActionResult(*error.request(), false,
                                                                                   error.what())
                                                : WallProtocol::encodeError(error.what())));
        return;
    } catch (const std::exception &error) {
        log(QtWarningMsg, display.address, QStringLiteral("unread"),
            QStringLiteral("frame from %1 could not be read: %2").arg(display.peer, QString::fromUtf8(error.what())));
        send(socket, QString::fromStdString(WallProtocol::encodeError("the frame could not be read")));
        return;
    }

    if (!takeActionToken(display)) {
        const QString why = rateLimitMessage(m_options);
        log(QtInfoMsg, display.address, QStringLiteral("rate"), QStringLiteral("%1: %2").arg(display.peer, why));
        send(socket, QString::fromStdString(WallProtocol::encodeActionResult(request.request, false, why.toStdString())));
        return;
    }
    if (pendingActionsOf(socket) >= m_options.maxPendingActionsPerClient) {
        send(socket, QString::fromStdString(WallProtocol::encodeActionResult(
                         request.request, false, "too many actions are waiting for an answer")));
        return;
    }
    const auto next = [](int key) { return key == std::numeric_limits<int>::max() ? 1 : key + 1; };
    int key = m_nextRequestKey;
    while (m_pendingActions.contains(key)) // only after the keys wrapped; the pending set is bounded
        key = next(key);
    m_nextRequestKey = next(key);
    m_pendingActions.insert(key, PendingAction{socket, request.request});
    Q_EMIT actionRequested(request.action, key);
}

void WallFeedServer::forget(QWebSocket *socket)
{
    if (!m_clients.removeOne(socket))
        return;
    for (auto it = m_pendingActions.begin(); it != m_pendingActions.end();) {
        if (it->socket == socket || !it->socket)
            it = m_pendingActions.erase(it);
        else
            ++it;
    }
    socket->disconnect(this);
    socket->deleteLater();
    if (const auto node = m_displays.extract(socket))
        log(QtInfoMsg, node.mapped().address, QStringLiteral("gone"),
            QStringLiteral("wall display at %1 gone; %2 still connected").arg(node.mapped().peer).arg(m_clients.size()));
    Q_EMIT clientCountChanged(clientCount());
}

void WallFeedServer::drop(QWebSocket *socket, qint64 queued)
{
    ++m_dropped;
    log(QtWarningMsg, socket->peerAddress().toString(), QStringLiteral("dropped"),
        QStringLiteral("wall display at %1 dropped: %2 bytes waiting, the limit is %3")
            .arg(peerOf(*socket))
            .arg(queued)
            .arg(m_options.maxQueuedBytes));
    socket->disconnect(this);
    socket->abort();
    forget(socket);
}

bool WallFeedServer::send(QWebSocket *socket, const QString &frame)
{
    const qint64 queued = socket->bytesToWrite();
    if (queued > m_options.maxQueuedBytes) {
        drop(socket, queued);
        return false;
    }
    socket->sendTextMessage(frame);
    socket->flush(); // into the kernel now, so bytesToWrite() counts only what the display has not taken
    return true;
}

void WallFeedServer::broadcast(const std::string &frame)
{
    if (m_clients.isEmpty())
        return;
    const QString text = QString::fromStdString(frame);
    const QList<QWebSocket *> clients = m_clients; // send() may drop one
    for (QWebSocket *socket : clients)
        send(socket, text);
}

void WallFeedServer::beat()
{
    broadcast(WallProtocol::encodeHeartbeat(QDateTime::currentMSecsSinceEpoch(), m_health));
    for (const QString &line : m_log.due(clockMs()))
        qCWarning(lcWallFeed).noquote() << line;
}

bool WallFeedServer::takeActionToken(Display &display)
{
    const qint64 now = clockMs();
    if (m_options.actionRefillMs > 0)
        display.tokens = std::min(double(m_options.actionBurst),
                                  display.tokens + double(now - display.refilledAtMs) / m_options.actionRefillMs);
    display.refilledAtMs = now;
    if (display.tokens < 1)
        return false;
    display.tokens -= 1;
    return true;
}

// Per-peer lines only: a peer that floods the feed with the same mistake is said once, then counted.
void WallFeedServer::log(QtMsgType type, const QString &address, const QString &reason, const QString &message)
{
    const QString line = m_log.admit(address + u'|' + reason, message, clockMs());
    if (line.isEmpty())
        return;
    if (type == QtWarningMsg)
        qCWarning(lcWallFeed).noquote() << line;
    else
        qCInfo(lcWallFeed).noquote() << line;
}

int WallFeedServer::pendingActionsOf(const QWebSocket *socket) const
{
    int pending = 0;
    for (const PendingAction &action : m_pendingActions)
        pending += action.socket == socket ? 1 : 0;
    return pending;
}
