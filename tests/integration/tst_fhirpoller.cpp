// The FHIR REST poller against the FhirServer fixture's HAPI FHIR server (a real FHIR server, in
// memory) and the RealKafka fixture's broker: incremental sync by _lastUpdated over many pages, the
// cursor in Kafka with the events it covers, a `vigil ingest --poll` killed mid-sync and restarted,
// resources updated during a sync, a server that throttles or ignores _sort.
// The tests poll Conditions, which no other test writes.
#include "ingesttesting.h"

#include "base/topics.h"
#include "client/workerthread.h"
#include "jobs/ingestpublisher.h"
#include "network/fhirpoller.h"

#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QSignalSpy>

#include <csignal>
#include <set>

using namespace ClusterTesting;
using namespace IngestTesting;

namespace {

json condition(const std::string &patient, int i)
{
    return {{"resourceType", "Condition"},
            {"clinicalStatus", {{"coding", {{{"system", "http://terminology.hl7.org/CodeSystem/condition-clinical"},
                                              {"code", "active"}}}}}},
            {"code", {{"text", "condition " + std::to_string(i)}}},
            {"subject", {{"reference", "Patient/" + patient}}}};
}

// Stores `count` Conditions of `patient` in transaction Bundles of 100; returns their ids.
std::vector<std::string> storeConditions(QNetworkAccessManager &network, const QUrl &base, const std::string &patient, int count)
{
    std::vector<std::string> ids;
    for (int first = 0; first < count; first += 100) {
        json bundle = {{"resourceType", "Bundle"}, {"type", "transaction"}, {"entry", json::array()}};
        for (int i = first; i < std::min(count, first + 100); ++i)
            bundle["entry"].push_back({{"resource", condition(patient, i)}, {"request", {{"method", "POST"}, {"url", "Condition"}}}});
        const HttpAnswer answer = request(network, "POST", base, QByteArray::fromStdString(bundle.dump()),
                                          {{"Content-Type", "application/fhir+json"}});
        if (answer.status != 200)
            throw std::runtime_error("transaction refused: " + answer.body.left(300).toStdString());
        const json response = json::parse(answer.body.toStdString());
        for (const json &entry : response["entry"]) {
            const std::string location = entry["response"]["location"].get<std::string>(); // …Condition/12/_history/1
            const std::size_t at = location.find("Condition/") + 10;
            ids.push_back(location.substr(at, location.find('/', at) - at));
        }
    }
    return ids;
}

// How often each "id/_history/version" of `patient`'s Conditions is on healthcare.fhir.other, read
// (read_committed) until `expected` of them arrived or the deadline passed, and a moment more.
// (Not read to the high watermark: librdkafka 2.0 reports no end of a partition whose last records
// are an aborted transaction's, as the killed poller leaves.)
std::map<std::string, int> publishedVersions(const TestCluster &cluster, const std::string &patient, int expected,
                                             int deadlineMs = 60'000)
{
    const QByteArray mark = QByteArray::fromStdString("\"patient_id\":\"" + patient + '"');
    const QList<KafkaRecord> records = readCommitted(cluster.bootstrap(), {QStringLiteral("healthcare.fhir.other")},
                                                     expected, deadlineMs, 1500,
                                                     [&](const KafkaRecord &record) { return record.value.contains(mark); });
    std::map<std::string, int> versions;
    for (const KafkaRecord &record : records) {
        const json envelope = json::parse(record.value.toStdString());
        ++versions[envelope["resource_id"].get<std::string>() + "/_history/"
                   + envelope["fhir_resource"]["meta"]["versionId"].get<std::string>()];
    }
    return versions;
}

// Counts the records of `patient` as they are committed, from now on.
class Arrivals {
public:
    Arrivals(const TestCluster &cluster, const std::string &patient)
        : m_consumer(consumerConfig(cluster, "arrivals-" + runId(), "read_committed")),
          m_mark(QByteArray::fromStdString("\"patient_id\":\"" + patient + '"'))
    {
        Producer probe(cluster.config());
        assignFrom(m_consumer, highWatermarks(probe.handle(), {QStringLiteral("healthcare.fhir.other")}));
    }
    // Waits until `count` arrived; false at the deadline.
    bool waitFor(int count, int deadlineMs)
    {
        QDeadlineTimer deadline(deadlineMs);
        while (m_count < count && !deadline.hasExpired()) {
            RdMessagePtr message = m_consumer.poll(20);
            if (message && !message->err && message->payload
                && QByteArray::fromRawData(static_cast<const char *>(message->payload), qsizetype(message->len)).contains(m_mark))
                ++m_count;
        }
        return m_count >= count;
    }

private:
    Consumer m_consumer;
    QByteArray m_mark;
    int m_count = 0;
};

QString exactlyOnce(const std::map<std::string, int> &versions, const std::set<std::string> &expected)
{
    QStringList problems;
    for (const std::string &version : expected) {
        const auto it = versions.find(version);
        const int times = it == versions.end() ? 0 : it->second;
        if (times != 1)
            problems << QStringLiteral("%1 published %2 times").arg(QString::fromStdString(version)).arg(times);
    }
    for (const auto &[version, times] : versions) {
        if (!expected.count(version))
            problems << QStringLiteral("%1 was not expected").arg(QString::fromStdString(version));
    }
    return problems.mid(0, 10).join(QStringLiteral("; ")) + (problems.size() > 10 ? QStringLiteral("; ...") : QString());
}

// A poller and its publisher in this process, as `vigil ingest --poll` wires them.
class Poller {
public:
    Poller(const QString &bootstrap, PollerSettings settings) : m_poller(std::move(settings))
    {
        ClientConfig config;
        config.setBootstrapServers(bootstrap);
        auto *publisher = new IngestPublisher(config, "vigil-ingest-test-poll-" + runId());
        publisher->readCursorsOf(m_poller.cursorBase(), std::string(Topics::IngestCursors));
        QObject::connect(&m_poller, &FhirPoller::batchReady, publisher, &IngestPublisher::publish);
        QObject::connect(publisher, &IngestPublisher::outcome, &m_poller, &FhirPoller::takeOutcome);
        QObject::connect(publisher, &IngestPublisher::cursorsRead, &m_poller, &FhirPoller::start);
        QObject::connect(&m_poller, &FhirPoller::statusesChanged, &m_poller, [this](const IngestStatuses &rows) { m_rows = rows; });
        QObject::connect(&m_poller, &FhirPoller::roundFinished, &m_poller, [this](int round) { m_rounds = round; });
        m_thread = std::make_unique<WorkerThread>(publisher, QStringLiteral("poller publisher"));
    }
    ~Poller() { m_thread->stop(); }
    // Waits for a round that starts after now and reads every page to the end.
    bool waitForCleanRound(int deadlineMs)
    {
        const int after = m_rounds + 1;
        return QTest::qWaitFor([&] { return m_rounds > after; }, deadlineMs);
    }
    // The row as the console shows it now (rows come coalesced: QTRY_* on it).
    IngestSourceStatus row() const { return m_rows.value(0); }

private:
    FhirPoller m_poller;
    std::unique_ptr<WorkerThread> m_thread;
    IngestStatuses m_rows;
    int m_rounds = 0;
};

} // namespace

class TestFhirPoller final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (!openRealCluster(m_cluster))
            return;
        m_base = fhirServerBase();
        if (m_base.isEmpty())
            QSKIP("no FHIR server: the FhirServer fixture did not start (java, javac or mvn missing?)");
        m_settings.server.base = m_base;
        m_settings.types = {QStringLiteral("Condition")};
        m_settings.everyMs = 300;
        m_settings.pageSize = 100;
    }

    void aThousandResourcesOverTenPagesArePublishedOnce()
    {
        const std::string patient = "MRN-poll-" + runId().toStdString();
        const std::vector<std::string> ids = storeConditions(m_network, m_base, patient, 1000);
        std::set<std::string> expected;
        for (const std::string &id : ids)
            expected.insert(id + "/_history/1");
        Poller poller(m_cluster.bootstrap(), m_settings);
        QVERIFY2(poller.waitForCleanRound(120'000), "the poller did not finish a round within 120 s");
        const std::map<std::string, int> versions = publishedVersions(m_cluster, patient, 1000);
        QVERIFY2(versions.size() == 1000 && exactlyOnce(versions, expected).isEmpty(), qPrintable(exactlyOnce(versions, expected)));
        QTRY_VERIFY(poller.row().events >= 1000);
        QVERIFY2(poller.row().lastError.isEmpty(), qPrintable(poller.row().lastError));
        // Each envelope as the seed's: a Condition has a patient but no topic of its own.
        const QList<json> one = envelopes(m_cluster, {QStringLiteral("healthcare.fhir.other")},
                                          [&](const std::string &id) { return id == ids.front(); });
        QCOMPARE(one.size(), 1);
        QCOMPARE(one.front()["_key"].get<std::string>(), patient);
        QCOMPARE(one.front()["event_type"].get<std::string>(), std::string("create"));
    }

    // `vigil ingest --poll` killed (SIGKILL) in the middle of a sync and started again: every
    // resource version on its topic exactly once; resources updated during the sync are
    // picked up by a later round, once per version.
    void killedMidSyncAndRestartedLosesAndRepeatsNothing()
    {
        const std::string patient = "MRN-kill-" + runId().toStdString();
        const std::vector<std::string> ids = storeConditions(m_network, m_base, patient, 1000);
        std::set<std::string> expected;
        for (const std::string &id : ids)
            expected.insert(id + "/_history/1");
        // One resource per page: a thousand transactions, so that the kill lands in the middle.
        const QStringList arguments = {QStringLiteral("ingest"), QStringLiteral("--poll"), m_base.toString(),
                                       QStringLiteral("--types"), QStringLiteral("Condition"), QStringLiteral("--page-size"),
                                       QStringLiteral("1"), QStringLiteral("--every"), QStringLiteral("500ms"),
                                       QStringLiteral("--bootstrap"), m_cluster.bootstrap()};
        Arrivals arrivals(m_cluster, patient);
        QProcess first;
        first.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        first.start(QStringLiteral(VIGIL_BINARY_DIR "/vigil"), arguments);
        QVERIFY(first.waitForStarted());
        QVERIFY2(arrivals.waitFor(100, 120'000), "the poller published nothing within 120 s");
        ::kill(pid_t(first.processId()), SIGKILL);
        QVERIFY(first.waitForFinished(10'000));
        const std::map<std::string, int> before = publishedVersions(m_cluster, patient, 1000, 3000);
        QVERIFY2(before.size() < 1000, "the sync ended before it could be killed: nothing was proven");
        // Updated while the poller is away: version 2 of ten it had published (a version replaced
        // before a poller reads it is never seen by one; a search returns the current version).
        int updated = 0;
        for (auto it = before.begin(); it != before.end() && updated < 10; ++it, ++updated) {
            const std::string id = it->first.substr(0, it->first.find('/'));
            json update = condition(patient, updated);
            update["id"] = id;
            store(m_network, m_base, update);
            expected.insert(id + "/_history/2");
        }
        QProcess second;
        second.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        second.start(QStringLiteral(VIGIL_BINARY_DIR "/vigil"), arguments);
        QVERIFY(second.waitForStarted());
        const std::map<std::string, int> versions = publishedVersions(m_cluster, patient, int(expected.size()), 120'000);
        second.terminate();
        QVERIFY(second.waitForFinished(15'000));
        QVERIFY2(exactlyOnce(versions, expected).isEmpty(), qPrintable(exactlyOnce(versions, expected)));
    }

    void aThrottlingServerIsWaitedForAsItAsks()
    {
        const std::string patient = "MRN-429-" + runId().toStdString();
        Poller poller(m_cluster.bootstrap(), m_settings);
        QVERIFY(poller.waitForCleanRound(60'000)); // caught up with what earlier tests stored
        const std::vector<std::string> ids = storeConditions(m_network, m_base, patient, 150);
        QCOMPARE(control("throttle?count=2&retryAfter=1"), 200);
        QVERIFY(poller.waitForCleanRound(60'000));
        QTRY_VERIFY2(poller.row().errors >= 2, qPrintable(QString::number(poller.row().errors)));
        QVERIFY2(poller.row().lastError.contains(u"429"), qPrintable(poller.row().lastError));
        std::set<std::string> expected;
        for (const std::string &id : ids)
            expected.insert(id + "/_history/1");
        const auto versions = publishedVersions(m_cluster, patient, int(expected.size()));
        QVERIFY2(exactlyOnce(versions, expected).isEmpty(), qPrintable(exactlyOnce(versions, expected)));
    }

    void aServerThatIgnoresSortIsSaid()
    {
        Poller poller(m_cluster.bootstrap(), m_settings);
        QVERIFY(poller.waitForCleanRound(60'000));
        const std::string patient = "MRN-unsorted-" + runId().toStdString();
        const std::vector<std::string> ids = storeConditions(m_network, m_base, patient, 120);
        QCOMPARE(control("ignore-sort?mode=reverse"), 200);
        QVERIFY(poller.waitForCleanRound(60'000));
        QCOMPARE(control("reset"), 200);
        QTRY_VERIFY2(poller.row().lastError.contains(u"ignores _sort"), qPrintable(poller.row().lastError));
        std::set<std::string> expected; // still each once: the cursor waited for the round's end
        for (const std::string &id : ids)
            expected.insert(id + "/_history/1");
        const auto versions = publishedVersions(m_cluster, patient, int(expected.size()));
        QVERIFY2(exactlyOnce(versions, expected).isEmpty(), qPrintable(exactlyOnce(versions, expected)));
    }

    // A server that asks for a bearer token: refused without it (said with its 401), read with it.
    void aServerThatAsksForATokenGetsIt()
    {
        QTemporaryDir dir;
        QProcess start;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("FHIR_BEARER_TOKEN"), QStringLiteral("ehr-secret"));
        environment.insert(QStringLiteral("FHIR_RESOURCE_TYPES"), QStringLiteral("Condition"));
        start.setProcessEnvironment(environment);
        start.setProcessChannelMode(QProcess::ForwardedChannels);
        start.start(QStringLiteral("bash"), {QFINDTESTDATA("../fhirserver/start-fhirserver"), dir.path()});
        QVERIFY(start.waitForFinished(120'000));
        QCOMPARE(start.exitCode(), 0);
        const auto stop = qScopeGuard([&] {
            QProcess::execute(QStringLiteral("bash"), {QFINDTESTDATA("../fhirserver/stop-fhirserver"), dir.path()});
        });
        QFile baseFile(dir.filePath(QStringLiteral("baseurl")));
        QVERIFY(baseFile.open(QIODevice::ReadOnly));
        const QUrl base(QString::fromUtf8(baseFile.readAll()).trimmed());
        const std::string patient = "MRN-token-" + runId().toStdString();
        json one = condition(patient, 0);
        const HttpAnswer stored = request(m_network, "POST", under(base, QStringLiteral("Condition")),
                                          QByteArray::fromStdString(one.dump()),
                                          {{"Content-Type", "application/fhir+json"}, {"Authorization", "Bearer ehr-secret"}});
        QCOMPARE(stored.status, 201);

        PollerSettings settings = m_settings;
        settings.server.base = base;
        {
            Poller without(m_cluster.bootstrap(), settings);
            QTRY_VERIFY_WITH_TIMEOUT(without.row().lastError.contains(u"401"), 30'000);
        }
        settings.server.authorization = FhirServerAccess::bearer(QStringLiteral("ehr-secret"));
        Poller with(m_cluster.bootstrap(), settings);
        QVERIFY(with.waitForCleanRound(60'000));
        QCOMPARE(publishedVersions(m_cluster, patient, 1).size(), std::size_t(1));
    }

private:
    int control(const char *what)
    {
        QUrl url = m_base;
        url.setPath(QStringLiteral("/control/") + QString::fromLatin1(what).section(u'?', 0, 0));
        url.setQuery(QString::fromLatin1(what).section(u'?', 1));
        return request(m_network, "POST", url, QByteArray()).status;
    }

    TestCluster m_cluster;
    QUrl m_base;
    PollerSettings m_settings;
    QNetworkAccessManager m_network;
};

QTEST_MAIN(TestFhirPoller)
#include "tst_fhirpoller.moc"
