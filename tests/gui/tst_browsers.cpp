// The browsers fed by live workers on the embedded cluster, offscreen; screenshots of each go to
// $VIGIL_SCREENSHOT_DIR when it is set.
#include "clusterhealthview.h"
#include "jobs/clusterinspector.h"
#include "client/consumer.h"
#include "items/consumerlagmodel.h"
#include "consumerlagview.h"
#include "local/mockcluster.h"
#include "client/kafkaerror.h"
#include "client/kafkahandles.h"
#include "lagchart.h"
#include "jobs/messagebrowser.h"
#include "messagebrowserview.h"
#include "items/messagesmodel.h"
#include "items/partitionsmodel.h"
#include "client/producer.h"
#include "topicbrowser.h"
#include "items/topicsmodel.h"
#include "client/workerthread.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QtTest>

#include <librdkafka/rdkafka.h>

#include <nlohmann/json.hpp>

namespace {

// The actions of the audit trail's entries, in order.
QStringList auditActions(const QString &path)
{
    QFile file(path);
    QStringList actions;
    if (!file.open(QIODevice::ReadOnly))
        return actions;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (!line.isEmpty())
            actions.append(QString::fromStdString(nlohmann::json::parse(line.toStdString()).at("action").get<std::string>()));
    }
    return actions;
}

} // namespace

class TestBrowsers final : public QObject {
    Q_OBJECT

    static void screenshot(QWidget &widget, const QString &name)
    {
        const QString dir = qEnvironmentVariable("VIGIL_SCREENSHOT_DIR");
        if (dir.isEmpty())
            return;
        QDir().mkpath(dir);
        QVERIFY(widget.grab().save(dir + u'/' + name + QStringLiteral(".png")));
    }

    static InspectorSettings inspectorSettings(const MockCluster &cluster)
    {
        InspectorSettings settings;
        settings.config.setBootstrapServers(cluster.bootstrapServers());
        settings.refreshMs = 500;
        return settings;
    }

    // A lab result as the simulator writes it, for patient pat-000NNN.
    static std::string labResult(int i, const char *note)
    {
        const QString patient = QStringLiteral("pat-%1").arg(i % 20, 6, 10, QChar(u'0'));
        return QStringLiteral("{\"event_type\":\"lab_result\",\"resource_type\":\"Observation\",\"resource_id\":\"obs-%1\","
                              "\"patient_id\":\"%2\",\"note\":\"%3\",\"fhir_resource\":{\"resourceType\":\"Observation\","
                              "\"id\":\"obs-%1\",\"status\":\"final\",\"code\":{\"coding\":[{\"code\":\"2823-3\"}]},"
                              "\"subject\":{\"reference\":\"Patient/%2\"},\"valueQuantity\":{\"value\":4.%4,\"unit\":\"mmol/L\"}}}")
            .arg(i)
            .arg(patient, QLatin1String(note))
            .arg(i % 10)
            .toStdString();
    }

private slots:
    // An audit trail that cannot be written: identifiers stay masked, nothing is produced, and the view says why.
    void nothingAuditedHappensWithoutTheAuditTrail()
    {
        const QTemporaryDir dir;
        MessageBrowserView view{AuditTrail(dir.path())}; // a directory: every append fails
        QSignalSpy produceAsked(&view, &MessageBrowserView::produceRequested);
        auto *reveal = view.findChild<QCheckBox *>(QStringLiteral("reveal"));
        reveal->click();
        QVERIFY(!reveal->isChecked());
        QVERIFY(!view.messagesModel()->revealed());
        QVERIFY2(view.produceStatus().startsWith(QStringLiteral("Not done: audit trail ")), qPrintable(view.produceStatus()));
        view.findChild<QComboBox *>(QStringLiteral("produceTopic"))->setCurrentText(QStringLiteral("healthcare.fhir.other"));
        view.findChild<QPlainTextEdit *>(QStringLiteral("produceValue"))->setPlainText(QStringLiteral("{\"note\": 1}"));
        view.findChild<QPushButton *>(QStringLiteral("send"))->click();
        QCOMPARE(produceAsked.size(), 0);
        QVERIFY2(view.produceStatus().startsWith(QStringLiteral("Not done: audit trail ")), qPrintable(view.produceStatus()));
    }

    void topicBrowser()
    {
        MockCluster cluster(3);
        TopicBrowser browser;
        QAbstractItemModelTester topicsTester(browser.topicsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester partitionsTester(browser.partitionsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        browser.resize(1200, 760);
        browser.show();
        InspectorSettings settings;
        settings.config.setBootstrapServers(cluster.bootstrapServers());
        settings.refreshMs = 500;
        auto *inspector = new ClusterInspector(settings);
        connect(inspector, &ClusterInspector::snapshotReady, &browser, &TopicBrowser::showSnapshot);
        WorkerThread thread(inspector, QStringLiteral("inspector"));
        QTRY_VERIFY_WITH_TIMEOUT(browser.topicsModel()->rowCount() >= 7, 60'000);
        browser.selectTopic(QStringLiteral("healthcare.labs.results"));
        QCOMPARE(browser.selectedTopic(), QStringLiteral("healthcare.labs.results"));
        QTRY_COMPARE_WITH_TIMEOUT(browser.partitionsModel()->rowCount(), 8, 30'000);
        screenshot(browser, QStringLiteral("topic-browser"));
        QVERIFY(thread.stop(30'000));
    }
    void messageBrowserView()
    {
        MockCluster cluster(3);
        const QString topic = QStringLiteral("vigil-gui-messages");
        const QString target = QStringLiteral("vigil-gui-republished");
        cluster.createTopic(topic, 2, 3);
        cluster.createTopic(target, 1, 3);
        {
            ClientConfig config;
            config.setBootstrapServers(cluster.bootstrapServers());
            config.set(QStringLiteral("message.max.bytes"), QStringLiteral("4000000"));
            Producer producer(config);
            const QList<KafkaHeader> headers{{"source", "vigil-gui-test"}, {"content-type", "application/fhir+json"}};
            for (int i = 0; i < 300; ++i) {
                const std::string key = QStringLiteral("pat-%1").arg(i % 20, 6, 10, QChar(u'0')).toStdString();
                producer.produce(topic.toStdString(), key, labResult(i, i % 50 == 7 ? "Needle-XYZ here" : "routine"), headers, 0, i % 2);
            }
            producer.produce(topic.toStdString(), "pat-binary", std::string("\x01\x02\xff\xfe binary \x80", 13), {}, 0, 0);
            producer.produce(topic.toStdString(), "pat-large", std::string(1'200'000, 'x'), {}, 0, 1);
            QCOMPARE(producer.flush(30'000), 0);
        }

        const QTemporaryDir auditDir;
        const QString auditPath = auditDir.filePath(QStringLiteral("audit.jsonl"));
        MessageBrowserView view{AuditTrail(auditPath)};
        QAbstractItemModelTester tester(view.messagesModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        view.resize(1500, 860);
        view.show();
        BrowserSettings settings;
        settings.config.setBootstrapServers(cluster.bootstrapServers());
        settings.requestTimeoutMs = 20'000;
        auto *browser = new MessageBrowser(settings);
        // The console's wiring: view asks, worker answers, always queued across the thread.
        connect(&view, &MessageBrowserView::browseRequested, browser, &MessageBrowser::browse);
        connect(&view, &MessageBrowserView::pageForwardRequested, browser, &MessageBrowser::pageForward);
        connect(&view, &MessageBrowserView::pageBackwardRequested, browser, &MessageBrowser::pageBackward);
        connect(&view, &MessageBrowserView::filterRequested, browser, &MessageBrowser::filter);
        // Direct, so cancel does not wait behind the scan's queued slices.
        connect(&view, &MessageBrowserView::filterCancelRequested, browser, [browser](quint64 id) { browser->requestCancel(id); }, Qt::DirectConnection);
        connect(&view, &MessageBrowserView::fullValueRequested, browser, &MessageBrowser::loadFullValue);
        connect(&view, &MessageBrowserView::produceRequested, browser, &MessageBrowser::produce);
        connect(&view, &MessageBrowserView::republishRequested, browser, &MessageBrowser::republish);
        connect(browser, &MessageBrowser::pageReady, &view, &MessageBrowserView::showPage);
        connect(browser, &MessageBrowser::filterProgress, &view, &MessageBrowserView::showFilterProgress);
        connect(browser, &MessageBrowser::fullValueLoaded, &view, &MessageBrowserView::showFullValue);
        connect(browser, &MessageBrowser::produced, &view, &MessageBrowserView::showProduced);
        WorkerThread thread(browser, QStringLiteral("browser"));

        // A page from the beginning of partition 0.
        view.setTopic(topic);
        view.findChild<QLineEdit *>(QStringLiteral("partitions"))->setText(QStringLiteral("0"));
        view.findChild<QSpinBox *>(QStringLiteral("pageSize"))->setValue(50);
        view.findChild<QPushButton *>(QStringLiteral("browse"))->click();
        MessagesModel *model = view.messagesModel();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 50, 60'000);
        QCOMPARE(model->messageAt(0).record.offset, 0);
        QCOMPARE(model->messageAt(0).record.partition, 0);
        // Masked patient: neither the key column nor the detail pane shows the id until revealed.
        const QString patient = QString::fromUtf8(model->messageAt(0).record.key);
        QCOMPARE(patient, QStringLiteral("pat-000000"));
        QVERIFY(model->data(model->index(0, MessagesModel::Key)).toString() != patient);
        QCOMPARE(model->data(model->index(0, MessagesModel::Patient)).toString(), model->displayPatient(patient));
        view.selectRow(0);
        QVERIFY(view.detailText().contains(QStringLiteral("\"resourceType\": \"Observation\""))); // pretty JSON
        QVERIFY(view.detailText().contains(QStringLiteral("source: vigil-gui-test")));
        QVERIFY2(!view.detailText().contains(patient), qPrintable(view.detailText()));
        screenshot(view, QStringLiteral("message-browser-masked"));
        view.findChild<QCheckBox *>(QStringLiteral("reveal"))->click();
        QCOMPARE(model->data(model->index(0, MessagesModel::Key)).toString(), patient);
        QVERIFY(view.detailText().contains(patient));
        view.findChild<QCheckBox *>(QStringLiteral("reveal"))->click();
        QVERIFY(!view.detailText().contains(patient));
        QCOMPARE(auditActions(auditPath), QStringList{QStringLiteral("reveal-patient-ids")});

        // Next page, then back.
        view.findChild<QPushButton *>(QStringLiteral("forward"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount() > 0 ? model->messageAt(0).record.offset : -1, 50, 30'000);
        view.findChild<QPushButton *>(QStringLiteral("back"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount() > 0 ? model->messageAt(0).record.offset : -1, 0, 30'000);

        // The last 5 of partition 0 hold the binary value, shown in hex.
        view.findChild<QComboBox *>(QStringLiteral("start"))->setCurrentIndex(1);
        view.findChild<QLineEdit *>(QStringLiteral("position"))->setText(QStringLiteral("5"));
        view.findChild<QPushButton *>(QStringLiteral("browse"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 5, 30'000);
        view.selectRow(4);
        QCOMPARE(model->messageAt(4).record.offset, 150);
        QVERIFY2(view.detailText().contains(QStringLiteral("not UTF-8")), qPrintable(view.detailText()));
        QVERIFY(view.detailText().contains(QStringLiteral("01 02 ff fe")));
        screenshot(view, QStringLiteral("message-browser-hex"));

        // The large value on partition 1 arrives truncated and loads in full on demand.
        view.findChild<QLineEdit *>(QStringLiteral("partitions"))->setText(QStringLiteral("1"));
        view.findChild<QLineEdit *>(QStringLiteral("position"))->setText(QStringLiteral("1"));
        view.findChild<QPushButton *>(QStringLiteral("browse"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount() == 1 && model->messageAt(0).record.key == "pat-large", true, 30'000);
        QVERIFY(model->messageAt(0).truncated);
        view.selectRow(0);
        auto *loadFull = view.findChild<QPushButton *>(QStringLiteral("loadFull"));
        QVERIFY(loadFull->isEnabled());
        loadFull->click();
        QTRY_VERIFY_WITH_TIMEOUT(!model->messageAt(0).truncated, 30'000);
        QCOMPARE(model->messageAt(0).record.value.size(), 1'200'000);

        // Text filter over both partitions: six needles among 300.
        view.findChild<QLineEdit *>(QStringLiteral("partitions"))->clear();
        view.findChild<QLineEdit *>(QStringLiteral("textFilter"))->setText(QStringLiteral("needle-xyz"));
        view.findChild<QPushButton *>(QStringLiteral("find"))->click();
        QVERIFY(view.filtering());
        QTRY_VERIFY_WITH_TIMEOUT(!view.filtering(), 60'000);
        QVERIFY2(view.filterStatus().contains(QStringLiteral("done")), qPrintable(view.filterStatus()));
        QCOMPARE(model->rowCount(), 6);
        for (int row = 0; row < model->rowCount(); ++row)
            QVERIFY(model->messageAt(row).record.value.contains("Needle-XYZ"));
        screenshot(view, QStringLiteral("message-browser-filter"));
        // Key filter: one patient's messages.
        view.findChild<QLineEdit *>(QStringLiteral("textFilter"))->clear();
        view.findChild<QLineEdit *>(QStringLiteral("keyFilter"))->setText(QStringLiteral("pat-000007"));
        view.findChild<QPushButton *>(QStringLiteral("find"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(!view.filtering(), 60'000);
        QCOMPARE(model->rowCount(), 15);

        // Produce: a value that is not JSON never leaves; a JSON one does.
        view.findChild<QComboBox *>(QStringLiteral("produceTopic"))->setCurrentText(target);
        view.findChild<QLineEdit *>(QStringLiteral("produceKey"))->setText(QStringLiteral("pat-000099"));
        view.findChild<QPlainTextEdit *>(QStringLiteral("produceHeaders"))->setPlainText(QStringLiteral("source: vigil-console"));
        view.findChild<QPlainTextEdit *>(QStringLiteral("produceValue"))->setPlainText(QStringLiteral("{not json"));
        QSignalSpy produceAsked(&view, &MessageBrowserView::produceRequested);
        view.findChild<QPushButton *>(QStringLiteral("send"))->click();
        QCOMPARE(produceAsked.size(), 0);
        QVERIFY(view.produceStatus().contains(QStringLiteral("not JSON")));
        view.findChild<QPlainTextEdit *>(QStringLiteral("produceValue"))->setPlainText(QStringLiteral("{\"note\": \"from the console\"}"));
        view.findChild<QPushButton *>(QStringLiteral("send"))->click();
        QCOMPARE(produceAsked.size(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(view.produceStatus().startsWith(QStringLiteral("Sent to ") + target), 30'000);
        // Re-publish the first match of the key filter.
        view.selectRow(0);
        view.findChild<QComboBox *>(QStringLiteral("republishTopic"))->setCurrentText(target);
        view.findChild<QPushButton *>(QStringLiteral("republish"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(view.produceStatus().contains(QStringLiteral("@ 1")), 30'000);
        QCOMPARE(auditActions(auditPath),
                 (QStringList{QStringLiteral("reveal-patient-ids"), QStringLiteral("produce-message"), QStringLiteral("republish-message")}));
        // Both arrived, with the re-published key and headers.
        view.setTopic(target);
        view.findChild<QComboBox *>(QStringLiteral("start"))->setCurrentIndex(0);
        view.findChild<QPushButton *>(QStringLiteral("browse"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, 30'000);
        QCOMPARE(model->messageAt(1).record.key, QByteArray("pat-000007"));
        QCOMPARE(model->messageAt(1).record.headers.size(), 2);
        view.selectRow(1);
        screenshot(view, QStringLiteral("message-browser-produce"));
        QVERIFY(thread.stop(30'000));
    }

    void consumerLagView()
    {
        MockCluster cluster(3);
        const QString topic = QStringLiteral("vigil-gui-lag");
        const QString group = QStringLiteral("clinical-gui-reader");
        cluster.createTopic(topic, 2, 3);
        {
            ClientConfig config;
            config.setBootstrapServers(cluster.bootstrapServers());
            Producer producer(config);
            for (int i = 0; i < 200; ++i)
                producer.produce(topic.toStdString(), "k", labResult(i, "routine"), {}, QDateTime::currentMSecsSinceEpoch() - 90'000, i % 2);
            QCOMPARE(producer.flush(30'000), 0);
        }
        {
            // The group read 40 of partition 0 and 70 of partition 1, and stopped.
            ClientConfig config;
            config.setBootstrapServers(cluster.bootstrapServers());
            config.set(QStringLiteral("group.id"), group);
            config.set(QStringLiteral("enable.auto.commit"), QStringLiteral("false"));
            Consumer consumer(config);
            RdPartitionListPtr list(rd_kafka_topic_partition_list_new(2));
            rd_kafka_topic_partition_list_add(list.get(), topic.toUtf8().constData(), 0)->offset = 40;
            rd_kafka_topic_partition_list_add(list.get(), topic.toUtf8().constData(), 1)->offset = 70;
            throwIfError(rd_kafka_commit(consumer.handle(), list.get(), 0), QStringLiteral("commit"));
        }

        ConsumerLagView view;
        QAbstractItemModelTester groupsTester(view.lagModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester partitionsTester(view.partitionsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        view.resize(1300, 820);
        view.show();
        auto *inspector = new ClusterInspector(inspectorSettings(cluster));
        connect(inspector, &ClusterInspector::snapshotReady, &view, &ConsumerLagView::showSnapshot);
        connect(inspector, &ClusterInspector::refreshIntervalChanged, &view, &ConsumerLagView::setRefreshIntervalShown);
        connect(&view, &ConsumerLagView::groupAdded, inspector, &ClusterInspector::addGroup);
        connect(&view, &ConsumerLagView::groupRemoved, inspector, &ClusterInspector::removeGroup);
        connect(&view, &ConsumerLagView::refreshIntervalChanged, inspector, &ClusterInspector::setRefreshInterval);
        WorkerThread thread(inspector, QStringLiteral("inspector"));

        view.findChild<QLineEdit *>(QStringLiteral("newGroup"))->setText(group);
        view.findChild<QPushButton *>(QStringLiteral("addGroup"))->click();
        ConsumerLagModel *model = view.lagModel();
        QTRY_VERIFY_WITH_TIMEOUT(model->rowOf(group) >= 0 && model->groupAt(model->rowOf(group)).totalLag() == 90, 60'000);
        const int row = model->rowOf(group);
        QCOMPARE(model->data(model->index(row, ConsumerLagModel::Lag)).toString(), QLocale::system().toString(90));
        view.selectGroup(group);
        QCOMPARE(view.partitionsModel()->rowCount(), 2);
        QCOMPARE(view.partitionsModel()->data(view.partitionsModel()->index(0, GroupPartitionsModel::Committed)).toString().remove(u','), QStringLiteral("40"));
        QCOMPARE(view.partitionsModel()->data(view.partitionsModel()->index(0, GroupPartitionsModel::Lag)).toString().remove(u','), QStringLiteral("60"));
        QCOMPARE(view.partitionsModel()->data(view.partitionsModel()->index(1, GroupPartitionsModel::Lag)).toString().remove(u','), QStringLiteral("30"));
        // The chart draws the group's history as it grows.
        QTRY_VERIFY_WITH_TIMEOUT(view.chart()->pointCount() >= 3, 30'000);
        QCOMPARE(view.chart()->seriesCount(), 1);

        // The lag rule is edited in the view: a broken pattern is refused and changes nothing; a low
        // threshold with no duration then fires visibly for the group.
        auto *pattern = view.findChild<QLineEdit *>(QStringLiteral("lagRulePattern"));
        auto *applyRule = view.findChild<QPushButton *>(QStringLiteral("applyLagRule"));
        QCOMPARE(pattern->text(), QStringLiteral("clinical-.*"));
        pattern->setText(QStringLiteral("clinical-("));
        view.findChild<QSpinBox *>(QStringLiteral("lagRuleThreshold"))->setValue(50);
        view.findChild<QSpinBox *>(QStringLiteral("lagRuleMinutes"))->setValue(0);
        applyRule->click();
        QVERIFY(view.findChild<QLabel *>(QStringLiteral("lagRuleState"))->text().contains(QStringLiteral("not a valid regular expression")));
        QCOMPARE(model->lagRule().settings().threshold, 30'000);
        pattern->setText(QStringLiteral("clinical-.*"));
        applyRule->click();
        QCOMPARE(model->lagRule().settings().threshold, 50);
        QCOMPARE(model->lagRule().settings().durationMs, 0);
        QTRY_VERIFY_WITH_TIMEOUT(!view.firingAlerts().isEmpty(), 30'000);
        QCOMPARE(view.firingAlerts().first().subject, group);
        QTRY_COMPARE_WITH_TIMEOUT(model->data(model->index(model->rowOf(group), ConsumerLagModel::Alert)).toString(), QStringLiteral("LAG ALERT"), 30'000);

        // The refresh interval goes back to the inspector.
        // Received on this thread (queued), so an answer that comes before the wait begins is not missed.
        int interval = 0;
        connect(inspector, &ClusterInspector::refreshIntervalChanged, this, [&interval](int ms) { interval = ms; });
        view.findChild<QSpinBox *>(QStringLiteral("refreshInterval"))->setValue(2);
        QTRY_COMPARE_WITH_TIMEOUT(interval, 2000, 30'000);
        screenshot(view, QStringLiteral("consumer-lag"));
        QVERIFY(thread.stop(30'000));
    }

    void clusterHealthView()
    {
        MockCluster cluster(3);
        ClusterHealthView view;
        view.resize(1100, 700);
        view.show();
        auto *inspector = new ClusterInspector(inspectorSettings(cluster));
        connect(inspector, &ClusterInspector::snapshotReady, &view, &ClusterHealthView::showSnapshot);
        connect(inspector, &KafkaWorker::statisticsUpdated, &view, &ClusterHealthView::showClientStatistics);
        ClusterSnapshot latest;
        connect(inspector, &ClusterInspector::snapshotReady, this, [&latest](const ClusterSnapshot &s) { latest = s; });
        WorkerThread thread(inspector, QStringLiteral("inspector"));
        QTRY_VERIFY_WITH_TIMEOUT(view.brokersShown() == 3 && !latest.topics.isEmpty(), 60'000);
        QCOMPARE(view.underReplicatedShown(), 0);
        QVERIFY(view.firingAlerts().isEmpty());
        // The inspector's own client reports its statistics: one row, named by its client.id.
        QTRY_VERIFY_WITH_TIMEOUT(view.clientsShown() >= 1, 30'000);
        QVERIFY(view.clients().rows().first().name.startsWith(QStringLiteral("vigil-inspector")));
        QCOMPARE(view.clients().rows().first().brokersTotal, 3);

        // A producer whose deliveries fail: the produce-error rule (here with no duration) fires visibly.
        view.clients().rules().produceErrorDurationMs = 0;
        ClientStatistics failing;
        failing.client = QStringLiteral("rdkafka#producer-7");
        failing.clientId = QStringLiteral("vigil-simulator");
        failing.type = QStringLiteral("producer");
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch() * 1000;
        failing.timestampUs = t0;
        view.showClientStatistics(failing);
        failing.timestampUs = t0 + 50'000;
        failing.failedDeliveries = 25;
        view.showClientStatistics(failing);
        QCOMPARE(view.firingAlerts().size(), 1);
        QCOMPARE(view.firingAlerts().first().rule, QStringLiteral("produce error rate"));
        QCOMPARE(view.clientsShown(), 2);
        screenshot(view, QStringLiteral("cluster-health"));
        failing.timestampUs = t0 + 100'000;
        view.showClientStatistics(failing); // no new failure: the rate falls to 0 and the alert clears
        QVERIFY(view.firingAlerts().isEmpty());

        // A broker taken down: seen down within a refresh, its replicas listed, the rule's alert firing;
        // back up, and everything clears.
        cluster.setBrokerUp(2, false);
        QTRY_VERIFY_WITH_TIMEOUT(latest.brokersDown() == 1 && view.underReplicatedShown() > 0, 30'000);
        QCOMPARE(view.underReplicatedShown(), latest.underReplicatedPartitions());
        QCOMPARE(view.firingAlerts().size(), 1);
        QCOMPARE(view.firingAlerts().first().rule, QStringLiteral("under-replicated partitions"));
        screenshot(view, QStringLiteral("cluster-health-broker-down"));
        cluster.setBrokerUp(2, true);
        QTRY_VERIFY_WITH_TIMEOUT(latest.brokersDown() == 0 && view.underReplicatedShown() == 0, 60'000);
        QVERIFY(thread.stop(30'000));
        QVERIFY(view.firingAlerts().isEmpty());
    }
};

QTEST_MAIN(TestBrowsers)
#include "tst_browsers.moc"
