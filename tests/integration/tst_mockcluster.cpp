#include "client/consumer.h"
#include "local/mockcluster.h"
#include "client/kafkaerror.h"
#include "client/producer.h"
#include "base/topics.h"

#include <QtTest>

namespace {

ClientConfig configFor(const MockCluster &cluster)
{
    ClientConfig config;
    config.setBootstrapServers(cluster.bootstrapServers());
    return config;
}

RdMetadataPtr metadata(rd_kafka_t *client)
{
    const rd_kafka_metadata_t *raw = nullptr;
    throwIfError(rd_kafka_metadata(client, 1, nullptr, &raw, 10'000), QStringLiteral("metadata"));
    return RdMetadataPtr(raw);
}

} // namespace

class TestMockCluster final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void startsThreeBrokersWithTheSeedTopics()
    {
        MockCluster cluster;
        QCOMPARE(cluster.bootstrapServers().split(u',').size(), 3);
        Producer producer(configFor(cluster));
        const RdMetadataPtr md = metadata(producer.handle());
        QCOMPARE(md->broker_cnt, 3);

        QMap<QString, int> partitions;
        for (int i = 0; i < md->topic_cnt; ++i)
            partitions.insert(QString::fromUtf8(md->topics[i].topic), md->topics[i].partition_cnt);
        for (const auto &spec : Topics::recommendedLayout()) {
            const QString name = QString::fromUtf8(spec.name.data(), spec.name.size());
            QVERIFY2(partitions.contains(name), qPrintable(name));
            QCOMPARE(partitions.value(name), spec.partitions);
        }
    }

    void seedEnvelopeRoundTrip()
    {
        MockCluster cluster;
        const std::string value = R"({"event_type":"lab_result","resource_type":"Observation","resource_id":"o1","patient_id":"pat-1","timestamp":"2026-11-27T10:00:00.000Z","fhir_resource":{"resourceType":"Observation","id":"o1"}})";
        Producer producer(configFor(cluster));
        producer.produce("healthcare.labs.results", "pat-1", value, {{"source", "test"}}, 1'700'000'000'000);
        QCOMPARE(producer.flush(10'000), 0);
        QCOMPARE(producer.deliveries().delivered, 1);

        ClientConfig config = configFor(cluster);
        config.set(QStringLiteral("group.id"), QStringLiteral("round-trip"));
        config.set(QStringLiteral("auto.offset.reset"), QStringLiteral("earliest"));
        Consumer consumer(config);
        consumer.subscribe({QStringLiteral("healthcare.labs.results")});
        KafkaRecord record;
        QDeadlineTimer deadline(30'000);
        while (record.offset < 0 && !deadline.hasExpired()) {
            RdMessagePtr message = consumer.poll(200);
            if (message && !message->err)
                record = Consumer::toRecord(*message);
        }
        QCOMPARE(record.key, QByteArray("pat-1"));
        QCOMPARE(record.value, QByteArray::fromStdString(value));
        QCOMPARE(record.timestampMs, 1'700'000'000'000);
        QCOMPARE(record.headers.size(), 1);
        QCOMPARE(record.headers.first().value, QByteArray("test"));
        QVERIFY(consumer.close(5000));
    }

    void aBrokerCanBeTakenDownAndBroughtBack()
    {
        MockCluster cluster;
        cluster.setBrokerUp(2, false);
        cluster.setBrokerUp(2, true);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, cluster.setBrokerUp(99, false));
    }

    void limitationsAreStated()
    {
        const QString text = MockCluster::limitations();
        QVERIFY(text.contains(QStringLiteral("in memory")));
        QVERIFY(text.contains(QStringLiteral("DescribeConfigs")));
        QVERIFY(text.contains(QStringLiteral("5 MB")));
        QVERIFY(text.contains(QStringLiteral("aborted transactions")));
    }
};

QTEST_GUILESS_MAIN(TestMockCluster)
#include "tst_mockcluster.moc"
