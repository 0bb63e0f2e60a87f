#include "ingest/ingestrecord.h"
#include "ingest/seenversions.h"
#include "base/topics.h"
#include "fhir/fhirenvelope.h"

#include <QtTest>

using nlohmann::json;

class TestIngestRecord final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void aLabResultGoesToTheLabsTopicKeyedByItsPatient()
    {
        const json observation = {{"resourceType", "Observation"}, {"id", "k1"},
                                  {"subject", {{"reference", "Patient/MRN-1"}}}};
        const IngestRecord record = envelopeRecord(observation, "POST", "2026-12-03T15:00:00.000Z");
        QCOMPARE(record.topic, std::string(Topics::LabResults));
        QCOMPARE(record.key, std::string("MRN-1"));
        const json envelope = json::parse(record.value);
        QCOMPARE(envelope["event_type"].get<std::string>(), std::string("create"));
        QCOMPARE(envelope["resource_type"].get<std::string>(), std::string("Observation"));
        QCOMPARE(envelope["resource_id"].get<std::string>(), std::string("k1"));
        QCOMPARE(envelope["patient_id"].get<std::string>(), std::string("MRN-1"));
        QCOMPARE(envelope["timestamp"].get<std::string>(), std::string("2026-12-03T15:00:00.000Z"));
        QCOMPARE(envelope["fhir_resource"], observation);
        // Vigil's own reader takes it as the seed envelope.
        const FhirEnvelope read = FhirEnvelope::parse(record.value);
        QCOMPARE(read.patientId, std::string("MRN-1"));
        QVERIFY(!read.bare);
    }

    void methodsMapToTheSeedsEventTypes()
    {
        QCOMPARE(eventTypeOfMethod("POST"), std::string_view("create"));
        QCOMPARE(eventTypeOfMethod("PUT"), std::string_view("update"));
        QCOMPARE(eventTypeOfMethod("DELETE"), std::string_view("delete"));
        QCOMPARE(eventTypeOfMethod(""), std::string_view("update"));
    }

    void aPatientLessResourceGoesToOtherNeverDropped()
    {
        const json practitioner = {{"resourceType", "Practitioner"}, {"id", "pr-1"}};
        const IngestRecord record = envelopeRecord(practitioner, "POST", "t");
        QCOMPARE(record.topic, std::string(Topics::FhirOther));
        QCOMPARE(record.key, std::string("Practitioner/pr-1"));
        QVERIFY(json::parse(record.value)["patient_id"].is_null());
        // An Observation without a subject is patient-less too.
        QCOMPARE(envelopeRecord(json{{"resourceType", "Observation"}, {"id", "o"}}, "PUT", "t").topic,
                 std::string(Topics::FhirOther));
    }

    void aDeletionCarriesItsReference()
    {
        const IngestRecord record = deletionRecord("MedicationRequest/mr-9", "t");
        const json envelope = json::parse(record.value);
        QCOMPARE(envelope["event_type"].get<std::string>(), std::string("delete"));
        QCOMPARE(envelope["resource_id"].get<std::string>(), std::string("mr-9"));
        QCOMPARE(envelope["fhir_resource"]["resourceType"].get<std::string>(), std::string("MedicationRequest"));
    }

    void versionsAreToldApartByVersionIdThenLastUpdated()
    {
        QCOMPARE(versionKey(json{{"resourceType", "Observation"}, {"id", "1"}, {"meta", {{"versionId", "4"}}}}),
                 std::string("Observation/1/_history/4"));
        QCOMPARE(versionKey(json{{"resourceType", "Observation"}, {"id", "1"},
                                 {"meta", {{"lastUpdated", "2026-12-03T10:00:00Z"}}}}),
                 std::string("Observation/1@2026-12-03T10:00:00Z"));
        QCOMPARE(versionKey(json{{"resourceType", "Observation"}, {"id", "1"}}), std::string());
    }

    void aDeletionIsToldApartByTheVersionItEnded()
    {
        QCOMPARE(deletionKey("https://ehr/fhir/MedicationRequest/m1", "4"), std::string("MedicationRequest/m1/_deleted/4"));
        QCOMPARE(deletionKey("MedicationRequest/m1", ""), std::string("MedicationRequest/m1/_deleted"));
        QCOMPARE(deletionKey("urn:uuid:1", "4"), std::string());
    }

    void seenVersionsForgetTheLeastRecentPastCapacity()
    {
        SeenVersions seen(2);
        seen.insert("a");
        seen.insert("b");
        seen.insert("a"); // a is now the most recent
        seen.insert("c");
        QVERIFY(seen.contains("a"));
        QVERIFY(!seen.contains("b"));
        QVERIFY(seen.contains("c"));
        seen.insert("");
        QCOMPARE(seen.size(), std::size_t(2));
    }
};

QTEST_APPLESS_MAIN(TestIngestRecord)
#include "tst_ingestrecord.moc"
