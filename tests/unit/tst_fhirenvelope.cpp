#include "fhir/fhirenvelope.h"
#include "base/text.h"

#include <QtTest>

class TestFhirEnvelope final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void seedEnvelope()
    {
        const char *envelopeJson = R"({"event_type":"lab_result","resource_type":"Observation","resource_id":"obs-1","patient_id":"pat-7","timestamp":"2026-11-27T10:00:00.000Z","fhir_resource":{"resourceType":"Observation","id":"obs-1","status":"final","subject":{"reference":"Patient/other"}}})";
        const auto envelope = FhirEnvelope::parse(envelopeJson);
        QCOMPARE(envelope.eventType, "lab_result");
        QCOMPARE(envelope.resourceType, "Observation");
        QCOMPARE(envelope.resourceId, "obs-1");
        QCOMPARE(envelope.patientId, "pat-7"); // the envelope's patient_id wins
        QCOMPARE(envelope.timestamp, "2026-11-27T10:00:00.000Z");
        QCOMPARE(envelope.resource.at("status"), "final");
        QVERIFY(!envelope.bare);
    }

    void envelopeWithoutPatientIdFallsBackToTheResource()
    {
        const char *envelopeJson = R"({"event_type":"lab_result","fhir_resource":{"resourceType":"Observation","subject":{"reference":"Patient/42"}}})";
        const auto envelope = FhirEnvelope::parse(envelopeJson);
        QCOMPARE(envelope.patientId, "42");
    }

    void bareResource()
    {
        const auto envelope = FhirEnvelope::parse(
            R"({"resourceType":"Observation","id":"o2","subject":{"reference":"Patient/p9"}})");
        QVERIFY(envelope.bare);
        QCOMPARE(envelope.resourceType, "Observation");
        QCOMPARE(envelope.resourceId, "o2");
        QCOMPARE(envelope.patientId, "p9");
        QVERIFY(envelope.eventType.empty());
    }

    void barePatientIsItsOwnPatient()
    {
        QCOMPARE(FhirEnvelope::parse(R"({"resourceType":"Patient","id":"pat-1"})").patientId, "pat-1");
    }

    void patientReferences_data()
    {
        QTest::addColumn<QString>("reference");
        QTest::addColumn<QString>("patientId");
        QTest::newRow("relative") << "Patient/123" << "123";
        QTest::newRow("absolute") << "https://fhir.example.org/r4/Patient/abc" << "abc";
        QTest::newRow("versioned") << "Patient/123/_history/4" << "123";
        QTest::newRow("absolute versioned") << "http://x.org/fhir/Patient/9/_history/1" << "9";
        QTest::newRow("contained") << "#p1" << "";
        QTest::newRow("group") << "Group/ward-4" << "";
        QTest::newRow("absolute group") << "https://x.org/Group/7" << "";
        QTest::newRow("empty id") << "Patient/" << "";
        QTest::newRow("urn") << "urn:uuid:1234" << "";
        QTest::newRow("not a prefix") << "MyPatient/1" << "";
        QTest::newRow("relative with path") << "foo/Patient/1" << "";
    }
    void patientReferences()
    {
        QFETCH(QString, reference);
        QFETCH(QString, patientId);
        QCOMPARE(QString::fromStdString(patientIdOfReference(reference.toStdString())), patientId);
    }

    void encounterReferencesFollowTheSameRules()
    {
        QCOMPARE(idOfReference("Encounter/enc-1/_history/3", "Encounter"), "enc-1");
        QCOMPARE(idOfReference("https://x.org/fhir/Encounter/enc-2", "Encounter"), "enc-2");
        QCOMPARE(idOfReference("Patient/enc-1", "Encounter"), "");
        QCOMPARE(idOfReference("x.org/Encounter/enc-3", "Encounter"), "");
    }

    void noPatientGivesAnEmptyId()
    {
        QVERIFY(FhirEnvelope::parse(R"({"resourceType":"Observation","status":"final"})").patientId.empty());
        QVERIFY(FhirEnvelope::parse(R"({"resourceType":"Observation","subject":"Patient/1"})").patientId.empty());
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("reason");
        QTest::newRow("not json") << QByteArray("{\"resourceType\": ") << "not-json";
        QTest::newRow("empty") << QByteArray() << "not-json";
        QTest::newRow("binary") << QByteArray("\x00\x01\xff", 3) << "not-json";
        QTest::newRow("array") << QByteArray("[1,2]") << "not-object";
        QTest::newRow("string") << QByteArray("\"Observation\"") << "not-object";
        QTest::newRow("object without resource") << QByteArray("{\"a\":1}") << "no-resource";
        QTest::newRow("envelope with a string resource") << QByteArray("{\"fhir_resource\":\"x\"}") << "no-resource";
        QTest::newRow("resourceType not a string") << QByteArray("{\"resourceType\":5}") << "no-resource";
    }
    void badInput()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, reason);
        try {
            FhirEnvelope::parse(Text::view(bytes));
            QFAIL("parse accepted bad input");
        } catch (const EnvelopeError &error) {
            QCOMPARE(QString::fromStdString(error.reason()), reason);
            QVERIFY(std::string_view(error.what()).size() > 5);
        }
    }

    void deeplyNestedInputIsRejectedOrReadWithoutCrashing()
    {
        const std::string deep = std::string(100000, '[') + std::string(100000, ']');
        QVERIFY_THROWS_EXCEPTION(EnvelopeError, FhirEnvelope::parse(deep));
    }
};

QTEST_APPLESS_MAIN(TestFhirEnvelope)
#include "tst_fhirenvelope.moc"
