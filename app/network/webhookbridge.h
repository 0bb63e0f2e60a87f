#pragma once

#include "ingest/eventnumbers.h"
#include "ingest/ingestrecord.h"
#include "ingest/ingeststatus.h"
#include "ingest/notification.h"
#include "ingest/seenversions.h"
#include "ingest/ingestrecord.h"
#include "network/fhirclient.h"

#include <QAbstractHttpServer>
#include <QHostAddress>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <set>

class QHttpServerResponder;
class QTcpSocket;

struct WebhookSettings {
    QHostAddress address = QHostAddress::Any;
    quint16 port = 0;               // 0: any free port
    QByteArray bearerToken;         // empty: no token asked
    qint64 maxBodyBytes = 16 * 1024 * 1024;
    QString certificateFile;        // PEM; TLS when both are given
    QString keyFile;
    FhirServerAccess fhir;          // where id-only notifications and gaps are fetched from
    int retryAfterSeconds = 10;     // said with a 503
};

// The FHIR Subscription webhook: `POST /fhir-webhook` (the seed's path) on Qt HttpServer. Each
// notification's resources are handed over as one batch (one Kafka transaction) and the FHIR server
// is answered 200 only once that batch is committed, so a retry never loses an event; 503 with
// Retry-After while Kafka cannot take it. Handshakes, heartbeats and pings are answered and counted,
// never published. Id-only notifications are fetched from the FHIR server first. Each
// subscription's event numbers are followed: a gap is mended by fetching what is missing
// (`$events`, else a `_lastUpdated` search of the resource types the subscription sent), and a
// resource version already published is dropped. Errors are answered with an OperationOutcome:
// 400 not FHIR, 401 token, 404 path, 405 method, 413 size, 415 content type, 422 a record Kafka
// refuses, 502 a fetch that failed.
//
// Lives on its own thread (parsing a 16 MiB notification must not stall the console): create it,
// move it, then call start() there.
class WebhookBridge final : public QAbstractHttpServer {
    Q_OBJECT
public:
    static constexpr const char *Path = "/fhir-webhook";

    explicit WebhookBridge(WebhookSettings settings, QObject *parent = nullptr);
    ~WebhookBridge() override;

public Q_SLOTS:
    void start();
    void takeOutcome(quint64 batch, IngestOutcome outcome, const QString &error);
    void setKafkaAvailable(bool available);

Q_SIGNALS:
    void listening(quint16 port, bool tls);
    void listenFailed(const QString &error);
    void batchReady(quint64 batch, const IngestBatch &records);
    // All of the bridge's rows, at most every StatusEveryMs.
    void statusesChanged(const IngestStatuses &statuses);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    static constexpr int StatusEveryMs = 250;
    struct Waiting; // a request waiting for its fetches or its commit
    struct Subscription {
        std::set<std::string> resourceTypes; // what it sent: searched when a gap has no $events
        std::string lastEventAt;             // the latest event's instant before now
        EventRate rate;
        qint64 events = 0;
        qint64 duplicates = 0;
        qint64 lastEventMs = 0;
        QString lastError;
        qint64 errors = 0;
    };

    void answer(QTcpSocket *socket, QHttpServerResponder &responder, int status, const QByteArray &body,
                const QList<QPair<QByteArray, QByteArray>> &headers = {});
    void refuse(const QHttpServerRequest &request, QTcpSocket *socket, int status, const char *code, const QString &why,
                const QList<QPair<QByteArray, QByteArray>> &headers = {});
    void take(SubscriptionNotification notification, std::unique_ptr<Waiting> waiting);
    void collect(std::vector<NotifiedEvent> events, std::function<void(std::vector<NotifiedEvent>, QString)> done);
    void publish(std::unique_ptr<Waiting> waiting);
    void reply(Waiting &waiting, int status, const char *code, const QString &text,
               const QList<QPair<QByteArray, QByteArray>> &headers = {});
    void committed(Waiting &waiting);
    void landed(const Waiting &waiting); // its batch's outcome is known: no longer in flight
    // `since`: the latest event's instant before the gap (a search starts there).
    void mend(const std::string &subscription, EventNumbers::Range gap, const std::string &since);
    void mendBySearch(const std::string &subscription, EventNumbers::Range gap, const std::string &since);
    void searchPages(QUrl url, std::vector<NotifiedEvent> found, std::function<void(std::vector<NotifiedEvent>, QString)> done);
    QUrl baseFor(const std::string &subscription) const;
    void noteError(const std::string &subscription, const QString &error);
    void statusChanged();
    void emitStatuses();

    WebhookSettings m_settings;
    FhirClient *m_fhir;
    bool m_kafkaAvailable = false;
    bool m_tls = false;
    quint16 m_port = 0;
    quint64 m_nextBatch = 1;
    std::map<quint64, std::unique_ptr<Waiting>> m_waiting; // by batch
    std::map<std::string, Subscription> m_subscriptions;
    EventNumbers m_numbers;
    SeenVersions m_seen;
    std::map<std::string, int> m_inFlight; // versions of batches whose outcome is not known yet
    qint64 m_refused = 0;
    QString m_lastRefusal;
    QTimer m_statusTimer;
};
