#include "client/statisticsparser.h"

#include <QtTest>

class TestStatisticsParser final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void brokersAndCounters()
    {
        // Shaped as librdkafka 2.0 emits it: bootstrap entries carry nodeid -1.
        const char *statsJson = R"({"name":"rdkafka#consumer-2","client_id":"vigil-evaluator","type":"consumer","ts":123456789,"msg_cnt":7,"txmsgs":0,"rxmsgs":5000,"brokers":{"127.0.0.1:40001/bootstrap":{"nodeid":-1,"state":"UP","txerrs":0,"rxerrs":0,"req_timeouts":0},"GroupCoordinator":{"nodeid":1,"source":"logical","state":"UP","txerrs":0,"rxerrs":0,"req_timeouts":0},"127.0.0.1:40001/1":{"nodeid":1,"state":"UP","txerrs":1,"rxerrs":2,"req_timeouts":3,"outbuf_cnt":2,"waitresp_cnt":1,"rtt":{"avg":2000,"p99":9000,"cnt":4}},"127.0.0.1:40002/2":{"nodeid":2,"state":"DOWN","txerrs":0,"rxerrs":0,"req_timeouts":0,"rtt":{"avg":0,"cnt":0}},"127.0.0.1:40003/3":{"nodeid":3,"state":"UP","txerrs":0,"rxerrs":0,"req_timeouts":0,"outbuf_cnt":0,"waitresp_cnt":4,"rtt":{"avg":4000,"p99":12500,"cnt":2}}}})";
        const auto stats = parseStatistics(statsJson);
        QCOMPARE(stats.client, QStringLiteral("rdkafka#consumer-2"));
        QCOMPARE(stats.timestampUs, 123456789);
        QCOMPARE(stats.brokersTotal, 3);
        QCOMPARE(stats.brokersUp, 2);
        QCOMPARE(stats.receivedMessages, 5000);
        QCOMPARE(stats.queuedMessages, 7);
        QCOMPARE(stats.transportErrors, 6);
        QCOMPARE(stats.averageRttMs, 3.0);
        QCOMPARE(stats.clientId, QStringLiteral("vigil-evaluator"));
        QCOMPARE(stats.type, QStringLiteral("consumer"));
        QCOMPARE(stats.p99RttMs, 12.5); // the worst broker's
        QCOMPARE(stats.requestsInFlight, 7);
        QCOMPARE(stats.failedDeliveries, 0); // the client's delivery reports add it, not the JSON
    }

    void notStatistics()
    {
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, parseStatistics("{}"));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, parseStatistics("garbage"));
    }
};

QTEST_APPLESS_MAIN(TestStatisticsParser)
#include "tst_statisticsparser.moc"
