// No PHI in logs, proven: `vigil evaluate --simulate` runs the simulated hospital and the evaluator on
// the real broker for a while with every Qt log category on (debug included), beside hostile lab
// results whose only PHI is a canary (malformed JSON, a wrong unit, a missing patient, a record too
// odd to read). Afterwards every patient the simulator published (read back from
// healthcare.adt.events: id, MRN, family and given name, birth date) and every canary is looked for
// in what the process wrote to stderr and stdout; none may appear. The test fails when too few
// patients were published for the check to mean anything.
#include "clustertesting.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <set>

using namespace ClusterTesting;

namespace {

QString vigilBinary()
{
    return QStringLiteral(VIGIL_BINARY_DIR "/vigil");
}

struct Identifiers {
    std::set<std::string> values; // every identifying string, each at least 4 characters long
    int patients = 0;
};

// The identifying fields of every Patient the simulator published among the records.
Identifiers patientIdentifiers(const QList<KafkaRecord> &records)
{
    Identifiers found;
    const auto keep = [&](const nlohmann::json &value) {
        if (value.is_string() && value.get_ref<const std::string &>().size() >= 4)
            found.values.insert(value.get<std::string>());
    };
    for (const KafkaRecord &record : records) {
        const nlohmann::json envelope = nlohmann::json::parse(record.value.constData(), nullptr, false);
        if (!envelope.is_object() || envelope.value("resource_type", "") != "Patient")
            continue;
        ++found.patients;
        keep(envelope.value("patient_id", nlohmann::json()));
        const nlohmann::json &patient = envelope["fhir_resource"];
        keep(patient.value("id", nlohmann::json()));
        keep(patient.value("birthDate", nlohmann::json()));
        for (const auto &identifier : patient.value("identifier", nlohmann::json::array()))
            keep(identifier.value("value", nlohmann::json()));
        for (const auto &name : patient.value("name", nlohmann::json::array())) {
            keep(name.value("family", nlohmann::json()));
            for (const auto &given : name.value("given", nlohmann::json::array()))
                keep(given);
        }
    }
    return found;
}

// The first line of the log that names one of the values as a whole word (words run over letters,
// digits and '-', as ids and dates do), with the value.
QString firstLeak(const QString &log, const std::set<std::string> &values)
{
    const QRegularExpression separators(QStringLiteral("[^A-Za-z0-9-]+"));
    for (const QString &line : log.split(u'\n')) {
        for (const QString &word : line.split(separators, Qt::SkipEmptyParts)) {
            if (values.count(word.toStdString()))
                return word + QStringLiteral(" in: ") + line.left(300);
        }
    }
    return {};
}

// Lab results that each take an error path, carrying the canary PHI: malformed JSON, a unit
// nobody knows, no patient (only an identifier), a value that is not a quantity.
std::vector<std::string> hostileResults(const std::string &canary, const std::string &name, const std::string &birthDate)
{
    using nlohmann::json;
    const json potassium = {{"coding", {{{"system", "http:" "//loinc.org"}, {"code", "2823-3"}}}}};
    const json subject = {{"reference", "Patient/" + canary + "-patient"}, {"display", name}};
    const json birth = {{{"url", "birth"}, {"valueDate", birthDate}}};
    const auto observation = [&](const std::string &id) {
        return json{{"resourceType", "Observation"}, {"id", id + canary}, {"status", "final"}, {"code", potassium},
                    {"extension", birth}};
    };
    json wrongUnit = observation("obs-");
    wrongUnit["subject"] = subject;
    wrongUnit["valueQuantity"] = {{"value", 7.4}, {"unit", "furlong"}, {"code", "furlong"}};
    json noPatient = observation("obs2-");
    noPatient["identifier"] = {{{"value", canary + "-mrn"}}};
    noPatient["valueQuantity"] = {{"value", 7.4}, {"system", "http:" "//unitsofmeasure.org"}, {"code", "mmol/L"}};
    json notAQuantity = observation("obs3-");
    notAQuantity["subject"] = subject;
    notAQuantity["valueQuantity"] = "seven";
    return {"{not json " + canary + "-patient " + name, wrongUnit.dump(), noPatient.dump(), notAQuantity.dump()};
}

} // namespace

class TestNoPhiInLogs final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void simulatedHospitalAndEvaluatorLogNoIdentifiers()
    {
        QVERIFY2(QFile::exists(vigilBinary()), qPrintable(vigilBinary()));
        TestCluster cluster;
        if (!openRealCluster(cluster))
            return;
        Producer probe(cluster.config());
        const Offsets adtStart = highWatermarks(probe.handle(), {"healthcare.adt.events"});

        // Hostile input whose identifiers only this test knows: each one takes an error path.
        const std::string canary = "phicanary" + runId().toStdString();
        const std::set<std::string> canaries{canary + "-patient", canary + "-mrn", "Zebedee" + runId().toStdString(),
                                             "1917-03-0" + std::to_string(QRandomGenerator::global()->bounded(1, 9))};
        const std::vector<std::string> hostile = hostileResults(canary, "Zebedee" + runId().toStdString(),
                                                                *std::prev(canaries.end()));
        Producer producer(producerConfig(cluster));
        for (const std::string &value : hostile)
            producer.produce("healthcare.labs.results", canary + "-patient", value);
        QCOMPARE(producer.flush(30'000), 0);

        QTemporaryDir logs;
        QVERIFY(logs.isValid());
        QProcess vigil;
        vigil.setProgram(vigilBinary());
        vigil.setArguments({"evaluate", "--simulate", "--rate", "60000", "--seed",
                            QString::number(QRandomGenerator::global()->bounded(2, 1'000'000)), "--bootstrap",
                            cluster.bootstrap(), "--instance", "phi-" + runId(), "-X", "debug=all"});
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("QT_LOGGING_RULES", "*.debug=true");
        vigil.setProcessEnvironment(environment);
        vigil.setStandardErrorFile(logs.filePath("stderr.log"));
        vigil.setStandardOutputFile(logs.filePath("stdout.log"));
        vigil.start();
        QVERIFY(vigil.waitForStarted());

        // Running until the canaries went through the evaluator (dead letters or processed) and the
        // simulator published its opening census and more.
        const auto ours = [&](const KafkaRecord &record) { return record.value.contains(QByteArray::fromStdString(canary)); };
        const QList<KafkaRecord> handled = readCommitted(cluster.bootstrap(), {"healthcare.labs.processed", "healthcare.dlq"},
                                                         int(hostile.size()), 120'000, 0, ours);
        QCOMPARE(handled.size(), qsizetype(hostile.size()));
        QTest::qWait(5000); // the simulator and the evaluator at work meanwhile, logging all the while
        vigil.terminate();
        QVERIFY(vigil.waitForFinished(30'000));

        Offsets adtEnd = highWatermarks(probe.handle(), {"healthcare.adt.events"});
        Consumer reader(consumerConfig(cluster, "phi-reader-" + runId(), "read_committed"));
        assignFrom(reader, adtStart);
        const ReadResult adt = readToEnd(reader, adtEnd);
        QVERIFY2(adt.reachedEnd, qPrintable(adt.missing + ' ' + adt.lastError));
        Identifiers identifiers = patientIdentifiers(adt.records);
        QVERIFY2(identifiers.patients >= 200, qPrintable(QString::number(identifiers.patients) + " patients published"));
        identifiers.values.insert(canaries.begin(), canaries.end());

        QString log;
        for (const char *name : {"stderr.log", "stdout.log"}) {
            QFile file(logs.filePath(name));
            QVERIFY(file.open(QIODevice::ReadOnly));
            log += QString::fromUtf8(file.readAll());
        }
        // The log must say something for its silence about patients to count: debug lines were on.
        QVERIFY2(log.count(u'\n') >= 5, qPrintable(log));
        qInfo().noquote() << identifiers.patients << "patients," << identifiers.values.size()
                          << "identifying values looked for in" << log.count(u'\n') << "log lines";
        const QString leak = firstLeak(log, identifiers.values);
        QVERIFY2(leak.isEmpty(), qPrintable(leak));
    }
};

QTEST_GUILESS_MAIN(TestNoPhiInLogs)
#include "tst_nophiinlogs.moc"
