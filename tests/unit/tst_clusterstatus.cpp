#include "cluster/clusterstatus.h"

#include <QtTest>

class TestClusterStatus final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rateComesFromConsecutiveStatistics()
    {
        ClusterStatus status(QStringLiteral("test"));
        ClientStatistics first;
        first.client = QStringLiteral("rdkafka#consumer-1");
        first.timestampUs = 1'000'000;
        first.receivedMessages = 100;
        first.brokersUp = 3;
        first.brokersTotal = 3;
        status.updateStatistics(first);
        QCOMPARE(status.eventsPerSecondIn(), 0.0);
        QVERIFY(status.hasStatistics());

        ClientStatistics second = first;
        second.timestampUs = 3'000'000;
        second.receivedMessages = 700;
        second.brokersUp = 2;
        status.updateStatistics(second);
        QCOMPARE(status.eventsPerSecondIn(), 300.0);
        QCOMPARE(status.brokersUp(), 2);
        QCOMPARE(status.brokersTotal(), 3);
    }

    void errorsAreCounted()
    {
        ClusterStatus status(QStringLiteral("test"));
        QSignalSpy changed(&status, &ClusterStatus::changed);
        status.recordError({-195, QStringLiteral("all brokers down"), false, true});
        status.recordError({-187, QStringLiteral("broker transport failure"), false, true});
        QCOMPARE(status.errorCount(), 2);
        QCOMPARE(status.lastError(), QStringLiteral("broker transport failure"));
        QCOMPARE(changed.size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestClusterStatus)
#include "tst_clusterstatus.moc"
