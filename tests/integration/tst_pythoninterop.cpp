// Interop with the seed's Python producer: seed_producer.py (confluent-kafka on Debian's
// /usr/bin/python3; idempotent, acks=all, lz4, transactional, key = patient id) writes admissions,
// medication orders and lab results, one transaction per admission, and Vigil's Consumer reads them
// back read_committed: every record arrives, each parses as a seed envelope, and each patient's
// records on each topic are in order. One row per cluster: the embedded one (librdkafka's mock) and
// the real broker of the RealKafka ctest fixture; the "real" row skips, with the reason, without it.
// The script also aborts one transaction of admissions: a real broker hides it from read_committed;
// the embedded cluster delivers it, its documented limitation, asserted so that a change shows.
//
// Without python3-confluent-kafka the test skips, or fails when CI=true.
#include "clustertesting.h"
#include "base/text.h"
#include "client/consumer.h"
#include "local/mockcluster.h"
#include "fhir/fhirenvelope.h"
#include "client/kafkaerror.h"
#include "client/producer.h"
#include "jobs/topicprovisioner.h"
#include "base/topics.h"

#include <QProcess>
#include <QUuid>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>

using namespace ClusterTesting;

namespace {



const char *const Python = "/usr/bin/python3"; // Debian's, with python3-confluent-kafka; not the one on PATH
constexpr int Patients = 30;
constexpr int LabsPerPatient = 4;
constexpr int AbortedPatients = 3;
constexpr int ScriptDeadlineMs = 50'000;

QString seedProducerScript()
{
    static const QString path = QFINDTESTDATA("seed_producer.py"); // next to this file
    return path;
}

QProcessEnvironment pythonEnvironment()
{
    // Debian's interpreter with Debian's packages: nothing from a pyenv or virtualenv on the way.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("PYTHONHOME"));
    environment.remove(QStringLiteral("PYTHONPATH"));
    environment.remove(QStringLiteral("VIRTUAL_ENV"));
    return environment;
}

// What a committed record of the script is: its resource type, and for a lab result its sequence number.
QString entryOf(const FhirEnvelope &envelope)
{
    QString entry = QString::fromStdString(envelope.resourceType);
    if (envelope.resourceType == "Observation") {
        for (const auto &identifier : envelope.resource.value("identifier", nlohmann::json::array())) {
            if (identifier.value("system", "") == "urn:vigil:test:lab-sequence")
                entry += u'#' + QString::fromStdString(identifier.value("value", ""));
        }
    }
    return entry;
}

const char *expectedEventType(const std::string &resourceType)
{
    if (resourceType == "Patient")
        return "patient_registered";
    if (resourceType == "Encounter")
        return "admission";
    if (resourceType == "MedicationRequest")
        return "medication_order";
    return "lab_result";
}

} // namespace

class TestPythonInterop final : public QObject {
    Q_OBJECT

    bool openCluster(TestCluster &cluster)
    {
        return openRowCluster(cluster, QStringLiteral("Vigil on librdkafka %1 and the Python producer on %2").arg(QString::fromUtf8(rd_kafka_version_str()), m_python));
    }

    void seedProducerToVigilConsumerBody()
    {
        TestCluster cluster;
        if (!openCluster(cluster))
            return;
        const QString run = runId() + u'-' + QLatin1String(QTest::currentDataTag());
        const QStringList topics = {QStringLiteral("healthcare.adt.events"), QStringLiteral("healthcare.labs.results"),
                                    QStringLiteral("healthcare.medications.orders")};
        Consumer reader(consumerConfig(cluster, "vigil-test-python-interop-" + run, "read_committed"));
        const Offsets start = highWatermarks(reader.handle(), topics);

        QElapsedTimer timer;
        timer.start();
        QProcess script;
        script.setProcessEnvironment(pythonEnvironment());
        script.start(QString::fromLatin1(Python),
                     {seedProducerScript(), "--bootstrap", cluster.bootstrap(),
                      "--run-id", run, "--patients", QString::number(Patients), "--labs", QString::number(LabsPerPatient),
                      "--aborted-patients", QString::number(AbortedPatients), "--timeout", "20"});
        QVERIFY2(script.waitForStarted(10'000), qPrintable(script.errorString()));
        if (!script.waitForFinished(ScriptDeadlineMs)) {
            script.kill();
            script.waitForFinished(5000);
            QFAIL(qPrintable("seed_producer.py did not finish within " + QString::number(ScriptDeadlineMs) + " ms: "
                             + QString::fromUtf8(script.readAllStandardError())));
        }
        const QByteArray output = script.readAllStandardOutput();
        const QString errors = QString::fromUtf8(script.readAllStandardError());
        QVERIFY2(script.exitStatus() == QProcess::NormalExit && script.exitCode() == 0,
                 qPrintable(QStringLiteral("seed_producer.py exited with %1: %2").arg(script.exitCode()).arg(errors)));
        const qint64 scriptMs = timer.restart();

        // What the script says it did.
        const nlohmann::json summary = nlohmann::json::parse(output.toStdString(), nullptr, false);
        QVERIFY2(summary.is_object(), output.constData());
        const nlohmann::json &committed = summary.at("committed");
        QCOMPARE(committed.value("healthcare.adt.events", 0), 2 * Patients);
        QCOMPARE(committed.value("healthcare.medications.orders", 0), Patients);
        QCOMPARE(committed.value("healthcare.labs.results", 0), Patients * LabsPerPatient);
        QCOMPARE(summary.at("aborted").value("healthcare.adt.events", 0), 2 * AbortedPatients);
        QCOMPARE(summary.at("transactions").value("committed", 0), Patients + LabsPerPatient);

        // Everything the script committed, read by Vigil's consumer up to the script's last record on
        // each partition (not the high watermark: an open transaction of another test on a shared topic
        // would hold a read_committed consumer back from it until that transaction ends).
        Offsets ends;
        for (const auto &[topic, partitions] : summary.at("last_offsets").items()) {
            for (const auto &[partition, offset] : partitions.items())
                ends.insert({QString::fromStdString(topic), std::stoi(partition)}, offset.get<qint64>() + 1);
        }
        QVERIFY2(ends.size() >= 3, output.constData());
        assignFrom(reader, start);
        const ReadResult read = readToEnd(reader, ends);
        QVERIFY(reader.close(10'000));
        QVERIFY2(read.reachedEnd, qPrintable("not read to the end:" + read.missing + "; last error: " + read.lastError));

        const QByteArray ours = ("pat-" + run + u'-').toUtf8();
        QMap<QString, QMap<QString, QStringList>> byPatient; // patient -> topic -> entries in the order read
        QHash<QString, int> partitionOf;                     // patient + topic -> partition
        int abortedSeen = 0;
        int records = 0;
        for (const auto &record : read.records) {
            if (!record.key.startsWith(ours))
                continue; // another test's record on a shared topic
            const QString where = describePartition({record.topic, record.partition}) + u'@' + QString::number(record.offset);
            if (record.key.contains("-aborted-")) {
                ++abortedSeen;
                continue;
            }
            ++records;
            FhirEnvelope envelope;
            try {
                envelope = FhirEnvelope::parse(Text::view(record.value));
            } catch (const EnvelopeError &e) {
                QFAIL(qPrintable(QStringLiteral("%1 does not parse (%2): %3")
                                     .arg(where, QString::fromStdString(e.reason()), QString::fromUtf8(e.what()))));
            }
            QVERIFY2(!envelope.bare, qPrintable(where));
            QCOMPARE(QByteArray::fromStdString(envelope.patientId), record.key);
            QCOMPARE(QString::fromStdString(std::string(Topics::forResourceType(envelope.resourceType))), record.topic);
            QCOMPARE(envelope.eventType, std::string(expectedEventType(envelope.resourceType)));
            QCOMPARE(envelope.resource.value("resourceType", ""), envelope.resourceType);
            QCOMPARE(envelope.resource.value("id", ""), envelope.resourceId);
            QVERIFY2(!envelope.timestamp.empty(), qPrintable(where));

            const QString patient = QString::fromUtf8(record.key);
            byPatient[patient][record.topic].append(entryOf(envelope));
            const QString patientTopic = patient + u'\n' + record.topic;
            QVERIFY2(partitionOf.value(patientTopic, record.partition) == record.partition,
                     qPrintable("one patient on two partitions of a topic at " + where));
            partitionOf.insert(patientTopic, record.partition);
        }
        const qint64 readMs = timer.elapsed();

        // All arrived, once each, and in each patient's order on each topic.
        QStringList labs;
        for (int sequence = 1; sequence <= LabsPerPatient; ++sequence)
            labs.append(QStringLiteral("Observation#%1").arg(sequence));
        const QMap<QString, QStringList> expected = {
            {QStringLiteral("healthcare.adt.events"), {QStringLiteral("Patient"), QStringLiteral("Encounter")}},
            {QStringLiteral("healthcare.medications.orders"), {QStringLiteral("MedicationRequest")}},
            {QStringLiteral("healthcare.labs.results"), labs},
        };
        QCOMPARE(byPatient.size(), Patients);
        for (auto it = byPatient.cbegin(); it != byPatient.cend(); ++it) {
            for (auto topic = expected.cbegin(); topic != expected.cend(); ++topic) {
                const QStringList got = it.value().value(topic.key());
                QVERIFY2(got == topic.value(), qPrintable(QStringLiteral("%1 on %2: %3, expected %4")
                                                              .arg(it.key(), topic.key(), got.join(u','),
                                                                   topic.value().join(u','))));
            }
        }
        QCOMPARE(records, Patients * (3 + LabsPerPatient));

        const int aborted = 3 * AbortedPatients; // Patient, Encounter, MedicationRequest each
        if (cluster.isReal()) {
            QVERIFY2(abortedSeen == 0,
                     qPrintable(QStringLiteral("a read_committed consumer received %1 records of the Python "
                                               "producer's aborted transaction from the real broker")
                                    .arg(abortedSeen)));
        } else {
            // The documented limitation of librdkafka 2.0.2's mock (README, "The embedded cluster").
            QVERIFY2(abortedSeen == aborted,
                     qPrintable(QStringLiteral("the embedded cluster (librdkafka %1 mock) delivered %2 of %3 aborted "
                                               "records to a read_committed consumer; the README and "
                                               "MockCluster::limitations() say it delivers them all. If it now "
                                               "hides them, update both and this test.")
                                    .arg(QString::fromUtf8(rd_kafka_version_str()))
                                    .arg(abortedSeen)
                                    .arg(aborted)));
        }
        qInfo().noquote() << QStringLiteral("seed_producer.py: %1 transactions committed, %2 aborted in %3 ms; Vigil's "
                                            "consumer read %4 records of %5 patients, in order, in %6 ms; aborted "
                                            "records delivered: %7 of %8")
                                 .arg(summary.at("transactions").value("committed", 0))
                                 .arg(summary.at("transactions").value("aborted", 0))
                                 .arg(scriptMs)
                                 .arg(records)
                                 .arg(byPatient.size())
                                 .arg(readMs)
                                 .arg(abortedSeen)
                                 .arg(aborted);
    }

    // Qt Test does not survive an exception leaving a test function: turn it into a failure.
    template <typename Body>
    static void guarded(Body body)
    {
        try {
            body();
        } catch (const std::exception &e) {
            QTest::qFail(e.what(), __FILE__, __LINE__);
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        const char *probeCode = "import confluent_kafka, sys; "
                                "print('confluent-kafka', confluent_kafka.version()[0], 'on librdkafka', "
                                "confluent_kafka.libversion()[0], '- Python', sys.version.split()[0])";
        QString problem;
        if (!QFileInfo(QString::fromLatin1(Python)).isExecutable()) {
            problem = QStringLiteral("%1 is not there").arg(QString::fromLatin1(Python));
        } else {
            QProcess probe;
            probe.setProcessEnvironment(pythonEnvironment());
            probe.start(QString::fromLatin1(Python), {"-c", QString::fromLatin1(probeCode)});
            if (!probe.waitForFinished(30'000) || probe.exitStatus() != QProcess::NormalExit || probe.exitCode() != 0)
                problem = QStringLiteral("%1 cannot import confluent_kafka: %2")
                              .arg(QString::fromLatin1(Python),
                                   QString::fromUtf8(probe.readAllStandardError()).trimmed().split(u'\n').last());
            m_python = QString::fromUtf8(probe.readAllStandardOutput()).trimmed();
        }
        if (!problem.isEmpty()) {
            problem += QStringLiteral(" (Debian: apt-get install python3-confluent-kafka)");
            if (qEnvironmentVariable("CI") == u"true")
                QFAIL(qPrintable(problem));
            QSKIP(qPrintable(problem));
        }
        QVERIFY2(QFileInfo::exists(seedProducerScript()), "seed_producer.py not found next to tst_pythoninterop.cpp");
    }

    void seedProducerToVigilConsumer_data()
    {
        QTest::addColumn<QString>("cluster_kind");
        QTest::newRow("embedded") << QStringLiteral("embedded");
        QTest::newRow("real") << QStringLiteral("real");
    }
    void seedProducerToVigilConsumer() { guarded([this] { seedProducerToVigilConsumerBody(); }); }

private:
    QString m_python; // what the probe said about the interpreter and its confluent-kafka
};

QTEST_GUILESS_MAIN(TestPythonInterop)
#include "tst_pythoninterop.moc"
