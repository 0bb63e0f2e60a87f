// No record may stop critical-value alerting: an input as large as the cluster accepts, one too large
// to copy to labs.processed, one with a 1 MB key, then ordinary critical results on the same key —
// every one alerts, every input leaves exactly once (processed or dlq), and the evaluator keeps
// running without spinning. Rows on the embedded cluster and on the real broker of the RealKafka
// fixture; the topics are this run's own (EvaluatorTopics), so other tests' records never mix in.
#include "clustertesting.h"
#include "base/text.h"

#include "clinical/criticalvalueevaluator.h"
#include "jobs/evaluatorjob.h"
#include "clinical/thresholdset.h"
#include "client/workerthread.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

using namespace ClusterTesting;

namespace {

const char *thresholdsJson =
    R"({"name":"Test set","version":1,"rules":[{"loinc":["2823-3"],"display":"Potassium","unit":"mmol/L","low":2.8,"high":6.2}]})";

// A critical potassium result whose whole value is `totalBytes` long (padded with a note).
QByteArray potassium(const QString &id, const QString &patient, double value, qsizetype totalBytes = 0)
{
    const QString head = QStringLiteral(R"({"resourceType":"Observation","id":"%1","status":"final",)"
                                        R"("subject":{"reference":"Patient/%2"},)"
                                        R"("code":{"coding":[{"system":"http://loinc.org","code":"2823-3"}]},)"
                                        R"("issued":"2026-01-01T10:00:00Z",)"
                                        R"("valueQuantity":{"value":%3,"system":"http://unitsofmeasure.org","code":"mmol/L"})")
                             .arg(id, patient)
                             .arg(value);
    QByteArray json = head.toUtf8();
    if (totalBytes > 0) {
        const QByteArray prefix = R"(,"note":")";
        json += prefix + QByteArray(qMax<qsizetype>(0, totalBytes - json.size() - prefix.size() - 2), 'x') + "\"";
    }
    return json + "}";
}

struct Outputs {
    QList<KafkaRecord> processed, deadLetters, alerts;
};

struct Run {
    QString input, processed, alerts, deadLetters;
};

Run topicsOfThisRun(TestCluster &cluster, const QString &name, const QMap<QString, QString> &processedConfigs = {})
{
    const QString prefix = "alerting-" + name + "-" + runId() + ".";
    Run run{prefix + "labs", prefix + "processed", prefix + "alerts", prefix + "dlq"};
    cluster.createTopic(run.input, 2);
    cluster.createTopic(run.processed, 2, processedConfigs);
    cluster.createTopic(run.alerts, 2);
    cluster.createTopic(run.deadLetters, 1);
    return run;
}

EvaluatorSettings settingsFor(const TestCluster &cluster, const Run &run)
{
    EvaluatorSettings settings;
    settings.config = cluster.config();
    settings.topics = {run.input.toStdString(), run.processed.toStdString(), run.alerts.toStdString(),
                       run.deadLetters.toStdString()};
    settings.groupId = run.input + ".group";
    settings.instance = run.input + ".txn";
    settings.thresholds = ThresholdSet::fromJson(thresholdsJson);
    return settings;
}

// Runs an evaluator until it has evaluated `expected` records; fails on a fatal error.
struct RunningEvaluator {
    QList<EvaluatorReport> reports;
    QList<ClientError> errors;
    QList<EvaluatorStatus> statuses;
    QObject context;
    std::unique_ptr<WorkerThread> thread;

    explicit RunningEvaluator(const EvaluatorSettings &settings)
    {
        auto *job = new EvaluatorJob(settings);
        QObject::connect(job, &EvaluatorJob::batchCommitted, &context, [this](const EvaluatorReport &r) { reports.append(r); });
        QObject::connect(job, &KafkaWorker::errorOccurred, &context, [this](const ClientError &e) { errors.append(e); });
        QObject::connect(job, &EvaluatorJob::statusChanged, &context, [this](const EvaluatorStatus &s) { statuses.append(s); });
        thread = std::make_unique<WorkerThread>(job, QStringLiteral("evaluator"));
    }
    int evaluated() const
    {
        int n = 0;
        for (const auto &r : reports)
            n += r.records;
        return n;
    }
    bool stopped() const
    {
        return std::any_of(statuses.begin(), statuses.end(),
                           [](const EvaluatorStatus &s) { return s.state == EvaluatorStatus::State::Stopped; });
    }
    qint64 aborted() const { return statuses.isEmpty() ? 0 : statuses.last().abortedTransactions; }
};

QString sourceOf(const KafkaRecord &record)
{
    return QString::fromUtf8(header(record, "vigil.source.partition")) + '@' + QString::fromUtf8(header(record, "vigil.source.offset"));
}

} // namespace

class TestAlertingNeverStops final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void oversizedRecordsStillAlert_data()
    {
        QTest::addColumn<QString>("cluster_kind");
        QTest::newRow("embedded") << QStringLiteral("embedded");
        QTest::newRow("real") << QStringLiteral("real");
    }

    void oversizedRecordsStillAlert()
    {
        TestCluster cluster;
        if (!openRowCluster(cluster, QStringLiteral("EvaluatorJob, librdkafka producer and reader")))
            return;
        const Run run = topicsOfThisRun(cluster, QStringLiteral("big"));

        // The largest record a broker takes by default (message.max.bytes 1,048,588) less its
        // framing: it fits labs.results, but not labs.processed once Vigil's headers are added.
        const QByteArray key = "patient-big-" + runId().toUtf8();
        const QList<QPair<QByteArray, QByteArray>> inputs = [&] {
            QList<QPair<QByteArray, QByteArray>> list;
            list.append({key, potassium("big-1", QString::fromUtf8(key), 6.7, 1'000'300)});
            list.append({key, potassium("big-2", QString::fromUtf8(key), 6.8, 1'048'588 - 61 - 40 - key.size() - 100)});
            list.append({QByteArray(1'000'000, 'k'), potassium("big-key", QString::fromUtf8(key), 6.9)});
            for (int i = 0; i < 20; ++i)
                list.append({key, potassium(QStringLiteral("ordinary-%1").arg(i), QString::fromUtf8(key), 6.5 + i * 0.01)});
            return list;
        }();
        {
            ClientConfig config = cluster.config();
            config.set("message.max.bytes", "2000000"); // librdkafka's own default would refuse the first
            Producer producer(config);
            for (const auto &[k, v] : inputs)
                producer.produce(run.input.toStdString(), Text::view(k), Text::view(v));
            QCOMPARE(producer.flush(30'000), 0);
            QCOMPARE(producer.deliveries().failed, 0);
        }

        RunningEvaluator evaluator(settingsFor(cluster, run));
        QTRY_COMPARE_WITH_TIMEOUT(evaluator.evaluated(), int(inputs.size()), 90'000);
        // One more, after the big ones: the partition moved on, and the evaluator is still evaluating.
        {
            Producer producer(cluster.config());
            const QByteArray last = potassium("after", QString::fromUtf8(key), 7.0);
            producer.produce(run.input.toStdString(), Text::view(key), Text::view(last));
            QCOMPARE(producer.flush(10'000), 0);
        }
        QTRY_COMPARE_WITH_TIMEOUT(evaluator.evaluated(), int(inputs.size()) + 1, 60'000);
        QVERIFY(!evaluator.stopped());
        // Not spinning: no more than a handful of transactions were ever aborted.
        QVERIFY2(evaluator.aborted() <= 3, qPrintable(QString::number(evaluator.aborted())));
        QVERIFY(evaluator.thread->stop());

        const QList<KafkaRecord> processed = readTopic(cluster, run.processed);
        const QList<KafkaRecord> deadLetters = readTopic(cluster, run.deadLetters);
        const QList<KafkaRecord> alerts = readTopic(cluster, run.alerts);

        // Exactly once across processed and dlq.
        QSet<QString> seen;
        for (const auto &record : processed + deadLetters) {
            const QString source = sourceOf(record);
            QVERIFY2(!seen.contains(source), qPrintable("twice: " + source));
            seen.insert(source);
        }
        QCOMPARE(seen.size(), int(inputs.size()) + 1);
        QVERIFY2(deadLetters.isEmpty(), "every input here parses and fits processed as a copy or a stub");

        // The one too large to copy stands in processed as a stub that names it.
        const QByteArray big2 = inputs[1].second;
        int stubs = 0;
        for (const auto &record : processed) {
            if (header(record, "vigil.stub").isEmpty()) {
                QVERIFY(record.value.size() < 1'048'588);
                continue;
            }
            ++stubs;
            QCOMPARE(header(record, "vigil.stub"), QByteArray("too-large"));
            QCOMPARE(header(record, "vigil.verdict"), QByteArray("critical-high"));
            QCOMPARE(header(record, "vigil.original.sha256"), QCryptographicHash::hash(big2, QCryptographicHash::Sha256).toHex());
            const QJsonObject stub = QJsonDocument::fromJson(record.value).object();
            QCOMPARE(stub.value("value_bytes").toInteger(), big2.size());
            QCOMPARE(stub.value("observation_id").toString(), QString("big-2"));
            QCOMPARE(record.key, key);
        }
        QCOMPARE(stubs, 1);

        // Every critical value alerted, once each.
        QMap<QString, int> alertsPerObservation;
        for (const auto &record : alerts)
            ++alertsPerObservation[QJsonDocument::fromJson(record.value).object().value("observation_id").toString()];
        QCOMPARE(alertsPerObservation.size(), int(inputs.size()) + 1);
        for (auto it = alertsPerObservation.begin(); it != alertsPerObservation.end(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(it.key()));
        QVERIFY(alertsPerObservation.contains("big-1"));
        QVERIFY(alertsPerObservation.contains("big-2"));
        QVERIFY(alertsPerObservation.contains("big-key"));
    }

    // A labs.processed that takes almost nothing: what cannot even be stubbed there goes to the dlq,
    // and the partition moves on. Real broker only: the embedded cluster cannot be told topic configs.
    void recordThatCannotBeStubbedIsDeadLettered()
    {
        TestCluster cluster;
        if (!openRealCluster(cluster))
            return;
        const Run run = topicsOfThisRun(cluster, QStringLiteral("tiny"), {{"max.message.bytes", "600"}});
        const QByteArray key = "patient-tiny-" + runId().toUtf8();
        QList<QByteArray> values{potassium("tiny-big", QString::fromUtf8(key), 6.9, 5000)};
        for (int i = 0; i < 5; ++i)
            values.append(potassium(QStringLiteral("tiny-%1").arg(i), QString::fromUtf8(key), 6.6));
        {
            Producer producer(cluster.config());
            for (const auto &v : values)
                producer.produce(run.input.toStdString(), Text::view(key), Text::view(v));
            QCOMPARE(producer.flush(10'000), 0);
        }
        RunningEvaluator evaluator(settingsFor(cluster, run));
        QTRY_COMPARE_WITH_TIMEOUT(evaluator.evaluated(), int(values.size()), 90'000);
        QVERIFY(!evaluator.stopped());
        QVERIFY(evaluator.thread->stop());

        const QList<KafkaRecord> processed = readTopic(cluster, run.processed);
        const QList<KafkaRecord> deadLetters = readTopic(cluster, run.deadLetters);
        QSet<QString> seen;
        for (const auto &record : processed + deadLetters) {
            QVERIFY2(!seen.contains(sourceOf(record)), qPrintable(sourceOf(record)));
            seen.insert(sourceOf(record));
        }
        QCOMPARE(seen.size(), int(values.size()));
        // The 5 kB one: neither copy nor stub fits 600 bytes, so it is a dead letter, as a whole copy.
        const auto big = std::find_if(deadLetters.begin(), deadLetters.end(),
                                      [](const KafkaRecord &r) { return r.value.contains("tiny-big"); });
        QVERIFY(big != deadLetters.end());
        QCOMPARE(header(*big, "vigil.dlq.reason"), QByteArray("too-large"));
        // Its critical value alerted all the same, as did every other.
        QCOMPARE(readTopic(cluster, run.alerts).size(), int(values.size()));
    }

    // `vigil evaluate` whose transactional id another producer took over: it cannot go on, so the
    // process ends with status 1 and says why, for a supervisor to restart it.
    void fencedHeadlessEvaluatorExits_data()
    {
        QTest::addColumn<QString>("cluster_kind");
        QTest::newRow("real") << QStringLiteral("real");
    }

    void fencedHeadlessEvaluatorExits()
    {
        TestCluster cluster;
        if (!openRowCluster(cluster, QStringLiteral("vigil evaluate, a librdkafka transactional producer")))
            return;
        QProcess evaluator;
        const QString instance = "fence-" + runId();
        evaluator.start(QStringLiteral(VIGIL_BINARY_DIR "/vigil"), {"evaluate", "--bootstrap", cluster.bootstrap(), "--instance", instance});
        QVERIFY(evaluator.waitForStarted());
        Producer producer(cluster.config());
        const QByteArray result = potassium("fence-" + runId(), "fence-" + runId(), 4.2);
        // A producer with the evaluator's transactional id fences it; a result makes it try a transaction.
        // Repeated, since the first may come before the evaluator's own initTransactions.
        ClientConfig fencing = cluster.config();
        fencing.set("transactional.id", "vigil-evaluator-" + instance);
        QDeadlineTimer deadline(90'000);
        while (evaluator.state() == QProcess::Running && !deadline.hasExpired()) {
            {
                Producer fencer(fencing);
                fencer.initTransactions(30'000);
            }
            producer.produce(std::string(Topics::LabResults), "fence", Text::view(result));
            producer.flush(5000);
            evaluator.waitForFinished(2000);
        }
        QCOMPARE(evaluator.state(), QProcess::NotRunning);
        QCOMPARE(evaluator.exitStatus(), QProcess::NormalExit);
        QCOMPARE(evaluator.exitCode(), 1);
        const QByteArray stderrText = evaluator.readAllStandardError();
        QVERIFY2(stderrText.contains("evaluator stopped:"), stderrText.constData());
        qInfo().noquote() << "vigil evaluate said:" << stderrText.trimmed().split('\n').mid(1).join(" | ");
    }

    // The cluster goes away mid-stream: the batch is held and tried again with a growing pause,
    // Retrying says why, and when the brokers return everything is evaluated. Embedded cluster: it
    // can take its brokers down and up in-process. At least once here, not exactly once: the mock
    // answers the rejoined group's offset fetch with no committed offsets (it keeps none committed
    // in transactions across its brokers' restart), so the group reads its partitions again from the
    // beginning. Exactly once across an outage is tst_localdrills' (real brokers, two of three down).
    void outageIsRetriedWithBackoff()
    {
        MockCluster embedded(3);
        ClientConfig config;
        config.setBootstrapServers(embedded.bootstrapServers());
        EvaluatorSettings settings;
        settings.config = config;
        settings.groupId = "outage-" + runId();
        settings.instance = "outage-" + runId();
        settings.thresholds = ThresholdSet::fromJson(thresholdsJson);
        settings.maxBatchRecords = 2000;
        constexpr int Results = 20'000; // ten batches: the outage comes while most are still to go
        {
            Producer producer(config);
            for (int i = 0; i < Results; ++i) {
                const QByteArray patient = "patient-outage-" + QByteArray::number(i % 64); // spread: the mock keeps ~5 MB a partition
                const QByteArray value = potassium(QStringLiteral("outage-%1").arg(i), QString::fromUtf8(patient), 6.9);
                producer.produce(std::string(Topics::LabResults), Text::view(patient),
                                 Text::view(value));
            }
            QCOMPARE(producer.flush(30'000), 0);
        }
        RunningEvaluator evaluator(settings);
        QTRY_VERIFY_WITH_TIMEOUT(evaluator.evaluated() > 0, 60'000);
        QVERIFY(evaluator.evaluated() < Results);
        for (int broker = 1; broker <= 3; ++broker)
            embedded.setBrokerUp(broker, false);
        const auto retrying = [&] {
            return std::any_of(evaluator.statuses.begin(), evaluator.statuses.end(),
                               [](const EvaluatorStatus &s) { return s.state == EvaluatorStatus::State::Retrying && !s.reason.isEmpty(); });
        };
        QTRY_VERIFY_WITH_TIMEOUT(retrying(), 90'000);
        for (int broker = 1; broker <= 3; ++broker)
            embedded.setBrokerUp(broker, true);
        QTRY_VERIFY_WITH_TIMEOUT(evaluator.evaluated() >= Results, 120'000);
        QTRY_COMPARE_WITH_TIMEOUT(evaluator.statuses.last().state, EvaluatorStatus::State::Running, 10'000);
        QVERIFY(!evaluator.stopped());
        // Backoff, not a spin: each retry waited longer than the one before, up to the cap.
        qint64 previous = 0;
        for (const auto &status : evaluator.statuses) {
            if (status.state != EvaluatorStatus::State::Retrying)
                continue;
            QVERIFY(status.retryInMs >= previous);
            QVERIFY(status.retryInMs <= 30'000);
            previous = status.retryInMs;
        }
        QVERIFY(evaluator.thread->stop());
    }
};

QTEST_GUILESS_MAIN(TestAlertingNeverStops)
#include "tst_alertingneverstops.moc"
