// The FHIR Subscription webhook against the RealKafka fixture's broker and the FhirServer fixture's
// HAPI FHIR server. No FHIR server with Subscriptions can run here from Maven Central alone (HAPI's
// JPA server needs the jpaserver-starter project, which is not published; README, "FHIR ingest"),
// so the notifications are posted by this test, built from the official R4 Backport and R4
// rest-hook examples (tests/data/notifications), over real HTTP and HTTPS; what the webhook fetches
// (id-only payloads, gaps) comes from the real HAPI FHIR server.
#include "ingesttesting.h"

#include "client/workerthread.h"
#include "jobs/ingestpublisher.h"
#include "local/localcluster.h"
#include "network/webhookbridge.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>

using namespace ClusterTesting;
using namespace IngestTesting;

namespace {

const QByteArray Token = "webhook-test-token";

std::string example(const char *name)
{
    QFile file(QStringLiteral(VIGIL_NOTIFICATIONS_DIR "/") + QLatin1String(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", name);
    return file.readAll().toStdString();
}

// The example with this run's ids, so that what it published is told from earlier runs'.
QByteArray ofThisRun(const char *name, const std::string &tag)
{
    std::string text = example(name);
    for (const char *id : {"MRN-20031", "MRN-20044", "k-7001", "k-7002", "na-8810", "pr-311", "mr-5521", "critical-labs"}) {
        for (std::size_t at = text.find(id); at != std::string::npos; at = text.find(id, at + 1))
            text.replace(at, std::strlen(id), std::string(id) + '-' + tag);
    }
    return QByteArray::fromStdString(text);
}

// A Backport event-notification with full resources, numbered `number`.
json backportNotification(const std::string &subscription, long long number, const std::vector<json> &resources)
{
    json parameters = {{"resourceType", "Parameters"},
                       {"parameter",
                        {{{"name", "subscription"}, {"valueReference", {{"reference", subscription}}}},
                         {{"name", "status"}, {"valueCode", "active"}},
                         {{"name", "type"}, {"valueCode", "event-notification"}},
                         {{"name", "events-since-subscription-start"}, {"valueString", std::to_string(number)}}}}};
    json bundle = {{"resourceType", "Bundle"}, {"type", "history"}, {"entry", {{{"resource", parameters}}}}};
    for (const json &resource : resources)
        bundle["entry"].push_back({{"resource", resource}, {"request", {{"method", "PUT"}}}});
    return bundle;
}

std::string idOf(const json &resource)
{
    return resource["id"].get<std::string>();
}

// A webhook bridge and its publisher on one cluster, as `vigil ingest --listen` wires them.
class Webhook {
public:
    Webhook(const QString &bootstrap, WebhookSettings settings, const QString &name) : m_bridge(std::move(settings))
    {
        ClientConfig config;
        config.setBootstrapServers(bootstrap);
        m_publisher = new IngestPublisher(config, "vigil-ingest-test-" + name + '-' + runId());
        QObject::connect(&m_bridge, &WebhookBridge::batchReady, m_publisher, &IngestPublisher::publish);
        QObject::connect(m_publisher, &IngestPublisher::outcome, &m_bridge, &WebhookBridge::takeOutcome);
        QObject::connect(m_publisher, &IngestPublisher::availabilityChanged, &m_bridge, &WebhookBridge::setKafkaAvailable);
        QObject::connect(m_publisher, &IngestPublisher::availabilityChanged, &m_bridge,
                         [this](bool available) { m_available = available; });
        QObject::connect(&m_bridge, &WebhookBridge::statusesChanged, &m_bridge,
                         [this](const IngestStatuses &rows) { m_rows = rows; });
        QObject::connect(&m_bridge, &WebhookBridge::listening, &m_bridge, [this](quint16 port) { m_port = port; });
        m_thread = std::make_unique<WorkerThread>(m_publisher, QStringLiteral("webhook publisher"));
        m_bridge.start();
    }
    ~Webhook() { m_thread->stop(); }

    bool waitUntilReady() { return QTest::qWaitFor([this] { return m_port != 0 && m_available; }, 60'000); }
    QUrl url(const QString &scheme = QStringLiteral("http")) const
    {
        return QUrl(QStringLiteral("%1://127.0.0.1:%2/fhir-webhook").arg(scheme).arg(m_port));
    }
    quint16 port() const { return m_port; }
    WebhookBridge &bridge() { return m_bridge; }
    IngestPublisher *publisher() const { return m_publisher; }
    // The row of one subscription as the console shows it now (rows come coalesced: QTRY_* on it).
    IngestSourceStatus row(const QString &name) const
    {
        for (const IngestSourceStatus &row : m_rows) {
            if (row.name == name)
                return row;
        }
        return {};
    }

private:
    WebhookBridge m_bridge;
    IngestPublisher *m_publisher = nullptr;
    std::unique_ptr<WorkerThread> m_thread;
    quint16 m_port = 0;
    bool m_available = false;
    IngestStatuses m_rows;
};

} // namespace

class TestWebhookBridge final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (!openRealCluster(m_cluster))
            return;
        m_fhirBase = fhirServerBase();
        WebhookSettings settings;
        settings.address = QHostAddress::LocalHost;
        settings.bearerToken = Token;
        settings.fhir.base = m_fhirBase;
        m_webhook = std::make_unique<Webhook>(m_cluster.bootstrap(), settings, QStringLiteral("plain"));
        QVERIFY2(m_webhook->waitUntilReady(), "the webhook did not listen with Kafka ready within 60 s");
    }

    void aFullResourceNotificationIsPublishedOnceCommitted()
    {
        const std::string tag = runId().toStdString() + "-full";
        const HttpAnswer answer = post(ofThisRun("backport-full-resource.json", tag));
        QCOMPARE(answer.status, 200);
        QVERIFY(answer.body.contains("1 events published"));
        // Answered 200 only after the commit: a read_committed reader sees it at once.
        const QList<json> found = envelopes(m_cluster, {QStringLiteral("healthcare.labs.results")},
                                            [&](const std::string &id) { return id == "k-7001-" + tag; });
        QCOMPARE(found.size(), 1);
        const json &envelope = found.front();
        QCOMPARE(envelope["_key"].get<std::string>(), "MRN-20031-" + tag);
        QCOMPARE(envelope["patient_id"].get<std::string>(), "MRN-20031-" + tag);
        QCOMPARE(envelope["event_type"].get<std::string>(), std::string("create"));
        QCOMPARE(envelope["resource_type"].get<std::string>(), std::string("Observation"));
        QCOMPARE(envelope["fhir_resource"]["valueQuantity"]["value"].get<double>(), 6.8);
    }

    void aRestHookBundleGoesToEachResourcesTopic()
    {
        const std::string tag = runId().toStdString() + "-bundle";
        QCOMPARE(post(ofThisRun("rest-hook-transaction.json", tag)).status, 200);
        const QList<json> found = envelopes(m_cluster, allInputTopics(), [&](const std::string &id) {
            return QString::fromStdString(id).endsWith(QString::fromStdString('-' + tag));
        });
        QMap<QString, json> byId;
        for (const json &envelope : found)
            byId.insert(QString::fromStdString(envelope["resource_id"].get<std::string>()), envelope);
        QCOMPARE(found.size(), 4);
        const auto topicOf = [&](const char *id) {
            return byId.value(QString::fromStdString(id + ('-' + tag)))["_topic"].get<std::string>();
        };
        QCOMPARE(topicOf("MRN-20044"), std::string("healthcare.adt.events"));
        QCOMPARE(topicOf("na-8810"), std::string("healthcare.labs.results"));
        QCOMPARE(topicOf("pr-311"), std::string("healthcare.fhir.other")); // patient-less: never dropped
        QCOMPARE(topicOf("mr-5521"), std::string("healthcare.fhir.other")); // a deletion names no patient
        QCOMPARE(byId.value(QString::fromStdString("mr-5521-" + tag))["event_type"].get<std::string>(), std::string("delete"));
        QCOMPARE(byId.value(QString::fromStdString("MRN-20044-" + tag))["event_type"].get<std::string>(), std::string("update"));
    }

    void handshakesHeartbeatsAndPingsAreAnsweredNotPublished()
    {
        QSignalSpy published(&m_webhook->bridge(), &WebhookBridge::batchReady);
        const std::string tag = runId().toStdString() + "-hs";
        QCOMPARE(post(ofThisRun("backport-handshake.json", tag)).status, 200);
        QCOMPARE(post(ofThisRun("backport-heartbeat.json", tag)).status, 200);
        QCOMPARE(post(QByteArray()).status, 200); // an R4 rest-hook ping: an empty POST
        QCOMPARE(published.count(), 0);
        // The heartbeat said 4 events happened since the handshake's 0, and none arrived: a gap,
        // seen and shown (nothing to search from yet: no event of the subscription arrived).
        const QString name = QString::fromStdString("https://ehr.example.org/fhir/Subscription/critical-labs-" + tag);
        QTRY_COMPARE(m_webhook->row(name).gaps, 4);
        QCOMPARE(m_webhook->row(name).unmended, 4);
        QCOMPARE(m_webhook->row(name).events, 0);
    }

    void aNotificationSentTwiceIsPublishedOnce()
    {
        const std::string tag = runId().toStdString() + "-twice";
        const QByteArray body = ofThisRun("backport-full-resource.json", tag);
        QCOMPARE(post(body).status, 200);
        const HttpAnswer again = post(body);
        QCOMPARE(again.status, 200);
        QVERIFY2(again.body.contains("0 events published, 1 already published"), again.body.constData());
        QCOMPARE(envelopes(m_cluster, {QStringLiteral("healthcare.labs.results")},
                           [&](const std::string &id) { return id == "k-7001-" + tag; }).size(), 1);
        const QString name = QString::fromStdString("https://ehr.example.org/fhir/Subscription/critical-labs-" + tag);
        QTRY_COMPARE(m_webhook->row(name).duplicates, 2); // the resource version, and its event number
    }

    void anIdOnlyNotificationIsFetchedFromTheFhirServer()
    {
        if (m_fhirBase.isEmpty())
            QSKIP("no FHIR server: the FhirServer fixture did not start (java, javac or mvn missing?)");
        const std::string patient = "MRN-idonly-" + runId().toStdString();
        const json stored = store(m_network, m_fhirBase, labResult(patient, 2.4));
        json notification = json::parse(example("backport-id-only.json"));
        notification["entry"][0]["resource"]["parameter"][0]["valueReference"]["reference"] =
            under(m_fhirBase, "Subscription/idonly-" + runId()).toString().toStdString();
        const std::string focus = under(m_fhirBase, QString::fromStdString("Observation/" + idOf(stored))).toString().toStdString();
        notification["entry"][0]["resource"]["parameter"][5]["part"][2]["valueReference"]["reference"] = focus;
        notification["entry"][1]["fullUrl"] = focus;
        QCOMPARE(post(QByteArray::fromStdString(notification.dump())).status, 200);
        const QList<json> found = envelopes(m_cluster, {QStringLiteral("healthcare.labs.results")},
                                            [&](const std::string &id) { return id == idOf(stored); });
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.front()["patient_id"].get<std::string>(), patient);
        QCOMPARE(found.front()["fhir_resource"]["meta"]["versionId"], stored["meta"]["versionId"]);
    }

    void eventFiveAfterThreeIsMendedByAFetch()
    {
        if (m_fhirBase.isEmpty())
            QSKIP("no FHIR server: the FhirServer fixture did not start (java, javac or mvn missing?)");
        const std::string patient = "MRN-gap-" + runId().toStdString();
        const json three = store(m_network, m_fhirBase, labResult(patient, 3.3));
        const json four = store(m_network, m_fhirBase, labResult(patient, 7.4)); // its notification is lost
        const json five = store(m_network, m_fhirBase, labResult(patient, 5.5));
        const std::string subscription = under(m_fhirBase, "Subscription/gap-" + runId()).toString().toStdString();
        QCOMPARE(post(QByteArray::fromStdString(backportNotification(subscription, 3, {three}).dump())).status, 200);
        QCOMPARE(post(QByteArray::fromStdString(backportNotification(subscription, 5, {five}).dump())).status, 200);
        // The server has no $events (HAPI's plain server answers 400): the webhook searched
        // Observation?_lastUpdated=ge<event 3> and published what it had not, event 4.
        const auto ours = [&](const std::string &id) { return id == idOf(three) || id == idOf(four) || id == idOf(five); };
        // The row says the gap was seen and mended once the mend's transaction is committed.
        const QString name = QString::fromStdString(subscription);
        QTRY_VERIFY_WITH_TIMEOUT(m_webhook->row(name).gaps == 1 && m_webhook->row(name).unmended == 0, 30'000);
        const QList<json> found = envelopes(m_cluster, {QStringLiteral("healthcare.labs.results")}, ours);
        QCOMPARE(found.size(), 3); // each once: 3 and 5 were not published again by the search
    }

    void badRequestsGetTheirStatusAndAnOperationOutcome_data()
    {
        QTest::addColumn<QByteArray>("verb");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        const QByteArray bundle = R"({"resourceType":"Bundle","type":"transaction"})";
        QTest::newRow("malformed JSON") << QByteArray("POST") << "/fhir-webhook" << QByteArray("application/fhir+json")
                                        << Token << QByteArray(R"({"resourceType":"Bundle",)") << 400;
        QTest::newRow("not FHIR") << QByteArray("POST") << "/fhir-webhook" << QByteArray("application/json") << Token
                                  << QByteArray(R"({"hello":"world"})") << 400;
        QTest::newRow("no token") << QByteArray("POST") << "/fhir-webhook" << QByteArray("application/fhir+json")
                                  << QByteArray() << bundle << 401;
        QTest::newRow("wrong token") << QByteArray("POST") << "/fhir-webhook" << QByteArray("application/fhir+json")
                                     << QByteArray("webhook-test-tokeN") << bundle << 401;
        QTest::newRow("token prefix") << QByteArray("POST") << "/fhir-webhook" << QByteArray("application/fhir+json")
                                      << QByteArray("webhook-test") << bundle << 401;
        QTest::newRow("wrong content type") << QByteArray("POST") << "/fhir-webhook" << QByteArray("text/plain") << Token
                                            << bundle << 415;
        QTest::newRow("wrong path") << QByteArray("POST") << "/webhook" << QByteArray("application/fhir+json") << Token
                                    << bundle << 404;
        QTest::newRow("GET") << QByteArray("GET") << "/fhir-webhook" << QByteArray() << Token << QByteArray() << 405;
    }

    void badRequestsGetTheirStatusAndAnOperationOutcome()
    {
        QFETCH(QByteArray, verb);
        QFETCH(QString, path);
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, token);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QUrl url = m_webhook->url();
        url.setPath(path);
        QList<QPair<QByteArray, QByteArray>> headers;
        if (!contentType.isEmpty())
            headers.append({"Content-Type", contentType});
        if (!token.isEmpty())
            headers.append({"Authorization", "Bearer " + token});
        const HttpAnswer answer = request(m_network, verb, url, body, headers);
        QCOMPARE(answer.status, status);
        const json outcome = json::parse(answer.body.toStdString(), nullptr, false);
        QVERIFY2(outcome.is_object() && outcome["resourceType"] == "OperationOutcome", answer.body.constData());
        QVERIFY(!outcome["issue"][0]["diagnostics"].get<std::string>().empty());
    }

    // A 50 MB body is refused from its headers: the answer arrives while most of it is unsent.
    void aFiftyMegabyteBodyIsRefusedWithoutBeingBuffered()
    {
        constexpr qint64 Size = 50LL * 1024 * 1024;
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_webhook->port());
        QTRY_VERIFY(socket.state() == QAbstractSocket::ConnectedState); // the webhook runs on this thread: no waitFor*()
        socket.write("POST /fhir-webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/fhir+json\r\n"
                     "Authorization: Bearer " + Token + "\r\nContent-Length: " + QByteArray::number(Size) + "\r\n\r\n");
        const QByteArray chunk(64 * 1024, ' ');
        qint64 sent = 0;
        QByteArray answer;
        QElapsedTimer clock;
        clock.start();
        while (!answer.contains("\r\n\r\n") && sent < Size && clock.elapsed() < 30'000) {
            if (socket.bytesToWrite() < 4 * chunk.size()) {
                socket.write(chunk);
                sent += chunk.size();
            }
            QTest::qWait(2);
            answer += socket.readAll();
        }
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.left(200).constData());
        QVERIFY2(sent < Size / 2, qPrintable(QStringLiteral("%1 bytes were sent before the answer").arg(sent)));
        QVERIFY(answer.contains("OperationOutcome"));
        // The webhook goes on taking notifications.
        QCOMPARE(post(QByteArray()).status, 200);
    }

    // A record larger than Kafka takes (the producer's 1 MB message.max.bytes): 422, nothing written.
    void aResourceTooLargeForKafkaIsRefusedWithNothingPublished()
    {
        const std::string tag = runId().toStdString() + "-huge";
        json huge = labResult("MRN-" + tag, 5.0);
        huge["id"] = "huge-" + tag;
        huge["note"] = {{{"text", std::string(2 * 1024 * 1024, 'x')}}};
        json small = labResult("MRN-" + tag, 4.0);
        small["id"] = "small-" + tag;
        const json bundle = {{"resourceType", "Bundle"},
                             {"type", "transaction"},
                             {"entry", {{{"resource", small}, {"request", {{"method", "POST"}}}},
                                        {{"resource", huge}, {"request", {{"method", "POST"}}}}}}};
        const HttpAnswer answer = post(QByteArray::fromStdString(bundle.dump()));
        QCOMPARE(answer.status, 422);
        QVERIFY(answer.body.contains("OperationOutcome"));
        QCOMPARE(envelopes(m_cluster, {QStringLiteral("healthcare.labs.results")},
                           [&](const std::string &id) { return id == "small-" + tag || id == "huge-" + tag; }).size(), 0);
        QCOMPARE(post(ofThisRun("backport-full-resource.json", tag)).status, 200); // and it goes on
    }

    void httpsWithTheGivenCertificate()
    {
        QTemporaryDir dir;
        const QString cert = dir.filePath(QStringLiteral("cert.pem")), key = dir.filePath(QStringLiteral("key.pem"));
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"), {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                                                  "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
        QVERIFY(openssl.waitForFinished(30'000));
        QCOMPARE(openssl.exitCode(), 0);
        WebhookSettings settings;
        settings.address = QHostAddress::LocalHost;
        settings.bearerToken = Token;
        settings.certificateFile = cert;
        settings.keyFile = key;
        Webhook webhook(m_cluster.bootstrap(), settings, QStringLiteral("tls"));
        QVERIFY(webhook.waitUntilReady());
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromPath(cert)); // the client verifies the webhook's certificate
        const std::string tag = runId().toStdString() + "-tls";
        const HttpAnswer answer = request(m_network, "POST", webhook.url(QStringLiteral("https")),
                                          ofThisRun("backport-full-resource.json", tag), headers(), 60'000, tls);
        QVERIFY2(answer.error.isEmpty(), qPrintable(answer.error));
        QCOMPARE(answer.status, 200);
        QCOMPARE(envelopes(m_cluster, {QStringLiteral("healthcare.labs.results")},
                           [&](const std::string &id) { return id == "k-7001-" + tag; }).size(), 1);
        // Plain HTTP to the TLS port gets nothing.
        QVERIFY(request(m_network, "POST", webhook.url(), QByteArray(), headers(), 5000).status != 200);
    }

    // The seed's Flask bridge (seed_webhook.py) as a peer: the same notification posted to both
    // gives the same envelopes (but for the timestamp, and the key of a patient-less resource:
    // Vigil keys it by Type/id so its versions stay in order; the seed sends none).
    void theSeedsFlaskBridgeWritesTheSameEnvelopes()
    {
        QProcess seed;
        const QString script = QFINDTESTDATA("seed_webhook.py");
        const quint16 port = freePort();
        seed.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        seed.start(QStringLiteral("/usr/bin/python3"),
                   {script, QStringLiteral("--bootstrap"), m_cluster.bootstrap(), QStringLiteral("--port"), QString::number(port)});
        QVERIFY(seed.waitForStarted());
        QVERIFY(seed.waitForReadyRead(20'000) || seed.state() != QProcess::Running);
        if (seed.state() != QProcess::Running && seed.exitCode() == 3)
            QSKIP("flask or confluent_kafka is missing for /usr/bin/python3 (python3-flask, python3-confluent-kafka)");
        const std::string tag = runId().toStdString() + "-seed";
        const QByteArray body = ofThisRun("rest-hook-transaction.json", tag);
        const QUrl seedUrl(QStringLiteral("http://127.0.0.1:%1/fhir-webhook").arg(port));
        QVERIFY(postUntilAnswered(seedUrl, body, 20'000)); // Flask takes a moment to listen
        QCOMPARE(post(body).status, 200);
        const auto ours = [&](const std::string &id) { return QString::fromStdString(id).endsWith(QString::fromStdString('-' + tag)); };
        QList<json> found;
        QTRY_VERIFY_WITH_TIMEOUT((found = envelopes(m_cluster, allInputTopics(), ours)).size() >= 8, 30'000);
        seed.terminate();
        seed.waitForFinished(10'000);
        QMap<std::string, QList<json>> byId;
        for (json envelope : found) {
            envelope.erase("timestamp");
            byId[envelope["resource_id"].get<std::string>()].append(envelope);
        }
        QCOMPARE(byId.size(), 4);
        for (auto it = byId.begin(); it != byId.end(); ++it) {
            QCOMPARE(it.value().size(), 2); // one from each bridge
            json vigil = it.value()[0], peer = it.value()[1];
            if (vigil["_key"].get<std::string>().empty())
                std::swap(vigil, peer);
            if (vigil["patient_id"].is_null()) {
                QCOMPARE(vigil["_key"].get<std::string>(), vigil["resource_type"].get<std::string>() + '/' + it.key());
                QCOMPARE(peer["_key"].get<std::string>(), std::string());
                vigil.erase("_key");
                peer.erase("_key");
            }
            QCOMPARE(QString::fromStdString(vigil.dump()), QString::fromStdString(peer.dump()));
        }
    }

    // Kafka taken down under a notification: 503 with Retry-After, and read_committed sees all of a
    // notification or none of it; once Kafka is back, the FHIR server's retry is published exactly once.
    // On a local cluster of the test's own, whose one node is stopped and started on the same port.
    void kafkaDownGives503AndNothingHalfPublished()
    {
        KafkaDistribution kafka;
        try {
            kafka = KafkaDistribution::find();
        } catch (const LocalClusterError &error) {
            QSKIP(qPrintable(QStringLiteral("%1 (%2)").arg(QString::fromUtf8(error.what()), error.fix())));
        }
        QTemporaryDir data;
        LocalClusterOptions options;
        options.dataDir = data.path();
        LocalCluster cluster(kafka, options);
        cluster.open();
        ClientConfig config;
        config.setBootstrapServers(cluster.bootstrapServers());
        for (const auto &result : TopicProvisioner(config).provision())
            QVERIFY2(result.outcome != TopicProvisioner::Outcome::Failed, qPrintable(result.error));
        TestCluster own;
        own.adopt(cluster.bootstrapServers());
        {
            WebhookSettings settings;
            settings.address = QHostAddress::LocalHost;
            settings.bearerToken = Token;
            Webhook webhook(cluster.bootstrapServers(), settings, QStringLiteral("outage"));
            QVERIFY(webhook.waitUntilReady());
            const std::string before = runId().toStdString() + "-before";
            QCOMPARE(request(m_network, "POST", webhook.url(), ofThisRun("rest-hook-transaction.json", before), headers()).status,
                     200);

            cluster.stopNode(1);
            const std::string during = runId().toStdString() + "-during";
            const QByteArray notification = ofThisRun("rest-hook-transaction.json", during);
            const HttpAnswer down = request(m_network, "POST", webhook.url(), notification, headers());
            QCOMPARE(down.status, 503);
            QVERIFY(!down.retryAfter.isEmpty());
            QVERIFY(down.body.contains("OperationOutcome"));

            cluster.startNode(1);
            // The FHIR server retries until it is answered 200.
            QVERIFY(postUntilAnswered(webhook.url(), notification, 120'000));
            for (const std::string &tag : {before, during}) {
                const QList<json> found = envelopes(own, allInputTopics(), [&](const std::string &id) {
                    return QString::fromStdString(id).endsWith(QString::fromStdString('-' + tag));
                });
                QCOMPARE(found.size(), 4); // all four resources, each once
            }
        }
        cluster.release();
    }

private:
    static QList<QPair<QByteArray, QByteArray>> headers()
    {
        return {{"Content-Type", "application/fhir+json"}, {"Authorization", "Bearer " + Token}};
    }
    HttpAnswer post(const QByteArray &body) { return request(m_network, "POST", m_webhook->url(), body, headers()); }
    // As a FHIR server does: the same notification again every second until it is answered 200.
    bool postUntilAnswered(const QUrl &url, const QByteArray &body, int deadlineMs)
    {
        QDeadlineTimer deadline(deadlineMs);
        while (!deadline.hasExpired()) {
            if (request(m_network, "POST", url, body, headers(), 15'000).status == 200)
                return true;
            QTest::qWait(1000);
        }
        return false;
    }
    static quint16 freePort()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost);
        return probe.serverPort();
    }

    TestCluster m_cluster;
    QUrl m_fhirBase;
    QNetworkAccessManager m_network;
    std::unique_ptr<Webhook> m_webhook;
};

QTEST_MAIN(TestWebhookBridge)
#include "tst_webhookbridge.moc"
