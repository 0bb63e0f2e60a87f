// `vigil broker --embedded mock --simulate` as a real process, with Debian's kcat as the peer client.
#include "jobs/feedconsumer.h"
#include "client/workerthread.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QtTest>

namespace {

QString vigilBinary()
{
    return QStringLiteral(VIGIL_BINARY_DIR "/vigil");
}

// Runs kcat to completion and returns its stdout; fails the test on error.
QByteArray kcat(const QStringList &arguments, const QByteArray &input = {}, int timeoutMs = 60'000)
{
    QProcess process;
    process.start(QStandardPaths::findExecutable(QStringLiteral("kcat")), arguments);
    if (!process.waitForStarted())
        return {};
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs))
        process.kill();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        qWarning().noquote() << "kcat" << arguments.join(u' ') << "failed:" << process.readAllStandardError();
    return process.readAllStandardOutput();
}

} // namespace

class TestBrokerProcess final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("kcat")).isEmpty(),
                 "kcat is not installed; packaging/install-deps installs it");
        QVERIFY2(QFile::exists(vigilBinary()), qPrintable(vigilBinary()));
        m_broker.setProgram(vigilBinary());
        m_broker.setArguments({QStringLiteral("broker"), QStringLiteral("--embedded"), QStringLiteral("mock"), QStringLiteral("--simulate"), QStringLiteral("--rate"),
                               QStringLiteral("30000"), QStringLiteral("--seed"), QStringLiteral("5")});
        m_broker.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_broker.start();
        QVERIFY(m_broker.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(m_broker.canReadLine(), 30'000);
        m_bootstrap = QString::fromUtf8(m_broker.readLine()).trimmed();
        QVERIFY2(QRegularExpression(QStringLiteral("^(127\\.0\\.0\\.1:\\d+,?){3}$")).match(m_bootstrap).hasMatch(),
                 qPrintable(m_bootstrap));
    }

    void kcatListsTheTopics()
    {
        const QJsonObject listing = QJsonDocument::fromJson(kcat({"-b", m_bootstrap, "-L", "-J"})).object();
        QCOMPARE(listing.value(QStringLiteral("brokers")).toArray().size(), 3);
        QMap<QString, int> partitions;
        for (const auto &topic : listing.value(QStringLiteral("topics")).toArray())
            partitions.insert(topic[QStringLiteral("topic")].toString(), topic[QStringLiteral("partitions")].toArray().size());
        QCOMPARE(partitions.value(QStringLiteral("healthcare.adt.events")), 12);
        QCOMPARE(partitions.value(QStringLiteral("healthcare.labs.results")), 8);
        QCOMPARE(partitions.value(QStringLiteral("healthcare.alerts.critical")), 6);
        QCOMPARE(partitions.value(QStringLiteral("healthcare.medications.orders")), 8);
        QVERIFY(partitions.contains(QStringLiteral("healthcare.labs.processed")));
        QVERIFY(partitions.contains(QStringLiteral("healthcare.dlq")));
    }

    void kcatConsumesTheSimulatedHospital()
    {
        // -c stops after 50 records; the simulator produces about 500 a second.
        const QByteArray out = kcat({"-b", m_bootstrap, "-C", "-t", "healthcare.labs.results", "-o", "beginning",
                                     "-c", "50", "-f", "%k\\t%s\\n", "-X", "isolation.level=read_committed"});
        const QList<QByteArray> lines = out.trimmed().split('\n');
        QCOMPARE(lines.size(), 50);
        for (const QByteArray &line : lines) {
            const qsizetype tab = line.indexOf('\t');
            QVERIFY(tab > 0);
            const QJsonObject envelope = QJsonDocument::fromJson(line.mid(tab + 1)).object();
            QCOMPARE(envelope.value(QStringLiteral("resource_type")).toString(), QStringLiteral("Observation"));
            QCOMPARE(envelope.value(QStringLiteral("patient_id")).toString().toUtf8(), line.left(tab));
            QCOMPARE(envelope[QStringLiteral("fhir_resource")][QStringLiteral("resourceType")].toString(),
                     QStringLiteral("Observation"));
        }
    }

    void kcatProducesAnEventTheConsoleReceives()
    {
        const QByteArray observation =
            R"({"resourceType":"Observation","id":"kcat-obs-1","status":"final","subject":{"reference":"Patient/pat-kcat"},"code":{"coding":[{"system":"http://loinc.org","code":"2823-3"}]},"valueQuantity":{"value":6.9,"unit":"mmol/L","system":"http://unitsofmeasure.org","code":"mmol/L"}})";
        kcat({"-b", m_bootstrap, "-P", "-t", "healthcare.labs.results", "-k", "pat-kcat"}, observation + '\n');

        ConsumerSettings settings;
        settings.config.setBootstrapServers(m_bootstrap);
        settings.topics = {QStringLiteral("healthcare.labs.results")};
        settings.groupId = QStringLiteral("broker-process-test");
        settings.offsetReset = QStringLiteral("earliest");
        auto *consumer = new FeedConsumer(settings);
        QList<FeedEvent> fromKcat;
        QObject context;
        connect(consumer, &FeedConsumer::eventsReady, &context, [&](const QList<FeedEvent> &batch) {
            for (const auto &event : batch) {
                if (event.patientId == QLatin1String("pat-kcat"))
                    fromKcat.append(event);
            }
        });
        WorkerThread thread(consumer, QStringLiteral("consumer"));
        QTRY_VERIFY_WITH_TIMEOUT(!fromKcat.isEmpty(), 60'000);
        QCOMPARE(fromKcat.first().summary, QStringLiteral("K 6.9 mmol/L final"));
        QCOMPARE(fromKcat.first().resourceType, QStringLiteral("Observation"));
    }

    void stopsCleanlyOnSigterm()
    {
        m_broker.terminate(); // SIGTERM
        QVERIFY(m_broker.waitForFinished(15'000));
        QCOMPARE(m_broker.exitStatus(), QProcess::NormalExit);
        QCOMPARE(m_broker.exitCode(), 0);
    }

    void cleanupTestCase()
    {
        if (m_broker.state() != QProcess::NotRunning) {
            m_broker.kill();
            m_broker.waitForFinished();
        }
    }

private:
    QProcess m_broker;
    QString m_bootstrap;
};

QTEST_GUILESS_MAIN(TestBrokerProcess)
#include "tst_brokerprocess.moc"
