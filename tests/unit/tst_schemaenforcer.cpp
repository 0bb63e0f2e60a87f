#include "clinical/alert.h"
#include "schemas/avrocodec.h"
#include "simulator/hospitalsimulator.h"
#include "schemas/schemacatalog.h"
#include "schemas/schemaenforcer.h"

#include <QTemporaryDir>
#include <QtTest>

// The bundled schemas as a catalog, and enforcement of the events Vigil produces against them.
// The unit tests do not link the qrc resources: the catalog reads resources/schemas in the source tree.
class TestSchemaEnforcer final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void catalog();
    void compatibilityLevels();
    void bundledHistoryIsCompatible();
    void simulatorEventsPass();
    void labMissingMandatoryField_data();
    void labMissingMandatoryField();
    void labOtherRefusals_data();
    void labOtherRefusals();
    void bareResourceAndUncoveredTopics();
    void alerts();
    void projection();
    void avroWireFormat();

private:
    SchemaCatalog m_catalog;
};

namespace {
const char *labEvent = R"({"event_type":"lab_result","resource_type":"Observation","resource_id":"obs-1",
  "patient_id":"pat-1","timestamp":"2026-11-27T10:00:00Z","fhir_resource":{
  "resourceType":"Observation","id":"obs-1","status":"final",
  "code":{"coding":[{"system":"http://loinc.org","code":"2823-3","display":"Potassium"}]},
  "subject":{"reference":"Patient/pat-1"},"encounter":{"reference":"Encounter/enc-9"},
  "effectiveDateTime":"2026-11-27T09:50:00Z","issued":"2026-11-27T09:58:00Z",
  "valueQuantity":{"value":6.8,"unit":"mmol/L","system":"http://unitsofmeasure.org","code":"mmol/L"},
  "interpretation":[{"coding":[{"code":"HH"}]}]}})";

std::string edited(const std::function<void(nlohmann::json &)> &edit)
{
    nlohmann::json event = nlohmann::json::parse(labEvent);
    edit(event);
    return event.dump();
}
} // namespace

void TestSchemaEnforcer::initTestCase()
{
    const QString dir = QFINDTESTDATA("../../resources/schemas");
    QVERIFY2(!dir.isEmpty(), "resources/schemas not found beside the tests");
    m_catalog = SchemaCatalog::fromDirectory(dir);
    QVERIFY2(m_catalog.errors().isEmpty(), qPrintable(m_catalog.errors().join(u'\n')));
}

void TestSchemaEnforcer::catalog()
{
    const QStringList subjects = m_catalog.subjects();
    QCOMPARE(subjects,
             QStringList({"healthcare.adt.events-value", "healthcare.alerts.critical-value",
                          "healthcare.labs.results-value", "healthcare.medications.orders-value"}));
    QCOMPARE(m_catalog.versions("healthcare.labs.results-value"), QList<int>({1, 2}));
    const CatalogEntry *latest = m_catalog.find("healthcare.labs.results-value");
    QVERIFY(latest);
    QCOMPARE(latest->version, 2);
    QCOMPARE(latest->schema.root().name, "FhirObservationEvent");
    QCOMPARE(m_catalog.byId(latest->id), latest);
    QCOMPARE(m_catalog.find("healthcare.labs.results-value", 1)->id, latest->id - 1);
    QVERIFY(!m_catalog.byId(0));
    QVERIFY(!m_catalog.byId(99));
    QVERIFY(!m_catalog.find("nope-value"));
    QCOMPARE(SchemaCatalog::valueSubject("healthcare.adt.events"), "healthcare.adt.events-value");
    QCOMPARE(m_catalog.history("healthcare.labs.results-value").size(), std::size_t(2));
    // Ids are unique across subjects.
    QSet<int> ids;
    for (const auto &e : m_catalog.entries())
        ids.insert(e.id);
    QCOMPARE(ids.size(), qsizetype(m_catalog.entries().size()));
    // A directory that is not there is an error, not a crash.
    const SchemaCatalog missing = SchemaCatalog::fromDirectory("/nonexistent/schemas");
    QVERIFY(missing.isEmpty());
    QCOMPARE(missing.errors().size(), 1);
}

void TestSchemaEnforcer::compatibilityLevels()
{
    QCOMPARE(m_catalog.compatibility("healthcare.labs.results-value"), CompatibilityMode::FullTransitive);
    QCOMPARE(m_catalog.compatibility("healthcare.alerts.critical-value"), CompatibilityMode::Full);
    QCOMPARE(m_catalog.compatibility("healthcare.adt.events-value"), CompatibilityMode::Backward);
    QCOMPARE(m_catalog.compatibility("not-bundled-value"), CompatibilityMode::Backward);

    // A level file with mistakes says each one and keeps what it could read.
    QTemporaryDir dir;
    QVERIFY(QFile::copy(QFINDTESTDATA("../../resources/schemas/healthcare.adt.events-value.v1.avsc"),
                        dir.filePath("healthcare.adt.events-value.v1.avsc")));
    QFile levels(dir.filePath("compatibility.json"));
    QVERIFY(levels.open(QIODevice::WriteOnly));
    levels.write(R"({"default":"FORWARD","subjects":{"healthcare.adt.events-value":"FULLY","nope-value":"FULL"},"strict":true})");
    levels.close();
    const SchemaCatalog catalog = SchemaCatalog::fromDirectory(dir.path());
    QCOMPARE(catalog.subjects().size(), 1);
    QCOMPARE(catalog.compatibility("healthcare.adt.events-value"), CompatibilityMode::Forward); // the default
    const QString errors = catalog.errors().join(u'\n');
    QCOMPARE(catalog.errors().size(), 3);
    QVERIFY2(errors.contains("\"FULLY\" is not a compatibility level"), qPrintable(errors));
    QVERIFY2(errors.contains("`nope-value` has no schema here"), qPrintable(errors));
    QVERIFY2(errors.contains("unknown field `strict`"), qPrintable(errors));
}

void TestSchemaEnforcer::bundledHistoryIsCompatible()
{
    const CatalogEntry *v2 = m_catalog.find("healthcare.labs.results-value", 2);
    const auto verdict = checkCompatibility(v2->schema, {{1, m_catalog.find("healthcare.labs.results-value", 1)->schema}},
                                            CompatibilityMode::FullTransitive);
    QVERIFY2(verdict.compatible, verdict.summary().c_str());
}

void TestSchemaEnforcer::simulatorEventsPass()
{
    const SchemaEnforcer enforcer(m_catalog);
    HospitalSimulator simulator(7, 40);
    std::int64_t now = 1'795'000'000'000;
    QMap<QString, int> perTopic;
    for (int step = 0; step < 400; ++step) {
        for (const SimulatedEvent &event : simulator.next(now += 60'000).events) {
            const auto refusal = enforcer.refusal(event.topic, event.value);
            QVERIFY2(!refusal, (event.topic + ": " + refusal.value_or("") + "\n" + event.value).c_str());
            ++perTopic[QString::fromStdString(event.topic)];
        }
    }
    QVERIFY(perTopic.value("healthcare.labs.results") > 0);
    QVERIFY(perTopic.value("healthcare.adt.events") > 0);
    QVERIFY(perTopic.value("healthcare.medications.orders") > 0);
    QVERIFY(!enforcer.refusal("healthcare.labs.results", labEvent));
}

void TestSchemaEnforcer::labMissingMandatoryField_data()
{
    QTest::addColumn<QString>("event");
    QTest::addColumn<QString>("reason");
    QTest::newRow("no patient") << QString::fromStdString(edited([](auto &e) {
        e.erase("patient_id");
        e["fhir_resource"].erase("subject");
    })) << "the event names no patient (`patient_id` is missing";
    QTest::newRow("patient only a Group") << QString::fromStdString(edited([](auto &e) {
        e.erase("patient_id");
        e["fhir_resource"]["subject"]["reference"] = "Group/ward-3";
    })) << "names no patient";
    QTest::newRow("no LOINC code") << QString::fromStdString(edited([](auto &e) {
        e["fhir_resource"]["code"]["coding"][0]["system"] = "http://snomed.info/sct";
    })) << "the event has no LOINC code (`loinc_code` is missing";
    QTest::newRow("empty LOINC code") << QString::fromStdString(edited([](auto &e) {
        e["fhir_resource"]["code"]["coding"][0]["code"] = "";
    })) << "has no LOINC code";
    QTest::newRow("no value") << QString::fromStdString(edited([](auto &e) {
        e["fhir_resource"].erase("valueQuantity");
    })) << "the event has no value (`value` is missing";
    QTest::newRow("value as text") << QString::fromStdString(edited([](auto &e) {
        e["fhir_resource"]["valueQuantity"]["value"] = "6.8";
    })) << "has no value";
    QTest::newRow("no id") << QString::fromStdString(edited([](auto &e) {
        e.erase("resource_id");
        e["fhir_resource"].erase("id");
    })) << "has no id";
}

void TestSchemaEnforcer::labMissingMandatoryField()
{
    QFETCH(QString, event);
    QFETCH(QString, reason);
    const SchemaEnforcer enforcer(m_catalog);
    const auto refusal = enforcer.refusal("healthcare.labs.results", event.toStdString());
    QVERIFY2(refusal, "an invalid lab result was let through");
    const QString text = QString::fromStdString(*refusal);
    QVERIFY2(text.startsWith("healthcare.labs.results (FhirObservationEvent v2): "), qPrintable(text));
    QVERIFY2(text.contains(reason), qPrintable(text));
}

void TestSchemaEnforcer::labOtherRefusals_data()
{
    QTest::addColumn<QString>("event");
    QTest::addColumn<QString>("reason");
    QTest::newRow("not JSON") << "{\"event_type\":" << "not valid JSON";
    QTest::newRow("unknown status") << QString::fromStdString(edited([](auto &e) {
        e["fhir_resource"]["status"] = "done";
    })) << "`status` is \"done\", not a symbol of enum ObservationStatus";
    QTest::newRow("patient on the labs topic") << R"({"resourceType":"Patient","id":"p1"})"
                                               << "a Patient is not a lab Observation";
}

void TestSchemaEnforcer::labOtherRefusals()
{
    QFETCH(QString, event);
    QFETCH(QString, reason);
    const SchemaEnforcer enforcer(m_catalog);
    const auto refusal = enforcer.refusal("healthcare.labs.results", event.toStdString());
    QVERIFY(refusal);
    QVERIFY2(QString::fromStdString(*refusal).contains(reason), refusal->c_str());
}

void TestSchemaEnforcer::bareResourceAndUncoveredTopics()
{
    const SchemaEnforcer enforcer(m_catalog);
    const std::string bare = nlohmann::json::parse(labEvent)["fhir_resource"].dump();
    QVERIFY2(!enforcer.refusal("healthcare.labs.results", bare), enforcer.refusal("healthcare.labs.results", bare)->c_str());
    const auto entered = edited([](auto &e) { e["fhir_resource"]["status"] = "entered-in-error"; });
    QVERIFY(!enforcer.refusal("healthcare.labs.results", entered));
    // No subject for these topics: nothing to enforce.
    QVERIFY(!enforcer.covers("healthcare.fhir.other"));
    QVERIFY(!enforcer.refusal("healthcare.fhir.other", "{}"));
    QVERIFY(!enforcer.refusal("healthcare.dlq", "not even json"));
    QVERIFY(enforcer.covers("healthcare.labs.results"));
    QVERIFY(!enforcer.refusal("healthcare.labs.results", R"({"resourceType":"DiagnosticReport","id":"r1"})"));
    // ADT and medication orders have their mandatory fields too.
    const auto adt = enforcer.refusal("healthcare.adt.events", R"({"resourceType":"Encounter","id":"e1","status":"in-progress"})");
    QVERIFY(adt);
    QVERIFY2(QString::fromStdString(*adt).contains("names no patient"), adt->c_str());
    const auto med = enforcer.refusal("healthcare.medications.orders",
                                      R"({"resourceType":"MedicationRequest","id":"m1","status":"active","intent":"order",
                                          "subject":{"reference":"Patient/p1"},"authoredOn":"2026-11-27T10:00:00Z"})");
    QVERIFY(med);
    QVERIFY2(QString::fromStdString(*med).contains("names no medication"), med->c_str());
}

void TestSchemaEnforcer::alerts()
{
    const SchemaEnforcer enforcer(m_catalog);
    Alert alert;
    alert.alertId = "alert-1";
    alert.patientId = "pat-1";
    alert.observationId = "obs-1";
    alert.loinc = "2823-3";
    alert.display = "Potassium";
    alert.value = 6.8;
    alert.unit = "mmol/L";
    alert.limit = 6.2;
    alert.thresholdSetName = "adult";
    alert.thresholdSetVersion = 3;
    alert.evaluatedAtMs = 1'795'000'000'000;
    alert.source = {"healthcare.labs.results", 2, 41};
    const std::string json = alert.toJson().dump();
    QVERIFY2(!enforcer.refusal("healthcare.alerts.critical", json), enforcer.refusal("healthcare.alerts.critical", json)->c_str());
    nlohmann::json broken = alert.toJson();
    broken["state"] = "forgotten";
    broken.erase("patient_id");
    const auto refusal = enforcer.refusal("healthcare.alerts.critical", broken.dump());
    QVERIFY(refusal);
    QVERIFY2(QString::fromStdString(*refusal).contains("names no patient"), refusal->c_str());
    QVERIFY2(QString::fromStdString(*refusal).contains("not a symbol of enum AlertState"), refusal->c_str());
}

void TestSchemaEnforcer::projection()
{
    const SchemaEnforcer enforcer(m_catalog);
    const auto projection = enforcer.project("healthcare.labs.results", labEvent);
    QVERIFY(projection.entry);
    QVERIFY(projection.refusal.empty());
    const auto &d = projection.datum;
    QCOMPARE(d["patient_id"], "pat-1");
    QCOMPARE(d["loinc_code"], "2823-3");
    QCOMPARE(d["value"].get<double>(), 6.8);
    QCOMPARE(d["unit"], "mmol/L");
    QCOMPARE(d["encounter_id"], "enc-9");
    QCOMPARE(d["interpretation"], "HH");
    QCOMPARE(d["status"], "final");
    QCOMPARE(d["timestamp"].get<std::int64_t>(), *fhirDateTimeToMs("2026-11-27T10:00:00Z"));
    QCOMPARE(nlohmann::json::parse(d["fhir_resource"].get<std::string>())["id"], "obs-1");
}

// A value already in the Confluent wire format (a re-published Avro record) must decode with a version
// of the topic's own subject.
void TestSchemaEnforcer::avroWireFormat()
{
    const SchemaEnforcer enforcer(m_catalog);
    const auto projection = enforcer.project("healthcare.labs.results", labEvent);
    const CatalogEntry *labs = projection.entry;
    const CatalogEntry *adt = m_catalog.find("healthcare.adt.events-value");
    QVERIFY(labs && adt);
    const std::string avro = AvroCodec::encode(labs->id, labs->schemaText.toStdString(), projection.datum);
    QCOMPARE(enforcer.refusal("healthcare.labs.results", avro), std::nullopt);

    const auto elsewhere = enforcer.refusal("healthcare.adt.events", avro);
    QVERIFY(elsewhere);
    QVERIFY2(elsewhere->find("schema id " + std::to_string(labs->id) + ", which is not a version of healthcare.adt.events-value")
                 != std::string::npos, elsewhere->c_str());

    std::string corrupt = avro.substr(0, 5) + std::string(3, '\xff');
    const auto broken = enforcer.refusal("healthcare.labs.results", corrupt);
    QVERIFY(broken);
    QVERIFY2(broken->find("corrupt") != std::string::npos, broken->c_str());

    std::string unknown = avro;
    unknown[4] = char(99);
    const auto unknownId = enforcer.refusal("healthcare.labs.results", unknown);
    QVERIFY(unknownId);
    QVERIFY2(unknownId->find("unknown schema id 99") != std::string::npos, unknownId->c_str());
}

QTEST_GUILESS_MAIN(TestSchemaEnforcer)
#include "tst_schemaenforcer.moc"
