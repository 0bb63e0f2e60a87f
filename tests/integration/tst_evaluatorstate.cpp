// What the evaluator remembers lives in Kafka: the delta rule's history across a restart (or on the
// instance the partition moved to), and an acknowledgement through an amendment and compaction. On
// the real broker of the RealKafka fixture (the mock cannot compact, nor hide aborted transactions),
// on topics of each test's own.
#include "clustertesting.h"
#include "clinical/thresholdset.h"
#include "client/workerthread.h"
#include "jobs/evaluatorjob.h"
#include "wall/wallstate.h"
#include "wallservice.h"

#include <QtTest>

using namespace ClusterTesting;

namespace {

constexpr int WaitMs = 60'000;

qint64 now() { return QDateTime::currentMSecsSinceEpoch(); }

std::string observation(const std::string &id, const std::string &patient, const std::string &loinc, double value,
                        const std::string &unit, const std::string &effective, const std::string &status = "final")
{
    const nlohmann::json resource = {
        {"resourceType", "Observation"},
        {"id", id},
        {"status", status},
        {"subject", {{"reference", "Patient/" + patient}}},
        {"code", {{"coding", {{{"system", "http:" "//loinc.org"}, {"code", loinc}}}}}},
        {"effectiveDateTime", effective},
        {"issued", effective},
        {"valueQuantity", {{"value", value}, {"system", "http:" "//unitsofmeasure.org"}, {"code", unit}}},
    };
    return resource.dump();
}

// Topics of one test: the evaluator's layout in small, the state partitioned like the input.
struct OwnTopics {
    EvaluatorTopics evaluator;
    WallTopics wall;

    OwnTopics(TestCluster &cluster, const QString &name, const QMap<QString, QString> &alertConfigs = {})
    {
        const std::string prefix = (name + '-' + runId() + '.').toStdString();
        evaluator = {prefix + "labs", prefix + "processed", prefix + "alerts", prefix + "dlq", prefix + "adt", prefix + "state"};
        wall = {evaluator.alerts, evaluator.adt};
        QMap<QString, QString> alerts{{"cleanup.policy", "compact"}};
        alerts.insert(alertConfigs);
        cluster.createTopic(QString::fromStdString(evaluator.input), 3);
        cluster.createTopic(QString::fromStdString(evaluator.processed), 3);
        cluster.createTopic(QString::fromStdString(evaluator.alerts), 1, alerts);
        cluster.createTopic(QString::fromStdString(evaluator.deadLetters), 1);
        cluster.createTopic(QString::fromStdString(evaluator.adt), 1);
        cluster.createTopic(QString::fromStdString(evaluator.state), 3, {{"cleanup.policy", "compact"}});
    }
};

class RunningEvaluator {
public:
    RunningEvaluator(const TestCluster &cluster, const OwnTopics &topics, const QString &instance)
    {
        EvaluatorSettings settings;
        settings.config = cluster.config();
        settings.topics = topics.evaluator;
        settings.thresholds = ThresholdSet::loadFile(QStringLiteral(":/thresholds/adult-critical-values.json"));
        settings.groupId = QString::fromStdString(topics.evaluator.input) + ".group";
        settings.instance = instance;
        m_thread = std::make_unique<WorkerThread>(new EvaluatorJob(settings), QStringLiteral("evaluator ") + instance);
    }
    bool stop() { return m_thread->stop(); }

private:
    std::unique_ptr<WorkerThread> m_thread;
};

void produce(const TestCluster &cluster, const std::string &topic, const std::string &key, const std::string &value)
{
    Producer producer(producerConfig(cluster));
    producer.produce(topic, key, value);
    QCOMPARE(producer.flush(10'000), 0);
    QCOMPARE(producer.deliveries().failed, 0);
}

QList<Alert> alertsIn(const QList<KafkaRecord> &records)
{
    QList<Alert> alerts;
    for (const auto &record : records)
        alerts.append(Alert::parse(Text::view(record.value)));
    return alerts;
}

} // namespace

class TestEvaluatorState final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() { openRealCluster(m_cluster); }

    void deltaAcrossARestart_data()
    {
        QTest::addColumn<QString>("second");
        QTest::newRow("restarted") << QStringLiteral("state-a"); // the same instance again
        QTest::newRow("moved") << QStringLiteral("state-b");     // the partition moved to another instance
    }
    void deltaAcrossARestart()
    {
        QFETCH(QString, second);
        OwnTopics topics(m_cluster, QStringLiteral("delta-") + second);
        const std::string patient = "pat-delta-" + runId().toStdString();
        const QString bootstrap = m_cluster.bootstrap();
        {
            RunningEvaluator first(m_cluster, topics, QStringLiteral("state-a"));
            produce(m_cluster, topics.evaluator.input, patient, observation("cr-1", patient, "2160-0", 1.0, "mg/dL", "2026-11-30T06:00:00Z"));
            QCOMPARE(readCommitted(bootstrap, {QString::fromStdString(topics.evaluator.processed)}, 1, WaitMs).size(), 1);
            QVERIFY(first.stop());
        }
        // The baseline is kept in the state topic, in the input's partition.
        const QList<KafkaRecord> state = readCommitted(bootstrap, {QString::fromStdString(topics.evaluator.state)}, 1, WaitMs);
        QCOMPARE(state.size(), 1);
        QCOMPARE(state.first().key.toStdString(), patient);

        RunningEvaluator restarted(m_cluster, topics, second);
        // A rise of 0.4 mg/dL within 48 h: KDIGO stage 1, against the baseline the first instance saw.
        produce(m_cluster, topics.evaluator.input, patient, observation("cr-2", patient, "2160-0", 1.4, "mg/dL", "2026-12-01T06:00:00Z"));
        const QList<Alert> alerts = alertsIn(readCommitted(bootstrap, {QString::fromStdString(topics.evaluator.alerts)}, 1, WaitMs));
        QVERIFY(restarted.stop());
        QCOMPARE(alerts.size(), 1);
        QCOMPARE(alerts.first().severity, AlertSeverity::Delta);
        QCOMPARE(alerts.first().baseline, 1.0);
        QCOMPARE(alerts.first().stage, 1);
    }

    // Acknowledged on a display, then amended (still critical), then compacted: a display started
    // afterwards shows it acknowledged with the amended value. Then corrected: open again, corrected.
    void anAcknowledgementSurvivesAmendmentAndCompaction()
    {
        // Segments that roll after 100 ms and a cleaner that takes any dirt: compaction within seconds.
        OwnTopics topics(m_cluster, QStringLiteral("amend"), {{"segment.ms", "100"}, {"min.cleanable.dirty.ratio", "0.01"}});
        const std::string patient = "pat-amend-" + runId().toStdString();
        const std::string ward = "Amend ward " + runId().toStdString();
        produce(m_cluster, topics.evaluator.adt, patient, admissionEnvelope(patient, ward, "5-A", now()));
        RunningEvaluator evaluator(m_cluster, topics, QStringLiteral("amend"));
        WallState watching(WallOptions{30'000, {}, {}});
        WallService service(m_cluster.config(), topics.wall, &watching);
        QTRY_VERIFY_WITH_TIMEOUT(watching.isCurrent(), WaitMs);

        const std::string effective = msToFhirInstant(now());
        produce(m_cluster, topics.evaluator.input, patient, observation("k-1", patient, "2823-3", 6.9, "mmol/L", effective));
        const std::string id = Alert::makeId("k-1", "2823-3", false);
        QTRY_VERIFY_WITH_TIMEOUT(watching.board().find(id) != nullptr, WaitMs);
        QCOMPARE(watching.board().find(id)->location, ward + ", bed 5-A");
        std::optional<bool> published;
        service.perform(AlertAction{AlertAction::Kind::Acknowledge, id, "RN Okafor", true},
                        [&](bool ok, const QString &) { published = ok; });
        QTRY_VERIFY_WITH_TIMEOUT(published.has_value(), WaitMs);
        QVERIFY(*published);
        QTRY_COMPARE_WITH_TIMEOUT(watching.board().find(id)->state, AlertState::Acknowledged, WaitMs);

        QTest::qWait(1000); // the amendment comes later than the acknowledgement, as on a ward
        produce(m_cluster, topics.evaluator.input, patient, observation("k-1", patient, "2823-3", 7.3, "mmol/L", effective, "amended"));
        QTRY_COMPARE_WITH_TIMEOUT(watching.board().find(id)->value, 7.3, WaitMs);

        // One more record after segment.ms rolls the segment that holds the history; the cleaner runs.
        QTest::qWait(500);
        produce(m_cluster, topics.evaluator.input, "pat-other", observation("k-2", "pat-other", "2823-3", 7.0, "mmol/L", effective));
        // Compacted when one record is left of the alert's three (raised, acknowledged, amended).
        QList<Alert> kept;
        QList<KafkaRecord> records;
        const auto compacted = [&](const QList<KafkaRecord> &read) {
            kept.clear();
            for (const Alert &alert : alertsIn(read)) {
                if (alert.alertId == id)
                    kept.append(alert);
            }
            return kept.size() == 1;
        };
        QVERIFY2(waitForCompaction(m_cluster, QString::fromStdString(topics.evaluator.alerts), compacted, &records),
                 "the broker did not compact the alerts topic within 120 s");
        // The record left is the amended one, and it says who acknowledged.
        QCOMPARE(kept.first().value, 7.3);
        QCOMPARE(kept.first().state, AlertState::Acknowledged);
        QCOMPARE(kept.first().ackedBy, "RN Okafor");

        WallState fresh(WallOptions{30'000, {}, {}});
        WallService freshService(m_cluster.config(), topics.wall, &fresh);
        QTRY_VERIFY_WITH_TIMEOUT(fresh.isCurrent(), WaitMs);
        const Alert *seen = fresh.board().find(id);
        QVERIFY(seen);
        QCOMPARE(seen->state, AlertState::Acknowledged);
        QCOMPARE(seen->ackedBy, "RN Okafor");
        QCOMPARE(seen->value, 7.3);
        QVERIFY(seen->amended);
        QCOMPARE(seen->previousValue, 6.9);

        // Corrected to a normal value: the board asks for the correction to be acknowledged.
        produce(m_cluster, topics.evaluator.input, patient, observation("k-1", patient, "2823-3", 4.4, "mmol/L", effective, "corrected"));
        QTRY_VERIFY_WITH_TIMEOUT(fresh.board().find(id)->corrected, WaitMs);
        QCOMPARE(fresh.board().find(id)->state, AlertState::Open);
        QCOMPARE(fresh.board().find(id)->value, 4.4);
        QVERIFY(evaluator.stop());
    }

private:
    TestCluster m_cluster;
};

QTEST_GUILESS_MAIN(TestEvaluatorState)
#include "tst_evaluatorstate.moc"
