// The exactly-once invariant across a crash: `vigil evaluate` is killed with SIGKILL in the middle
// of a stream and started again. Afterwards every input offset appears exactly once across
// healthcare.labs.processed and healthcare.dlq, and every alert exactly once, read_committed.
// It runs against the real Apache Kafka broker of the RealKafka test fixture: the embedded
// cluster (librdkafka 2.0.2's mock) delivers aborted transactions to read_committed consumers,
// so the invariant cannot hold there.
#include "client/consumer.h"
#include "client/producer.h"
#include "jobs/topicprovisioner.h"

#include <QProcess>
#include <QtTest>

namespace {

QString vigilBinary()
{
    return QStringLiteral(VIGIL_BINARY_DIR "/vigil");
}

std::string labResult(int i)
{
    if (i % 10 == 9)
        return "{broken json " + std::to_string(i); // a dead letter
    const double value = i % 7 == 0 ? 7.1 : 4.2;    // every seventh is critical-high
    return R"({"resourceType":"Observation","id":"obs-)" + std::to_string(i)
           + R"(","status":"final","subject":{"reference":"Patient/pat-)" + std::to_string(i % 50)
           + R"("},"code":{"coding":[{"system":"http://loinc.org","code":"2823-3"}]},"valueQuantity":{"value":)"
           + std::to_string(value) + R"(,"system":"http://unitsofmeasure.org","code":"mmol/L"}})";
}

int expectedAlerts(int count)
{
    int alerts = 0;
    for (int i = 0; i < count; ++i)
        alerts += i % 10 != 9 && i % 7 == 0;
    return alerts;
}

QString header(const KafkaRecord &record, const char *name)
{
    for (const auto &h : record.headers) {
        if (h.name == name)
            return QString::fromUtf8(h.value);
    }
    return {};
}

// Reads the topics from the beginning until `expected` records arrived or the deadline passed,
// then goes on for settleMs so that anything duplicated shows up too.
QList<KafkaRecord> readCommitted(const QString &bootstrap, const QStringList &topics, int expected, int deadlineMs,
                                 int settleMs = 0)
{
    ClientConfig config;
    config.setBootstrapServers(bootstrap);
    config.set("group.id", "restart-reader-" + QString::number(QDateTime::currentMSecsSinceEpoch()));
    config.set("auto.offset.reset", "earliest");
    config.set("isolation.level", "read_committed");
    config.set("enable.auto.commit", "false");
    Consumer consumer(config);
    consumer.subscribe(topics);
    QList<KafkaRecord> records;
    QDeadlineTimer deadline(deadlineMs);
    while (!deadline.hasExpired() && records.size() < expected) {
        RdMessagePtr message = consumer.poll(100);
        if (message && !message->err)
            records.append(Consumer::toRecord(*message));
    }
    QDeadlineTimer settle(settleMs);
    while (!settle.hasExpired()) {
        RdMessagePtr message = consumer.poll(100);
        if (message && !message->err)
            records.append(Consumer::toRecord(*message));
    }
    return records;
}

} // namespace

class TestEvaluatorRestart final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(vigilBinary()), qPrintable(vigilBinary()));
        QFile bootstrap(QStringLiteral(VIGIL_REALKAFKA_STATE_DIR "/bootstrap"));
        if (!bootstrap.open(QIODevice::ReadOnly))
            QSKIP("no real Kafka broker: the RealKafka fixture did not start one (Java 17 or Maven missing?)");
        m_bootstrap = QString::fromUtf8(bootstrap.readAll()).trimmed();
        QFile version(QStringLiteral(VIGIL_REALKAFKA_STATE_DIR "/version"));
        if (version.open(QIODevice::ReadOnly))
            qInfo().noquote() << "cluster: Apache Kafka" << version.readAll().trimmed() << "at" << m_bootstrap
                              << "- client: librdkafka" << rd_kafka_version_str();
        ClientConfig config;
        config.setBootstrapServers(m_bootstrap);
        for (const auto &result : TopicProvisioner(config).provision())
            QVERIFY2(result.outcome != TopicProvisioner::Outcome::Failed, qPrintable(result.topic + ": " + result.error));
    }

    void everyInputExactlyOnceAfterACrash()
    {
        ClientConfig config;
        config.setBootstrapServers(m_bootstrap);
        Producer producer(config);
        constexpr int firstHalf = 20'000;
        constexpr int total = 30'000;
        for (int i = 0; i < firstHalf; ++i)
            producer.produce("healthcare.labs.results", "pat-" + std::to_string(i % 50), labResult(i));
        QCOMPARE(producer.flush(30'000), 0);

        QProcess evaluator;
        evaluator.setProgram(vigilBinary());
        evaluator.setArguments({"evaluate", "--bootstrap", m_bootstrap});
        evaluator.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        evaluator.start();
        QVERIFY(evaluator.waitForStarted());
        // Kill it once it has committed some of the work, mid-stream.
        QVERIFY(readCommitted(m_bootstrap, {"healthcare.labs.processed"}, 1000, 60'000).size() >= 1000);
        evaluator.kill(); // SIGKILL: no clean shutdown, a transaction may be open
        QVERIFY(evaluator.waitForFinished(10'000));

        for (int i = firstHalf; i < total; ++i)
            producer.produce("healthcare.labs.results", "pat-" + std::to_string(i % 50), labResult(i));
        QCOMPARE(producer.flush(30'000), 0);

        evaluator.start();
        QVERIFY(evaluator.waitForStarted());
        const auto outputs = readCommitted(m_bootstrap, {"healthcare.labs.processed", "healthcare.dlq"}, total, 120'000, 3'000);
        const auto alerts = readCommitted(m_bootstrap, {"healthcare.alerts.critical"}, expectedAlerts(total), 30'000, 3'000);
        evaluator.terminate();
        QVERIFY(evaluator.waitForFinished(15'000));
        QCOMPARE(evaluator.exitCode(), 0);

        QSet<QString> sources;
        int deadLetters = 0;
        for (const auto &record : outputs) {
            const QString source = header(record, "vigil.source.partition") + '@' + header(record, "vigil.source.offset");
            QVERIFY2(!sources.contains(source), qPrintable("duplicated: " + source));
            sources.insert(source);
            deadLetters += record.topic == "healthcare.dlq";
        }
        QCOMPARE(outputs.size(), total);
        QCOMPARE(sources.size(), total);
        QCOMPARE(deadLetters, total / 10);

        QSet<QByteArray> alertIds;
        for (const auto &record : alerts)
            alertIds.insert(record.key);
        QCOMPARE(alerts.size(), expectedAlerts(total));
        QCOMPARE(alertIds.size(), expectedAlerts(total));
    }

private:
    QString m_bootstrap;
};

QTEST_GUILESS_MAIN(TestEvaluatorRestart)
#include "tst_evaluatorrestart.moc"
