#pragma once

#include "wall/displaytokens.h"
#include "wall/unitcensus.h"
#include "wall/wallfeedview.h"
#include "wall/wallprotocol.h"
#include "base/warningthrottle.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QSslConfiguration>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>

class QWebSocket;
class QWebSocketServer;

struct WallFeedServerOptions {
    int heartbeatMs = 5000;
    qint64 maxQueuedBytes = 4 * 1024 * 1024; // a client with more than this unsent is dropped
    int maxPendingActionsPerClient = 64;      // unanswered actions one display may have in flight
    // Token bucket per connection (wallprotocol.h): actionBurst actions at once, then one per
    // actionRefillMs; more are answered "too many actions" and not passed on.
    int actionBurst = WallProtocol::ActionBurst;
    int actionRefillMs = WallProtocol::ActionRefillMs;
    PatientLabelPolicy labels;    // the console's --mrn-digits: how much of an MRN a display receives
    bool fullIdentifiers = false; // --wall-full-identifiers: records unmasked (still only the unit's)
    // --wall-cert/--wall-key: served as wss://, with this certificate and key.
    std::optional<QSslConfiguration> tls;
    // Displays with a token of their own (named, revocable), besides or instead of the shared token.
    std::shared_ptr<const DisplayTokens> displays;
};

// Serves a console's wall board to remote displays over the WebSocket feed (wallprotocol.h), and
// hands their acknowledge and resolve requests to whoever publishes to Kafka. Lives on the GUI
// thread. The feed never waits for a slow display: one that falls maxQueuedBytes behind is dropped
// and reconnects to a fresh snapshot. Each display receives its own unit's part of the board,
// masked (WallFeedView); what a peer does wrong is logged once per peer and reason, then counted.
class WallFeedServer final : public QObject {
    Q_OBJECT
public:
    explicit WallFeedServer(QString token, WallFeedServerOptions options = {}, QObject *parent = nullptr);
    ~WallFeedServer() override;

    // A server's TLS from PEM files (--wall-cert, --wall-key); empty and *error when they cannot be read.
    static std::optional<QSslConfiguration> tlsFrom(const QString &certificateFile, const QString &keyFile, QString *error);

    // False, with errorString(), when the address cannot be had, or there is neither a shared token
    // nor a display token.
    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    QUrl url() const; // ws:// (wss:// with options.tls) address:port/wall, without the token
    QString errorString() const;

    // The console's whole state, unmasked: called for every display that connects (its first message
    // is its view of it), and when a census change may have moved alerts into a display's unit.
    // Without a provider the snapshot has no alerts, no census and the latest setFeedHealth().
    void setSnapshotProvider(std::function<WallSnapshot()> provider);

    int clientCount() const;
    int droppedClients() const; // fell too far behind
    int refusedClients() const; // wrong or missing token, or another path

public Q_SLOTS:
    // Each display gets its unit's part. The census is the console's whole census: it also places
    // the alerts published after it.
    void publishAlerts(const std::vector<Alert> &alerts);
    void publishCensus(const std::vector<CensusEntry> &census);
    // Carried by the following heartbeats; sent at once when the feed goes up or down.
    void setFeedHealth(const FeedHealth &health);
    // The outcome of actionRequested(); dropped quietly when that display has gone.
    void answerAction(int clientRequestKey, bool ok, const QString &error);
    // Closes every connection of the display with this token name at once, saying why (the display
    // shows it and does not come back); after its token is revoked, it cannot connect again.
    void dropDisplay(const QString &name, const QString &reason);

Q_SIGNALS:
    void actionRequested(const AlertAction &action, int requestKey);
    void clientCountChanged(int clients);

private:
    struct PendingAction {
        QPointer<QWebSocket> socket;
        int request = 0;
    };
    // One connected display: what it may see, what it has been sent, and its action bucket.
    struct Display {
        QString peer;    // address:port, for the log
        QString credential; // the display token's name, or SharedToken
        QString address; // the throttle's key: one host's connections share it
        WallFeedView view;
        std::vector<CensusEntry> census;            // its unit's rows, as last sent
        std::unordered_set<std::string> alertIds;   // its unit's alerts it knows, rebuilt with the census
        double tokens = 0;
        qint64 refilledAtMs = 0;
    };

    void admit();
    // The display token's name, SharedToken, or empty when neither lets the socket in.
    QString credentialOf(const QWebSocket &socket) const;
    void refuse(QWebSocket *socket, std::string_view reason);
    void receive(QWebSocket *socket, const QString &frame);
    void forget(QWebSocket *socket);
    void drop(QWebSocket *socket, qint64 queued);
    bool send(QWebSocket *socket, const QString &frame);
    void broadcast(const std::string &frame);
    void beat();
    int pendingActionsOf(const QWebSocket *socket) const;
    bool takeActionToken(Display &display);
    void sendViewOfCensus(const std::vector<CensusEntry> &census);
    void sendAlertsThatMovedIn(const std::vector<QWebSocket *> &displays);
    void log(QtMsgType type, const QString &address, const QString &reason, const QString &message);
    qint64 clockMs() const { return m_clock.elapsed(); }

    QString m_token;
    WallFeedServerOptions m_options;
    QWebSocketServer *m_server = nullptr;
    std::function<WallSnapshot()> m_snapshotProvider;
    QList<QWebSocket *> m_clients;
    std::unordered_map<QWebSocket *, Display> m_displays; // of every client
    QByteArray m_pseudonymKey; // one per server, so pseudonyms hold for the console's run
    UnitCensus m_census; // the console's whole census as last heard: it places the alerts
    WarningThrottle m_log;
    QElapsedTimer m_clock; // monotonic: the action buckets and the log throttle
    QHash<int, PendingAction> m_pendingActions;
    int m_nextRequestKey = 1;
    FeedHealth m_health;
    QTimer m_heartbeat;
    QString m_errorString;
    int m_dropped = 0;
    int m_refused = 0;
};
