#include "network/wallfeedclient.h"
#include "base/text.h"

#include <QNetworkRequest>
#include <QSslCertificate>
#include <QSslError>
#include <QUrlQuery>
#include <QWebSocket>

#include <algorithm>
#include <limits>
#include <utility>

namespace {

constexpr int FirstRetryMs = 1000;
constexpr int LastRetryMs = 30'000;
constexpr int DefaultSilenceLimitMs = 20'000; // four missed heartbeats

QUrl withFeedPath(QUrl url)
{
    if (url.path().isEmpty() || url.path() == QStringLiteral("/"))
        url.setPath(Text::toQString(WallProtocol::Path));
    return url;
}

QUrl withUnit(QUrl url, const QString &unit)
{
    if (unit.trimmed().isEmpty())
        return url;
    QUrlQuery query(url);
    query.removeAllQueryItems(QStringLiteral("unit"));
    query.addQueryItem(QStringLiteral("unit"), QString::fromUtf8(QUrl::toPercentEncoding(unit.trimmed())));
    url.setQuery(query);
    return url;
}

bool isBlank(const std::string &text)
{
    return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

} // namespace

WallFeedClient::WallFeedClient(QUrl url, QString token, QObject *parent)
    : WallFeedClient(std::move(url), std::move(token), QString(), parent)
{
}

WallFeedClient::WallFeedClient(QUrl url, QString token, const QString &unit, QObject *parent)
    : QObject(parent), m_url(withUnit(withFeedPath(std::move(url)), unit)), m_token(std::move(token))
{
    WallProtocol::registerMetaTypes();
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &WallFeedClient::open);
    m_silence.setSingleShot(true);
    m_silence.setInterval(DefaultSilenceLimitMs);
    connect(&m_silence, &QTimer::timeout, this, [this] {
        if (!m_socket)
            return;
        qCWarning(lcWallFeed) << "wall feed silent for" << m_silence.interval() << "ms; reconnecting";
        QWebSocket *socket = m_socket;
        socket->abort();
        closed(socket);
    });
}

WallFeedClient::~WallFeedClient()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("the display is closing"));
    }
}

void WallFeedClient::start()
{
    if (m_running)
        return;
    const QString scheme = m_url.scheme();
    if (!m_url.isValid() || m_url.host().isEmpty()
        || (scheme != QStringLiteral("ws") && scheme != QStringLiteral("wss"))) {
        m_errorString = QStringLiteral("the wall feed URL must look like ws://host:port, not %1")
                            .arg(m_url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo));
        Q_EMIT refused(m_errorString);
        return;
    }
    m_running = true;
    m_errorString.clear();
    m_nextRetryMs = FirstRetryMs;
    open();
}

std::optional<QSslConfiguration> WallFeedClient::trusting(const QString &caFile, QString *error)
{
    const QList<QSslCertificate> authorities = QSslCertificate::fromPath(caFile, QSsl::Pem);
    if (authorities.isEmpty()) {
        *error = QStringLiteral("%1 holds no PEM certificate").arg(caFile);
        return std::nullopt;
    }
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.addCaCertificates(authorities);
    return tls;
}

void WallFeedClient::stop()
{
    m_running = false;
    m_retry.stop();
    m_silence.stop();
    if (QWebSocket *socket = m_socket) {
        if (socket->state() == QAbstractSocket::ConnectedState)
            socket->close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("the display stopped"));
        else
            socket->abort();
        closed(socket); // a no-op when close() has reported it already
    }
}

QUrl WallFeedClient::url() const
{
    return m_url;
}

bool WallFeedClient::isConnected() const
{
    return m_live;
}

QString WallFeedClient::errorString() const
{
    return m_errorString;
}

void WallFeedClient::setSilenceLimitMs(int ms)
{
    m_silence.setInterval(std::max(0, ms));
    if (ms <= 0)
        m_silence.stop();
}

int WallFeedClient::sendAction(const AlertAction &action)
{
    if (!m_live || !m_socket) {
        m_errorString = QStringLiteral("not connected to the wall feed; the action was not sent");
        return -1;
    }
    if (isBlank(action.alertId) || isBlank(action.by)) {
        m_errorString = QStringLiteral("an action needs the alert and the name of who takes it");
        return -1;
    }
    if (action.alertId.size() > WallProtocol::MaxNameLength || action.by.size() > WallProtocol::MaxNameLength) {
        m_errorString = QStringLiteral("the alert id or the name is longer than %1 bytes")
                            .arg(WallProtocol::MaxNameLength);
        return -1;
    }
    const int request = m_nextRequest;
    m_nextRequest = request == std::numeric_limits<int>::max() ? 1 : request + 1;
    m_pending.insert(request);
    m_socket->sendTextMessage(QString::fromStdString(WallProtocol::encodeAction(request, action)));
    return request;
}

void WallFeedClient::open()
{
    if (!m_running || m_socket)
        return;
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket = socket;
    connect(socket, &QWebSocket::textMessageReceived, this, [this, socket](const QString &frame) {
        if (socket == m_socket)
            receive(frame);
    });
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this, socket](const QByteArray &) {
        if (socket == m_socket)
            Q_EMIT protocolError(QStringLiteral("the feed server sent a binary frame"));
    });
    connect(socket, &QWebSocket::disconnected, this, [this, socket] { closed(socket); });
    // A failure that leaves the socket unconnected without a disconnected() (an unusable URL, a
    // refused handshake) is seen once the socket has settled.
    connect(socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), this,
            [this, socket](QAbstractSocket::SocketError) {
                QTimer::singleShot(0, socket, [this, socket] {
                    if (socket == m_socket && socket->state() == QAbstractSocket::UnconnectedState)
                        closed(socket);
                });
            });

    if (m_url.scheme() == u"wss") {
        socket->setSslConfiguration(m_tls);
        m_tlsProblem.clear();
        connect(socket, &QWebSocket::sslErrors, this, [this, socket](const QList<QSslError> &errors) {
            if (socket != m_socket)
                return;
            QStringList said;
            for (const QSslError &error : errors)
                said.append(error.errorString());
            m_tlsProblem = said.join(QStringLiteral("; "));
        });
    }
    QNetworkRequest request(m_url);
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    if (m_silence.interval() > 0)
        m_silence.start();
    socket->open(request);
}

void WallFeedClient::receive(const QString &frame)
{
    if (m_silence.interval() > 0)
        m_silence.start();
    WallServerMessage message;
    try {
        message = WallProtocol::decodeServerMessage(frame.toStdString());
    } catch (const std::exception &error) {
        Q_EMIT protocolError(QStringLiteral("unreadable message from the feed server: %1")
                                 .arg(QString::fromUtf8(error.what())));
        return;
    }
    const bool beforeSnapshot = !m_live && !std::holds_alternative<WallSnapshot>(message)
                                && !std::holds_alternative<WallErrorMessage>(message);
    if (beforeSnapshot) {
        Q_EMIT protocolError(QStringLiteral("the feed server sent data before its snapshot; ignored"));
        return;
    }
    std::visit([this](auto &content) { handle(content); }, message);
}

void WallFeedClient::closed(QWebSocket *socket)
{
    if (socket != m_socket)
        return;
    m_socket = nullptr;
    m_silence.stop();
    const QWebSocketProtocol::CloseCode code = socket->closeCode();
    const QString reason = socket->closeReason();
    socket->disconnect(this);
    socket->deleteLater();

    const bool wasLive = std::exchange(m_live, false);
    answerPending(QStringLiteral("the connection to the feed closed before the answer came"));
    if (wasLive) {
        qCInfo(lcWallFeed) << "wall feed connection closed:" << reason;
        Q_EMIT connectedChanged(false);
    }
    if (!m_running)
        return;
    if (!wasLive && !m_tlsProblem.isEmpty()) { // a certificate will not verify better the next time
        m_running = false;
        m_errorString = QStringLiteral("the wall feed at %1 has a certificate this display does not trust (%2): "
                                       "give the CA that signed it with --wall-ca; not retrying")
                            .arg(m_url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo), m_tlsProblem);
        qCWarning(lcWallFeed).noquote() << m_errorString;
        Q_EMIT refused(QStringLiteral("certificate not trusted: ") + m_tlsProblem);
        return;
    }
    if (code == QWebSocketProtocol::CloseCodePolicyViolated) {
        m_running = false;
        m_errorString = QStringLiteral("the wall feed at %1 refused this display (%2): check the token "
                                       "and the URL; not retrying")
                            .arg(m_url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo), reason);
        qCWarning(lcWallFeed).noquote() << m_errorString;
        Q_EMIT refused(reason.isEmpty() ? QStringLiteral("refused") : reason);
        return;
    }
    retryLater();
}

void WallFeedClient::retryLater()
{
    m_retry.start(m_nextRetryMs);
    m_nextRetryMs = std::min(2 * m_nextRetryMs, LastRetryMs);
}

void WallFeedClient::answerPending(const QString &why)
{
    QList<int> requests = m_pending.values();
    m_pending.clear();
    std::sort(requests.begin(), requests.end());
    for (int request : std::as_const(requests))
        Q_EMIT actionAnswered(request, false, why);
}

void WallFeedClient::handle(WallSnapshot &snapshot)
{
    m_nextRetryMs = FirstRetryMs;
    if (!std::exchange(m_live, true)) {
        qCInfo(lcWallFeed) << "wall feed connected to" << m_url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo);
        Q_EMIT connectedChanged(true);
    }
    Q_EMIT snapshotReceived(snapshot);
}

void WallFeedClient::handle(WallAlertsMessage &message)
{
    Q_EMIT alertsReceived(message.alerts);
}

void WallFeedClient::handle(WallCensusMessage &message)
{
    Q_EMIT censusReceived(message.census);
}

void WallFeedClient::handle(WallHeartbeat &heartbeat)
{
    Q_EMIT heartbeatReceived(heartbeat.health, heartbeat.atMs);
}

void WallFeedClient::handle(WallActionResult &result)
{
    if (!m_pending.remove(result.request)) {
        Q_EMIT protocolError(QStringLiteral("the feed server answered request %1, which was not open")
                                 .arg(result.request));
        return;
    }
    Q_EMIT actionAnswered(result.request, result.ok, QString::fromStdString(result.error));
}

void WallFeedClient::handle(WallErrorMessage &message)
{
    Q_EMIT protocolError(QStringLiteral("the feed server could not read a message from this display: %1")
                             .arg(QString::fromStdString(message.error)));
}
