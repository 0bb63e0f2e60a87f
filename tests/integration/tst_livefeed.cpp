// Simulated hospital -> embedded cluster -> feed consumer worker -> feed model, all real.
#include "local/mockcluster.h"
#include "jobs/feedconsumer.h"
#include "items/feedmodel.h"
#include "jobs/simulatorpublisher.h"
#include "base/topics.h"
#include "client/workerthread.h"

#include <QAbstractItemModelTester>
#include <QtTest>

class TestLiveFeed final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void simulatedHospitalFillsTheFeed()
    {
        MockCluster cluster;
        ClientConfig config;
        config.setBootstrapServers(cluster.bootstrapServers());

        FeedModel feed(5000);
        QAbstractItemModelTester tester(&feed, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QList<ClientError> errors;
        QList<ClientStatistics> statistics;
        QList<SimulatorCounters> published;
        QObject context; // destroyed first: no queued call reaches the lists above after the test

        ConsumerSettings settings;
        settings.config = config;
        settings.topics = {QStringLiteral("healthcare.adt.events"), QStringLiteral("healthcare.labs.results"),
                           QStringLiteral("healthcare.medications.orders"), QStringLiteral("healthcare.fhir.other")};
        settings.groupId = QStringLiteral("live-feed-test");
        settings.offsetReset = QStringLiteral("earliest");
        auto *consumer = new FeedConsumer(settings);
        QSignalSpy batches(consumer, &FeedConsumer::eventsReady);
        connect(consumer, &FeedConsumer::eventsReady, &feed, &FeedModel::appendBatch);
        connect(consumer, &KafkaWorker::errorOccurred, &context, [&](const ClientError &e) { errors.append(e); });
        connect(consumer, &KafkaWorker::statisticsUpdated, this,
                [&](const ClientStatistics &s) { statistics.append(s); });
        WorkerThread consumerThread(consumer, QStringLiteral("feed"));

        SimulatorSettings simulatorSettings;
        simulatorSettings.config = config;
        simulatorSettings.seed = 11;
        simulatorSettings.eventsPerMinute = 120'000;
        auto *simulator = new SimulatorPublisher(simulatorSettings);
        connect(simulator, &SimulatorPublisher::published, this,
                [&](const SimulatorCounters &c) { published.append(c); });
        connect(simulator, &KafkaWorker::errorOccurred, &context, [&](const ClientError &e) { errors.append(e); });
        WorkerThread simulatorThread(simulator, QStringLiteral("simulator"));

        QTRY_VERIFY_WITH_TIMEOUT(feed.totalReceived() >= 2000, 60'000);
        QTRY_VERIFY_WITH_TIMEOUT(!statistics.isEmpty(), 10'000);
        QVERIFY(simulatorThread.stop());
        QVERIFY(consumerThread.stop());

        for (const auto &error : errors)
            QVERIFY2(!error.fatal, qPrintable(error.message));
        QVERIFY(!published.isEmpty());
        QVERIFY(published.last().transactionsCommitted > 0);
        QCOMPARE(published.last().transactionsFailed, 0);
        // Batches, not a signal per record.
        QVERIFY2(batches.size() * 5 < feed.totalReceived(), qPrintable(QString::number(batches.size())));
        QCOMPARE(statistics.last().brokersTotal, 3);

        QSet<QString> resourceTypes;
        for (int row = 0; row < feed.rowCount(); ++row) {
            const FeedEvent &event = feed.eventAt(row);
            QVERIFY2(!event.resourceType.isEmpty(), qPrintable(event.summary)); // everything readable
            QVERIFY(!event.patientId.isEmpty());
            const auto topic = Topics::forResourceType(event.resourceType.toStdString());
            QCOMPARE(event.topic, QString::fromUtf8(topic.data(), topic.size()));
            resourceTypes.insert(event.resourceType);
        }
        for (const char *type : {"Patient", "Encounter", "Observation", "MedicationRequest"})
            QVERIFY2(resourceTypes.contains(QString::fromUtf8(type)), type);
    }
};

QTEST_GUILESS_MAIN(TestLiveFeed)
#include "tst_livefeed.moc"
