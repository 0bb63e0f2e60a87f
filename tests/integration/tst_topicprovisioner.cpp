// Provisioning and the drift check: on the real broker of the RealKafka fixture (which answers
// CreateTopics and DescribeConfigs) and on the embedded cluster (which answers neither).
#include "local/mockcluster.h"
#include "client/kafkaerror.h"
#include "client/producer.h"
#include "base/topics.h"
#include "jobs/topicprovisioner.h"

#include <QProcess>
#include <QtTest>

namespace {

QString realBootstrap()
{
    QFile file(QStringLiteral(VIGIL_REALKAFKA_STATE_DIR "/bootstrap"));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()).trimmed() : QString();
}

int runVigil(const QStringList &arguments, QByteArray *output = nullptr)
{
    QProcess process;
    process.start(QStringLiteral(VIGIL_BINARY_DIR "/vigil"), arguments);
    process.waitForFinished(120'000);
    if (output)
        *output = process.readAllStandardOutput();
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

// Sets one topic config with the Admin API's AlterConfigs (librdkafka 2.0.2 has no incremental form:
// the topic's other overrides go back to the broker defaults).
void alterTopicConfig(const QString &bootstrap, const char *topic, const char *name, const char *value)
{
    ClientConfig config;
    config.setBootstrapServers(bootstrap);
    Producer client(config);
    rd_kafka_ConfigResource_t *resource = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic);
    rd_kafka_ConfigResource_set_config(resource, name, value);
    RdQueuePtr queue(rd_kafka_queue_new(client.handle()));
    rd_kafka_AlterConfigs(client.handle(), &resource, 1, nullptr, queue.get());
    rd_kafka_ConfigResource_destroy(resource);
    rd_kafka_event_t *event = rd_kafka_queue_poll(queue.get(), 30'000);
    QVERIFY(event);
    const auto error = rd_kafka_event_error(event);
    rd_kafka_event_destroy(event);
    QCOMPARE(error, RD_KAFKA_RESP_ERR_NO_ERROR);
}

} // namespace

class TestTopicProvisioner final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void provisionIsIdempotentOnARealBroker()
    {
        const QString bootstrap = realBootstrap();
        if (bootstrap.isEmpty())
            QSKIP("no real Kafka broker: the RealKafka fixture did not start one");
        ClientConfig config;
        config.setBootstrapServers(bootstrap);
        for (const auto &result : TopicProvisioner(config).provision())
            QVERIFY2(result.outcome != TopicProvisioner::Outcome::Failed, qPrintable(result.error));
        const auto again = TopicProvisioner(config).provision();
        QCOMPARE(again.size(), int(Topics::recommendedLayout().size()));
        for (const auto &result : again)
            QCOMPARE(result.outcome, TopicProvisioner::Outcome::Existed);

        // Right after provisioning there is no drift, and the command line says so with exit 0.
        for (const auto &drift : TopicProvisioner(config).check())
            QVERIFY2(false, qPrintable(drift.topic + ' ' + drift.check + ": " + drift.expected + " vs " + drift.actual));
        QCOMPARE(runVigil({"provision", "--check", "--bootstrap", bootstrap}), 0);

        // A changed config is drift: named in the table, exit status 1.
        alterTopicConfig(bootstrap, "healthcare.dlq", "retention.ms", "604800000");
        // The broker applies an accepted change through its metadata log, a moment later.
        QTRY_COMPARE_WITH_TIMEOUT(TopicProvisioner(config).check().size(), 1, 30'000);
        const auto drift = TopicProvisioner(config).check();
        QCOMPARE(drift.size(), 1);
        QCOMPARE(drift.first().topic, QString("healthcare.dlq"));
        QCOMPARE(drift.first().check, QString("retention.ms"));
        QCOMPARE(drift.first().actual, QString("604800000"));
        QByteArray table;
        QCOMPARE(runVigil({"provision", "--check", "--bootstrap", bootstrap}, &table), 1);
        QVERIFY2(table.contains("healthcare.dlq") && table.contains("604800000"), table.constData());

        // Put it back for the other tests on this broker.
        alterTopicConfig(bootstrap, "healthcare.dlq", "retention.ms", "7776000000");
        QTRY_COMPARE_WITH_TIMEOUT(runVigil({"provision", "--check", "--bootstrap", bootstrap}), 0, 30'000);
    }

    void embeddedClusterChecksWhatItCan()
    {
        MockCluster cluster;
        ClientConfig config;
        config.setBootstrapServers(cluster.bootstrapServers());
        const auto drift = TopicProvisioner(config, 5000).check();
        QCOMPARE(drift.size(), int(Topics::recommendedLayout().size())); // one "configs: not supported" line per topic, no real drift
        for (const auto &d : drift) {
            QVERIFY(d.unanswerable);
            QVERIFY(d.actual.startsWith("not supported by this cluster"));
        }
        cluster.createTopic("healthcare.extra", 1, 1); // not in the layout: not drift
        QCOMPARE(TopicProvisioner(config, 5000).check().size(), int(Topics::recommendedLayout().size()));
    }

    void unreachableClusterIsExitStatusTwo()
    {
        QCOMPARE(runVigil({"provision", "--check", "--bootstrap", "127.0.0.1:1", "-X", "socket.timeout.ms=2000"}), 2);
    }
};

QTEST_GUILESS_MAIN(TestTopicProvisioner)
#include "tst_topicprovisioner.moc"
