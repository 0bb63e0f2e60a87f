// The local Apache Kafka cluster Vigil runs by default, through `vigil broker` as a real process,
// in a data directory of the test's own: start and format, a second process joining, history and
// committed offsets surviving a restart on the same ports, a stale lock from a crash, --reset.
// Needs Java 17+ and the jars the RealKafka fixture fetches; skips without them.
#include "client/consumer.h"
#include "client/producer.h"
#include "local/localcluster.h"

#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <signal.h>

namespace {

QString vigilBinary()
{
    return QStringLiteral(VIGIL_BINARY_DIR "/vigil");
}

ClientConfig configFor(const QString &bootstrap)
{
    ClientConfig config;
    config.setBootstrapServers(bootstrap);
    return config;
}

// Committed records of a topic from the beginning, until nothing more comes for a few seconds.
QList<QByteArray> readValues(const QString &bootstrap, const QString &topic, const QString &group)
{
    ClientConfig config = configFor(bootstrap);
    config.set(QStringLiteral("group.id"), group);
    config.set(QStringLiteral("auto.offset.reset"), QStringLiteral("earliest"));
    config.set(QStringLiteral("enable.auto.commit"), QStringLiteral("false"));
    Consumer consumer(config);
    consumer.subscribe({topic});
    QList<QByteArray> values;
    QDeadlineTimer quiet(15'000);
    while (!quiet.hasExpired()) {
        const RdMessagePtr message = consumer.poll(200);
        if (message && !message->err) {
            values << Consumer::toRecord(*message).value;
            quiet.setRemainingTime(3'000);
        }
    }
    // Commits what it read, so the next reader of the group starts after it.
    rd_kafka_commit(consumer.handle(), nullptr, 0);
    consumer.close(5'000);
    return values;
}

} // namespace

class TestLocalCluster final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        try {
            m_kafka = KafkaDistribution::find();
        } catch (const LocalClusterError &error) {
            QSKIP(qPrintable(QStringLiteral("%1 (%2)").arg(QString::fromUtf8(error.what()), error.fix())));
        }
        QVERIFY(m_data.isValid());
    }

    void brokerStartsTheClusterWithVigilsTopics()
    {
        startBroker();
        QVERIFY2(QRegularExpression(QStringLiteral("^127\\.0\\.0\\.1:\\d+$")).match(m_bootstrap).hasMatch(), qPrintable(m_bootstrap));
        QCOMPARE(LocalCluster::runningBootstrap(m_data.path()), m_bootstrap);
        QCOMPARE(LocalCluster::runningNodePids(m_data.path()).size(), 1);

        Producer producer(configFor(m_bootstrap));
        const RdMetadataPtr metadata = [&] {
            const rd_kafka_metadata_t *raw = nullptr;
            rd_kafka_metadata(producer.handle(), 1, nullptr, &raw, 10'000);
            return RdMetadataPtr(raw);
        }();
        QVERIFY(metadata);
        QCOMPARE(metadata->broker_cnt, 1);
        QSet<QString> topics;
        for (int t = 0; t < metadata->topic_cnt; ++t)
            topics << QString::fromUtf8(metadata->topics[t].topic);
        for (const char *topic : {"healthcare.adt.events", "healthcare.labs.results", "healthcare.alerts.critical", "healthcare.dlq"})
            QVERIFY2(topics.contains(QLatin1String(topic)), topic);
    }

    // A console (here: this test, as a LocalCluster of its own) joins the running cluster instead of
    // starting another; leaving does not stop what `vigil broker` owns.
    void aSecondProcessJoins()
    {
        LocalClusterOptions options;
        options.dataDir = m_data.path();
        LocalCluster joined(m_kafka, options);
        joined.open();
        QVERIFY(!joined.startedHere());
        QCOMPARE(joined.bootstrapServers(), m_bootstrap);
        joined.release();
        QCOMPARE(LocalCluster::runningBootstrap(m_data.path()), m_bootstrap);
    }

    void historyAndOffsetsSurviveARestart()
    {
        Producer producer(configFor(m_bootstrap));
        for (int i = 0; i < 100; ++i)
            producer.produce("restart.history", std::to_string(i % 5), "record " + std::to_string(i));
        QCOMPARE(producer.flush(30'000), 0);
        QCOMPARE(readValues(m_bootstrap, QStringLiteral("restart.history"), QStringLiteral("restart-reader")).size(), 100);

        const QList<qint64> jvms = LocalCluster::runningNodePids(m_data.path());
        stopBroker(); // SIGTERM: the broker owns the cluster and stops it
        for (qint64 pid : jvms)
            QVERIFY2(!LocalNode::processAlive(pid), "the JVM outlived vigil broker");
        QVERIFY(LocalCluster::runningBootstrap(m_data.path()).isEmpty());

        const QString before = m_bootstrap;
        startBroker();
        QCOMPARE(m_bootstrap, before); // same port while it is free
        for (int i = 100; i < 110; ++i)
            producer.produce("restart.history", std::to_string(i % 5), "record " + std::to_string(i));
        QCOMPARE(producer.flush(30'000), 0);
        // The group's committed offset survived: it reads only the ten new records.
        QCOMPARE(readValues(m_bootstrap, QStringLiteral("restart.history"), QStringLiteral("restart-reader")).size(), 10);
        // And the history is all there.
        QCOMPARE(readValues(m_bootstrap, QStringLiteral("restart.history"), QStringLiteral("restart-fresh")).size(), 110);
    }

    // A crash of everything (vigil and the JVM killed) leaves a lock naming dead processes: the
    // next start says so, clears it and starts the cluster on the same data.
    void aStaleLockIsCleared()
    {
        const QList<qint64> jvms = LocalCluster::runningNodePids(m_data.path());
        QVERIFY(!jvms.isEmpty());
        ::kill(pid_t(m_broker.processId()), SIGKILL);
        QVERIFY(m_broker.waitForFinished(10'000));
        for (qint64 pid : jvms)
            ::kill(pid_t(pid), SIGKILL);
        QTRY_VERIFY_WITH_TIMEOUT(LocalCluster::runningBootstrap(m_data.path()).isEmpty(), 10'000);
        QVERIFY(QFile::exists(m_data.path() + QStringLiteral("/cluster.lock")));

        startBroker();
        QVERIFY2(m_brokerLog.contains("Clearing the lock"), m_brokerLog.constData());
        QCOMPARE(readValues(m_bootstrap, QStringLiteral("restart.history"), QStringLiteral("after-crash")).size(), 110);
    }

    // --secured: the same cluster, restarted, also offers SASL_SSL and mTLS; kcat connects with the
    // client properties files it wrote, and a wrong password is refused.
    void securedListenersOnRequest()
    {
        stopBroker();
        startBroker({QStringLiteral("--secured")});
        QVERIFY2(m_brokerLog.contains("SASL_SSL (user vigil"), m_brokerLog.constData());
        const QString secured = m_data.path() + QStringLiteral("/secured");
        const auto kcat = [](const QStringList &arguments) {
            QProcess process;
            process.start(QStringLiteral("kcat"), arguments + QStringList{QStringLiteral("-L"), QStringLiteral("-m"), QStringLiteral("15")});
            process.waitForFinished(60'000);
            return QPair<int, QString>(process.exitCode(), QString::fromUtf8(process.readAll() + process.readAllStandardError()));
        };
        for (const char *file : {"sasl_ssl.properties", "mtls.properties"}) {
            const auto [code, said] = kcat({QStringLiteral("-F"), secured + u'/' + QLatin1String(file)});
            QVERIFY2(code == 0 && said.contains(QStringLiteral("healthcare.labs.results")), qPrintable(file + (u' ' + said)));
        }
        const auto [code, said] = kcat({QStringLiteral("-F"), secured + QStringLiteral("/sasl_ssl.properties"), QStringLiteral("-X"),
                                        QStringLiteral("sasl.password=wrong")});
        QVERIFY2(code != 0, qPrintable(said));
        QFileInfo directory(secured);
        QCOMPARE(directory.permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup), QFileDevice::Permissions());
    }

    void resetAsksFirstAndRefusesWhileRunning()
    {
        QCOMPARE(runReset("no\n"), 1);
        QVERIFY(QFile::exists(m_data.path() + QStringLiteral("/layout.json")));
        QCOMPARE(runReset("yes\n"), 2); // running
        stopBroker();
        QCOMPARE(runReset("yes\n"), 0);
        QVERIFY(!QFile::exists(m_data.path()));
    }

    void cleanupTestCase()
    {
        if (m_broker.state() != QProcess::NotRunning)
            stopBroker();
    }

private:
    KafkaDistribution m_kafka;
    QTemporaryDir m_data;
    QProcess m_broker;
    QString m_bootstrap;
    QByteArray m_brokerLog;

    void startBroker(const QStringList &more = {})
    {
        m_broker.setProgram(vigilBinary());
        m_broker.setArguments(QStringList{QStringLiteral("broker"), QStringLiteral("--data-dir"), m_data.path()} + more);
        m_brokerLog.clear();
        m_broker.start();
        QVERIFY(m_broker.waitForStarted());
        // The first line on stdout is the bootstrap list, once the cluster answers.
        QTRY_VERIFY_WITH_TIMEOUT(m_broker.canReadLine() || m_broker.state() == QProcess::NotRunning, 180'000);
        m_brokerLog = m_broker.readAllStandardError();
        QVERIFY2(m_broker.state() == QProcess::Running, m_brokerLog.constData());
        m_bootstrap = QString::fromUtf8(m_broker.readLine()).trimmed();
    }

    void stopBroker()
    {
        m_broker.terminate();
        QVERIFY(m_broker.waitForFinished(60'000));
        QCOMPARE(m_broker.exitCode(), 0);
    }

    int runReset(const QByteArray &answer)
    {
        QProcess reset;
        reset.start(vigilBinary(), {QStringLiteral("broker"), QStringLiteral("--reset"), QStringLiteral("--data-dir"), m_data.path()});
        reset.write(answer);
        reset.closeWriteChannel();
        reset.waitForFinished(30'000);
        return reset.exitCode();
    }
};

QTEST_GUILESS_MAIN(TestLocalCluster)
#include "tst_localcluster.moc"
