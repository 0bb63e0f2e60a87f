// Schema enforcement in every worker that produces: the simulator, the evaluator's alerts, the wall's
// alert publisher, the replay's re-publish and the message browser's re-publish. Each is run against the
// embedded cluster with a catalog whose latest ADT and alert schemas demand a field Vigil never writes
// (`ward_code`, no default), so the refusal path is certain; what is refused must not reach Kafka and
// must say why. The checks themselves (which field, which words) are tst_schemaenforcer's.
#include "clinical/alert.h"
#include "base/text.h"
#include "clustertesting.h"
#include "jobs/evaluatorjob.h"
#include "jobs/alertpublisher.h"
#include "jobs/messagebrowser.h"
#include "jobs/replaysession.h"
#include "schemas/schemaenforcer.h"
#include "jobs/simulatorpublisher.h"
#include "clinical/thresholdset.h"
#include "base/topics.h"
#include "client/workerthread.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace ClusterTesting;

namespace {

const QString Adt = Text::toQString(Topics::Adt);
const QString Labs = Text::toQString(Topics::LabResults);
const QString Alerts = Text::toQString(Topics::CriticalAlerts);
const QString DeadLetters = Text::toQString(Topics::DeadLetters);

QString schemaDirectory()
{
    return QFINDTESTDATA("../../resources/schemas");
}

// The newest bundled version of a subject.
int newestVersion(const QDir &bundled, const char *subject)
{
    int version = 1;
    while (bundled.exists(QStringLiteral("%1.v%2.avsc").arg(QLatin1String(subject)).arg(version + 1)))
        ++version;
    return version;
}

// The bundled schemas plus a next version of the ADT and alert subjects that requires `ward_code`.
std::shared_ptr<const SchemaEnforcer> strictEnforcer(const QTemporaryDir &dir)
{
    const QDir bundled(schemaDirectory());
    for (const QString &file : bundled.entryList({QStringLiteral("*.avsc")}, QDir::Files))
        QFile::copy(bundled.filePath(file), dir.filePath(file));
    for (const char *subject : {"healthcare.adt.events-value", "healthcare.alerts.critical-value"}) {
        const int newest = newestVersion(bundled, subject);
        QFile current(bundled.filePath(QStringLiteral("%1.v%2.avsc").arg(QLatin1String(subject)).arg(newest)));
        if (!current.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(current.fileName()));
        nlohmann::json schema = nlohmann::json::parse(current.readAll().toStdString());
        schema["fields"].push_back({{"name", "ward_code"}, {"type", "string"}});
        QFile next(dir.filePath(QStringLiteral("%1.v%2.avsc").arg(QLatin1String(subject)).arg(newest + 1)));
        if (!next.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(next.fileName()));
        next.write(QByteArray::fromStdString(schema.dump(2)));
    }
    SchemaCatalog catalog = SchemaCatalog::fromDirectory(dir.path());
    if (!catalog.errors().isEmpty())
        qFatal("%s", qPrintable(catalog.errors().join(u'\n')));
    return std::make_shared<const SchemaEnforcer>(std::move(catalog));
}

std::shared_ptr<const SchemaEnforcer> bundledEnforcer()
{
    return std::make_shared<const SchemaEnforcer>(SchemaCatalog::fromDirectory(schemaDirectory()));
}

std::string labResult(const std::string &id, const std::string &patient, double value)
{
    const std::string subject = patient.empty() ? std::string() : R"("subject":{"reference":"Patient/)" + patient + R"("},)";
    return R"({"event_type":"lab_result","resource_type":"Observation","resource_id":")" + id + R"(","patient_id":")"
           + patient + R"(","timestamp":"2026-11-27T10:00:00Z","fhir_resource":{"resourceType":"Observation","id":")" + id
           + R"(","status":"final",)" + subject
           + R"("code":{"coding":[{"system":"http://loinc.org","code":"2823-3","display":"Potassium"}]},)"
           + R"("issued":"2026-11-27T10:00:00Z","valueQuantity":{"value":)" + std::to_string(value)
           + R"(,"unit":"mmol/L","system":"http://unitsofmeasure.org","code":"mmol/L"}}})";
}


qint64 totalHigh(const TestCluster &cluster, const QString &topic)
{
    Producer probe(cluster.config());
    qint64 total = 0;
    for (const qint64 high : highWatermarks(probe.handle(), {topic}))
        total += high;
    return total;
}

Alert potassiumAlert()
{
    Alert alert;
    alert.alertId = "enforced-" + runId().toStdString();
    alert.patientId = "pat-enforced";
    alert.observationId = "obs-enforced";
    alert.loinc = "2823-3";
    alert.display = "Potassium";
    alert.value = 6.9;
    alert.unit = "mmol/L";
    alert.limit = 6.2;
    alert.issued = "2026-11-27T10:00:00Z";
    alert.evaluatedAtMs = QDateTime::currentMSecsSinceEpoch();
    return alert;
}

} // namespace

class TestSchemaEnforcement final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!schemaDirectory().isEmpty(), "resources/schemas not found beside the tests");
        QVERIFY(m_dir.isValid());
        m_strict = strictEnforcer(m_dir);
        QVERIFY(m_strict->catalog().find(QStringLiteral("healthcare.alerts.critical-value"),
                                         newestVersion(QDir(schemaDirectory()), "healthcare.alerts.critical-value") + 1));
    }

    // Each test on a cluster of its own: the simulator's lab results must not reach the evaluator's test.
    void init()
    {
        m_cluster = std::make_unique<TestCluster>();
        bool skip = false;
        QVERIFY2(m_cluster->open(QStringLiteral("embedded"), &skip).isEmpty(), "the embedded cluster did not start");
    }
    void cleanup() { m_cluster.reset(); }

    void simulatorSendsNothingItsSchemasRefuse()
    {
        const qint64 adtBefore = totalHigh(*m_cluster, Adt);
        const qint64 labsBefore = totalHigh(*m_cluster, Labs);
        SimulatorSettings settings;
        settings.config = m_cluster->config();
        settings.seed = 11;
        settings.eventsPerMinute = 60'000;
        settings.beds = 40;
        settings.enforcer = m_strict;
        auto *simulator = new SimulatorPublisher(settings);
        QList<ClientError> errors;
        SimulatorCounters counters;
        QObject context;
        connect(simulator, &SimulatorPublisher::published, &context, [&](const SimulatorCounters &c) { counters = c; });
        connect(simulator, &KafkaWorker::errorOccurred, &context, [&](const ClientError &e) { errors.append(e); });
        {
            WorkerThread thread(simulator, QStringLiteral("simulated hospital"));
            QTRY_VERIFY_WITH_TIMEOUT(counters.eventsRefused > 0 && counters.eventsPublished > 200, 30'000);
        }
        QVERIFY(!errors.isEmpty());
        const ClientError &error = errors.first();
        QVERIFY(!error.fatal);
        QVERIFY2(error.message.contains(QStringLiteral("`ward_code` is missing")), qPrintable(error.message));
        QVERIFY2(error.message.contains(QStringLiteral("not sent")), qPrintable(error.message));
        QCOMPARE(totalHigh(*m_cluster, Adt), adtBefore); // not one ADT event, nor a transaction marker
        QVERIFY(totalHigh(*m_cluster, Labs) > labsBefore);
    }

    void evaluatorDeadLettersTheResultOfARefusedAlert()
    {
        Producer producer(m_cluster->config());
        producer.produce(std::string(Topics::LabResults), "pat-ev", labResult("obs-ev", "pat-ev", 6.9));
        QCOMPARE(producer.flush(10'000), 0);

        EvaluatorSettings settings;
        settings.config = m_cluster->config();
        settings.thresholds = ThresholdSet::fromJson(
            R"({"name":"Test set","version":1,"rules":[{"loinc":["2823-3"],"display":"Potassium","unit":"mmol/L","low":2.8,"high":6.2}]})");
        settings.groupId = QStringLiteral("vigil-evaluator-enforcement");
        settings.instance = QStringLiteral("enforcement");
        settings.enforcer = m_strict;
        auto *job = new EvaluatorJob(settings);
        EvaluatorReport report;
        QObject context;
        connect(job, &EvaluatorJob::batchCommitted, &context, [&](const EvaluatorReport &r) {
            if (r.deadLetters > 0)
                report = r;
        });
        {
            WorkerThread thread(job, QStringLiteral("evaluator"));
            QTRY_VERIFY_WITH_TIMEOUT(report.deadLetters > 0, 30'000);
        }
        QCOMPARE(report.alerts, 0);
        QCOMPARE(report.processed, 1);
        QCOMPARE(report.deadLetterEntries.first().reason, QStringLiteral("alert-refused"));

        QVERIFY(readTopic(*m_cluster, Alerts).isEmpty());
        const QList<KafkaRecord> dead = readTopic(*m_cluster, DeadLetters);
        QCOMPARE(dead.size(), 1);
        QCOMPARE(header(dead.first(), "vigil.dlq.reason"), QByteArray("alert-refused"));
        QVERIFY2(header(dead.first(), "vigil.dlq.message").contains("`ward_code` is missing"),
                 header(dead.first(), "vigil.dlq.message").constData());
        QCOMPARE(dead.first().key, QByteArray("pat-ev")); // the lab result itself waits there
    }

    void alertPublisherRefusesWhatTheSchemaRefuses_data()
    {
        QTest::addColumn<bool>("strict");
        QTest::newRow("alert schema demands ward_code") << true;
        QTest::newRow("bundled alert schema") << false;
    }
    void alertPublisherRefusesWhatTheSchemaRefuses()
    {
        QFETCH(bool, strict);
        const qint64 before = totalHigh(*m_cluster, Alerts);
        auto *publisher = new AlertPublisher(m_cluster->config(), std::string(Topics::CriticalAlerts), strict ? m_strict : bundledEnforcer());
        std::optional<std::pair<bool, QString>> outcome;
        QObject context;
        connect(publisher, &AlertPublisher::published, &context,
                [&](const QString &, bool ok, const QString &why) { outcome.emplace(ok, why); });
        WorkerThread thread(publisher, QStringLiteral("alert publisher"));
        const Alert alert = potassiumAlert();
        QMetaObject::invokeMethod(publisher, [publisher, alert] { publisher->publish(alert); }, Qt::QueuedConnection);
        QTRY_VERIFY_WITH_TIMEOUT(outcome, 20'000);
        const auto [ok, why] = *outcome;
        QCOMPARE(ok, !strict);
        QCOMPARE(totalHigh(*m_cluster, Alerts), before + (strict ? 0 : 1));
        if (strict)
            QVERIFY2(why.contains(QStringLiteral("not sent")) && why.contains(QStringLiteral("`ward_code`")), qPrintable(why));
    }

    void replayRepublishSkipsWhatTheTargetSchemaRefuses()
    {
        const QString source = QStringLiteral("vigil.test.enforcement.source.%1").arg(runId());
        m_cluster->createTopic(source, 1);
        Producer producer(m_cluster->config());
        producer.produce(source.toStdString(), "pat-a", labResult("obs-a", "pat-a", 4.1));
        producer.produce(source.toStdString(), "nobody", labResult("obs-b", "", 4.2));
        producer.produce(source.toStdString(), "pat-c", labResult("obs-c", "pat-c", 4.3));
        QCOMPARE(producer.flush(10'000), 0);
        const int labsBefore = int(readTopic(*m_cluster, Labs).size());

        ReplayRequest request;
        request.range.topics = {source};
        request.mode = ReplayMode::Republish;
        request.targetTopic = Labs;
        KafkaReplayControl control(m_cluster->config(), bundledEnforcer());
        QSignalSpy finished(&control, &ReplayControl::finished);
        control.start(request);
        QVERIFY(finished.wait(60'000));
        const auto result = finished.first().first().value<ReplayResult>();
        QCOMPARE(result.status, ReplayResult::Status::Completed);
        QCOMPARE(result.perTarget.value(Labs), 2);
        QCOMPARE(result.skipped.size(), 1);
        QVERIFY2(result.skipped.firstKey().contains(QStringLiteral("names no patient")), qPrintable(result.skipped.firstKey()));
        QCOMPARE(result.skipped.first(), 1);
        QVERIFY2(result.message.contains(QStringLiteral("names no patient")), qPrintable(result.message));
        QCOMPARE(readTopic(*m_cluster, Labs).size(), labsBefore + 2);
    }

    void browserRepublishRefusesWhatTheTargetSchemaRefuses()
    {
        BrowserSettings settings;
        settings.config = m_cluster->config();
        settings.enforcer = bundledEnforcer();
        auto *browser = new MessageBrowser(settings);
        std::optional<ProduceResult> result;
        QObject context;
        connect(browser, &MessageBrowser::produced, &context, [&](const ProduceResult &r) { result = r; });
        WorkerThread thread(browser, QStringLiteral("message browser"));
        BrowsedMessage message;
        message.record.topic = QStringLiteral("elsewhere");
        message.record.key = "nobody";
        message.record.value = QByteArray::fromStdString(labResult("obs-x", "", 4.0));
        const qint64 before = totalHigh(*m_cluster, Labs);
        QMetaObject::invokeMethod(browser, [browser, message] { browser->republish(message, Labs); }, Qt::QueuedConnection);
        QTRY_VERIFY_WITH_TIMEOUT(result, 20'000);
        QVERIFY2(result->error.contains(QStringLiteral("schema refuses it")) && result->error.contains(QStringLiteral("names no patient")),
                 qPrintable(result->error));
        QCOMPARE(totalHigh(*m_cluster, Labs), before);
    }

private:
    QTemporaryDir m_dir;
    std::shared_ptr<const SchemaEnforcer> m_strict;
    std::unique_ptr<TestCluster> m_cluster;
};

QTEST_GUILESS_MAIN(TestSchemaEnforcement)
#include "tst_schemaenforcement.moc"
