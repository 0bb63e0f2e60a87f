// The exactly-once invariant across a crash: `vigil evaluate` is killed with SIGKILL in the middle
// of a stream and started again. Afterwards every input offset appears exactly once across
// healthcare.labs.processed and healthcare.dlq, and every alert exactly once, read_committed.
// It runs against the real Apache Kafka broker of the RealKafka test fixture: the mock cluster
// (librdkafka 2.0.2's) delivers aborted transactions to read_committed consumers, so the invariant
// cannot hold there. It counts only the outputs of its own inputs, and no other evaluator may run on
// the broker meanwhile (RESOURCE_LOCK in CMakeLists.txt: they would share the group's partitions).
// The same holds for several instances sharing the input, one killed and restarted, one joining.
#include "clustertesting.h"

#include <QProcess>
#include <QtTest>

using namespace ClusterTesting;

namespace {

QString vigilBinary()
{
    return QStringLiteral(VIGIL_BINARY_DIR "/vigil");
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
        // Other tests' records are in the shared broker's topics too: only this test's are counted.
        // Of this run only, too: the broker may keep an earlier run's (a fixture started by hand).
        const std::string prefix = "restart-" + runId().toStdString() + '-';
        const auto ours = [&](const KafkaRecord &output) { return outputOf(output, prefix); };
        const auto ourAlert = [&](const KafkaRecord &alert) { return alertFor(alert, prefix); };
        for (int i = 0; i < firstHalf; ++i)
            producer.produce("healthcare.labs.results", "pat-" + std::to_string(i % 50), knownLabResult(i, prefix));
        QCOMPARE(producer.flush(30'000), 0);

        QProcess evaluator;
        evaluator.setProgram(vigilBinary());
        evaluator.setArguments({"evaluate", "--bootstrap", m_bootstrap});
        evaluator.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        evaluator.start();
        QVERIFY(evaluator.waitForStarted());
        // Kill it once it has committed some of the work, mid-stream.
        QVERIFY(readCommitted(m_bootstrap, {"healthcare.labs.processed"}, 1000, 60'000, 0, ours).size() >= 1000);
        evaluator.kill(); // SIGKILL: no clean shutdown, a transaction may be open
        QVERIFY(evaluator.waitForFinished(10'000));

        for (int i = firstHalf; i < total; ++i)
            producer.produce("healthcare.labs.results", "pat-" + std::to_string(i % 50), knownLabResult(i, prefix));
        QCOMPARE(producer.flush(30'000), 0);

        evaluator.start();
        QVERIFY(evaluator.waitForStarted());
        const auto outputs = readCommitted(m_bootstrap, {"healthcare.labs.processed", "healthcare.dlq"}, total, 120'000, 3'000, ours);
        const auto alerts = readCommitted(m_bootstrap, {"healthcare.alerts.critical"}, expectedAlerts(total), 30'000, 3'000, ourAlert);
        evaluator.terminate();
        QVERIFY(evaluator.waitForFinished(15'000));
        QCOMPARE(evaluator.exitCode(), 0);

        const QString problem = exactlyOnceProblem(outputs, alerts, total);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    // Instances share the input's partitions through the group; one is killed and restarted under
    // its name (static membership: it takes its partitions back at once), and a fourth joins.
    void instancesShareTheInputAndAKilledOneLosesNothing()
    {
        ClusterTesting::instancesShareTheInputAndAKilledOneLosesNothing(m_bootstrap, "scale-" + runId().toStdString() + '-');
    }

private:
    QString m_bootstrap;
};

QTEST_GUILESS_MAIN(TestEvaluatorRestart)
#include "tst_evaluatorrestart.moc"
