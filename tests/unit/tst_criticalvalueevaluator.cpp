#include "clinical/criticalvalueevaluator.h"

#include <QtTest>

#include <functional>
#include <random>

namespace {

using Json = nlohmann::json;
using Edit = std::function<void(Json &)>;

const std::string kLoinc = "http:" "//loinc.org";
const std::string kUcum = "http:" "//unitsofmeasure.org";
const std::string kSnomed = "http:" "//snomed.info/sct";

constexpr std::int64_t kHour = 3600 * 1000;
constexpr std::int64_t kNow = 1'795'000'000'000; // 2026-11-18T11:06:40Z
const RecordSource kSource{"healthcare.labs.results", 3, 1200};

const char *const kThresholds = R"json({"name": "Adult inpatient critical values", "version": 7,
 "rules": [{"loinc": ["2823-3", "6298-4"], "display": "Potassium", "unit": "mmol/L", "low": 2.8, "high": 6.2},
           {"loinc": ["2345-7", "2339-0"], "display": "Glucose", "unit": "mg/dL", "low": 50, "high": 450},
           {"loinc": ["14749-6"], "display": "Glucose (moles)", "unit": "mmol/L", "low": 2.8, "high": 25},
           {"loinc": ["2160-0", "38483-4"], "display": "Creatinine", "unit": "mg/dL", "high": 7.4},
           {"loinc": "6301-6", "display": "INR", "unit": "{INR}", "high": 5.0},
           {"loinc": "2019-8", "display": "pCO2", "unit": "mm[Hg]", "low": 20, "high": 60},
           {"loinc": "718-7", "display": "Hemoglobin", "unit": "g/dL", "low": 6, "high": 20},
           {"loinc": "777-3", "display": "Platelets", "unit": "10*9/L", "low": 40, "high": 1000},
           {"loinc": "17861-6", "display": "Calcium", "unit": "mg/dL", "low": 6.5, "high": 13},
           {"loinc": "2524-7", "display": "Lactate", "unit": "mmol/L", "high": 4.0}]})json";

const char *const kWithoutCreatinine = R"({"name": "No creatinine", "version": 1,
 "rules": [{"loinc": "2823-3", "display": "Potassium", "unit": "mmol/L", "low": 2.8, "high": 6.2}]})";

std::shared_ptr<const ThresholdSet> thresholds()
{
    static const auto set = ThresholdSet::fromJson(kThresholds);
    return set;
}

// A final potassium of 6.9 mmol/L for pat-7, as the FHIR resource.
Json potassium()
{
    return {
        {"resourceType", "Observation"},
        {"id", "obs-1"},
        {"status", "final"},
        {"code", {{"coding", Json::array({{{"system", kLoinc}, {"code", "2823-3"}, {"display", "Potassium"}}})}}},
        {"subject", {{"reference", "Patient/pat-7"}}},
        {"encounter", {{"reference", "Encounter/enc-3"}}},
        {"effectiveDateTime", "2026-11-18T08:00:00Z"},
        {"issued", "2026-11-18T08:40:00Z"},
        {"valueQuantity", {{"value", 6.9}, {"unit", "mmol/L"}, {"system", kUcum}, {"code", "mmol/L"}}},
    };
}

Json envelopeOf(Json resource)
{
    const std::string id = resource.value("id", "");
    return {{"event_type", "lab_result"},  {"resource_type", resource.value("resourceType", "")},
            {"resource_id", id},           {"patient_id", "pat-7"},
            {"timestamp", "2026-11-18T08:40:01.000Z"}, {"fhir_resource", std::move(resource)}};
}

QByteArray bytesOf(const Json &json)
{
    return QByteArray::fromStdString(json.dump());
}

// The potassium record in its seed envelope, changed by `edit` (applied to the resource).
QByteArray record(const Edit &edit = {})
{
    Json resource = potassium();
    if (edit)
        edit(resource);
    return bytesOf(envelopeOf(std::move(resource)));
}

QByteArray bareRecord(const Edit &edit = {})
{
    Json resource = potassium();
    if (edit)
        edit(resource);
    return bytesOf(resource);
}

// An analyte with a value and a UCUM unit.
Edit lab(std::string code, double value, std::string unit)
{
    return [=](Json &r) {
        r["code"]["coding"][0]["code"] = code;
        r["valueQuantity"] = {{"value", value}, {"unit", unit}, {"system", kUcum}, {"code", unit}};
    };
}

Edit compared(std::string comparator, double value)
{
    return [=](Json &r) {
        r["valueQuantity"]["comparator"] = comparator;
        r["valueQuantity"]["value"] = value;
    };
}

// The record with its value's JSON text replaced by `text` (numbers JSON cannot hold natively).
QByteArray withValueText(const char *text)
{
    QByteArray bytes = record(lab("2823-3", 123456.75, "mmol/L"));
    bytes.replace("123456.75", text);
    return bytes;
}

Json creatinine(const std::string &id, double mgPerDl, const std::string &effective)
{
    Json resource = potassium();
    lab("2160-0", mgPerDl, "mg/dL")(resource);
    resource["id"] = id;
    resource["effectiveDateTime"] = effective;
    resource["issued"] = effective;
    return resource;
}

std::string_view view(const QByteArray &bytes)
{
    return {bytes.constData(), static_cast<std::size_t>(bytes.size())};
}

} // namespace

class TestCriticalValueEvaluator final : public QObject {
    Q_OBJECT

    // Every test runs once per parser: the fast one must give exactly what the reference gives.
    EvaluatorOptions options(EvaluatorOptions base = {}) const
    {
        QFETCH_GLOBAL(bool, fast);
        base.parser = fast ? EvaluatorOptions::Parser::Fast : EvaluatorOptions::Parser::Reference;
        return base;
    }

    Evaluation evaluateOnce(const QByteArray &bytes, const RecordSource &source = kSource) const
    {
        CriticalValueEvaluator evaluator(thresholds(), options());
        return evaluator.evaluate(view(bytes), source, kNow);
    }

private Q_SLOTS:
    void initTestCase_data()
    {
        QTest::addColumn<bool>("fast");
        QTest::newRow("nlohmann") << false;
        if (CriticalValueEvaluator::fastParserAvailable())
            QTest::newRow("simdjson") << true;
    }

    void parserIsTheOneAskedFor()
    {
        QFETCH_GLOBAL(bool, fast);
        CriticalValueEvaluator evaluator(thresholds(), options());
        QCOMPARE(evaluator.usesFastParser(), fast);
    }

    void verdicts_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("verdict");
        QTest::addColumn<int>("alerts");

        QTest::newRow("critical high") << record() << "critical-high" << 1;
        QTest::newRow("critical low") << record(lab("2823-3", 2.5, "mmol/L")) << "critical-low" << 1;
        QTest::newRow("normal") << record(lab("2823-3", 4.1, "mmol/L")) << "normal" << 0;
        QTest::newRow("at the high limit") << record(lab("2823-3", 6.2, "mmol/L")) << "normal" << 0;
        QTest::newRow("at the low limit") << record(lab("2823-3", 2.8, "mmol/L")) << "normal" << 0;
        QTest::newRow("just above high") << record(lab("2823-3", 6.2000001, "mmol/L")) << "critical-high" << 1;
        QTest::newRow("just below low") << record(lab("2823-3", 2.7999999, "mmol/L")) << "critical-low" << 1;
        QTest::newRow("integer value") << record(lab("2823-3", 7, "mmol/L")) << "critical-high" << 1;
        QTest::newRow("bare observation") << bareRecord() << "critical-high" << 1;
        QTest::newRow("a duplicate key: the last one counts, as in nlohmann")
            << withValueText("4.0, \"value\": 7.5") << "critical-high" << 1;
        QTest::newRow("a duplicate valueQuantity: only the last counts") << [] {
            const std::string earlier = R"("valueQuantity":{"value":2.0,"comparator":"<","code":"mmol/L"},)";
            return record().replace("\"valueQuantity\":", QByteArray::fromStdString(earlier + "\"valueQuantity\":"));
        }() << "critical-high" << 1;
        QTest::newRow("a duplicate code: only the last counts") << [] {
            const std::string earlier = "\"code\":{\"coding\":[{\"system\":\"" + kLoinc + "\",\"code\":\"2339-0\"}]},";
            return record().replace("\"code\":{", QByteArray::fromStdString(earlier + "\"code\":{"));
        }() << "critical-high" << 1;
        QTest::newRow("blood potassium code") << record(lab("6298-4", 7.1, "mmol/L")) << "critical-high" << 1;
        QTest::newRow("amended") << record([](Json &r) { r["status"] = "amended"; }) << "critical-high" << 1;
        QTest::newRow("corrected") << record([](Json &r) { r["status"] = "corrected"; }) << "critical-high" << 1;
        QTest::newRow("the LOINC coding need not be first") << record([](Json &r) {
            r["code"]["coding"].insert(r["code"]["coding"].begin(), {{"system", "urn:local"}, {"code", "K"}});
        }) << "critical-high" << 1;

        QTest::newRow("patient resource") << bytesOf(Json{{"resourceType", "Patient"}, {"id", "pat-7"}})
                                          << "not-applicable" << 0;
        QTest::newRow("encounter in an envelope")
            << bytesOf(envelopeOf({{"resourceType", "Encounter"}, {"id", "e1"}, {"status", "in-progress"}}))
            << "not-applicable" << 0;
        QTest::newRow("diagnostic report") << record([](Json &r) { r["resourceType"] = "DiagnosticReport"; })
                                           << "not-applicable" << 0;
        QTest::newRow("resource without a patient is still not applicable")
            << bytesOf(Json{{"resourceType", "MedicationRequest"}}) << "not-applicable" << 0;

        for (const char *status : {"preliminary", "registered", "unknown", "cancelled", "entered-in-error", "Final"})
            QTest::newRow(status) << record([=](Json &r) { r["status"] = status; }) << "not-final" << 0;
        QTest::newRow("no status") << record([](Json &r) { r.erase("status"); }) << "not-final" << 0;
        QTest::newRow("status not a string") << record([](Json &r) { r["status"] = 1; }) << "not-final" << 0;

        QTest::newRow("no LOINC coding") << record([](Json &r) { r["code"]["coding"][0]["system"] = kSnomed; })
                                         << "no-rule" << 0;
        QTest::newRow("no code at all") << record([](Json &r) { r.erase("code"); }) << "no-rule" << 0;
        QTest::newRow("code the set does not name") << record(lab("6598-7", 0.5, "ng/mL")) << "no-rule" << 0;
        QTest::newRow("system is not exactly LOINC") << record([](Json &r) {
            r["code"]["coding"][0]["system"] = kLoinc + "/";
        }) << "no-rule" << 0;

        QTest::newRow("valueString") << record([](Json &r) {
            r.erase("valueQuantity");
            r["valueString"] = "hemolysed";
        }) << "no-value" << 0;
        QTest::newRow("valueCodeableConcept") << record([](Json &r) {
            r.erase("valueQuantity");
            r["valueCodeableConcept"] = {{"text", "see comment"}};
        }) << "no-value" << 0;
        QTest::newRow("no value[x]") << record([](Json &r) { r.erase("valueQuantity"); }) << "no-value" << 0;
        QTest::newRow("valueQuantity without value") << record([](Json &r) { r["valueQuantity"].erase("value"); })
                                                     << "no-value" << 0;
    }
    void verdicts()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, verdict);
        QFETCH(int, alerts);
        const Evaluation evaluation = evaluateOnce(bytes);
        QVERIFY2(evaluation.deadLetterReason.empty(), evaluation.deadLetterMessage.c_str());
        QCOMPARE(QString::fromUtf8(evaluation.verdictName()), verdict);
        QCOMPARE(int(evaluation.alerts.size()), alerts);
    }

    void deadLetters_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("reason");

        QTest::newRow("truncated") << record().left(40) << "not-json";
        QTest::newRow("empty") << QByteArray() << "not-json";
        QTest::newRow("binary") << QByteArray("\x00\x01\xff", 3) << "not-json";
        QTest::newRow("trailing garbage") << record() + " x" << "not-json";
        QTest::newRow("invalid UTF-8 in a string") << record().replace("pat-7", "pat-\xff") << "not-json";
        QTest::newRow("array") << QByteArray("[1, 2]") << "not-object";
        QTest::newRow("number") << QByteArray("42") << "not-object";
        QTest::newRow("string") << QByteArray("\"Observation\"") << "not-object";
        QTest::newRow("null") << QByteArray("null") << "not-object";
        QTest::newRow("empty object") << QByteArray("{}") << "no-resource";
        QTest::newRow("envelope with a number resource") << QByteArray("{\"fhir_resource\": 5}") << "no-resource";
        QTest::newRow("envelope resource without type")
            << QByteArray("{\"patient_id\": \"p\", \"fhir_resource\": {\"id\": \"x\"}}") << "no-resource";
        QTest::newRow("resourceType not a string") << QByteArray("{\"resourceType\": 5}") << "no-resource";
        QTest::newRow("empty resourceType") << QByteArray("{\"resourceType\": \"\"}") << "no-resource";

        QTest::newRow("no subject") << bareRecord([](Json &r) { r.erase("subject"); }) << "no-patient";
        QTest::newRow("contained subject") << bareRecord([](Json &r) { r["subject"]["reference"] = "#p1"; })
                                           << "no-patient";
        QTest::newRow("group subject") << bareRecord([](Json &r) { r["subject"]["reference"] = "Group/ward-4"; })
                                       << "no-patient";
        QTest::newRow("subject as a string") << bareRecord([](Json &r) { r["subject"] = "Patient/pat-7"; })
                                             << "no-patient";
        QTest::newRow("envelope with an empty patient_id and no subject") << [] {
            Json envelope = envelopeOf(potassium());
            envelope["patient_id"] = "";
            envelope["fhir_resource"].erase("subject");
            return bytesOf(envelope);
        }() << "no-patient";

        QTest::newRow("value as text") << record([](Json &r) { r["valueQuantity"]["value"] = "6.9"; }) << "bad-value";
        QTest::newRow("value null") << record([](Json &r) { r["valueQuantity"]["value"] = nullptr; }) << "bad-value";
        QTest::newRow("value boolean") << record([](Json &r) { r["valueQuantity"]["value"] = true; }) << "bad-value";
        QTest::newRow("value object") << record([](Json &r) { r["valueQuantity"]["value"] = {{"v", 1}}; })
                                      << "bad-value";
        QTest::newRow("value beyond a double") << withValueText("1e999") << "bad-value";
        QTest::newRow("value below minus a double") << withValueText("-1e999") << "bad-value";
        QTest::newRow("valueQuantity as text") << record([](Json &r) { r["valueQuantity"] = "6.9 mmol/L"; })
                                               << "bad-value";
        QTest::newRow("unknown comparator") << record([](Json &r) { r["valueQuantity"]["comparator"] = "~"; })
                                            << "bad-value";
        QTest::newRow("comparator not a string") << record([](Json &r) { r["valueQuantity"]["comparator"] = 1; })
                                                 << "bad-value";

        QTest::newRow("lower-case unit text, no code") << record([](Json &r) {
            r["valueQuantity"] = {{"value", 6.9}, {"unit", "mmol/l"}};
        }) << "unknown-unit";
        QTest::newRow("UCUM system, code in the wrong case") << record([](Json &r) {
            r["valueQuantity"]["code"] = "mmol/l";
        }) << "unknown-unit";
        QTest::newRow("mEq/L is not the UCUM code") << record([](Json &r) {
            r["valueQuantity"] = {{"value", 6.9}, {"unit", "mEq/L"}, {"system", kUcum}, {"code", "mEq/L"}};
        }) << "unknown-unit";
        QTest::newRow("SNOMED unit without a UCUM text") << record([](Json &r) {
            r["valueQuantity"] = {{"value", 6.9}, {"unit", "millimole per liter"}, {"system", kSnomed},
                                  {"code", "258813002"}};
        }) << "unknown-unit";
        QTest::newRow("no unit") << record([](Json &r) { r["valueQuantity"] = {{"value", 6.9}}; }) << "missing-unit";
        QTest::newRow("UCUM system without a code") << record([](Json &r) {
            r["valueQuantity"] = {{"value", 6.9}, {"system", kUcum}};
        }) << "missing-unit";
        QTest::newRow("potassium in mg/dL") << record(lab("2823-3", 27.0, "mg/dL")) << "unit-mismatch";
        QTest::newRow("INR in a pH unit") << record(lab("6301-6", 5.5, "[pH]")) << "unit-mismatch";
    }
    void deadLetters()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, reason);
        const Evaluation evaluation = evaluateOnce(bytes);
        QCOMPARE(evaluation.verdict, Verdict::DeadLetter);
        QCOMPARE(QString::fromUtf8(evaluation.verdictName()), "dead-letter");
        QCOMPARE(QString::fromStdString(evaluation.deadLetterReason), reason);
        QVERIFY(evaluation.deadLetterMessage.size() > 10);
        QVERIFY(evaluation.alerts.empty());
        // Minimum necessary: a reason message never carries the patient or the value.
        QVERIFY(evaluation.deadLetterMessage.find("pat-7") == std::string::npos);
        QVERIFY(evaluation.deadLetterMessage.find("6.9") == std::string::npos);
    }

    void unknownUnitMessageNamesTheUnit()
    {
        const Evaluation evaluation = evaluateOnce(record([](Json &r) { r["valueQuantity"] = {{"value", 6.9}, {"unit", "mmol/l"}}; }));
        QVERIFY2(evaluation.deadLetterMessage.find("\"mmol/l\"") != std::string::npos, evaluation.deadLetterMessage.c_str());
        QVERIFY(evaluation.deadLetterMessage.find("mmol/L") != std::string::npos); // and the rule's unit
    }

    void conversions_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("verdict");
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("unit");
        QTest::newRow("potassium meq/L") << record(lab("2823-3", 6.5, "meq/L")) << "critical-high" << 6.5 << "mmol/L";
        QTest::newRow("glucose mmol/L to a mg/dL rule") << record(lab("2339-0", 2.5, "mmol/L")) << "critical-low"
                                                        << 2.5 * 18.016 << "mg/dL";
        QTest::newRow("glucose mg/dL to a mmol/L rule") << record(lab("14749-6", 500, "mg/dL")) << "critical-high"
                                                        << 500 / 18.016 << "mmol/L";
        QTest::newRow("creatinine umol/L") << record(lab("2160-0", 700, "umol/L")) << "critical-high" << 700 / 88.4
                                           << "mg/dL";
        QTest::newRow("pCO2 kPa") << record(lab("2019-8", 8.5, "kPa")) << "critical-high" << 8.5 * 7.5006 << "mm[Hg]";
        QTest::newRow("hemoglobin g/L") << record(lab("718-7", 55, "g/L")) << "critical-low" << 5.5 << "g/dL";
        QTest::newRow("platelets 10*3/uL") << record(lab("777-3", 35, "10*3/uL")) << "critical-low" << 35.0
                                           << "10*9/L";
        QTest::newRow("calcium meq/L") << record(lab("17861-6", 7.0, "meq/L")) << "critical-high" << 3.5 / 0.2495
                                       << "mg/dL";
        QTest::newRow("lactate mg/dL") << record(lab("2524-7", 40, "mg/dL")) << "critical-high" << 40 / 9.008
                                       << "mmol/L";
        QTest::newRow("R4 example: lower-case text beside a UCUM code") << record([](Json &r) {
            r["valueQuantity"]["unit"] = "mmol/l";
        }) << "critical-high" << 6.9 << "mmol/L";
        QTest::newRow("UCUM code without the system") << record([](Json &r) {
            r["valueQuantity"] = {{"value", 6.9}, {"code", "mmol/L"}};
        }) << "critical-high" << 6.9 << "mmol/L";
        QTest::newRow("SNOMED unit with an exact UCUM text") << record([](Json &r) {
            lab("2160-0", 8.0, "mg/dL")(r);
            r["valueQuantity"]["system"] = kSnomed;
            r["valueQuantity"]["code"] = "258797006";
        }) << "critical-high" << 8.0 << "mg/dL";
    }
    void conversions()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, verdict);
        QFETCH(double, value);
        QFETCH(QString, unit);
        const Evaluation evaluation = evaluateOnce(bytes);
        QVERIFY2(evaluation.deadLetterReason.empty(), evaluation.deadLetterMessage.c_str());
        QCOMPARE(QString::fromUtf8(evaluation.verdictName()), verdict);
        QVERIFY(evaluation.value.has_value());
        QVERIFY(std::abs(*evaluation.value - value) < 1e-9 * std::max(1.0, value));
        QCOMPARE(QString::fromStdString(evaluation.unit), unit);
        QCOMPARE(evaluation.alerts.front().unit, evaluation.unit);
        QCOMPARE(evaluation.alerts.front().value, *evaluation.value);
    }

    void comparators_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("verdict");
        QTest::addColumn<double>("limit");
        // Potassium: low 2.8, high 6.2.
        QTest::newRow("<2.8 is below every normal value") << record(compared("<", 2.8)) << "critical-low" << 2.8;
        QTest::newRow("<2.7") << record(compared("<", 2.7)) << "critical-low" << 2.8;
        QTest::newRow("<2.9 may be normal") << record(compared("<", 2.9)) << "normal" << 0.0;
        QTest::newRow("<=2.8 may be 2.8") << record(compared("<=", 2.8)) << "normal" << 0.0;
        QTest::newRow("<=2.79") << record(compared("<=", 2.79)) << "critical-low" << 2.8;
        QTest::newRow(">6.2 is above every normal value") << record(compared(">", 6.2)) << "critical-high" << 6.2;
        QTest::newRow(">6.1 may be normal") << record(compared(">", 6.1)) << "normal" << 0.0;
        QTest::newRow(">=6.2 may be 6.2") << record(compared(">=", 6.2)) << "normal" << 0.0;
        QTest::newRow(">=6.21") << record(compared(">=", 6.21)) << "critical-high" << 6.2;
        QTest::newRow("<7 says nothing about high") << record(compared("<", 7.0)) << "normal" << 0.0;
        QTest::newRow(">2 says nothing about low") << record(compared(">", 2.0)) << "normal" << 0.0;
        QTest::newRow("ad reads as the value") << record(compared("ad", 6.9)) << "critical-high" << 6.2;
        QTest::newRow("INR has no low: <0.5 is normal") << record([](Json &r) {
            lab("6301-6", 0.5, "{INR}")(r);
            r["valueQuantity"]["comparator"] = "<";
        }) << "normal" << 0.0;
        QTest::newRow("INR >5.0") << record([](Json &r) {
            lab("6301-6", 5.0, "{INR}")(r);
            r["valueQuantity"]["comparator"] = ">";
        }) << "critical-high" << 5.0;
        QTest::newRow("a converted bound keeps its direction") << record([](Json &r) {
            lab("2339-0", 2.7, "mmol/L")(r); // < 2.7 mmol/L = < 48.6 mg/dL, below 50
            r["valueQuantity"]["comparator"] = "<";
        }) << "critical-low" << 50.0;
    }
    void comparators()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, verdict);
        QFETCH(double, limit);
        const Evaluation evaluation = evaluateOnce(bytes);
        QVERIFY2(evaluation.deadLetterReason.empty(), evaluation.deadLetterMessage.c_str());
        QCOMPARE(QString::fromUtf8(evaluation.verdictName()), verdict);
        if (verdict == "normal") {
            QVERIFY(evaluation.alerts.empty());
            return;
        }
        QCOMPARE(evaluation.alerts.size(), std::size_t(1));
        QCOMPARE(evaluation.alerts.front().limit, limit);
        QVERIFY(!evaluation.alerts.front().comparator.empty());
    }

    void theAlertCarriesTheContract()
    {
        const Evaluation evaluation = evaluateOnce(record());
        QCOMPARE(evaluation.verdict, Verdict::CriticalHigh);
        QCOMPARE(evaluation.patientId, "pat-7");
        QCOMPARE(evaluation.observationId, "obs-1");
        QCOMPARE(evaluation.loinc, "2823-3");
        QCOMPARE(evaluation.resourceType, "Observation");
        QCOMPARE(evaluation.alerts.size(), std::size_t(1));
        const Alert &alert = evaluation.alerts.front();
        QCOMPARE(alert.alertId, Alert::makeId("obs-1", "2823-3", false));
        QCOMPARE(alert.state, AlertState::Open);
        QCOMPARE(alert.severity, AlertSeverity::CriticalHigh);
        QVERIFY(!alert.late);
        QCOMPARE(alert.patientId, "pat-7");
        QCOMPARE(alert.encounterId, "enc-3");
        QVERIFY(alert.location.empty());
        QCOMPARE(alert.observationId, "obs-1");
        QCOMPARE(alert.loinc, "2823-3");
        QCOMPARE(alert.display, "Potassium");
        QCOMPARE(alert.value, 6.9);
        QCOMPARE(alert.unit, "mmol/L");
        QCOMPARE(alert.limit, 6.2);
        QVERIFY(alert.comparator.empty());
        QCOMPARE(alert.thresholdSetName, "Adult inpatient critical values");
        QCOMPARE(alert.thresholdSetVersion, 7);
        QCOMPARE(alert.effective, "2026-11-18T08:00:00Z");
        QCOMPARE(alert.issued, "2026-11-18T08:40:00Z");
        QCOMPARE(alert.evaluatedAtMs, kNow);
        QVERIFY(alert.ackedBy.empty());
        QCOMPARE(alert.source, kSource);
        QVERIFY(Alert::fromJson(alert.toJson()) == alert);
    }

    void patientRules()
    {
        const Evaluation fromEnvelope = evaluateOnce(record([](Json &r) { r["subject"]["reference"] = "Patient/other"; }));
        QCOMPARE(fromEnvelope.patientId, "pat-7"); // the envelope's patient_id wins
        const Evaluation absolute = evaluateOnce(bareRecord([](Json &r) {
            r["subject"]["reference"] = "https:" "//fhir.example.org/r4/Patient/p-42/_history/3";
        }));
        QCOMPARE(absolute.patientId, "p-42");
        QCOMPARE(absolute.alerts.front().patientId, "p-42");
    }

    void lateResults()
    {
        QFETCH_GLOBAL(bool, fast);
        Q_UNUSED(fast);
        const QByteArray old = record([](Json &r) { r["issued"] = "2026-11-17T11:00:00Z"; }); // 24 h 6 min ago
        QVERIFY(evaluateOnce(old).alerts.front().late);
        const QByteArray oldEffectiveRecentIssue = record([](Json &r) { r["effectiveDateTime"] = "2026-11-10"; });
        QVERIFY(!evaluateOnce(oldEffectiveRecentIssue).alerts.front().late);
        const QByteArray effectiveOnly = record([](Json &r) {
            r.erase("issued");
            r["effectiveDateTime"] = "2026-11-10";
        });
        QVERIFY(evaluateOnce(effectiveOnly).alerts.front().late);

        CriticalValueEvaluator strict(thresholds(), options({.lateHorizonMs = kHour}));
        QVERIFY(strict.evaluate(view(record()), kSource, kNow).alerts.front().late); // issued 2 h 27 min ago
    }

    void idsSurviveARestart()
    {
        const QByteArray bytes = record();
        const std::string first = evaluateOnce(bytes).alerts.front().alertId;
        QCOMPARE(evaluateOnce(bytes).alerts.front().alertId, first);
        // Low and high of one observation are one alert; another observation is another.
        QCOMPARE(evaluateOnce(record(lab("2823-3", 2.0, "mmol/L"))).alerts.front().alertId, first);
        QVERIFY(evaluateOnce(record([](Json &r) { r["id"] = "obs-2"; })).alerts.front().alertId != first);
        QCOMPARE(evaluateOnce(record(lab("6298-4", 7.0, "mmol/L"))).alerts.front().alertId,
                 Alert::makeId("obs-1", "6298-4", false));
    }

    void withoutAnIdTheRecordIsTheIdentity()
    {
        const QByteArray bytes = bareRecord([](Json &r) { r.erase("id"); });
        const std::string id = evaluateOnce(bytes, {"t", 1, 7}).alerts.front().alertId;
        QCOMPARE(evaluateOnce(bytes, {"t", 1, 7}).alerts.front().alertId, id);
        QVERIFY(evaluateOnce(bytes, {"t", 1, 8}).alerts.front().alertId != id);
    }

    void retraction_data()
    {
        QTest::addColumn<QString>("status");
        QTest::newRow("entered in error") << "entered-in-error";
        QTest::newRow("cancelled") << "cancelled";
    }
    void retraction()
    {
        QFETCH(QString, status);
        CriticalValueEvaluator evaluator(thresholds(), options());
        const Evaluation raised = evaluator.evaluate(view(record()), kSource, kNow);
        QCOMPARE(raised.alerts.size(), std::size_t(1));

        const RecordSource later{"healthcare.labs.results", 3, 1300};
        const QByteArray withdrawn = record([&](Json &r) { r["status"] = status.toStdString(); });
        const Evaluation retracted = evaluator.evaluate(view(withdrawn), later, kNow + kHour);
        QCOMPARE(retracted.verdict, Verdict::NotFinal);
        QCOMPARE(retracted.alerts.size(), std::size_t(1));
        const Alert &alert = retracted.alerts.front();
        QCOMPARE(alert.alertId, raised.alerts.front().alertId);
        QCOMPARE(alert.state, AlertState::Retracted);
        QCOMPARE(QString::fromStdString(alert.retractionReason), status);
        QCOMPARE(alert.retractedAtMs, kNow + kHour);
        QCOMPARE(alert.source, later);
        QCOMPARE(alert.value, 6.9);

        QVERIFY(evaluator.evaluate(view(withdrawn), later, kNow + kHour).alerts.empty()); // only once
        QCOMPARE(evaluator.rememberedObservations(), std::size_t(0));
    }

    void retractionFollowsTheLatestValue()
    {
        CriticalValueEvaluator evaluator(thresholds(), options());
        evaluator.evaluate(view(record()), kSource, kNow);
        evaluator.evaluate(view(record([](Json &r) {
            r["status"] = "amended";
            r["valueQuantity"]["value"] = 7.4;
        })), kSource, kNow);
        QCOMPARE(evaluator.rememberedObservations(), std::size_t(1));
        const Evaluation retracted = evaluator.evaluate(
            view(record([](Json &r) { r["status"] = "entered-in-error"; })), kSource, kNow);
        QCOMPARE(retracted.alerts.size(), std::size_t(1));
        QCOMPARE(retracted.alerts.front().value, 7.4);
    }

    // What a display did reaches the evaluator through the alerts topic (observe): an amendment that
    // is still critical keeps the acknowledgement, with the value before it.
    void anAmendmentKeepsTheAcknowledgement()
    {
        CriticalValueEvaluator evaluator(thresholds(), options());
        const Alert raised = evaluator.evaluate(view(record()), kSource, kNow).alerts.front();
        evaluator.observe(*raised.acknowledge("RN Ames", kNow + 1000, true).alert);
        const Evaluation amended = evaluator.evaluate(view(record([](Json &r) {
            r["status"] = "amended";
            r["valueQuantity"]["value"] = 7.4;
        })), kSource, kNow + 2000);
        QCOMPARE(amended.alerts.size(), std::size_t(1));
        const Alert &alert = amended.alerts.front();
        QCOMPARE(alert.alertId, raised.alertId);
        QCOMPARE(alert.state, AlertState::Acknowledged);
        QCOMPARE(alert.ackedBy, "RN Ames");
        QCOMPARE(alert.value, 7.4);
        QVERIFY(alert.amended);
        QCOMPARE(alert.previousValue, 6.9);
        QVERIFY(!alert.corrected);
        // The same record once more (a duplicate): nothing moves back, nothing is amended again.
        const Alert again = evaluator.evaluate(view(record([](Json &r) {
            r["status"] = "amended";
            r["valueQuantity"]["value"] = 7.4;
        })), kSource, kNow + 3000).alerts.front();
        QCOMPARE(again.state, AlertState::Acknowledged);
        QCOMPARE(again.previousValue, 6.9);
    }

    // Corrected to a value that is no longer critical: the alert opens again as corrected, for
    // someone to acknowledge the correction; the same correction twice is one.
    void aCorrectionThatIsNoLongerCriticalIsOpenAgain()
    {
        CriticalValueEvaluator evaluator(thresholds(), options());
        const Alert raised = evaluator.evaluate(view(record()), kSource, kNow).alerts.front();
        evaluator.observe(*raised.acknowledge("RN Ames", kNow + 1000, true).alert);
        const auto corrected = [](Json &r) {
            r["status"] = "corrected";
            r["valueQuantity"]["value"] = 4.4;
        };
        const Evaluation correction = evaluator.evaluate(view(record(corrected)), kSource, kNow + 2000);
        QCOMPARE(correction.verdict, Verdict::Normal);
        QCOMPARE(correction.alerts.size(), std::size_t(1));
        const Alert &alert = correction.alerts.front();
        QCOMPARE(alert.alertId, raised.alertId);
        QCOMPARE(alert.state, AlertState::Open);
        QVERIFY(alert.corrected);
        QVERIFY(alert.ackedBy.empty());
        QCOMPARE(alert.value, 4.4);
        QCOMPARE(alert.previousValue, 6.9);
        QVERIFY(evaluator.evaluate(view(record(corrected)), kSource, kNow + 3000).alerts.empty());
        // Acknowledged on a display, then withdrawn: the retraction starts from the acknowledged correction.
        evaluator.observe(*alert.acknowledge("RN Okafor", kNow + 4000, true).alert);
        const Evaluation withdrawn = evaluator.evaluate(view(record([](Json &r) { r["status"] = "entered-in-error"; })),
                                                        kSource, kNow + 5000);
        QCOMPARE(withdrawn.alerts.size(), std::size_t(1));
        QCOMPARE(withdrawn.alerts.front().ackedBy, "RN Okafor");
        QCOMPARE(withdrawn.alerts.front().state, AlertState::Retracted);
    }

    // After a restart the alerts topic is read back: the memory of an alert is what it says.
    void observedAlertsAreRememberedAfterARestart()
    {
        CriticalValueEvaluator before(thresholds(), options());
        const Alert raised = before.evaluate(view(record()), kSource, kNow).alerts.front();
        CriticalValueEvaluator after(thresholds(), options());
        after.observe(raised);
        after.observe(*raised.acknowledge("RN Ames", kNow + 1000, true).alert);
        after.observe(raised); // an older record of it read later: the acknowledgement stays
        const Evaluation amended = after.evaluate(view(record([](Json &r) {
            r["status"] = "amended";
            r["valueQuantity"]["value"] = 8.0;
        })), kSource, kNow + 2000);
        QCOMPARE(amended.alerts.front().state, AlertState::Acknowledged);
        QCOMPARE(amended.alerts.front().previousValue, 6.9);
    }

    // The delta rule's history leaves in PatientMemory records and comes back from them.
    void creatinineHistoryIsRestoredFromItsMemory()
    {
        CriticalValueEvaluator before(thresholds(), options());
        before.evaluate(view(bytesOf(envelopeOf(creatinine("cr-1", 1.0, "2026-11-16T06:00:00Z")))), kSource, kNow);
        const std::vector<PatientMemory> memories = before.takeChangedMemories();
        QCOMPARE(memories.size(), std::size_t(1));
        QCOMPARE(memories.front().patientId, "pat-7");
        QCOMPARE(memories.front().creatinine.size(), std::size_t(1));
        QVERIFY(before.takeChangedMemories().empty()); // taken once
        const auto written = PatientMemory::parse(memories.front().toJson());
        QVERIFY(written.has_value());
        QCOMPARE(*written, memories.front());

        CriticalValueEvaluator restarted(thresholds(), options());
        restarted.restore(*written);
        QVERIFY(restarted.takeChangedMemories().empty()); // restoring writes nothing back
        const Evaluation rise = restarted.evaluate(
            view(bytesOf(envelopeOf(creatinine("cr-2", 1.4, "2026-11-17T06:00:00Z")))), kSource, kNow);
        QCOMPARE(rise.alerts.size(), std::size_t(1));
        QCOMPARE(rise.alerts.front().severity, AlertSeverity::Delta);
        QCOMPARE(rise.alerts.front().baseline, 1.0);

        CriticalValueEvaluator forgetting(thresholds(), options());
        forgetting.restore(*written);
        forgetting.restore(PatientMemory{"pat-7", {}}); // a tombstone
        QVERIFY(forgetting.evaluate(view(bytesOf(envelopeOf(creatinine("cr-2", 1.4, "2026-11-17T06:00:00Z")))), kSource, kNow)
                    .alerts.empty());
        std::string why;
        QVERIFY(!PatientMemory::parse(R"({"patient_id":"p","creatinine":[{"at_ms":"soon"}]})", &why));
        QVERIFY(!why.empty());
    }

    void nothingToRetract()
    {
        CriticalValueEvaluator evaluator(thresholds(), options());
        evaluator.evaluate(view(record(lab("2823-3", 4.0, "mmol/L"))), kSource, kNow);
        QCOMPARE(evaluator.rememberedObservations(), std::size_t(0)); // normal results are not remembered
        QVERIFY(evaluator.evaluate(view(record([](Json &r) { r["status"] = "cancelled"; })), kSource, kNow)
                    .alerts.empty());
        evaluator.evaluate(view(record()), kSource, kNow);
        QVERIFY(evaluator.evaluate(view(record([](Json &r) { r["status"] = "preliminary"; })), kSource, kNow)
                    .alerts.empty()); // only cancelled and entered-in-error withdraw
        QCOMPARE(evaluator.rememberedObservations(), std::size_t(1));
    }

    void openAlertMemoryIsBounded()
    {
        CriticalValueEvaluator evaluator(thresholds(), options({.openAlertCapacity = 3}));
        for (int i = 1; i <= 5; ++i) {
            const std::string id = "obs-" + std::to_string(i);
            evaluator.evaluate(view(record([&](Json &r) { r["id"] = id; })), kSource, kNow);
        }
        QCOMPARE(evaluator.rememberedObservations(), std::size_t(3));
        const auto withdraw = [&](const char *id) {
            return evaluator.evaluate(view(record([&](Json &r) {
                r["id"] = id;
                r["status"] = "entered-in-error";
            })), kSource, kNow);
        };
        QVERIFY(withdraw("obs-1").alerts.empty()); // pushed out: the oldest goes first
        QCOMPARE(withdraw("obs-3").alerts.size(), std::size_t(1));
        QCOMPARE(evaluator.rememberedObservations(), std::size_t(2));
    }

    void creatinineDelta()
    {
        CriticalValueEvaluator evaluator(thresholds(), options());
        const Evaluation first = evaluator.evaluate(view(bytesOf(envelopeOf(creatinine("cr-1", 1.0, "2026-11-16T06:00:00Z")))), kSource, kNow);
        QCOMPARE(first.verdict, Verdict::Normal);
        QVERIFY(first.alerts.empty());
        const Evaluation second = evaluator.evaluate(view(bytesOf(envelopeOf(creatinine("cr-2", 1.6, "2026-11-17T06:00:00Z")))), kSource, kNow);
        QCOMPARE(second.verdict, Verdict::Normal); // 1.6 mg/dL is under the critical limit
        QCOMPARE(second.alerts.size(), std::size_t(1));
        const Alert &delta = second.alerts.front();
        QCOMPARE(delta.severity, AlertSeverity::Delta);
        QCOMPARE(delta.alertId, Alert::makeId("cr-2", "2160-0", true));
        QCOMPARE(delta.value, 1.6);
        QCOMPARE(delta.unit, "mg/dL");
        QCOMPARE(delta.limit, 1.5);
        QCOMPARE(delta.baseline, 1.0);
        QCOMPARE(delta.stage, 1);
        QCOMPARE(delta.display, "Creatinine");
        QCOMPARE(delta.loinc, "2160-0");
        QCOMPARE(delta.patientId, "pat-7");
    }

    void creatinineCriticalAndDeltaTogether()
    {
        CriticalValueEvaluator evaluator(thresholds(), options());
        evaluator.evaluate(view(bytesOf(envelopeOf(creatinine("cr-1", 2.0, "2026-11-16T06:00:00Z")))), kSource, kNow);
        const Evaluation both = evaluator.evaluate(view(bytesOf(envelopeOf(creatinine("cr-2", 8.0, "2026-11-17T06:00:00Z")))), kSource, kNow);
        QCOMPARE(both.verdict, Verdict::CriticalHigh);
        QCOMPARE(both.alerts.size(), std::size_t(2));
        QCOMPARE(both.alerts[0].severity, AlertSeverity::CriticalHigh);
        QCOMPARE(both.alerts[1].severity, AlertSeverity::Delta);
        QCOMPARE(both.alerts[1].stage, 3);
        QVERIFY(both.alerts[0].alertId != both.alerts[1].alertId);

        Json withdrawn = creatinine("cr-2", 8.0, "2026-11-17T06:00:00Z");
        withdrawn["status"] = "entered-in-error";
        const Evaluation retracted = evaluator.evaluate(view(bytesOf(envelopeOf(withdrawn))), kSource, kNow);
        QCOMPARE(retracted.alerts.size(), std::size_t(2));
        QCOMPARE(retracted.alerts[0].state, AlertState::Retracted);
        QCOMPARE(retracted.alerts[1].state, AlertState::Retracted);
    }

    void deltaFollowsEffectiveTimeAndUnits()
    {
        CriticalValueEvaluator evaluator(thresholds(), options());
        Json first = creatinine("cr-1", 88.4, "2026-11-01T06:00:00Z"); // 1.0 mg/dL
        lab("2160-0", 88.4, "umol/L")(first);
        evaluator.evaluate(view(bytesOf(envelopeOf(first))), kSource, kNow);
        // Evaluated at the same wall-clock moment, but effective 8 days later: outside the 7-day window.
        QVERIFY(evaluator.evaluate(view(bytesOf(envelopeOf(creatinine("cr-2", 1.6, "2026-11-09T06:00:01Z")))), kSource, kNow)
                    .alerts.empty());
        Json third = creatinine("cr-3", 0.0, "2026-11-10T06:00:00Z"); // a day after cr-2
        lab("38483-4", 212.16, "umol/L")(third);                             // 2.4 mg/dL, blood creatinine
        const Evaluation flagged = evaluator.evaluate(view(bytesOf(envelopeOf(third))), kSource, kNow);
        QCOMPARE(flagged.alerts.size(), std::size_t(1));
        QVERIFY(std::abs(flagged.alerts.front().value - 2.4) < 1e-9);
        QCOMPARE(flagged.alerts.front().baseline, 1.6);
        QCOMPARE(flagged.alerts.front().loinc, "38483-4");
    }

    void deltaNeedsAnExactTimedValue()
    {
        CriticalValueEvaluator evaluator(thresholds(), options());
        evaluator.evaluate(view(bytesOf(envelopeOf(creatinine("cr-1", 1.0, "2026-11-16T06:00:00Z")))), kSource, kNow);
        Json bound = creatinine("cr-2", 1.6, "2026-11-17T06:00:00Z");
        bound["valueQuantity"]["comparator"] = ">";
        QVERIFY(evaluator.evaluate(view(bytesOf(envelopeOf(bound))), kSource, kNow).alerts.empty());
        Json untimed = creatinine("cr-3", 1.6, "");
        untimed.erase("effectiveDateTime");
        untimed.erase("issued");
        QVERIFY(evaluator.evaluate(view(bytesOf(envelopeOf(untimed))), kSource, kNow).alerts.empty());
        Json period = creatinine("cr-4", 1.6, "");
        period.erase("effectiveDateTime");
        period["effectivePeriod"] = {{"start", "2026-11-17T06:00:00Z"}};
        QCOMPARE(evaluator.evaluate(view(bytesOf(envelopeOf(period))), kSource, kNow).alerts.size(), std::size_t(1));
    }

    void aWithdrawnCreatinineIsNoBaseline()
    {
        CriticalValueEvaluator evaluator(thresholds(), options());
        Json first = creatinine("cr-1", 1.0, "2026-11-16T06:00:00Z");
        evaluator.evaluate(view(bytesOf(envelopeOf(first))), kSource, kNow);
        first["status"] = "entered-in-error";
        evaluator.evaluate(view(bytesOf(envelopeOf(first))), kSource, kNow);
        QCOMPARE(evaluator.creatinineDelta().valueCount("pat-7"), std::size_t(0));
        QVERIFY(evaluator.evaluate(view(bytesOf(envelopeOf(creatinine("cr-2", 1.6, "2026-11-17T06:00:00Z")))), kSource, kNow)
                    .alerts.empty());
    }

    void deltaWithoutACreatinineRule()
    {
        CriticalValueEvaluator evaluator(ThresholdSet::fromJson(kWithoutCreatinine), options());
        evaluator.evaluate(view(bytesOf(envelopeOf(creatinine("cr-1", 1.0, "2026-11-16T06:00:00Z")))), kSource, kNow);
        const Evaluation second = evaluator.evaluate(view(bytesOf(envelopeOf(creatinine("cr-2", 1.6, "2026-11-17T06:00:00Z")))), kSource, kNow);
        QCOMPARE(second.verdict, Verdict::NoRule);
        QCOMPARE(second.alerts.size(), std::size_t(1));
        QCOMPARE(second.alerts.front().severity, AlertSeverity::Delta);
        QCOMPARE(second.alerts.front().thresholdSetName, "No creatinine");
    }

    void thresholdsSwapBetweenBatches()
    {
        CriticalValueEvaluator evaluator(thresholds(), options());
        QCOMPARE(evaluator.evaluate(view(record()), kSource, kNow).verdict, Verdict::CriticalHigh);
        const char *looser = R"({"name": "Looser", "version": 8,
            "rules": [{"loinc": "2823-3", "display": "Potassium", "unit": "mmol/L", "low": 2.5, "high": 7.0}]})";
        evaluator.setThresholds(ThresholdSet::fromJson(looser));
        QCOMPARE(evaluator.thresholds()->name(), "Looser");
        QCOMPARE(evaluator.evaluate(view(record()), kSource, kNow).verdict, Verdict::Normal);
        const Evaluation high = evaluator.evaluate(view(record(lab("2823-3", 7.5, "mmol/L"))), kSource, kNow);
        QCOMPARE(high.alerts.front().thresholdSetVersion, 8);
        QCOMPARE(high.alerts.front().alertId, Alert::makeId("obs-1", "2823-3", false)); // the set is not in the id
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, evaluator.setThresholds(nullptr));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, CriticalValueEvaluator(nullptr, options()));
    }

    void neverThrows()
    {
        CriticalValueEvaluator evaluator(thresholds(), options());
        const std::string deep = std::string(100000, '[') + std::string(100000, ']');
        QCOMPARE(evaluator.evaluate(deep, kSource, kNow).verdict, Verdict::DeadLetter);
        const std::string deepObject = "{\"resourceType\":\"Observation\",\"x\":" + std::string(5000, '[')
            + std::string(5000, ']') + "}";
        QCOMPARE(evaluator.evaluate(deepObject, kSource, kNow).deadLetterReason, "no-patient");
        // Every prefix of a valid record: each is decided, none throws.
        const QByteArray bytes = record();
        for (qsizetype length = 0; length <= bytes.size(); ++length) {
            const Evaluation evaluation = evaluator.evaluate(view(bytes.left(length)), kSource, kNow);
            QCOMPARE(evaluation.verdict == Verdict::DeadLetter, length < bytes.size());
        }
    }

    void hugeRecordsAreStillEvaluated()
    {
        // Past the fast reader's size limit the reference reader takes over; the verdict is the same.
        const QByteArray bytes = record([](Json &r) { r["note"] = std::string(5 * 1024 * 1024, 'x'); });
        const Evaluation evaluation = evaluateOnce(bytes);
        QCOMPARE(evaluation.verdict, Verdict::CriticalHigh);
        QCOMPARE(evaluation.alerts.size(), std::size_t(1));
    }

    // Both parsers, fed the same mutated records in the same order, must agree on everything.
    void parsersAgree()
    {
        QFETCH_GLOBAL(bool, fast);
        if (!fast)
            QSKIP("compares the simdjson reader with the reference; runs in the simdjson row");
        CriticalValueEvaluator reference(thresholds(), {.parser = EvaluatorOptions::Parser::Reference});
        CriticalValueEvaluator quick(thresholds(), {.parser = EvaluatorOptions::Parser::Fast});
        const std::vector<QByteArray> seeds = {
            record(), bareRecord(), record(compared("<", 2.1)), bytesOf(envelopeOf(creatinine("cr-1", 1.0, "2026-11-16"))),
            bytesOf(envelopeOf(creatinine("cr-2", 1.7, "2026-11-17"))), record(lab("2339-0", 2.2, "mmol/L")),
        };
        const std::vector<QByteArray> fragments = {"1e999", "null", "\"x\"", "{}", "[]", "-0", "1E2", "\"\\u0000\"",
                                                   "18446744073709551616", "\"value\":1,\"value\":", "\"mmol/l\"",
                                                   "\"entered-in-error\"", "\"Patient/p\"", ",", "}", "\xef\xbb\xbf"};
        // Members inserted after a '{' or ',' keep the JSON valid and make duplicate keys at every level.
        const std::vector<QByteArray> members = {
            "\"valueQuantity\":{\"value\":3,\"comparator\":\">\"},", "\"code\":{\"coding\":[]},",
            "\"status\":\"final\",", "\"subject\":{\"reference\":\"Patient/q\"},", "\"value\":\"7\",",
            "\"code\":\"mg/dL\",", "\"system\":5,", "\"effectivePeriod\":{\"start\":\"2026-11-17\"},",
            "\"fhir_resource\":{\"resourceType\":\"Patient\"},", "\"patient_id\":null,", "\"resourceType\":1,",
            "\"comparator\":\"<=\",", "\"id\":\"obs-9\",", "\"issued\":\"2026-11-01\",",
        };
        std::mt19937 random(20261118);
        int compared = 0;
        for (int round = 0; round < 4000; ++round) {
            QByteArray bytes = seeds[random() % seeds.size()];
            for (int edits = 1 + int(random() % 3); edits > 0; --edits) {
                const auto at = qsizetype(random() % std::uint32_t(bytes.size() + 1));
                switch (random() % 5) {
                case 0: bytes.insert(at, fragments[random() % fragments.size()]); break;
                case 4: {
                    const qsizetype brace = bytes.indexOf(random() % 2 ? '{' : ',', at);
                    if (brace >= 0)
                        bytes.insert(brace + 1, members[random() % members.size()]);
                    break;
                }
                case 1: bytes.remove(at, 1 + qsizetype(random() % 8)); break;
                case 2: if (at < bytes.size()) bytes[at] = char(random() % 128); break;
                default: bytes.replace(at, qMin<qsizetype>(6, bytes.size() - at), fragments[random() % fragments.size()]);
                }
            }
            const Evaluation expected = reference.evaluate(view(bytes), kSource, kNow + round);
            const Evaluation actual = quick.evaluate(view(bytes), kSource, kNow + round);
            QVERIFY2(actual.verdict == expected.verdict, bytes.constData());
            QCOMPARE(actual.deadLetterReason, expected.deadLetterReason);
            QCOMPARE(actual.deadLetterMessage, expected.deadLetterMessage);
            QCOMPARE(actual.patientId, expected.patientId);
            QCOMPARE(actual.observationId, expected.observationId);
            QCOMPARE(actual.loinc, expected.loinc);
            QCOMPARE(actual.value, expected.value);
            QCOMPARE(actual.alerts.size(), expected.alerts.size());
            for (std::size_t i = 0; i < actual.alerts.size(); ++i)
                QCOMPARE(actual.alerts[i].toJson().dump(), expected.alerts[i].toJson().dump());
            compared += expected.verdict != Verdict::DeadLetter;
        }
        QVERIFY2(compared > 400, "the mutations left too few readable records to compare");
    }
};

QTEST_APPLESS_MAIN(TestCriticalValueEvaluator)
#include "tst_criticalvalueevaluator.moc"
