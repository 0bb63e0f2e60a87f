#include "network/webhookbridge.h"

#include "fhir/fhirdatetime.h"
#include "ingest/jsonfields.h"
#include "ingest/pollcursor.h"
#include "network/webhooklistener.h"

#include <QDateTime>
#include <QFile>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QSslKey>
#include <QTcpSocket>

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;
const std::string RestHook = "(rest-hook)"; // the row of notifications that name no subscription

QByteArray headerOf(const QHttpServerRequest &request, const QByteArray &name)
{
    for (const auto &[key, value] : request.headers()) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

// Compares in time that depends on the lengths only, not on where the first difference is.
bool sameSecret(const QByteArray &given, const QByteArray &expected)
{
    unsigned difference = unsigned(given.size() ^ expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i)
        difference |= unsigned(char(expected[i] ^ (i < given.size() ? given[i] : ~expected[i])));
    return difference == 0;
}

bool isFhirJson(const QByteArray &contentType)
{
    const QByteArray type = contentType.split(';').front().trimmed().toLower();
    return type == "application/fhir+json" || type == "application/json" || type == "application/json+fhir";
}

std::string nowInstant()
{
    return msToFhirInstant(QDateTime::currentMSecsSinceEpoch());
}

QString statusLine(int status)
{
    switch (status) {
    case 400: return QStringLiteral("400 Bad Request");
    case 401: return QStringLiteral("401 Unauthorized");
    case 404: return QStringLiteral("404 Not Found");
    case 405: return QStringLiteral("405 Method Not Allowed");
    case 413: return QStringLiteral("413 Payload Too Large");
    case 415: return QStringLiteral("415 Unsupported Media Type");
    case 422: return QStringLiteral("422 Unprocessable Entity");
    case 502: return QStringLiteral("502 Bad Gateway");
    case 503: return QStringLiteral("503 Service Unavailable");
    default: return QString::number(status);
    }
}

} // namespace

// A notification on its way: the FHIR server's request (while its connection lasts), the events
// being fetched or published, and what to remember once they are committed.
struct WebhookBridge::Waiting {
    QPointer<QTcpSocket> socket;
    std::unique_ptr<QHttpServerResponder> responder; // null for a mend, which answers no one
    SubscriptionNotification notification;
    std::vector<std::string> versions;
    EventNumbers::Range mends; // for a mend: the numbers it fetched
    int published = 0;
    int duplicates = 0;
};

WebhookBridge::WebhookBridge(WebhookSettings settings, QObject *parent)
    : QAbstractHttpServer(parent), m_settings(std::move(settings)), m_fhir(new FhirClient(m_settings.fhir, this)),
      m_statusTimer(this)
{
    m_statusTimer.setSingleShot(true);
    m_statusTimer.setInterval(StatusEveryMs);
    connect(&m_statusTimer, &QTimer::timeout, this, &WebhookBridge::emitStatuses);
}

WebhookBridge::~WebhookBridge() = default;

void WebhookBridge::start()
{
    std::optional<QSslConfiguration> tls;
    if (!m_settings.certificateFile.isEmpty() || !m_settings.keyFile.isEmpty()) {
        QFile certificateFile(m_settings.certificateFile);
        QFile keyFile(m_settings.keyFile);
        if (!certificateFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly)) {
            Q_EMIT listenFailed(tr("the webhook's TLS certificate or key cannot be read (%1, %2)")
                                    .arg(m_settings.certificateFile, m_settings.keyFile));
            return;
        }
        const QList<QSslCertificate> chain = QSslCertificate::fromData(certificateFile.readAll(), QSsl::Pem);
        const QByteArray keyBytes = keyFile.readAll();
        QSslKey key(keyBytes, QSsl::Rsa, QSsl::Pem);
        if (key.isNull())
            key = QSslKey(keyBytes, QSsl::Ec, QSsl::Pem);
        if (chain.isEmpty() || key.isNull()) {
            Q_EMIT listenFailed(tr("the webhook's TLS certificate or key is not PEM (%1, %2)")
                                    .arg(m_settings.certificateFile, m_settings.keyFile));
            return;
        }
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        configuration.setLocalCertificateChain(chain);
        configuration.setPrivateKey(key);
        configuration.setPeerVerifyMode(QSslSocket::VerifyNone); // the FHIR server proves itself with the token
        tls = configuration;
    }
    auto *listener = new WebhookListener(m_settings.maxBodyBytes, tls, this);
    if (!listener->listen(m_settings.address, m_settings.port)) {
        Q_EMIT listenFailed(tr("the webhook cannot listen on %1:%2: %3")
                                .arg(m_settings.address.toString()).arg(m_settings.port).arg(listener->errorString()));
        delete listener;
        return;
    }
    bind(listener);
    m_tls = tls.has_value();
    m_port = listener->serverPort();
    Q_EMIT listening(m_port, m_tls);
    statusChanged();
}

void WebhookBridge::setKafkaAvailable(bool available)
{
    m_kafkaAvailable = available;
    statusChanged();
}

void WebhookBridge::answer(QTcpSocket *socket, QHttpServerResponder &responder, int status, const QByteArray &body,
                           const Headers &headers)
{
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return; // the FHIR server gave up waiting; it sends the notification again
    WebhookListener::answered(socket);
    responder.writeStatusLine(QHttpServerResponder::StatusCode(status));
    responder.writeHeader("Content-Type", "application/fhir+json");
    responder.writeHeader("Content-Length", QByteArray::number(body.size()));
    for (const auto &[name, value] : headers)
        responder.writeHeader(name, value);
    responder.writeBody(body);
}

void WebhookBridge::refuse(const QHttpServerRequest &request, QTcpSocket *socket, int status, const char *code,
                           const QString &why, const Headers &headers)
{
    ++m_refused;
    m_lastRefusal = statusLine(status) + QStringLiteral(": ") + why;
    QHttpServerResponder responder = makeResponder(request, socket);
    answer(socket, responder, status, operationOutcome("error", code, why), headers);
    statusChanged();
}

void WebhookBridge::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    refuse(request, socket, 404, "not-found", tr("nothing here: FHIR notifications go to %1").arg(QLatin1String(Path)));
}

bool WebhookBridge::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const QString path = request.url().path();
    if (path != QLatin1String(Path) && !path.startsWith(QLatin1String(Path) + u'/'))
        return false;
    if (request.method() != QHttpServerRequest::Method::Post && request.method() != QHttpServerRequest::Method::Put) {
        refuse(request, socket, 405, "not-supported", tr("notifications are POSTed"), {{"Allow", "POST, PUT"}});
        return true;
    }
    if (!m_settings.bearerToken.isEmpty()
        && !sameSecret(headerOf(request, "Authorization"), "Bearer " + m_settings.bearerToken)) {
        refuse(request, socket, 401, "security", tr("a missing or wrong bearer token"),
               {{"WWW-Authenticate", "Bearer realm=\"vigil-webhook\""}});
        return true;
    }
    const QByteArray body = request.body();
    if (body.size() > m_settings.maxBodyBytes) { // the guard refuses most before they are read
        refuse(request, socket, 413, "too-long", tr("the body is over %1 bytes").arg(m_settings.maxBodyBytes));
        return true;
    }
    if (!body.trimmed().isEmpty() && !isFhirJson(headerOf(request, "Content-Type"))) {
        refuse(request, socket, 415, "not-supported",
               tr("the content type is \"%1\"; FHIR JSON (application/fhir+json) is taken")
                   .arg(QString::fromLatin1(headerOf(request, "Content-Type"))));
        return true;
    }
    SubscriptionNotification notification;
    try {
        notification = SubscriptionNotification::parse(std::string_view(body.constData(), std::size_t(body.size())));
    } catch (const NotificationError &error) {
        refuse(request, socket, 400, "invalid", QString::fromStdString(error.what()));
        return true;
    }
    auto waiting = std::make_unique<Waiting>();
    waiting->socket = socket;
    waiting->responder = std::make_unique<QHttpServerResponder>(makeResponder(request, socket));
    take(std::move(notification), std::move(waiting));
    return true;
}

void WebhookBridge::take(SubscriptionNotification notification, std::unique_ptr<Waiting> waiting)
{
    const std::string subscription = notification.subscription.empty() ? RestHook : notification.subscription;
    m_subscriptions[subscription]; // a row from its first notification on
    if (!notification.carriesEvents()) { // ping, handshake, heartbeat, query-status: answered, not published
        if (notification.eventsSinceStart) {
            const EventNumbers::Range gap = m_numbers.observeTotal(subscription, *notification.eventsSinceStart);
            if (!gap.empty())
                mend(subscription, gap, m_subscriptions[subscription].lastEventAt);
        }
        waiting->notification = std::move(notification);
        reply(*waiting, 200, "informational",
              tr("%1 received").arg(QString::fromLatin1(typeName(waiting->notification.type))));
        statusChanged();
        return;
    }
    if (!m_kafkaAvailable) {
        waiting->notification = std::move(notification);
        reply(*waiting, 503, "transient", tr("Kafka cannot take events now"),
              {{"Retry-After", QByteArray::number(m_settings.retryAfterSeconds)}});
        return;
    }
    // A Backport event-notification without numbers per event: they are the last ones counted.
    if (notification.eventsSinceStart) {
        long long number = *notification.eventsSinceStart - static_cast<long long>(notification.events.size()) + 1;
        for (NotifiedEvent &event : notification.events) {
            if (!event.eventNumber && notification.backport)
                event.eventNumber = number;
            ++number;
        }
    }
    std::vector<NotifiedEvent> events = notification.events;
    waiting->notification = std::move(notification);
    Waiting *raw = waiting.release();
    collect(std::move(events), [this, raw](std::vector<NotifiedEvent> resolved, QString error) {
        std::unique_ptr<Waiting> owned(raw);
        if (!error.isEmpty()) {
            noteError(owned->notification.subscription.empty() ? RestHook : owned->notification.subscription, error);
            reply(*owned, 502, "transient", error);
            return;
        }
        owned->notification.events = std::move(resolved);
        publish(std::move(owned));
    });
}

// Fetches what the events only name (id-only payloads; empty ones through $events), then hands all
// of them on. A resource the server no longer has (404, 410) was deleted since: nothing to publish.
void WebhookBridge::collect(std::vector<NotifiedEvent> events,
                            std::function<void(std::vector<NotifiedEvent>, QString)> done)
{
    struct Collection {
        std::vector<NotifiedEvent> events;
        int outstanding = 0;
        QString error;
        std::function<void(std::vector<NotifiedEvent>, QString)> done;
    };
    auto collection = std::make_shared<Collection>();
    collection->events = std::move(events);
    collection->done = std::move(done);
    for (std::size_t i = 0; i < collection->events.size(); ++i) {
        NotifiedEvent &event = collection->events[i];
        if (event.carriesResource() || event.method == "DELETE" || relativeReference(event.focus).empty())
            continue;
        ++collection->outstanding;
        const QUrl url = m_fhir->resolve(QString::fromStdString(event.focus));
        m_fhir->get(url, [collection, i, url](const FhirReply &reply) {
            NotifiedEvent &fetched = collection->events[i];
            if (reply.ok()) {
                fetched.resource = nlohmann::json::parse(reply.body.toStdString(), nullptr, false);
                if (!fetched.carriesResource())
                    collection->error = tr("%1 did not answer with a FHIR resource").arg(url.toString());
            } else if (reply.status != 404 && reply.status != 410) {
                collection->error = tr("fetching %1 failed: %2").arg(url.toString(), reply.error);
            }
            if (--collection->outstanding == 0)
                collection->done(std::move(collection->events), collection->error);
        });
    }
    if (collection->outstanding == 0)
        collection->done(std::move(collection->events), {});
}

void WebhookBridge::publish(std::unique_ptr<Waiting> waiting)
{
    const std::string subscription =
        waiting->notification.subscription.empty() ? RestHook : waiting->notification.subscription;
    Subscription &row = m_subscriptions[subscription];
    const std::string timestamp = nowInstant();
    IngestBatch batch;
    for (const NotifiedEvent &event : waiting->notification.events) {
        if (!event.carriesResource() && (event.method != "DELETE" || relativeReference(event.focus).empty()))
            continue; // gone from the server since it was notified
        const std::string version =
            event.carriesResource() ? versionKey(event.resource) : deletionKey(event.focus, event.version);
        if (!version.empty() && m_inFlight.count(version) > 0) {
            if (waiting->responder) { // sent again while its first copy is being committed: ask again later
                reply(*waiting, 503, "transient", tr("these events are still being written to Kafka"),
                      {{"Retry-After", QByteArray::number(m_settings.retryAfterSeconds)}});
                return;
            }
            continue; // a mend: the notification in flight publishes it
        }
        if (!version.empty()
            && (m_seen.contains(version)
                || std::find(batch.versions.begin(), batch.versions.end(), version) != batch.versions.end())) {
            ++waiting->duplicates;
            continue;
        }
        if (!event.carriesResource()) {
            batch.records.push_back(deletionRecord(event.focus, timestamp));
        } else {
            if (const auto type = event.resource.find("resourceType"); type != event.resource.end() && type->is_string())
                row.resourceTypes.insert(type->get<std::string>());
            batch.records.push_back(envelopeRecord(event.resource, event.method, timestamp));
        }
        batch.versions.push_back(version);
        ++waiting->published;
    }
    waiting->versions = batch.versions;
    if (batch.records.empty()) { // all of it published before: say so, publish nothing
        committed(*waiting);
        return;
    }
    const quint64 id = m_nextBatch++;
    for (const std::string &version : batch.versions) {
        if (!version.empty())
            ++m_inFlight[version];
    }
    m_waiting.emplace(id, std::move(waiting));
    Q_EMIT batchReady(id, batch);
}

void WebhookBridge::takeOutcome(quint64 batch, IngestOutcome outcome, const QString &error)
{
    const auto it = m_waiting.find(batch);
    if (it == m_waiting.end())
        return;
    Waiting &waiting = *it->second;
    const std::string subscription =
        waiting.notification.subscription.empty() ? RestHook : waiting.notification.subscription;
    if (outcome != IngestOutcome::Unknown)
        landed(waiting);
    switch (outcome) {
    case IngestOutcome::Committed:
        committed(waiting);
        m_waiting.erase(it);
        return;
    case IngestOutcome::Unknown: // answered now; remembered if the commit turns out to have succeeded
        noteError(subscription, error);
        reply(waiting, 503, "transient", tr("Kafka has not confirmed the events yet: %1").arg(error),
              {{"Retry-After", QByteArray::number(m_settings.retryAfterSeconds)}});
        return;
    case IngestOutcome::Refused:
        noteError(subscription, error);
        reply(waiting, 422, "too-long", tr("Kafka refuses a record of this notification: %1").arg(error));
        break;
    case IngestOutcome::Failed:
        noteError(subscription, error);
        reply(waiting, 503, "transient", tr("Kafka cannot take events now: %1").arg(error),
              {{"Retry-After", QByteArray::number(m_settings.retryAfterSeconds)}});
        break;
    }
    m_waiting.erase(it);
}

void WebhookBridge::committed(Waiting &waiting)
{
    const std::string subscription =
        waiting.notification.subscription.empty() ? RestHook : waiting.notification.subscription;
    Subscription &row = m_subscriptions[subscription];
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const std::string &version : waiting.versions)
        m_seen.insert(version);
    row.events += waiting.published;
    row.duplicates += waiting.duplicates;
    if (waiting.published > 0) {
        row.rate.add(now, waiting.published);
        row.lastEventMs = now;
    }
    if (!waiting.mends.empty())
        m_numbers.mended(subscription, waiting.mends);
    // Event numbers count once committed: a notification answered 503 comes again with the same ones.
    std::vector<EventNumbers::Range> gaps;
    const std::string before = row.lastEventAt; // a gap's events came after this one and before these
    for (const NotifiedEvent &event : waiting.notification.events) {
        if (event.carriesResource()) {
            const std::string updated = JsonFields::metaAt(event.resource, "lastUpdated");
            if (!updated.empty() && fhirDateTimeToMs(updated) > fhirDateTimeToMs(row.lastEventAt))
                row.lastEventAt = updated;
        }
        if (!event.eventNumber || !waiting.mends.empty())
            continue;
        EventNumbers::Range gap;
        if (m_numbers.observe(subscription, *event.eventNumber, &gap) == EventNumbers::Verdict::Duplicate)
            ++row.duplicates;
        if (!gap.empty())
            gaps.push_back(gap);
    }
    if (waiting.responder)
        reply(waiting, 200, "informational",
              tr("%1 events published, %2 already published before").arg(waiting.published).arg(waiting.duplicates));
    for (const EventNumbers::Range &gap : gaps)
        mend(subscription, gap, before);
    statusChanged();
}

void WebhookBridge::landed(const Waiting &waiting)
{
    for (const std::string &version : waiting.versions) {
        const auto it = m_inFlight.find(version);
        if (it != m_inFlight.end() && --it->second == 0)
            m_inFlight.erase(it);
    }
}

void WebhookBridge::reply(Waiting &waiting, int status, const char *code, const QString &text, const Headers &headers)
{
    if (!waiting.responder)
        return;
    answer(waiting.socket, *waiting.responder, status,
           operationOutcome(status < 400 ? "information" : "error", code, text), headers);
    waiting.responder.reset();
}

QUrl WebhookBridge::baseFor(const std::string &subscription) const
{
    if (m_settings.fhir.base.isValid() && !m_settings.fhir.base.isEmpty())
        return m_settings.fhir.base;
    const QString reference = QString::fromStdString(subscription);
    const qsizetype at = reference.lastIndexOf(QLatin1String("/Subscription/"));
    return at > 0 ? QUrl(reference.left(at)) : QUrl();
}

// Fetches the missing events: `$events` (Backport) where the server has it, else a search by
// `_lastUpdated` of what the subscription sends, from the last event before the gap on.
void WebhookBridge::mend(const std::string &subscription, EventNumbers::Range gap, const std::string &since)
{
    if (subscription == RestHook || baseFor(subscription).isEmpty()) {
        noteError(subscription, tr("events %1 to %2 were not received and cannot be fetched: no FHIR server address "
                                   "(--fhir-base)").arg(gap.first).arg(gap.last));
        return;
    }
    QUrl url = m_fhir->resolve(QString::fromStdString(subscription));
    url.setPath(url.path() + QStringLiteral("/$events"));
    url.setQuery(QStringLiteral("eventsSinceNumber=%1&eventsUntilNumber=%2&content=full-resource")
                     .arg(gap.first).arg(gap.last));
    m_fhir->get(url, [this, subscription, gap, since](const FhirReply &reply) {
        SubscriptionNotification found;
        bool usable = reply.ok();
        if (usable) {
            try {
                found = SubscriptionNotification::parse(reply.body.toStdString());
            } catch (const NotificationError &) {
                usable = false;
            }
        }
        if (!usable) {
            mendBySearch(subscription, gap, since);
            return;
        }
        collect(std::move(found.events), [this, subscription, gap](std::vector<NotifiedEvent> events, QString error) {
            if (!error.isEmpty()) {
                noteError(subscription, error);
                return;
            }
            auto waiting = std::make_unique<Waiting>();
            waiting->notification.subscription = subscription;
            waiting->notification.events = std::move(events);
            waiting->mends = gap;
            publish(std::move(waiting));
        });
    });
}

void WebhookBridge::mendBySearch(const std::string &subscription, EventNumbers::Range gap, const std::string &since)
{
    const Subscription &row = m_subscriptions[subscription];
    if (row.resourceTypes.empty() || since.empty()) {
        noteError(subscription, tr("events %1 to %2 were not received, and the server has no $events and nothing "
                                   "to search from").arg(gap.first).arg(gap.last));
        return;
    }
    auto remaining = std::make_shared<int>(int(row.resourceTypes.size()));
    auto found = std::make_shared<std::vector<NotifiedEvent>>();
    auto failure = std::make_shared<QString>();
    for (const std::string &type : row.resourceTypes) {
        const PollCursor from{baseFor(subscription).toString().toStdString(), type, since, {}};
        searchPages(QUrl(QString::fromStdString(firstPageUrl(from, 100))), {},
                    [=, this](std::vector<NotifiedEvent> events, QString error) {
                        found->insert(found->end(), std::make_move_iterator(events.begin()),
                                      std::make_move_iterator(events.end()));
                        if (!error.isEmpty())
                            *failure = error;
                        if (--*remaining > 0)
                            return;
                        if (!failure->isEmpty()) {
                            noteError(subscription, tr("events %1 to %2 could not be fetched: %3")
                                                        .arg(gap.first).arg(gap.last).arg(*failure));
                            return;
                        }
                        auto waiting = std::make_unique<Waiting>();
                        waiting->notification.subscription = subscription;
                        waiting->notification.events = std::move(*found);
                        waiting->mends = gap;
                        publish(std::move(waiting)); // what was published already is dropped there
                    });
    }
}

void WebhookBridge::searchPages(QUrl url, std::vector<NotifiedEvent> found,
                                std::function<void(std::vector<NotifiedEvent>, QString)> done)
{
    m_fhir->get(url, [this, found = std::move(found), done = std::move(done)](const FhirReply &reply) mutable {
        if (!reply.ok()) {
            done(std::move(found), reply.error);
            return;
        }
        try {
            const SearchPage page = SearchPage::parse(reply.body.toStdString());
            for (const nlohmann::json &resource : page.resources) {
                NotifiedEvent event;
                event.resource = resource;
                found.push_back(std::move(event));
            }
            if (page.next.empty())
                done(std::move(found), {});
            else
                searchPages(QUrl(QString::fromStdString(page.next)), std::move(found), std::move(done));
        } catch (const SearchError &error) {
            done(std::move(found), QString::fromUtf8(error.what()));
        }
    });
}

void WebhookBridge::noteError(const std::string &subscription, const QString &error)
{
    Subscription &row = m_subscriptions[subscription];
    ++row.errors;
    row.lastError = error;
    statusChanged();
}

void WebhookBridge::statusChanged()
{
    if (!m_statusTimer.isActive())
        m_statusTimer.start();
}

void WebhookBridge::emitStatuses()
{
    const QString source = QStringLiteral("webhook %1:%2").arg(m_tls ? QStringLiteral("https") : QStringLiteral("http"))
                               .arg(m_port);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    IngestStatuses statuses;
    IngestSourceStatus listener;
    listener.source = source;
    listener.name = tr("listener");
    listener.state = m_kafkaAvailable ? tr("listening on %1").arg(QLatin1String(Path))
                                      : tr("Kafka unavailable: notifications are answered 503");
    listener.errors = m_refused;
    listener.lastError = m_lastRefusal;
    statuses.append(listener);
    for (const auto &[name, row] : m_subscriptions) {
        IngestSourceStatus status;
        status.source = source;
        status.name = QString::fromStdString(name);
        const EventNumbers::Counts counts = m_numbers.counts(name);
        status.state = counts.missing > 0 ? tr("%1 events missing").arg(counts.missing) : tr("receiving");
        status.lastEventMs = row.lastEventMs;
        status.eventsPerMinute = row.rate.perMinute(now);
        status.events = row.events;
        status.gaps = counts.missed;
        status.unmended = counts.missing;
        status.duplicates = row.duplicates;
        status.errors = row.errors;
        status.lastError = row.lastError;
        statuses.append(status);
    }
    Q_EMIT statusesChanged(statuses);
}
