// One acknowledgement per alert, however often displays ask: a WallFeedServer wired to a WallService
// as the console wires them, real WebSocket clients, and the alerts topic read back. Rows run on the
// embedded cluster and on the real broker of the RealKafka fixture, with the feed's rate limit and
// without it (so that every request reaches the service).
#include "clustertesting.h"
#include "jobs/evaluatorjob.h"
#include "client/topicmetadata.h"
#include "network/wallfeedserver.h"
#include "wallservice.h"
#include "wall/wallstate.h"

#include <QDateTime>
#include <QSignalSpy>
#include <QWebSocket>
#include <QtTest>

using namespace ClusterTesting;

namespace {

constexpr int WaitMs = 60'000;
const QString Token = QStringLiteral("wall-actions-token");

qint64 now() { return QDateTime::currentMSecsSinceEpoch(); }

Alert openAlert()
{
    Alert alert;
    alert.alertId = "ack-once-" + runId().toStdString() + '-' + QTest::currentDataTag();
    alert.patientId = "pat-ack-" + runId().toStdString();
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

// As the evaluator publishes them: key = alert id, partition from the patient id.
void publishAlert(const TestCluster &cluster, const Alert &alert)
{
    const std::string topic(Topics::CriticalAlerts);
    Producer producer(producerConfig(cluster));
    const int partitions = partitionCountOf(producer.handle(), topic, 10'000);
    producer.produce(topic, alert.alertId, alert.toJson().dump(), {}, 0,
                     EvaluatorJob::partitionForPatient(alert.patientId, partitions));
    QCOMPARE(producer.flush(10'000), 0);
    QCOMPARE(producer.deliveries().failed, 0);
}

// A remote display as the wire sees it: a WebSocket that sends actions and keeps their answers.
struct RawDisplay {
    QWebSocket socket;
    std::vector<WallActionResult> answers;
    bool snapshot = false;
    QObject context;

    RawDisplay()
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, &context, [this](const QString &frame) {
            const WallServerMessage message = WallProtocol::decodeServerMessage(frame.toStdString());
            if (const auto *result = std::get_if<WallActionResult>(&message))
                answers.push_back(*result);
            snapshot = snapshot || std::holds_alternative<WallSnapshot>(message);
        });
    }
    void acknowledge(int request, const std::string &alertId, const std::string &by)
    {
        socket.sendTextMessage(QString::fromStdString(
            WallProtocol::encodeAction(request, {AlertAction::Kind::Acknowledge, alertId, by, true})));
    }
};

} // namespace

class TestWallActions final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tenThousandAcknowledgementsPublishOne_data();
    void tenThousandAcknowledgementsPublishOne();
};

void TestWallActions::tenThousandAcknowledgementsPublishOne_data()
{
    QTest::addColumn<QString>("cluster_kind");
    QTest::addColumn<bool>("rateLimited");
    QTest::newRow("embedded-limited") << QStringLiteral("embedded") << true;
    QTest::newRow("embedded-unlimited") << QStringLiteral("embedded") << false;
    QTest::newRow("real-limited") << QStringLiteral("real") << true;
    QTest::newRow("real-unlimited") << QStringLiteral("real") << false;
}

void TestWallActions::tenThousandAcknowledgementsPublishOne()
{
    QFETCH(bool, rateLimited);
    TestCluster cluster;
    if (!openRowCluster(cluster, QStringLiteral("WallService (WallSource, AlertPublisher) behind a WallFeedServer")))
        return;
    const Alert alert = openAlert();
    publishAlert(cluster, alert);

    WallState state(WallOptions{});
    WallService service(cluster.config(), &state);
    QTRY_VERIFY_WITH_TIMEOUT(state.isCurrent() && state.board().find(alert.alertId), WaitMs);

    WallFeedServerOptions options;
    if (!rateLimited)
        options.actionBurst = 1'000'000; // every request reaches the service
    WallFeedServer server(Token, options);
    // As Console::serveWallFeed wires them.
    connect(&server, &WallFeedServer::actionRequested, &server, [&](const AlertAction &action, int requestKey) {
        service.perform(action, [&server, requestKey](bool ok, const QString &error) {
            server.answerAction(requestKey, ok, error);
        });
    });
    QVERIFY2(server.listen(QHostAddress::LocalHost, 0), qPrintable(server.errorString()));
    QUrl url = server.url();
    url.setQuery(QStringLiteral("token=") + Token);

    // One display that sends the same acknowledgement 10,000 times, and a second nurse at once.
    RawDisplay probe;
    RawDisplay colleague;
    probe.socket.open(url);
    colleague.socket.open(url);
    QTRY_VERIFY_WITH_TIMEOUT(probe.snapshot && colleague.snapshot, WaitMs);
    constexpr int Probes = 10'000;
    constexpr int Colleagues = 1'000;
    for (int n = 1; n <= Probes; ++n) {
        probe.acknowledge(n, alert.alertId, "RN Okafor");
        if (n % 10 == 0)
            colleague.acknowledge(n / 10, alert.alertId, "RN Lee");
    }
    QTRY_COMPARE_WITH_TIMEOUT(probe.answers.size() + colleague.answers.size(), std::size_t(Probes + Colleagues), WaitMs);

    QTRY_VERIFY_WITH_TIMEOUT(state.board().find(alert.alertId)->state == AlertState::Acknowledged, WaitMs);
    const Alert acknowledged = *state.board().find(alert.alertId);
    const std::string already = "alert is already acknowledged by " + acknowledged.ackedBy + " at "
                                + QDateTime::fromMSecsSinceEpoch(*acknowledged.ackedAtMs).toString("HH:mm").toStdString();
    int accepted = 0;
    int limited = 0;
    int refused = 0;
    for (const auto *answers : {&probe.answers, &colleague.answers}) {
        for (const WallActionResult &answer : *answers) {
            if (answer.ok)
                ++accepted;
            else if (answer.error.starts_with("too many actions from this display"))
                ++limited;
            else if (answer.error == already)
                ++refused;
            else
                QFAIL(("unexpected answer: " + answer.error).c_str());
        }
    }
    QCOMPARE(accepted, 1);
    QCOMPARE(accepted + limited + refused, Probes + Colleagues);
    QVERIFY(refused >= 1);
    if (!rateLimited)
        QCOMPARE(limited, 0);
    // The board caught up: nothing is remembered in flight any more.
    QTRY_COMPARE_WITH_TIMEOUT(service.expectedCount(), std::size_t(0), WaitMs);

    // Exactly one acknowledgement record on the topic, after the alert's open one.
    int openRecords = 0;
    int acknowledgements = 0;
    for (const KafkaRecord &record : readTopic(cluster, QString::fromUtf8(Topics::CriticalAlerts.data(),
                                                                           qsizetype(Topics::CriticalAlerts.size())))) {
        if (record.key.toStdString() != alert.alertId)
            continue;
        const Alert read = Alert::parse(record.value.toStdString());
        openRecords += read.state == AlertState::Open;
        acknowledgements += read.state == AlertState::Acknowledged;
    }
    QCOMPARE(openRecords, 1);
    QCOMPARE(acknowledgements, 1);
}

QTEST_GUILESS_MAIN(TestWallActions)
#include "tst_wallactions.moc"
