// The exactly-once evaluator against the embedded cluster: hand-made lab results in, then the
// processed, alert and dead-letter topics read back with read_committed.
#include "clinical/alert.h"
#include "client/consumer.h"
#include "local/mockcluster.h"
#include "jobs/evaluatorjob.h"
#include "client/producer.h"
#include "clinical/thresholdset.h"
#include "client/workerthread.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

namespace {

const char *thresholdsJson = R"({"name":"Test set","version":3,"rules":[{"loinc":["2823-3","6298-4"],"display":"Potassium","unit":"mmol/L","low":2.8,"high":6.2}]})";

std::string potassium(const std::string &id, const std::string &patient, const std::string &valueJson,
                      const std::string &unit = "mmol/L", const std::string &status = "final")
{
    return R"({"resourceType":"Observation","id":")" + id + R"(","status":")" + status
           + R"(","subject":{"reference":"Patient/)" + patient
           + R"("},"code":{"coding":[{"system":"http://loinc.org","code":"2823-3"}]},"issued":"2025-01-01T10:00:00Z",)"
           + R"("valueQuantity":{"value":)" + valueJson + R"(,"system":"http://unitsofmeasure.org","code":")" + unit + R"("}})";
}

QString header(const KafkaRecord &record, const char *name)
{
    for (const auto &h : record.headers) {
        if (h.name == name)
            return QString::fromUtf8(h.value);
    }
    return {};
}

QList<KafkaRecord> readAll(const QString &bootstrap, const QString &topic, int expected)
{
    ClientConfig config;
    config.setBootstrapServers(bootstrap);
    config.set("group.id", "reader-" + topic + QString::number(QDateTime::currentMSecsSinceEpoch()));
    config.set("auto.offset.reset", "earliest");
    config.set("isolation.level", "read_committed");
    config.set("enable.auto.commit", "false");
    Consumer consumer(config);
    consumer.subscribe({topic});
    QList<KafkaRecord> records;
    QDeadlineTimer deadline(expected > 0 ? 30'000 : 5'000);
    while (!deadline.hasExpired() && (expected <= 0 || records.size() < expected)) {
        RdMessagePtr message = consumer.poll(100);
        if (message && !message->err)
            records.append(Consumer::toRecord(*message));
    }
    return records;
}

// An ADT event placing the patient on ward, room and bed at `at`.
std::string encounter(const std::string &patient, const std::string &ward, const std::string &room,
                         const std::string &bed, const std::string &at)
{
    const auto place = [](const std::string &name, const char *type) {
        return R"({"location":{"display":")" + name + R"("},"physicalType":{"coding":[{"code":")" + type + R"("}]}})";
    };
    return R"({"event_type":"transfer","resource_type":"Encounter","resource_id":"enc-)" + patient
           + R"(","patient_id":")" + patient + R"(","timestamp":")" + at
           + R"(","fhir_resource":{"resourceType":"Encounter","id":"enc-)" + patient
           + R"(","status":"in-progress","subject":{"reference":"Patient/)" + patient + R"("},"location":[)"
           + place(ward, "wa") + ',' + place(room, "ro") + ',' + place(bed, "bd") + "]}}";
}

} // namespace

class TestEvaluatorJob final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyInputLeavesExactlyOnceWithItsVerdict()
    {
        MockCluster cluster;
        ClientConfig config;
        config.setBootstrapServers(cluster.bootstrapServers());

        const std::vector<std::pair<std::string, std::string>> inputs = {
            {"pat-1", potassium("o1", "pat-1", "4.1")},                      // normal
            {"pat-2", potassium("o2", "pat-2", "6.9")},                      // critical-high
            {"pat-3", potassium("o3", "pat-3", "2.1")},                      // critical-low
            {"pat-4", "{not json"},                                         // dead letter: not-json
            {"pat-5", potassium("o5", "", "6.9")},                           // dead letter: no patient
            {"pat-6", potassium("o6", "pat-6", "6.9", "furlongs")},          // dead letter: unknown unit
            {"pat-7", potassium("o7", "pat-7", "\"6.9\"")},                  // dead letter: a string value
            {"pat-8", R"({"resourceType":"Patient","id":"pat-8"})"},         // not-applicable
            {"pat-9", potassium("o9", "pat-9", "6.9", "mmol/L", "preliminary")}, // not-final
        };
        Producer producer(config);
        for (const auto &[key, value] : inputs)
            producer.produce("healthcare.labs.results", key, value, {{"origin", "test"}});
        QCOMPARE(producer.flush(10'000), 0);

        EvaluatorSettings settings;
        settings.config = config;
        settings.thresholds = ThresholdSet::fromJson(thresholdsJson);
        auto *job = new EvaluatorJob(settings);
        QList<EvaluatorReport> reports;
        QList<ClientError> errors;
        QObject context;
        connect(job, &EvaluatorJob::batchCommitted, &context, [&](const EvaluatorReport &r) { reports.append(r); });
        connect(job, &KafkaWorker::errorOccurred, &context, [&](const ClientError &e) { errors.append(e); });
        WorkerThread thread(job, "evaluator");

        auto evaluated = [&] {
            int n = 0;
            for (const auto &r : reports)
                n += r.records;
            return n;
        };
        QTRY_COMPARE_WITH_TIMEOUT(evaluated(), int(inputs.size()), 60'000);
        QVERIFY(thread.stop());
        for (const auto &error : errors)
            QVERIFY2(!error.fatal, qPrintable(error.message));

        const auto processed = readAll(cluster.bootstrapServers(), "healthcare.labs.processed", 5);
        const auto deadLetters = readAll(cluster.bootstrapServers(), "healthcare.dlq", 4);
        const auto alerts = readAll(cluster.bootstrapServers(), "healthcare.alerts.critical", 2);
        QCOMPARE(processed.size(), 5);
        QCOMPARE(deadLetters.size(), 4);
        QCOMPARE(alerts.size(), 2);

        // Exactly once: each input offset in exactly one of processed and dlq.
        QMap<QString, QString> outcome; // key -> verdict or dlq reason
        QSet<QString> offsets;
        for (const auto &record : processed + deadLetters) {
            const QString source = header(record, "vigil.source.partition") + '@' + header(record, "vigil.source.offset");
            QVERIFY2(!offsets.contains(source), qPrintable(source));
            offsets.insert(source);
            QCOMPARE(header(record, "origin"), QString("test")); // original headers are kept
            const QString verdict = header(record, "vigil.verdict");
            outcome.insert(QString::fromUtf8(record.key), verdict.isEmpty() ? header(record, "vigil.dlq.reason") : verdict);
        }
        QCOMPARE(outcome.value("pat-1"), QString("normal"));
        QCOMPARE(outcome.value("pat-2"), QString("critical-high"));
        QCOMPARE(outcome.value("pat-3"), QString("critical-low"));
        QCOMPARE(outcome.value("pat-4"), QString("not-json"));
        QCOMPARE(outcome.value("pat-5"), QString("no-patient"));
        QCOMPARE(outcome.value("pat-6"), QString("unknown-unit"));
        QCOMPARE(outcome.value("pat-7"), QString("bad-value"));
        QCOMPARE(outcome.value("pat-8"), QString("not-applicable"));
        QCOMPARE(outcome.value("pat-9"), QString("not-final"));

        // Dead letters carry the original bytes unchanged.
        for (const auto &record : deadLetters) {
            const auto it = std::find_if(inputs.begin(), inputs.end(),
                                         [&](const auto &in) { return in.first == record.key.toStdString(); });
            QVERIFY(it != inputs.end());
            QCOMPARE(record.value, QByteArray::fromStdString(it->second));
            QVERIFY(!header(record, "vigil.dlq.message").isEmpty());
            QCOMPARE(header(record, "vigil.source.topic"), QString("healthcare.labs.results"));
        }

        // Alerts: key = alert id, partition from the patient id, the set that raised them.
        for (const auto &record : alerts) {
            const Alert alert = Alert::fromJson(nlohmann::json::parse(record.value.toStdString()));
            QCOMPARE(record.key.toStdString(), alert.alertId);
            QCOMPARE(record.partition, EvaluatorJob::partitionForPatient(alert.patientId, 6));
            QCOMPARE(alert.thresholdSetName, std::string("Test set"));
            QCOMPARE(alert.thresholdSetVersion, 3);
            QCOMPARE(alert.state, AlertState::Open);
            QVERIFY(alert.late); // issued long before the 24-hour horizon
        }
    }

    void newThresholdsApplyFromTheNextBatch()
    {
        MockCluster cluster;
        ClientConfig config;
        config.setBootstrapServers(cluster.bootstrapServers());
        EvaluatorSettings settings;
        settings.config = config;
        settings.thresholds = ThresholdSet::fromJson(thresholdsJson);
        auto *job = new EvaluatorJob(settings);
        QList<EvaluatorReport> reports;
        QObject context;
        connect(job, &EvaluatorJob::batchCommitted, &context, [&](const EvaluatorReport &r) { reports.append(r); });
        WorkerThread thread(job, "evaluator");

        Producer producer(config);
        producer.produce("healthcare.labs.results", "pat-1", potassium("a", "pat-1", "5.5"));
        QCOMPARE(producer.flush(10'000), 0);
        QTRY_COMPARE_WITH_TIMEOUT(reports.size(), 1, 60'000);
        QCOMPARE(reports.last().alerts, 0);

        const char *stricter = R"({"name":"Test set","version":4,"rules":[{"loinc":"2823-3","display":"Potassium","unit":"mmol/L","low":2.8,"high":5.0}]})";
        // Returns once the worker has taken the new set, between two batches.
        QMetaObject::invokeMethod(job, [job, set = ThresholdSet::fromJson(stricter)] { job->setThresholds(set); },
                                  Qt::BlockingQueuedConnection);
        producer.produce("healthcare.labs.results", "pat-1", potassium("b", "pat-1", "5.5"));
        QCOMPARE(producer.flush(10'000), 0);
        QTRY_COMPARE_WITH_TIMEOUT(reports.size(), 2, 60'000);
        QCOMPARE(reports.last().alerts, 1);
        QCOMPARE(reports.last().thresholdSet, QString("Test set v4"));
        QVERIFY(thread.stop());

        const auto alerts = readAll(cluster.bootstrapServers(), "healthcare.alerts.critical", 1);
        QCOMPARE(alerts.size(), 1);
        const Alert alert = Alert::fromJson(nlohmann::json::parse(alerts.first().value.toStdString()));
        QCOMPARE(alert.thresholdSetVersion, 4);
        QCOMPARE(alert.limit, 5.0);
    }

    // The ADT census read at start: the bed after an admission and a transfer, null for a patient
    // no unit has. (The mock suffices: this reads a topic whole, no guarantee of the broker's.)
    void alertsCarryTheCurrentBedFromTheCensus()
    {
        MockCluster cluster;
        ClientConfig config;
        config.setBootstrapServers(cluster.bootstrapServers());
        Producer producer(config);
        producer.produce("healthcare.adt.events", "pat-b", encounter("pat-b", "4 West", "12", "A", "2025-01-01T08:00:00Z"));
        producer.produce("healthcare.adt.events", "pat-b", encounter("pat-b", "ICU", "3", "B", "2025-01-01T09:00:00Z"));
        producer.produce("healthcare.labs.results", "pat-b", potassium("placed", "pat-b", "6.9"));
        producer.produce("healthcare.labs.results", "pat-x", potassium("unplaced", "pat-x", "6.9"));
        QCOMPARE(producer.flush(10'000), 0);

        EvaluatorSettings settings;
        settings.config = config;
        settings.thresholds = ThresholdSet::fromJson(thresholdsJson);
        WorkerThread thread(new EvaluatorJob(settings), "evaluator");
        const auto alerts = readAll(cluster.bootstrapServers(), "healthcare.alerts.critical", 2);
        QVERIFY(thread.stop());
        QCOMPARE(alerts.size(), 2);
        for (const auto &record : alerts) {
            const auto json = nlohmann::json::parse(record.value.toStdString());
            if (json["patient_id"] == "pat-b") {
                QCOMPARE(json["location"], nlohmann::json("ICU, room 3, bed B"));
                QCOMPARE(json["encounter_id"], nlohmann::json("enc-pat-b"));
            } else {
                QVERIFY2(json["location"].is_null(), json.dump().c_str());
                QVERIFY(json["encounter_id"].is_null());
            }
        }
    }

};

QTEST_GUILESS_MAIN(TestEvaluatorJob)
#include "tst_evaluatorjob.moc"
