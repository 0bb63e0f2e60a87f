#include "cluster/clienthealth.h"

#include <QtTest>

// Vigil's own clients from their statistics: rates between reports, the seed's produce-error rule
// (> 0.01 failed deliveries/s for 3 minutes) with an injected clock, and forgetting silent clients.
class TestClientHealth final : public QObject {
    Q_OBJECT
private:
    static ClientStatistics producer(qint64 atMs, qint64 sent, qint64 failed)
    {
        ClientStatistics s;
        s.client = QStringLiteral("rdkafka#producer-1");
        s.clientId = QStringLiteral("vigil-simulator");
        s.type = QStringLiteral("producer");
        s.timestampUs = atMs * 1000;
        s.sentMessages = sent;
        s.failedDeliveries = failed;
        s.brokersUp = 3;
        s.brokersTotal = 3;
        s.averageRttMs = 2.5;
        s.p99RttMs = 9;
        s.queuedMessages = 12;
        s.requestsInFlight = 2;
        return s;
    }

private Q_SLOTS:
    void namesAndRates()
    {
        ClientHealth health;
        QVERIFY(health.update(producer(1000, 0, 0), 1000).isEmpty());
        health.update(producer(3000, 500, 0), 3000);
        const auto rows = health.rows();
        QCOMPARE(rows.size(), 1);
        const ClientHealthRow &row = rows.first();
        QCOMPARE(row.name, QStringLiteral("vigil-simulator (rdkafka#producer-1)"));
        QCOMPARE(row.sentPerSecond, 250.0);
        QCOMPARE(row.produceErrorsPerSecond, 0.0);
        QCOMPARE(row.p99RttMs, 9.0);
        QCOMPARE(row.queuedMessages, 12);
        QCOMPARE(row.requestsInFlight, 2);

        ClientStatistics anonymous = producer(1000, 0, 0);
        anonymous.clientId = QStringLiteral("rdkafka"); // librdkafka's default says nothing
        QCOMPARE(ClientHealth::nameOf(anonymous), QStringLiteral("rdkafka#producer-1"));
    }

    void produceErrorRuleFiresAfterThreeMinutesAndClears()
    {
        ClientHealth health;
        qint64 t = 0;
        qint64 failed = 0;
        health.update(producer(t, 0, failed), t);
        // 1 failed delivery every 10 s = 0.1/s, above 0.01/s: fires once it has held for 3 minutes.
        QList<ConsoleAlert> fired;
        for (int i = 1; i <= 18; ++i) {
            t += 10'000;
            failed += 1;
            fired += health.update(producer(t, i * 100, failed), t);
        }
        QVERIFY(fired.isEmpty()); // held 170 s so far
        t += 10'000;
        fired += health.update(producer(t, 2000, ++failed), t);
        QCOMPARE(fired.size(), 1);
        QVERIFY(fired.first().firing);
        QCOMPARE(fired.first().rule, QStringLiteral("produce error rate"));
        QVERIFY(health.rows().first().erring);
        QCOMPARE(health.rows().first().produceErrorsPerSecond, 0.1);

        t += 10'000;
        const auto cleared = health.update(producer(t, 2100, failed), t); // no new failure
        QCOMPARE(cleared.size(), 1);
        QVERIFY(!cleared.first().firing);
        QVERIFY(!health.rows().first().erring);
    }

    void consumersNeverRaiseProduceErrors()
    {
        ClientHealth health;
        ClientStatistics consumer = producer(0, 0, 0);
        consumer.type = QStringLiteral("consumer");
        consumer.client = QStringLiteral("rdkafka#consumer-2");
        for (qint64 t = 0; t <= 400'000; t += 10'000) {
            consumer.timestampUs = t * 1000;
            consumer.failedDeliveries = t; // meaningless for a consumer
            QVERIFY(health.update(consumer, t).isEmpty());
        }
    }

    void silentClientsAreForgotten()
    {
        ClientHealth health(60'000);
        health.update(producer(0, 0, 0), 0);
        ClientStatistics other = producer(0, 0, 0);
        other.client = QStringLiteral("rdkafka#producer-9");
        health.update(other, 30'000);
        QCOMPARE(health.rows().size(), 2);
        health.update(other, 61'000);
        QCOMPARE(health.rows().size(), 1);
        QCOMPARE(health.rows().first().name, QStringLiteral("vigil-simulator (rdkafka#producer-9)"));
    }
};

QTEST_APPLESS_MAIN(TestClientHealth)
#include "tst_clienthealth.moc"
