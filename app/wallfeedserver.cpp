#include "wallfeedserver.h"

#include <QDateTime>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>

#include <algorithm>
#include <limits>
#include <utility>

namespace {

// Actions are a few hundred bytes; a display has no reason to send more.
constexpr quint64 MaxIncomingMessageBytes = 64 * 1024;
// A refused peer that does not answer the close handshake is cut off after this.
constexpr int RefusalGraceMs = 5000;

QString toQString(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

// Addresses identify a display, never a patient: safe to log.
QString peerOf(const QWebSocket &socket)
{
    return QStringLiteral("%1:%2").arg(socket.peerAddress().toString()).arg(socket.peerPort());
}

} // namespace

WallFeedServer::WallFeedServer(QString token, WallFeedServerOptions options, QObject *parent)
    : QObject(parent), m_token(std::move(token)), m_options(options),
      m_server(new QWebSocketServer(QStringLiteral("Vigil wall feed"), QWebSocketServer::NonSecureMode, this))
{
    WallProtocol::registerMetaTypes();
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

bool WallFeedServer::listen(const QHostAddress &address, quint16 port)
{
    if (m_token.trimmed().isEmpty()) { // it would refuse every display: say so now, not on the ward
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
    url.setScheme(QStringLiteral("ws"));
    url.setHost(m_server->serverAddress().toString());
    url.setPort(m_server->serverPort());
    url.setPath(toQString(WallProtocol::Path));
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
    if (!alerts.empty())
        broadcast(WallProtocol::encodeAlerts(alerts));
}

void WallFeedServer::publishCensus(const std::vector<CensusEntry> &census)
{
    broadcast(WallProtocol::encodeCensus(census));
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
        if (socket->requestUrl().path() != toQString(WallProtocol::Path)) {
            refuse(socket, WallProtocol::UnknownPath);
            continue;
        }
        if (!isAuthorised(*socket)) {
            refuse(socket, WallProtocol::WrongToken);
            continue;
        }
        socket->setMaxAllowedIncomingMessageSize(MaxIncomingMessageBytes);
        socket->setMaxAllowedIncomingFrameSize(MaxIncomingMessageBytes);
        connect(socket, &QWebSocket::textMessageReceived, this,
                [this, socket](const QString &frame) { receive(socket, frame); });
        connect(socket, &QWebSocket::binaryMessageReceived, this, [this, socket](const QByteArray &) {
            send(socket, QString::fromStdString(
                             WallProtocol::encodeError("binary frames are not part of the wall protocol")));
        });
        connect(socket, &QWebSocket::disconnected, this, [this, socket] { forget(socket); });
        if (socket->state() != QAbstractSocket::ConnectedState) { // gone before it was taken
            socket->disconnect(this);
            socket->deleteLater();
            continue;
        }
        m_clients.append(socket);
        qCInfo(lcWallFeed) << "wall display connected from" << peerOf(*socket);
        Q_EMIT clientCountChanged(clientCount());

        WallSnapshot snapshot;
        try {
            if (m_snapshotProvider)
                snapshot = m_snapshotProvider();
            else
                snapshot.health = m_health;
        } catch (const std::exception &error) {
            qCWarning(lcWallFeed) << "no snapshot for a wall display:" << error.what();
            socket->close(QWebSocketProtocol::CloseCodeBadOperation, QStringLiteral("snapshot unavailable"));
            continue;
        }
        send(socket, QString::fromStdString(WallProtocol::encodeSnapshot(snapshot)));
    }
}

bool WallFeedServer::isAuthorised(const QWebSocket &socket) const
{
    QString offered = QUrlQuery(socket.requestUrl()).queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded);
    const QByteArray authorization = socket.request().rawHeader("Authorization").trimmed();
    if (authorization.left(7).toLower() == "bearer ")
        offered = QString::fromUtf8(authorization.mid(7)).trimmed();
    return WallProtocol::tokensMatch(m_token.toStdString(), offered.toStdString());
}

void WallFeedServer::refuse(QWebSocket *socket, std::string_view reason)
{
    ++m_refused;
    qCWarning(lcWallFeed) << "wall display refused from" << peerOf(*socket) << ":" << toQString(reason);
    connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    socket->close(QWebSocketProtocol::CloseCodePolicyViolated, toQString(reason));
    QTimer::singleShot(RefusalGraceMs, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
}

void WallFeedServer::receive(QWebSocket *socket, const QString &frame)
{
    WallActionRequest request;
    try {
        request = WallProtocol::decodeClientMessage(frame.toStdString());
    } catch (const WallProtocolError &error) {
        qCInfo(lcWallFeed) << "unreadable frame from" << peerOf(*socket) << ":" << error.what();
        send(socket, QString::fromStdString(error.request()
                                                ? WallProtocol::encodeActionResult(*error.request(), false,
                                                                                   error.what())
                                                : WallProtocol::encodeError(error.what())));
        return;
    } catch (const std::exception &error) {
        qCWarning(lcWallFeed) << "frame from" << peerOf(*socket) << "could not be read:" << error.what();
        send(socket, QString::fromStdString(WallProtocol::encodeError("the frame could not be read")));
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
    qCInfo(lcWallFeed) << "wall display gone;" << m_clients.size() << "still connected";
    Q_EMIT clientCountChanged(clientCount());
}

void WallFeedServer::drop(QWebSocket *socket, qint64 queued)
{
    ++m_dropped;
    qCWarning(lcWallFeed) << "wall display at" << peerOf(*socket) << "dropped:" << queued
                          << "bytes waiting, the limit is" << m_options.maxQueuedBytes;
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
}

int WallFeedServer::pendingActionsOf(const QWebSocket *socket) const
{
    int pending = 0;
    for (const PendingAction &action : m_pendingActions)
        pending += action.socket == socket ? 1 : 0;
    return pending;
}
