// The audit trail on the real broker: AuditShipper copies a trail's entries to vigil.audit (as the
// vigil-console principal over SASL_SSL when the fixture has it: its ACLs let it write there and
// nowhere else), in order, and loses nothing while the cluster is away; `vigil audit --verify` checks
// the topic and files, and names the first broken entry.
#include "audit/audittrail.h"
#include "clustertesting.h"
#include "client/workerthread.h"
#include "jobs/auditshipper.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace ClusterTesting;

namespace {

struct Verified {
    int exitCode = -1;
    QString out;
};

Verified runVerify(const QStringList &arguments)
{
    QProcess process;
    process.setProgram(QStringLiteral(VIGIL_BINARY_DIR "/vigil"));
    process.setArguments(QStringList{QStringLiteral("audit"), QStringLiteral("--verify")} + arguments);
    process.start();
    if (!process.waitForFinished(60'000))
        return {};
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput() + process.readAllStandardError())};
}

void appendEntries(const AuditTrail &trail, int from, int to)
{
    for (int i = from; i < to; ++i)
        trail.append({QStringLiteral("reveal-patient-ids"), {{"area", "test"}, {"n", i}}, {}, {}},
                     QDateTime::currentMSecsSinceEpoch());
}

std::string chainOf(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return nlohmann::json::parse(file.readLine().toStdString()).at("chain").get<std::string>();
}

// The shipper's config: the console principal over SASL_SSL when the fixture offers it.
ClientConfig shipperConfig(const TestCluster &cluster)
{
    if (readStateFile("sasl_ssl_bootstrap").isEmpty())
        return cluster.config();
    ClientConfig config;
    config.loadPropertiesFile(QStringLiteral(VIGIL_REALKAFKA_STATE_DIR "/secured/vigil-console-sasl_ssl.properties"));
    return config;
}

} // namespace

class TestAuditTopic final : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    // Ships `path` to `topic` until it reports everything through the file's end; false if it did not.
    static bool shipAll(const ClientConfig &config, const QString &path, const std::string &topic, QString *errors)
    {
        AuditShipperSettings settings;
        settings.config = config;
        settings.path = path;
        settings.topic = topic;
        settings.everyMs = 200;
        auto *shipper = new AuditShipper(settings);
        qint64 through = 0;
        QObject context;
        connect(shipper, &AuditShipper::shipped, &context, [&](qint64, qint64 byte) { through = byte; });
        connect(shipper, &KafkaWorker::errorOccurred, &context, [&](const ClientError &e) { *errors += e.message + u' '; });
        WorkerThread thread(shipper, QStringLiteral("audit"));
        const bool done = QTest::qWaitFor([&] { return through == QFileInfo(path).size(); }, 60'000);
        thread.stop();
        return done;
    }

private Q_SLOTS:
    void shipsInOrderAndTheTopicVerifies()
    {
        TestCluster cluster;
        if (!openRealCluster(cluster))
            return;
        const QString path = m_dir.filePath(QStringLiteral("ship.jsonl"));
        const AuditTrail trail(path, QStringLiteral("console-test"));
        appendEntries(trail, 0, 20);
        QString errors;
        QVERIFY2(shipAll(shipperConfig(cluster), path, std::string(Topics::Audit), &errors), qPrintable(errors));
        appendEntries(trail, 20, 25); // what comes later goes after, from where it stopped
        QVERIFY2(shipAll(shipperConfig(cluster), path, std::string(Topics::Audit), &errors), qPrintable(errors));

        const std::string chain = chainOf(path);
        QList<qint64> seqs;
        for (const KafkaRecord &record : readTopic(cluster, Text::toQString(Topics::Audit))) {
            if (record.key.toStdString() == chain)
                seqs.append(nlohmann::json::parse(record.value.toStdString()).at("seq").get<qint64>());
        }
        QList<qint64> expected;
        for (qint64 seq = 1; seq <= 25; ++seq)
            expected.append(seq);
        QCOMPARE(seqs, expected);

        const Verified topic = runVerify({QStringLiteral("--bootstrap"), cluster.bootstrap()});
        QVERIFY2(topic.exitCode == 0 && topic.out.startsWith(u"intact: vigil.audit"), qPrintable(topic.out));
        const Verified file = runVerify({path});
        QVERIFY2(file.exitCode == 0 && file.out.contains(u", 25 entries in 1 chain"), qPrintable(file.out));
    }

    // A cluster that does not answer: nothing is noted as shipped, so all of it goes once one does.
    void nothingIsLostWhileTheClusterIsAway()
    {
        TestCluster cluster;
        if (!openRealCluster(cluster))
            return;
        const QString path = m_dir.filePath(QStringLiteral("away.jsonl"));
        appendEntries(AuditTrail(path), 0, 4);
        {
            ClientConfig away;
            away.setBootstrapServers(QStringLiteral("127.0.0.1:1"));
            AuditShipperSettings settings;
            settings.config = away;
            settings.path = path;
            auto *shipper = new AuditShipper(settings);
            QSignalSpy errors(shipper, &KafkaWorker::errorOccurred);
            WorkerThread thread(shipper, QStringLiteral("audit"));
            QVERIFY(errors.wait(30'000)); // it said so
            QVERIFY(thread.stop(15'000));
        }
        QVERIFY(!QFile::exists(path + QStringLiteral(".shipped")));
        QString errors;
        QVERIFY2(shipAll(cluster.config(), path, std::string(Topics::Audit), &errors), qPrintable(errors));
        int ours = 0;
        for (const KafkaRecord &record : readTopic(cluster, Text::toQString(Topics::Audit)))
            ours += record.key.toStdString() == chainOf(path);
        QCOMPARE(ours, 4);
    }

    // A forged entry in the topic (its words changed, its hash kept) is named; so is one in a file.
    void theFirstBrokenEntryIsNamed()
    {
        TestCluster cluster;
        if (!openRealCluster(cluster))
            return;
        const std::string topic = "vigil.audit.tamper-" + runId().toStdString();
        cluster.createTopic(QString::fromStdString(topic), 1);
        const QString path = m_dir.filePath(QStringLiteral("tamper.jsonl"));
        appendEntries(AuditTrail(path), 0, 3);
        QString errors;
        QVERIFY2(shipAll(cluster.config(), path, topic, &errors), qPrintable(errors));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QList<QByteArray> lines = file.readAll().split('\n');
        file.close();
        auto forged = nlohmann::json::parse(lines[2].toStdString());
        forged["seq"] = 4;
        forged["prev"] = forged["hash"];
        forged["what"]["n"] = 99; // its hash is entry 3's: it does not match what it says
        {
            Producer producer(cluster.config());
            producer.produce(topic, chainOf(path), forged.dump());
            QCOMPARE(producer.flush(10'000), 0);
        }
        AuditVerifier verifier;
        AuditShipper::verifyTopic(cluster.config(), topic, verifier);
        QCOMPARE(verifier.entries(), 3);
        QVERIFY2(verifier.firstBroken().startsWith(QString::fromStdString(topic) + QStringLiteral("[0]@3: entry 4 of ")),
                 qPrintable(verifier.firstBroken()));
        QVERIFY2(verifier.firstBroken().contains(u"altered"), qPrintable(verifier.firstBroken()));

        lines[1].replace("\"n\":1", "\"n\":7");
        QFile tampered(path);
        QVERIFY(tampered.open(QIODevice::WriteOnly | QIODevice::Truncate));
        tampered.write(lines.join('\n'));
        tampered.close();
        const Verified broken = runVerify({path});
        QCOMPARE(broken.exitCode, 1);
        QVERIFY2(broken.out.contains(u"BROKEN: ") && broken.out.contains(u"line 2: entry 2 of "), qPrintable(broken.out));
    }
};

QTEST_GUILESS_MAIN(TestAuditTopic)
#include "tst_audittopic.moc"
