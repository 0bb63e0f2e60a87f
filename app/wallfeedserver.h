#pragma once

#include "wallprotocol.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <functional>

class QWebSocket;
class QWebSocketServer;

struct WallFeedServerOptions {
    int heartbeatMs = 5000;
    qint64 maxQueuedBytes = 4 * 1024 * 1024; // a client with more than this unsent is dropped
    int maxPendingActionsPerClient = 64;      // unanswered actions one display may have in flight
};

// Serves a console's wall board to remote displays over the WebSocket feed (wallprotocol.h), and
// hands their acknowledge and resolve requests to whoever publishes to Kafka. Lives on the GUI
// thread. The feed never waits for a slow display: one that falls maxQueuedBytes behind is dropped
// and reconnects to a fresh snapshot.
class WallFeedServer final : public QObject {
    Q_OBJECT
public:
    explicit WallFeedServer(QString token, WallFeedServerOptions options = {}, QObject *parent = nullptr);
    ~WallFeedServer() override;

    // False, with errorString(), when the address cannot be had or the token is empty.
    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    QUrl url() const; // ws://address:port/wall, without the token
    QString errorString() const;

    // Called once for every display that connects; its result is the display's first message. Without
    // a provider the snapshot has no alerts, no census and the latest setFeedHealth().
    void setSnapshotProvider(std::function<WallSnapshot()> provider);

    int clientCount() const;
    int droppedClients() const; // fell too far behind
    int refusedClients() const; // wrong or missing token, or another path

public Q_SLOTS:
    void publishAlerts(const std::vector<Alert> &alerts);
    void publishCensus(const std::vector<CensusEntry> &census);
    // Carried by the following heartbeats; sent at once when the feed goes up or down.
    void setFeedHealth(const FeedHealth &health);
    // The outcome of actionRequested(); dropped quietly when that display has gone.
    void answerAction(int clientRequestKey, bool ok, const QString &error);

Q_SIGNALS:
    void actionRequested(const AlertAction &action, int requestKey);
    void clientCountChanged(int clients);

private:
    struct PendingAction {
        QPointer<QWebSocket> socket;
        int request = 0;
    };

    void admit();
    bool isAuthorised(const QWebSocket &socket) const;
    void refuse(QWebSocket *socket, std::string_view reason);
    void receive(QWebSocket *socket, const QString &frame);
    void forget(QWebSocket *socket);
    void drop(QWebSocket *socket, qint64 queued);
    bool send(QWebSocket *socket, const QString &frame);
    void broadcast(const std::string &frame);
    void beat();
    int pendingActionsOf(const QWebSocket *socket) const;

    QString m_token;
    WallFeedServerOptions m_options;
    QWebSocketServer *m_server = nullptr;
    std::function<WallSnapshot()> m_snapshotProvider;
    QList<QWebSocket *> m_clients;
    QHash<int, PendingAction> m_pendingActions;
    int m_nextRequestKey = 1;
    FeedHealth m_health;
    QTimer m_heartbeat;
    QString m_errorString;
    int m_dropped = 0;
    int m_refused = 0;
};
