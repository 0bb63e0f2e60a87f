// Wall displays against a cluster: the board rebuilt from the alerts topic, acknowledge published by
// one display and seen by another through Kafka, and FEED DOWN when the brokers go away. Rows run on
// the embedded cluster and on the real broker of the RealKafka fixture; compaction on the real one only.
#include "clustertesting.h"
#include "jobs/evaluatorjob.h"
#include "client/topicmetadata.h"
#include "wallservice.h"
#include "wall/wallstate.h"

#include <QDateTime>
#include <QSignalSpy>
#include <QtTest>

using namespace ClusterTesting;

namespace {

constexpr int WaitMs = 30'000;

qint64 now() { return QDateTime::currentMSecsSinceEpoch(); }

// A ward of this test run only: the real broker keeps other runs' alerts and census.
std::string ward() { return "Test ward " + runId().toStdString(); }

Alert openAlert(const std::string &id, const std::string &patient)
{
    Alert alert;
    alert.alertId = id + '-' + runId().toStdString();
    alert.patientId = patient + '-' + runId().toStdString();
    alert.observationId = "obs-" + alert.alertId;
    alert.loinc = "2823-3";
    alert.display = "Potassium";
    alert.value = 6.9;
    alert.unit = "mmol/L";
    alert.limit = 6.2;
    alert.issued = msToFhirInstant(now() - 60'000);
    alert.evaluatedAtMs = now();
    return alert;
}

std::string admission(const std::string &patient, const std::string &bed)
{
    return admissionEnvelope(patient + '-' + runId().toStdString(), ward(), bed, now());
}

void publish(const TestCluster &cluster, const std::vector<std::pair<std::string, std::string>> &records,
             const std::string &topic)
{
    Producer producer(producerConfig(cluster));
    for (const auto &[key, value] : records)
        producer.produce(topic, key, value);
    QCOMPARE(producer.flush(10'000), 0);
    QCOMPARE(producer.deliveries().failed, 0);
}

// As the evaluator publishes them: key = alert id, partition from the patient id.
void publishAlerts(const TestCluster &cluster, const std::vector<Alert> &alerts,
                   const std::string &topic = std::string(Topics::CriticalAlerts))
{
    Producer producer(producerConfig(cluster));
    const int partitions = partitionCountOf(producer.handle(), topic, 10'000);
    for (const Alert &alert : alerts)
        producer.produce(topic, alert.alertId, alert.toJson().dump(), {}, 0,
                         EvaluatorJob::partitionForPatient(alert.patientId, partitions));
    QCOMPARE(producer.flush(10'000), 0);
    QCOMPARE(producer.deliveries().failed, 0);
}

// A display's process: its state and its link to the cluster.
struct TestDisplay {
    explicit TestDisplay(const TestCluster &cluster, qint64 staleAfterMs = 30'000)
        : state(WallOptions{staleAfterMs, {}, {}}), service(cluster.config(), &state)
    {
    }
    TestDisplay(const TestCluster &cluster, const WallTopics &topics)
        : state(WallOptions{30'000, {}, {}}), service(cluster.config(), topics, &state)
    {
    }
    WallState state;
    WallService service;
};

std::optional<AlertState> stateOf(const WallState &wall, const std::string &alertId)
{
    const Alert *alert = wall.board().find(alertId);
    return alert ? std::optional(alert->state) : std::nullopt;
}

} // namespace

class TestWallDisplay final : public QObject {
    Q_OBJECT

private slots:
    void rebuildsTheBoardFromTheAlertsTopic_data();
    void rebuildsTheBoardFromTheAlertsTopic();
    void acknowledgeTravelsThroughKafkaToEveryDisplay_data();
    void acknowledgeTravelsThroughKafkaToEveryDisplay();
    void brokersGoingAwayShowFeedDown();
    void aDisplayStartedAfterCompactionShowsTheSameBoard();

private:
    void addClusterRows()
    {
        QTest::addColumn<QString>("cluster_kind");
        QTest::newRow("embedded") << QStringLiteral("embedded");
        QTest::newRow("real") << QStringLiteral("real");
    }
};

void TestWallDisplay::rebuildsTheBoardFromTheAlertsTopic_data() { addClusterRows(); }

void TestWallDisplay::rebuildsTheBoardFromTheAlertsTopic()
{
    TestCluster cluster;
    if (!openRowCluster(cluster, QStringLiteral("Vigil's WallSource, AlertPublisher and producer")))
        return;
    const Alert potassium = openAlert("rebuild-k", "pat-r1");
    const Alert sodium = openAlert("rebuild-na", "pat-r2");
    const Alert acknowledged = *potassium.acknowledge("RN Ames", now(), true).alert;
    publish(cluster, {{potassium.patientId, admission("pat-r1", "4-A")}, {sodium.patientId, admission("pat-r2", "4-B")}},
            std::string(Topics::Adt));
    publishAlerts(cluster, {potassium, sodium, acknowledged});

    for (int start = 1; start <= 2; ++start) { // a restarted display shows the same board
        TestDisplay display(cluster);
        QSignalSpy arrived(&display.state, &WallState::alertsArrived);
        QTRY_VERIFY_WITH_TIMEOUT(display.state.isCurrent(), WaitMs);
        QCOMPARE(stateOf(display.state, potassium.alertId), AlertState::Acknowledged);
        QCOMPARE(stateOf(display.state, sodium.alertId), AlertState::Open);
        const std::vector<BoardRow> rows = display.state.rows(ward(), now());
        QCOMPARE(rows.size(), std::size_t(2));
        QCOMPARE(rows[0].alert.alertId, sodium.alertId); // open before acknowledged
        QCOMPARE(rows[0].bed, std::string("4-B"));
        QCOMPARE(rows[1].alert.ackedBy, std::string("RN Ames"));
        QCOMPARE(display.state.admitted(ward()), 2);
        QVERIFY2(arrived.isEmpty(), "history read at start must not chime");
    }
}

void TestWallDisplay::acknowledgeTravelsThroughKafkaToEveryDisplay_data() { addClusterRows(); }

void TestWallDisplay::acknowledgeTravelsThroughKafkaToEveryDisplay()
{
    TestCluster cluster;
    if (!openRowCluster(cluster, QStringLiteral("two displays, each with its WallSource and AlertPublisher")))
        return;
    publish(cluster, {{"pat-a1-" + runId().toStdString(), admission("pat-a1", "7-C")}}, std::string(Topics::Adt));
    TestDisplay nurseStation(cluster);
    TestDisplay corridor(cluster);
    QTRY_VERIFY_WITH_TIMEOUT(nurseStation.state.isCurrent() && corridor.state.isCurrent(), WaitMs);
    QSignalSpy stationChime(&nurseStation.state, &WallState::alertsArrived);
    QSignalSpy corridorChime(&corridor.state, &WallState::alertsArrived);

    const Alert glucose = openAlert("ack-glucose", "pat-a1");
    publishAlerts(cluster, {glucose});
    QTRY_VERIFY_WITH_TIMEOUT(stateOf(corridor.state, glucose.alertId) == AlertState::Open, WaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(stateOf(nurseStation.state, glucose.alertId) == AlertState::Open, WaitMs);
    QCOMPARE(stationChime.size(), 1); // a live alert announces itself on every display
    QCOMPARE(stationChime.first().first().value<std::vector<std::string>>(), std::vector<std::string>{glucose.alertId});
    QCOMPARE(corridorChime.size(), 1);

    std::optional<bool> published;
    QString error;
    nurseStation.service.perform(AlertAction{AlertAction::Kind::Acknowledge, glucose.alertId, "RN Okafor", true},
                                 [&](bool ok, const QString &why) {
                                     published = ok;
                                     error = why;
                                 });
    QTRY_VERIFY_WITH_TIMEOUT(published.has_value(), WaitMs);
    QVERIFY2(*published, qPrintable(error));
    // The acknowledging display changes only when its own record comes back from Kafka.
    QTRY_VERIFY_WITH_TIMEOUT(stateOf(corridor.state, glucose.alertId) == AlertState::Acknowledged, WaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(stateOf(nurseStation.state, glucose.alertId) == AlertState::Acknowledged, WaitMs);
    const Alert *seen = corridor.state.board().find(glucose.alertId);
    QCOMPARE(seen->ackedBy, std::string("RN Okafor"));
    QVERIFY(seen->readBack);

    // Acknowledging twice is refused by the lifecycle, and nothing is published.
    std::optional<bool> again;
    corridor.service.perform(AlertAction{AlertAction::Kind::Acknowledge, glucose.alertId, "RN Lee", true},
                             [&](bool ok, const QString &) { again = ok; });
    QVERIFY(again.has_value());
    QVERIFY(!*again);

    published.reset();
    corridor.service.perform(AlertAction{AlertAction::Kind::Resolve, glucose.alertId, "Dr Varga", false},
                             [&](bool ok, const QString &why) {
                                 published = ok;
                                 error = why;
                             });
    QTRY_VERIFY_WITH_TIMEOUT(published.has_value(), WaitMs);
    QVERIFY2(*published, qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(stateOf(nurseStation.state, glucose.alertId) == AlertState::Resolved, WaitMs);
    QCOMPARE(stationChime.size(), 1);
}

void TestWallDisplay::brokersGoingAwayShowFeedDown()
{
    // The embedded cluster only: the real broker is shared by the whole suite.
    TestCluster cluster;
    bool skip = false;
    QVERIFY(cluster.open(QStringLiteral("embedded"), &skip).isEmpty());
    TestDisplay display(cluster, 3000);
    QTRY_VERIFY_WITH_TIMEOUT(display.state.isCurrent(), WaitMs);
    QVERIFY(display.state.health(now()).up);

    for (int broker = 1; broker <= cluster.embedded()->brokerCount(); ++broker)
        cluster.embedded()->setBrokerUp(broker, false);
    QTRY_VERIFY_WITH_TIMEOUT(!display.state.health(now()).up, WaitMs);
    const FeedHealth down = display.state.health(now());
    QVERIFY(down.downSinceMs.has_value());
    QVERIFY(!down.reason.empty());

    // The display reconnects by itself.
    for (int broker = 1; broker <= cluster.embedded()->brokerCount(); ++broker)
        cluster.embedded()->setBrokerUp(broker, true);
    QTRY_VERIFY_WITH_TIMEOUT(display.state.health(now()).up, WaitMs);
}

// What a ward sees of its alerts, in the board's order: id, state, who acknowledged, bed.
QStringList boardOf(const WallState &wall)
{
    QStringList lines;
    for (const BoardRow &row : wall.rows(ward(), now()))
        lines << QString::fromStdString(row.alert.alertId + ' ' + std::string(alertStateName(row.alert.state)) + ' '
                                        + row.alert.ackedBy + ' ' + row.bed);
    return lines;
}

void TestWallDisplay::aDisplayStartedAfterCompactionShowsTheSameBoard()
{
    TestCluster cluster;
    if (!openRealCluster(cluster))
        return;
    // Topics of this test, the alerts one compacted as the seed's is, with segments that roll after
    // 100 ms and a cleaner that takes any dirt: compaction within seconds instead of days.
    const WallTopics topics{("alerts-compacting-" + runId()).toStdString(), ("adt-compacting-" + runId()).toStdString()};
    cluster.createTopic(QString::fromStdString(topics.alerts), 1,
                        {{"cleanup.policy", "compact"}, {"segment.ms", "100"}, {"min.cleanable.dirty.ratio", "0.01"}});
    cluster.createTopic(QString::fromStdString(topics.adt), 1);
    const auto patient = [](const char *name) { return std::string(name) + '-' + runId().toStdString(); };
    publish(cluster, {{patient("pat-c1"), admission("pat-c1", "9-A")}, {patient("pat-c2"), admission("pat-c2", "9-B")},
                      {patient("pat-c3"), admission("pat-c3", "9-C")}},
            topics.adt);
    const Alert potassium = openAlert("compact-k", "pat-c1");
    const Alert sodium = openAlert("compact-na", "pat-c2");
    const Alert glucose = openAlert("compact-glu", "pat-c3");
    const Alert glucoseAcknowledged = *glucose.acknowledge("RN Ames", now(), true).alert;
    publishAlerts(cluster,
                  {potassium, sodium, glucose, *potassium.acknowledge("RN Okafor", now(), true).alert, glucoseAcknowledged,
                   *glucoseAcknowledged.resolve("Dr Varga", now()).alert},
                  topics.alerts);

    TestDisplay watching(cluster, topics);
    QTRY_VERIFY_WITH_TIMEOUT(watching.state.isCurrent(), WaitMs);
    const QStringList board = boardOf(watching.state);
    QCOMPARE(board.size(), 3); // the resolved glucose lingers on the board for a while
    QCOMPARE(stateOf(watching.state, potassium.alertId), AlertState::Acknowledged);
    QCOMPARE(stateOf(watching.state, sodium.alertId), AlertState::Open);

    // Compaction cleans only closed segments: one more record after segment.ms rolls the one that
    // holds the history. It repeats the sodium alert's state, so the board stays as it is.
    QTest::qWait(500);
    publishAlerts(cluster, {sodium}, topics.alerts);
    QList<KafkaRecord> records;
    // The potassium alert's first state (offset 0) is gone once the cleaner has run.
    QVERIFY2(waitForCompaction(cluster, QString::fromStdString(topics.alerts),
                               [](const QList<KafkaRecord> &read) { return !read.isEmpty() && read.first().offset > 0; },
                               &records),
             "the broker did not compact the alerts topic within 120 s");
    QVERIFY2(records.size() < 7, qPrintable(QStringLiteral("%1 records left after compaction").arg(records.size())));

    TestDisplay fresh(cluster, topics);
    QTRY_VERIFY_WITH_TIMEOUT(fresh.state.isCurrent(), WaitMs);
    QCOMPARE(boardOf(fresh.state), board);
    QCOMPARE(boardOf(watching.state), board);
    QCOMPARE(stateOf(fresh.state, glucose.alertId), AlertState::Resolved);
    QCOMPARE(fresh.state.admitted(ward()), 3);
}

QTEST_GUILESS_MAIN(TestWallDisplay)
#include "tst_walldisplay.moc"
