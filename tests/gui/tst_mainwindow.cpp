// The console's main window, offscreen, with the simulated hospital: on the mock cluster, on the local
// Apache Kafka cluster Vigil runs by default, and on the RealKafka fixture's broker.
#include "brokerdrillbar.h"
#include "clusterhealthview.h"
#include "cluster/clusterstatus.h"
#include "commandline.h"
#include "console.h"
#include "dashboardview.h"
#include "ingestview.h"
#include "items/ingestsourcesmodel.h"
#include "items/feedmodel.h"
#include "mainwindow.h"
#include "cluster/pipelinehealth.h"
#include "client/consumer.h"
#include "client/producer.h"
#include "consumerlagview.h"
#include "items/consumerlagmodel.h"
#include "items/topicsmodel.h"
#include "local/localcluster.h"
#include "topicbrowser.h"
#include "jobs/topicprovisioner.h"
#include "schemaviewer.h"
#include "thresholdeditor.h"
#include "items/thresholdrulesmodel.h"
#include "items/unitoverviewmodel.h"
#include "wallboard.h"
#include "walldisplay.h"
#include "network/wallfeedserver.h"
#include "wall/wallstate.h"
#include "wallwindow.h"

#include <QLabel>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTableView>
#include <QTcpServer>
#include <QtTest>

namespace {

// Every committed record of `topic`, read until nothing more came for a few seconds.
QList<KafkaRecord> readAll(const QString &bootstrap, const QString &topic)
{
    ClientConfig config;
    config.setBootstrapServers(bootstrap);
    config.set(QStringLiteral("group.id"), QStringLiteral("tst-mainwindow-reader-%1").arg(QDateTime::currentMSecsSinceEpoch()));
    config.set(QStringLiteral("auto.offset.reset"), QStringLiteral("earliest"));
    config.set(QStringLiteral("isolation.level"), QStringLiteral("read_committed"));
    config.set(QStringLiteral("enable.auto.commit"), QStringLiteral("false"));
    Consumer consumer(config);
    consumer.subscribe({topic});
    QList<KafkaRecord> records;
    QDeadlineTimer quiet(10'000);
    while (!quiet.hasExpired()) {
        const RdMessagePtr message = consumer.poll(200);
        if (message && !message->err) {
            records.append(Consumer::toRecord(*message));
            quiet.setRemainingTime(4'000);
        }
    }
    consumer.close(5'000);
    return records;
}

QString header(const KafkaRecord &record, const char *name)
{
    for (const auto &h : record.headers)
        if (h.name == name)
            return QString::fromUtf8(h.value);
    return {};
}

// The offsets group `group` committed on `topic`'s partitions (-1001: none).
QList<qint64> committedOffsets(const QString &bootstrap, const QString &group, const QString &topic, int partitions)
{
    ClientConfig config;
    config.setBootstrapServers(bootstrap);
    config.set(QStringLiteral("group.id"), group);
    config.set(QStringLiteral("enable.auto.commit"), QStringLiteral("false"));
    Consumer consumer(config);
    RdPartitionListPtr list(rd_kafka_topic_partition_list_new(partitions));
    for (int p = 0; p < partitions; ++p)
        rd_kafka_topic_partition_list_add(list.get(), topic.toUtf8().constData(), p);
    QList<qint64> offsets;
    if (rd_kafka_committed(consumer.handle(), list.get(), 10'000) == RD_KAFKA_RESP_ERR_NO_ERROR)
        for (int i = 0; i < list->cnt; ++i)
            offsets << list->elems[i].offset;
    consumer.close(5'000);
    return offsets;
}

} // namespace

class TestMainWindow final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void saysWhenTheSchemaRegistryCannotBeRead()
    {
        QTcpServer closed; // a port where nothing listens
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const QString url = QStringLiteral("http://127.0.0.1:%1").arg(closed.serverPort());
        closed.close();
        Console console(CommandLine::parse({"vigil", "--embedded", "mock", "--serve-wall", "off", "--schema-registry", url}));
        auto *viewer = console.window()->findChild<SchemaViewer *>();
        QVERIFY(viewer);
        QTRY_VERIFY_WITH_TIMEOUT(viewer->sourceText().contains(QStringLiteral("the registry could not be read")), 30'000);
        QVERIFY2(viewer->sourceText().contains(QStringLiteral("registry unreachable")), qPrintable(viewer->sourceText()));
        QVERIFY(!viewer->catalog().isEmpty()); // the bundled schemas stay browsable
    }

    void opensOnTheMockClusterAndTheFeedFills()
    {
        Console console(CommandLine::parse({"vigil", "--embedded", "mock", "--rate", "60000", "--serve-wall", "127.0.0.1:0"}));
        MainWindow *window = console.window();
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window));

        // Only areas that exist are offered.
        auto *navigation = window->findChild<QListWidget *>(QStringLiteral("navigation"));
        QVERIFY(navigation);
        QStringList areas;
        for (int row = 0; row < navigation->count(); ++row)
            areas << navigation->item(row)->text();
        QCOMPARE(areas, (QStringList{"Dashboard", "Thresholds", "Replay", "Wall displays", "Topics", "Messages", "Consumer lag",
                                     "Cluster health", "Schemas", "Ingest", "Connections"}));

        // The mock cluster says what it cannot do.
        auto *notice = window->findChild<QLabel *>(QStringLiteral("clusterNotice"));
        QVERIFY(notice);
        QVERIFY(notice->text().contains(QStringLiteral("in memory")));

        QTableView *view = window->dashboard()->feedView();
        QTRY_VERIFY_WITH_TIMEOUT(view->model()->rowCount() > 100, 60'000);
        QVERIFY(!view->model()->index(0, FeedModel::Summary).data().toString().isEmpty());

        // The status bar reports the cluster once statistics arrive.
        auto *brokers = window->findChild<QLabel *>(QStringLiteral("brokers"));
        QVERIFY(brokers);
        QTRY_COMPARE_WITH_TIMEOUT(brokers->text(), QStringLiteral("brokers 3/3"), 30'000);
        QTRY_VERIFY_WITH_TIMEOUT(console.status()->eventsPerSecondIn() > 0, 30'000);

        // The evaluator runs beside the feed and reports on the Dashboard.
        QTRY_VERIFY_WITH_TIMEOUT(console.pipelineHealth()->totals().processed > 0, 60'000);
        auto *figures = window->findChild<QLabel *>(QStringLiteral("pipelineFigures"));
        QVERIFY(figures);
        QTRY_VERIFY_WITH_TIMEOUT(figures->text().contains(QStringLiteral("Adult inpatient critical values v1")), 10'000);

        // The charge nurse's overview lists the units of the simulated hospital with their census.
        auto *units = window->findChild<QTableView *>(QStringLiteral("unitOverview"));
        QVERIFY(units);
        QTRY_VERIFY_WITH_TIMEOUT(units->model()->rowCount() >= 10, 60'000);
        QTRY_VERIFY_WITH_TIMEOUT(units->model()->index(0, UnitOverviewModel::Admitted).data().toInt() > 0, 30'000);

        const QString screenshotDir = qEnvironmentVariable("VIGIL_SCREENSHOT_DIR");
        if (!screenshotDir.isEmpty())
            QVERIFY(window->grab().save(screenshotDir + QStringLiteral("/console-dashboard.png")));

        // Cluster health lists Vigil's own clients from their statistics: the feed, the evaluator's
        // consumer and producer, the simulator and the inspector.
        auto *health = window->findChild<ClusterHealthView *>();
        QVERIFY(health);
        const auto clientNamed = [health](const QString &prefix) {
            const auto rows = health->clients().rows();
            return std::any_of(rows.begin(), rows.end(), [&](const ClientHealthRow &r) { return r.name.startsWith(prefix); });
        };
        for (const char *client : {"vigil-feed", "vigil-evaluator", "vigil-simulator", "vigil-inspector"})
            QTRY_VERIFY2_WITH_TIMEOUT(clientNamed(QString::fromLatin1(client)), client, 30'000);
        if (!screenshotDir.isEmpty()) {
            navigation->setCurrentRow(int(areas.indexOf(QStringLiteral("Cluster health"))));
            QVERIFY(window->grab().save(screenshotDir + QStringLiteral("/console-cluster-health.png")));
        }

        // The informaticist lowers the potassium high limit and sees what it would change
        // among the results the running evaluator has seen, before applying anything.
        navigation->setCurrentRow(1);
        ThresholdRulesModel *rules = console.thresholdEditor()->rules();
        int potassium = -1;
        for (int row = 0; row < rules->rowCount(); ++row) {
            if (rules->index(row, ThresholdRulesModel::Display).data().toString() == QStringLiteral("Potassium"))
                potassium = row;
        }
        QVERIFY(potassium >= 0);
        QVERIFY(rules->setData(rules->index(potassium, ThresholdRulesModel::High), QStringLiteral("5.0")));
        QTRY_VERIFY_WITH_TIMEOUT(rules->index(potassium, ThresholdRulesModel::WouldFlip).data().toInt() > 0, 60'000);
        QVERIFY(rules->index(potassium, ThresholdRulesModel::Normal).data().toInt() > 0);
        QCOMPARE(console.pipelineHealth()->thresholdSet(), QStringLiteral("Adult inpatient critical values v1"));
        if (!screenshotDir.isEmpty())
            QVERIFY(window->grab().save(screenshotDir + QStringLiteral("/console-thresholds.png")));

        // The Wall displays area shows how to start a display elsewhere, with the feed's token.
        navigation->setCurrentRow(int(areas.indexOf(QStringLiteral("Wall displays"))));
        auto *commands = window->findChild<QLabel *>(QStringLiteral("wallCommands"));
        QVERIFY(commands);
        QTRY_VERIFY(commands->text().contains(console.wallToken()));
        QVERIFY(commands->text().contains(console.bootstrapServers()));
        if (!screenshotDir.isEmpty())
            QVERIFY(window->grab().save(screenshotDir + QStringLiteral("/console-walls.png")));
    }

    // The default: no cluster options start a local Apache Kafka (here in a directory of the test's
    // own). The window opens at once and says the cluster is starting, then every area fills; the
    // evaluator's offsets are committed, so a second console on the same data continues where the
    // first stopped and reprocesses no input record.
    void opensOnTheLocalKafkaAndContinuesAfterARestart()
    {
        try {
            KafkaDistribution::find();
        } catch (const LocalClusterError &error) {
            QSKIP(qPrintable(QStringLiteral("no local Kafka here: %1 (%2)").arg(QString::fromUtf8(error.what()), error.fix())));
        }
        QTemporaryDir data;
        QVERIFY(data.isValid());
        const QStringList arguments{"vigil", "--data-dir", data.path(), "--rate", "60000", "--serve-wall", "off"};
        const QString screenshotDir = qEnvironmentVariable("VIGIL_SCREENSHOT_DIR");
        QString bootstrap;
        QList<qint64> committed;
        {
            Console console(CommandLine::parse(arguments));
            MainWindow *window = console.window();
            window->resize(1280, 800);
            window->show();
            QVERIFY(QTest::qWaitForWindowExposed(window));
            auto *notice = window->findChild<QLabel *>(QStringLiteral("clusterNotice"));
            QVERIFY(notice);
            QVERIFY2(notice->text().startsWith(QStringLiteral("Starting local Kafka")), qPrintable(notice->text()));
            QVERIFY(console.bootstrapServers().isEmpty()); // nothing waited for the cluster
            if (!screenshotDir.isEmpty())
                QVERIFY(window->grab().save(screenshotDir + QStringLiteral("/local-starting.png")));

            QTRY_VERIFY_WITH_TIMEOUT(!console.bootstrapServers().isEmpty(), 180'000);
            bootstrap = console.bootstrapServers();
            QCOMPARE(LocalCluster::runningBootstrap(data.path()), bootstrap);
            QVERIFY2(notice->text().isEmpty(), qPrintable(notice->text()));
            QVERIFY(console.status()->clusterName().startsWith(QStringLiteral("local Kafka")));

            QTRY_VERIFY_WITH_TIMEOUT(window->dashboard()->feedView()->model()->rowCount() > 100, 60'000);
            QTRY_VERIFY_WITH_TIMEOUT(console.pipelineHealth()->totals().processed > 500, 60'000);

            // Consumer lag lists the cluster's groups (the mock cannot), Vigil's own among them.
            auto *lag = window->findChild<ConsumerLagView *>();
            QVERIFY(lag);
            for (const QString &group : {QStringLiteral("vigil-evaluator"),
                                        QStringLiteral("vigil-feed-%1").arg(QCoreApplication::applicationPid())})
                QTRY_VERIFY2_WITH_TIMEOUT(lag->lagModel()->rowOf(group) >= 0, qPrintable(group), 60'000);
            // Topics shows configs: the alerts topic is compacted.
            auto *topics = window->findChild<TopicBrowser *>();
            QVERIFY(topics);
            QTRY_VERIFY_WITH_TIMEOUT(topics->topicsModel()->rowCount() >= 6, 30'000);
            topics->selectTopic(QStringLiteral("healthcare.alerts.critical"));
            auto *configs = topics->findChild<QPlainTextEdit *>();
            QVERIFY(configs);
            QTRY_VERIFY2_WITH_TIMEOUT(configs->toPlainText().contains(QStringLiteral("cleanup.policy = compact")),
                                      qPrintable(configs->toPlainText()), 30'000);

            // The failure drill, from Cluster health: the only broker down, then up again, and the feed goes on.
            auto *drill = window->findChild<BrokerDrillBar *>();
            QVERIFY(drill);
            QTRY_VERIFY_WITH_TIMEOUT(drill->button(1) && drill->button(1)->text() == QStringLiteral("Stop broker 1"), 30'000);
            drill->button(1)->click();
            QTRY_COMPARE_WITH_TIMEOUT(drill->button(1)->text(), QStringLiteral("Start broker 1"), 60'000);
            QVERIFY(LocalCluster::runningBootstrap(data.path()).isEmpty());
            drill->button(1)->click();
            QTRY_COMPARE_WITH_TIMEOUT(drill->button(1)->text(), QStringLiteral("Stop broker 1"), 120'000);
            const qint64 afterDrill = console.pipelineHealth()->totals().processed;
            QTRY_VERIFY_WITH_TIMEOUT(console.pipelineHealth()->totals().processed > afterDrill + 100, 120'000);

            if (!screenshotDir.isEmpty()) {
                auto *navigation = window->findChild<QListWidget *>(QStringLiteral("navigation"));
                for (int row = 0; row < navigation->count(); ++row) {
                    navigation->setCurrentRow(row);
                    QTest::qWait(1500); // the area's next refresh, for the picture only
                    const QString name = navigation->item(row)->text().toLower().replace(u' ', u'-');
                    QVERIFY(window->grab().save(screenshotDir + QStringLiteral("/local-%1.png").arg(name)));
                }
            }
            QTRY_VERIFY_WITH_TIMEOUT(
                [&] {
                    committed = committedOffsets(bootstrap, QStringLiteral("vigil-evaluator"), QStringLiteral("healthcare.labs.results"), 8);
                    return std::any_of(committed.begin(), committed.end(), [](qint64 offset) { return offset > 0; });
                }(),
                30'000);
        }
        // The console started the cluster and was its only user: it is stopped, its data kept.
        QVERIFY(LocalCluster::runningBootstrap(data.path()).isEmpty());

        // This test uses the cluster too (as a second console would), so it outlives the console
        // and the outputs can be read once nothing writes any more; the last user out stops it.
        LocalClusterOptions keeperOptions;
        keeperOptions.dataDir = data.path();
        LocalCluster keeper(KafkaDistribution::find(), keeperOptions);
        keeper.open();
        QCOMPARE(keeper.bootstrapServers(), bootstrap); // the same ports, while free
        {
            Console again(CommandLine::parse(arguments));
            QTRY_VERIFY_WITH_TIMEOUT(!again.bootstrapServers().isEmpty(), 180'000);
            QCOMPARE(again.bootstrapServers(), bootstrap);
            QTRY_VERIFY_WITH_TIMEOUT(again.pipelineHealth()->totals().processed > 200, 60'000);
            const QList<qint64> resumed = committedOffsets(bootstrap, QStringLiteral("vigil-evaluator"),
                                                           QStringLiteral("healthcare.labs.results"), 8);
            for (int p = 0; p < 8; ++p)
                QVERIFY2(resumed.value(p) >= committed.value(p), qPrintable(QStringLiteral("partition %1").arg(p)));
        }
        QCOMPARE(LocalCluster::runningBootstrap(data.path()), bootstrap); // the keeper still uses it

        // Across both runs every input record was evaluated exactly once.
        QSet<QString> sources;
        const QList<KafkaRecord> outputs = readAll(bootstrap, QStringLiteral("healthcare.labs.processed"))
                                           + readAll(bootstrap, QStringLiteral("healthcare.dlq"));
        for (const KafkaRecord &record : outputs) {
            const QString source = header(record, "vigil.source.topic") + u'/' + header(record, "vigil.source.partition")
                                   + u'@' + header(record, "vigil.source.offset");
            QVERIFY2(!sources.contains(source), qPrintable(QStringLiteral("evaluated twice: ") + source));
            sources.insert(source);
        }
        QVERIFY(sources.size() > 700);
        keeper.release();
        QVERIFY(LocalCluster::runningBootstrap(data.path()).isEmpty());
    }

    // Another producer takes over the console's evaluator's transactional id: the console's evaluator cannot go
    // on, and says so where people look, in red on the Dashboard and as FEED DOWN on the wall. On the
    // real broker of the RealKafka fixture: the embedded cluster (librdkafka's mock) never fences.
    void stoppedEvaluatorIsRedOnTheDashboardAndTheWall()
    {
        QFile state(QStringLiteral(VIGIL_REALKAFKA_STATE_DIR "/bootstrap"));
        if (!state.open(QIODevice::ReadOnly))
            QSKIP("no real Kafka broker (the RealKafka fixture did not start one)");
        const QString bootstrap = QString::fromUtf8(state.readAll()).trimmed();
        ClientConfig cluster;
        cluster.setBootstrapServers(bootstrap);
        for (const auto &result : TopicProvisioner(cluster).provision())
            QVERIFY2(result.outcome != TopicProvisioner::Outcome::Failed, qPrintable(result.error));
        const QString instance = QStringLiteral("fenced-%1").arg(QCoreApplication::applicationPid());
        Console console(CommandLine::parse({"vigil", "--bootstrap", bootstrap, "--simulate", "--evaluate", "--rate", "60000",
                                            "--serve-wall", "off", "--instance", instance}));
        QTRY_VERIFY_WITH_TIMEOUT(console.pipelineHealth()->totals().processed > 0, 60'000);
        auto *pipelineState = console.window()->findChild<QLabel *>(QStringLiteral("pipelineState"));
        QVERIFY(pipelineState);
        QVERIFY(pipelineState->isHidden());
        ClientConfig fencing = cluster;
        fencing.set("transactional.id", "vigil-evaluator-" + instance);
        Producer fencer(fencing);
        fencer.initTransactions(30'000); // the simulator keeps results coming: the next commit is fenced
        QTRY_COMPARE_WITH_TIMEOUT(console.pipelineHealth()->status().state, EvaluatorStatus::State::Stopped, 60'000);
        QTRY_VERIFY_WITH_TIMEOUT(!pipelineState->isHidden(), 5'000);
        QVERIFY2(pipelineState->text().contains(QStringLiteral("Critical-value evaluation STOPPED")),
                 qPrintable(pipelineState->text()));
        const FeedHealth wall = console.wallState()->health(QDateTime::currentMSecsSinceEpoch());
        QVERIFY(!wall.up);
        QVERIFY2(QString::fromStdString(wall.reason).startsWith(QStringLiteral("critical-value evaluation stopped: ")),
                 wall.reason.c_str());
        const QString screenshotDir = qEnvironmentVariable("VIGIL_SCREENSHOT_DIR");
        if (!screenshotDir.isEmpty()) {
            console.window()->resize(1280, 800);
            QVERIFY(console.window()->grab().save(screenshotDir + QStringLiteral("/console-evaluator-stopped.png")));
            WallWindow *display = console.openWallDisplay(QStringLiteral("ICU"));
            QVERIFY(QTest::qWaitForWindowExposed(display));
            display->refresh();
            QCoreApplication::processEvents(); // the layout takes the banner's new height
            QVERIFY(display->grab().save(screenshotDir + QStringLiteral("/wall-evaluator-stopped.png")));
        }
    }

    // The demo's story: a console serves its board; a display on another machine, holding no Kafka
    // credentials, shows a unit, acknowledges a critical result through the console, and the
    // acknowledgement comes back from Kafka to both. A display with a wrong token is refused, loudly.
    // The console as an ingest source: --listen serves the Subscription webhook, the Ingest area
    // says where to point the EHR, and a notification posted there is counted in its row and
    // reaches the dashboard's feed through Kafka.
    void takesFhirNotificationsOnItsWebhook()
    {
        Console console(CommandLine::parse({"vigil", "--embedded", "mock", "--rate", "60", "--serve-wall", "off", "--listen",
                                            "127.0.0.1:0", "--webhook-token", "t0ken"}));
        console.window()->show();
        QTRY_VERIFY_WITH_TIMEOUT(console.ingestView(), 30'000);
        IngestView *view = console.ingestView();
        QTRY_VERIFY_WITH_TIMEOUT(view->guidance().contains(u"/fhir-webhook"), 30'000);
        const QRegularExpressionMatch port = QRegularExpression(QStringLiteral(":(\\d+)/fhir-webhook")).match(view->guidance());
        QVERIFY(port.hasMatch());
        QFile example(QStringLiteral(VIGIL_NOTIFICATIONS_DIR "/backport-full-resource.json"));
        QVERIFY(example.open(QIODevice::ReadOnly));
        QNetworkAccessManager network;
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/fhir-webhook").arg(port.captured(1))));
        request.setRawHeader("Content-Type", "application/fhir+json");
        request.setRawHeader("Authorization", "Bearer t0ken");
        const QByteArray body = example.readAll();
        const auto post = [&] {
            QNetworkReply *reply = network.post(request, body);
            QEventLoop loop;
            QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
            loop.exec();
            reply->deleteLater();
            return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        };
        QDeadlineTimer deadline(60'000); // 503 until the publisher's producer is ready
        int status = 0;
        while ((status = post()) != 200 && !deadline.hasExpired())
            QTest::qWait(500);
        QCOMPARE(status, 200);
        IngestSourcesModel *rows = view->model();
        QTRY_VERIFY_WITH_TIMEOUT(rows->rowCount() == 2 && rows->statusAt(1).events == 1, 10'000);
        QCOMPARE(rows->statusAt(1).name, QStringLiteral("https://ehr.example.org/fhir/Subscription/critical-labs"));
        const auto inFeed = [&] {
            QAbstractItemModel *feed = console.window()->dashboard()->feedView()->model();
            for (int row = 0; row < feed->rowCount(); ++row) {
                for (int column = 0; column < feed->columnCount(); ++column) {
                    if (feed->index(row, column).data().toString().contains(u"6.8"))
                        return true;
                }
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(inFeed(), 30'000);
        if (const QByteArray dir = qgetenv("VIGIL_SCREENSHOT_DIR"); !dir.isEmpty()) {
            auto *navigation = console.window()->findChild<QListWidget *>(QStringLiteral("navigation"));
            navigation->setCurrentRow(navigation->count() - 1);
            QTest::qWait(1500);
            console.window()->grab().save(QString::fromLocal8Bit(dir) + QStringLiteral("/ingest.png"));
        }
    }

    void remoteWallDisplayAcknowledgesThroughTheConsole()
    {
        Console console(CommandLine::parse({"vigil", "--embedded", "mock", "--rate", "60000", "--serve-wall", "127.0.0.1:0"}));
        QVERIFY(console.wallFeed());
        const QString url = console.wallFeed()->url().toString();

        // The unit with the first open critical result.
        const Alert *critical = nullptr;
        std::string unit;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const WallState *state = console.wallState();
                for (const Alert &alert : state->board().all()) {
                    unit = state->board().unitOf(alert, state->census());
                    if (alert.state == AlertState::Open && !alert.late && !unit.empty()) {
                        critical = state->board().find(alert.alertId);
                        return true;
                    }
                }
                return false;
            }(),
            120'000);
        const std::string alertId = critical->alertId;

        WallDisplay remote(CommandLine::parse({"vigil", "--wall", "--windowed", "--unit", QString::fromStdString(unit),
                                               "--feed", url, "--token", console.wallToken()}));
        WallWindow *window = remote.window();
        QTRY_VERIFY_WITH_TIMEOUT(!window->isBannerShown() && !window->board()->rows().empty(), 30'000);
        const auto onRemoteBoard = [&](AlertState state) {
            window->refresh();
            for (const BoardRow &row : window->board()->rows()) {
                if (row.alert.alertId == alertId)
                    return row.alert.state == state;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(onRemoteBoard(AlertState::Open), 30'000);

        Q_EMIT window->actionRequested(AlertAction{AlertAction::Kind::Acknowledge, alertId, "RN Remote", true});
        QTRY_VERIFY_WITH_TIMEOUT(onRemoteBoard(AlertState::Acknowledged), 30'000);
        const Alert *atConsole = console.wallState()->board().find(alertId);
        QCOMPARE(atConsole->state, AlertState::Acknowledged);
        QCOMPARE(atConsole->ackedBy, std::string("RN Remote"));

        WallDisplay intruder(CommandLine::parse({"vigil", "--wall", "--windowed", "--unit", QString::fromStdString(unit),
                                                 "--feed", url, "--token", "not-the-token"}));
        QTRY_VERIFY_WITH_TIMEOUT(intruder.window()->isBannerShown()
                                     && intruder.window()->bannerText().contains(QStringLiteral("refused")),
                                 30'000);
        QVERIFY(intruder.window()->board()->rows().empty());
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
