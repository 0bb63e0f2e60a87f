#pragma once

#include "wall/wallprotocol.h"

#include <QObject>
#include <QSslConfiguration>
#include <QSet>
#include <QTimer>
#include <QUrl>

#include <optional>

class QWebSocket;

// A remote wall display's end of the WebSocket feed (wallprotocol.h): `vigil --wall --feed ws://…`.
// Lives on the GUI thread. After the server goes away it reconnects by itself, waiting 1 s, doubling
// to at most 30 s, and starts again from a fresh snapshot. A refused token is a configuration error:
// it emits refused() and stops.
class WallFeedClient final : public QObject {
    Q_OBJECT
public:
    // A URL without a path (ws://host:port) gets the feed's path, /wall. The token travels in the
    // Authorization header, never in the URL. The unit goes as `?unit=…`: the console sends that
    // unit's part of the board only; without one the display receives the overview only.
    WallFeedClient(QUrl url, QString token, QObject *parent = nullptr);
    WallFeedClient(QUrl url, QString token, const QString &unit, QObject *parent = nullptr);
    ~WallFeedClient() override;

    // For wss://: whom to trust (the system's CAs by default; add a hospital CA's). A certificate
    // that does not verify is refused(), saying why, and not retried.
    void setTlsConfiguration(const QSslConfiguration &tls) { m_tls = tls; }
    // The system's CAs plus those in a PEM file; empty and *error when the file holds none.
    static std::optional<QSslConfiguration> trusting(const QString &caFile, QString *error);

    void start(); // a URL that is not ws:// or wss:// is refused() at once
    void stop();  // closes the connection; no reconnect until start()

    QUrl url() const;
    bool isConnected() const;    // the connection is open and its snapshot has arrived
    QString errorString() const; // why the last sendAction() failed, or why the feed stopped

    // Nothing heard for this long (the server sends a heartbeat every 5 s) means the connection is
    // dead even if TCP has not noticed: it is closed and reopened. Covers a handshake that never
    // completes, too. 0 waits forever.
    void setSilenceLimitMs(int ms);

    // The request number, which actionAnswered() carries back; -1 when not connected or when the
    // action names no alert or no person (errorString() says which). A connection that closes before
    // the answer answers every open request with ok false.
    int sendAction(const AlertAction &action);

Q_SIGNALS:
    void snapshotReceived(const WallSnapshot &snapshot);
    void alertsReceived(const std::vector<Alert> &alerts);
    void censusReceived(const std::vector<CensusEntry> &census);
    void heartbeatReceived(const FeedHealth &upstream, qint64 atMs);
    void connectedChanged(bool connected);
    // why: the server's reason ("wrong token"), or what is wrong with the URL. errorString() has the
    // whole sentence. The client has stopped; start() tries again.
    void refused(const QString &why);
    void protocolError(const QString &what);
    void actionAnswered(int request, bool ok, const QString &error);

private:
    void open();
    void receive(const QString &frame);
    void closed(QWebSocket *socket);
    void retryLater();
    void answerPending(const QString &why);

    void handle(WallSnapshot &snapshot);
    void handle(WallAlertsMessage &message);
    void handle(WallCensusMessage &message);
    void handle(WallHeartbeat &heartbeat);
    void handle(WallActionResult &result);
    void handle(WallErrorMessage &message);

    QUrl m_url;
    QString m_token;
    QSslConfiguration m_tls = QSslConfiguration::defaultConfiguration();
    QString m_tlsProblem; // the last handshake's certificate errors
    QWebSocket *m_socket = nullptr;
    QTimer m_retry;
    QTimer m_silence;
    int m_nextRetryMs = 1000;
    bool m_running = false;
    bool m_live = false;
    int m_nextRequest = 1;
    QSet<int> m_pending;
    QString m_errorString;
};
