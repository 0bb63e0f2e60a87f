#include "fhir/fhirsummary.h"

#include <QtTest>

using nlohmann::json;

class TestFhirSummary final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void potassium()
    {
        const char *observationJson = R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"2823-3","display":"Potassium"}]},"valueQuantity":{"value":6.9,"unit":"mmol/L","system":"http://unitsofmeasure.org","code":"mmol/L"}})";
        const auto observation = json::parse(observationJson);
        QCOMPARE(summarizeResource(observation), "K 6.9 mmol/L final");
    }

    void comparatorAndUnknownCode()
    {
        const char *observationJson = R"({"resourceType":"Observation","status":"preliminary","code":{"text":"Troponin I"},"valueQuantity":{"value":5,"comparator":"<","unit":"ng/L"}})";
        const auto observation = json::parse(observationJson);
        QCOMPARE(summarizeResource(observation), "Troponin I <5 ng/L preliminary");
    }

    void valueOfTheWrongTypeIsShownNotHidden()
    {
        const char *observationJson = R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"2951-2"}]},"valueQuantity":{"value":"140","code":"mmol/L"}})";
        const auto observation = json::parse(observationJson);
        QCOMPARE(summarizeResource(observation), "Na \"140\" mmol/L final");
    }

    void encounterAdmission()
    {
        const char *encounterJson = R"({"resourceType":"Encounter","status":"in-progress","location":[{"location":{"display":"ICU"},"physicalType":{"coding":[{"code":"wa"}]}},{"location":{"display":"Room 3"},"physicalType":{"coding":[{"code":"ro"}]}},{"location":{"display":"3-B"},"physicalType":{"coding":[{"code":"bd"}]}}]})";
        const auto encounter = json::parse(encounterJson);
        QCOMPARE(summarizeResource(encounter, "admission"), "admit ICU · 3-B");
        QCOMPARE(summarizeResource(encounter, "transfer"), "transfer to ICU · 3-B");
    }

    void medicationAndPatientCarryNoIdentifiers()
    {
        const char *orderJson = R"({"resourceType":"MedicationRequest","status":"active","medicationCodeableConcept":{"coding":[{"display":"Heparin 5000 UNT/ML"}]}})";
        const auto order = json::parse(orderJson);
        QCOMPARE(summarizeResource(order), "Heparin 5000 UNT/ML active");
        const char *patientJson = R"({"resourceType":"Patient","id":"pat-1","gender":"female","birthDate":"1956-02-03","name":[{"family":"Smith"}]})";
        const auto patient = json::parse(patientJson);
        const auto summary = summarizeResource(patient);
        QCOMPARE(summary, "registered female 1956");
    }

    void shortNamesCoverBloodMatrixCodes()
    {
        QCOMPARE(shortAnalyteName("6298-4"), "K");
        QCOMPARE(shortAnalyteName("2339-0"), "Glu");
        QCOMPARE(shortAnalyteName("38483-4"), "Creat");
        QCOMPARE(shortAnalyteName("0000-0"), "");
    }
};

QTEST_APPLESS_MAIN(TestFhirSummary)
#include "tst_fhirsummary.moc"
