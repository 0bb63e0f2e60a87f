#include "clinical/alert.h"

#include <QtTest>

#include <regex>

namespace {

constexpr std::int64_t kHour = 3600 * 1000;
constexpr std::int64_t kNow = 1'795'000'000'000; // 2026-11-18T11:06:40Z

Alert openAlert()
{
    Alert alert;
    alert.alertId = Alert::makeId("obs-1", "2823-3", false);
    alert.severity = AlertSeverity::CriticalHigh;
    alert.patientId = "pat-7";
    alert.encounterId = "enc-3";
    alert.location = "4 West 412-B";
    alert.observationId = "obs-1";
    alert.loinc = "2823-3";
    alert.display = "Potassium";
    alert.value = 6.9;
    alert.unit = "mmol/L";
    alert.limit = 6.2;
    alert.thresholdSetName = "Adult inpatient critical values";
    alert.thresholdSetVersion = 7;
    alert.effective = "2026-11-18T08:00:00Z";
    alert.issued = "2026-11-18T08:40:00.250+01:00";
    alert.evaluatedAtMs = kNow;
    alert.source = {"healthcare.labs.results", 3, 12345};
    return alert;
}

Alert acknowledged()
{
    return *openAlert().acknowledge("RN Okafor", kNow + 60'000, true).alert;
}

Alert withState(AlertState state)
{
    switch (state) {
    case AlertState::Open:
        return openAlert();
    case AlertState::Acknowledged:
        return acknowledged();
    case AlertState::Resolved:
        return *acknowledged().resolve("Dr Ames", kNow + 120'000).alert;
    case AlertState::Retracted:
        return *openAlert().retract("entered-in-error", kNow + 180'000).alert;
    }
    return openAlert();
}

std::string text(const QString &value)
{
    return value.toStdString();
}

} // namespace

Q_DECLARE_METATYPE(AlertState)

class TestAlert final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void names()
    {
        QCOMPARE(alertStateName(AlertState::Open), "open");
        QCOMPARE(alertStateName(AlertState::Acknowledged), "acknowledged");
        QCOMPARE(alertStateName(AlertState::Resolved), "resolved");
        QCOMPARE(alertStateName(AlertState::Retracted), "retracted");
        QCOMPARE(alertSeverityName(AlertSeverity::CriticalLow), "critical-low");
        QCOMPARE(alertSeverityName(AlertSeverity::CriticalHigh), "critical-high");
        QCOMPARE(alertSeverityName(AlertSeverity::Delta), "delta");
        for (auto state : {AlertState::Open, AlertState::Acknowledged, AlertState::Resolved, AlertState::Retracted})
            QCOMPARE(alertStateFromName(alertStateName(state)), state);
        for (auto severity : {AlertSeverity::CriticalLow, AlertSeverity::CriticalHigh, AlertSeverity::Delta})
            QCOMPARE(alertSeverityFromName(alertSeverityName(severity)), severity);
        QVERIFY(!alertStateFromName("Open"));
        QVERIFY(!alertSeverityFromName("critical"));
    }

    void readsFhirTimes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("epoch") << "1970-01-01T00:00:00Z" << qint64(0);
        QTest::newRow("instant") << "2026-11-27T10:00:00Z" << qint64(1'795'773'600'000);
        QTest::newRow("milliseconds") << "2026-11-27T10:00:00.123Z" << qint64(1'795'773'600'123);
        QTest::newRow("one digit fraction") << "2026-11-27T10:00:00.5Z" << qint64(1'795'773'600'500);
        QTest::newRow("nanoseconds are cut") << "2026-11-27T10:00:00.123456789Z" << qint64(1'795'773'600'123);
        QTest::newRow("east of UTC") << "2026-11-27T11:00:00+01:00" << qint64(1'795'773'600'000);
        QTest::newRow("west of UTC") << "2026-11-27T04:30:00-05:30" << qint64(1'795'773'600'000);
        QTest::newRow("zone crosses midnight") << "2026-11-28T00:30:00+14:30" << qint64(1'795'773'600'000);
        QTest::newRow("no zone reads as UTC") << "2026-11-27T10:00:00" << qint64(1'795'773'600'000);
        QTest::newRow("date") << "2026-11-27" << qint64(1'795'737'600'000);
        QTest::newRow("year and month") << "2026-11" << qint64(1'793'491'200'000);
        QTest::newRow("year") << "2026" << qint64(1'767'225'600'000);
        QTest::newRow("leap day") << "2024-02-29T00:00:00Z" << qint64(1'709'164'800'000);
        QTest::newRow("leap second") << "2016-12-31T23:59:60Z" << qint64(1'483'228'799'000);
        QTest::newRow("before the epoch") << "1969-12-31T23:59:59.999Z" << qint64(-1);
    }
    void readsFhirTimes()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ms);
        const auto read = fhirDateTimeToMs(text.toStdString());
        QVERIFY(read.has_value());
        QCOMPARE(*read, ms);
    }

    void refusesWhatIsNotAFhirTime_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << "";
        QTest::newRow("words") << "yesterday";
        QTest::newRow("no leap day") << "2023-02-29";
        QTest::newRow("month 13") << "2026-13-01";
        QTest::newRow("hour 24") << "2026-11-27T24:00:00Z";
        QTest::newRow("no seconds") << "2026-11-27T10:00Z";
        QTest::newRow("space separator") << "2026-11-27 10:00:00Z";
        QTest::newRow("bad zone") << "2026-11-27T10:00:00+0100";
        QTest::newRow("trailing text") << "2026-11-27T10:00:00Zjunk";
        QTest::newRow("empty fraction") << "2026-11-27T10:00:00.Z";
        QTest::newRow("short year") << "26-11-27";
        QTest::newRow("trailing dash") << "2026-";
    }
    void refusesWhatIsNotAFhirTime()
    {
        QFETCH(QString, text);
        QVERIFY(!fhirDateTimeToMs(text.toStdString()).has_value());
    }

    void writesFhirInstants()
    {
        QCOMPARE(msToFhirInstant(0), "1970-01-01T00:00:00.000Z");
        QCOMPARE(msToFhirInstant(1'795'773'600'123), "2026-11-27T10:00:00.123Z");
        QCOMPARE(msToFhirInstant(-1), "1969-12-31T23:59:59.999Z");
        for (std::int64_t ms : {std::int64_t(0), kNow, kNow + 999, std::int64_t(951'782'400'000)})
            QCOMPARE(fhirDateTimeToMs(msToFhirInstant(ms)), ms);
        QCOMPARE(msToFhirInstant(253'402'300'799'999), "9999-12-31T23:59:59.999Z");
    }

    void writesFhirDates()
    {
        QCOMPARE(msToFhirDate(0), "1970-01-01");
        QCOMPARE(msToFhirDate(1'795'773'600'123), "2026-11-27");
        QCOMPARE(msToFhirDate(-1), "1969-12-31");
        QCOMPARE(msToFhirDate(951'782'400'000), "2000-02-29");
    }

    void idsAreStableAndDistinct()
    {
        const std::string id = Alert::makeId("obs-1", "2823-3", false);
        QVERIFY(std::regex_match(id, std::regex("crit-[0-9a-f]{32}")));
        QCOMPARE(Alert::makeId("obs-1", "2823-3", false), id); // deterministic: a restart gives the same id
        QVERIFY(std::regex_match(Alert::makeId("obs-1", "2160-0", true), std::regex("delta-[0-9a-f]{32}")));
        QVERIFY(Alert::makeId("obs-2", "2823-3", false) != id);
        QVERIFY(Alert::makeId("obs-1", "6298-4", false) != id);
        QCOMPARE(Alert::makeId("obs-1", "2823-3", true).substr(6), id.substr(5)); // the kind is the prefix
        QVERIFY(Alert::makeId("ab", "c", false) != Alert::makeId("a", "bc", false));
        // Pinned: a change of scheme would orphan every alert already on the compacted topic.
        QCOMPARE(id, "crit-a1aee97f856daea55e4e0975fe9a4b3c");
    }

    void lateness()
    {
        const std::int64_t horizon = 24 * kHour;
        const std::int64_t issuedMs = *fhirDateTimeToMs("2026-11-18T00:00:00Z");
        const char *issued = "2026-11-18T00:00:00Z";
        QVERIFY(!Alert::isLate(issued, "", issuedMs + horizon, horizon));     // exactly at the horizon
        QVERIFY(Alert::isLate(issued, "", issuedMs + horizon + 1, horizon));  // just past it
        QVERIFY(!Alert::isLate(issued, "2026-11-01", issuedMs + horizon, horizon)); // issued wins over effective
        QVERIFY(Alert::isLate("", "2026-11-01", issuedMs, horizon));          // else effective counts
        QVERIFY(Alert::isLate("garbage", "2026-11-01", issuedMs, horizon));
        QVERIFY(!Alert::isLate("", "", issuedMs, horizon));                   // no time: not late
        QVERIFY(Alert::isLate(issued, "", issuedMs + 2 * kHour, kHour));      // the horizon is a parameter
    }

    void jsonHasTheContractFields()
    {
        const nlohmann::json json = acknowledged().toJson();
        for (const char *key : {"alert_id", "state", "severity", "late", "patient_id", "encounter_id", "location",
                                "observation_id", "loinc", "display", "value", "unit", "limit", "threshold_set",
                                "effective", "issued", "evaluated_at", "acked_by", "acked_at", "source"})
            QVERIFY2(json.contains(key), key);
        QCOMPARE(json["state"], "acknowledged");
        QCOMPARE(json["severity"], "critical-high");
        QCOMPARE(json["late"], false);
        QCOMPARE(json["value"], 6.9);
        QCOMPARE(json["limit"], 6.2);
        QCOMPARE(json["threshold_set"]["name"], "Adult inpatient critical values");
        QCOMPARE(json["threshold_set"]["version"], 7);
        QCOMPARE(json["evaluated_at"], msToFhirInstant(kNow));
        QCOMPARE(json["acked_by"], "RN Okafor");
        QCOMPARE(json["acked_at"], msToFhirInstant(kNow + 60'000));
        QCOMPARE(json["source"]["topic"], "healthcare.labs.results");
        QCOMPARE(json["source"]["partition"], 3);
        QCOMPARE(json["source"]["offset"], 12345);
        QVERIFY(openAlert().toJson()["acked_by"].is_null());
        QVERIFY(openAlert().toJson()["comparator"].is_null());
    }

    void jsonRoundTrip_data()
    {
        QTest::addColumn<AlertState>("state");
        QTest::newRow("open") << AlertState::Open;
        QTest::newRow("acknowledged") << AlertState::Acknowledged;
        QTest::newRow("resolved") << AlertState::Resolved;
        QTest::newRow("retracted") << AlertState::Retracted;
    }
    void jsonRoundTrip()
    {
        QFETCH(AlertState, state);
        const Alert alert = withState(state);
        QCOMPARE(alert.state, state);
        QVERIFY(Alert::fromJson(alert.toJson()) == alert);
        QVERIFY(Alert::parse(alert.toJson().dump()) == alert);
    }

    void deltaRoundTrip()
    {
        Alert alert = openAlert();
        alert.alertId = Alert::makeId("obs-9", "2160-0", true);
        alert.severity = AlertSeverity::Delta;
        alert.loinc = "2160-0";
        alert.value = 1.5;
        alert.unit = "mg/dL";
        alert.limit = 1.4;
        alert.baseline = 1.1;
        alert.stage = 1;
        alert.comparator = "";
        alert.late = true;
        alert.encounterId.clear();
        alert.location.clear();
        const nlohmann::json json = alert.toJson();
        QCOMPARE(json["baseline"], 1.1);
        QCOMPARE(json["stage"], 1);
        QVERIFY(json["encounter_id"].is_null());
        QVERIFY(Alert::fromJson(json) == alert);
    }

    void amendmentRoundTrip()
    {
        Alert alert = acknowledged();
        alert.amended = true;
        alert.previousValue = 6.5;
        const nlohmann::json json = alert.toJson();
        QCOMPARE(json["amended"], true);
        QCOMPARE(json["previous_value"], 6.5);
        QCOMPARE(json["corrected"], false);
        QVERIFY(Alert::fromJson(json) == alert);
        QVERIFY(openAlert().toJson()["previous_value"].is_null());
        nlohmann::json older = openAlert().toJson(); // as written before these fields existed
        older.erase("amended");
        older.erase("previous_value");
        older.erase("corrected");
        QVERIFY(Alert::fromJson(older) == openAlert());
        older["corrected"] = "yes";
        QVERIFY_THROWS_EXCEPTION(AlertError, Alert::fromJson(older));
    }

    // A later record never moves the lifecycle back; its values win; a correction starts anew.
    void combining()
    {
        Alert amended = openAlert();
        amended.value = 7.4;
        amended.evaluatedAtMs = kNow + 120'000;
        const Alert kept = acknowledged().combinedWith(amended);
        QCOMPARE(kept.state, AlertState::Acknowledged);
        QCOMPARE(kept.ackedBy, "RN Okafor");
        QCOMPARE(kept.value, 7.4);
        // Read in the other order (an older record arriving later): the same outcome.
        QVERIFY(amended.combinedWith(acknowledged()) == kept);
        Alert correction = amended;
        correction.corrected = true;
        QCOMPARE(acknowledged().combinedWith(correction).state, AlertState::Open);
        const Alert correctionAcknowledged = *correction.acknowledge("RN Lee", kNow + 180'000, true).alert;
        QCOMPARE(correction.combinedWith(correctionAcknowledged).ackedBy, "RN Lee");
    }

    void newerFieldsAreIgnored()
    {
        nlohmann::json json = openAlert().toJson();
        json["escalated_to"] = "charge nurse";
        QVERIFY(Alert::fromJson(json) == openAlert());
    }

    void unreadableRecords_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("replacement"); // JSON text; empty removes the key
        QTest::addColumn<QString>("message");
        QTest::newRow("no alert_id") << "alert_id" << "" << "alert_id is missing";
        QTest::newRow("empty alert_id") << "alert_id" << "\"\"" << "alert_id is empty";
        QTest::newRow("unknown state") << "state" << "\"closed\"" << "state is not one of";
        QTest::newRow("unknown severity") << "severity" << "\"high\"" << "severity is not one of";
        QTest::newRow("late as text") << "late" << "\"no\"" << "late is not true or false";
        QTest::newRow("no patient") << "patient_id" << "" << "patient_id is missing";
        QTest::newRow("value as text") << "value" << "\"6.9\"" << "value is not a finite number";
        QTest::newRow("no value") << "value" << "" << "value is missing";
        QTest::newRow("no unit") << "unit" << "" << "unit is missing";
        QTest::newRow("limit as text") << "limit" << "\"6.2\"" << "limit is not a finite number";
        QTest::newRow("bad evaluated_at") << "evaluated_at" << "\"tuesday\"" << "evaluated_at is not a FHIR instant";
        QTest::newRow("acknowledged by nobody") << "acked_by" << "null" << "acked_by or acked_at is missing";
        QTest::newRow("acknowledged at no time") << "acked_at" << "" << "acked_by or acked_at is missing";
        QTest::newRow("partition as text") << "source" << R"({"topic": "t", "partition": "3", "offset": 1})"
                                           << "partition is not a whole number";
        QTest::newRow("threshold set as text") << "threshold_set" << "\"adult\"" << "threshold_set is not an object";
        QTest::newRow("stage out of range") << "stage" << "4" << "stage is not 0..3";
    }
    void unreadableRecords()
    {
        QFETCH(QString, key);
        QFETCH(QString, replacement);
        QFETCH(QString, message);
        nlohmann::json json = acknowledged().toJson();
        if (replacement.isEmpty())
            json.erase(text(key));
        else
            json[text(key)] = nlohmann::json::parse(text(replacement));
        try {
            Alert::fromJson(json);
            QFAIL("the record was read");
        } catch (const AlertError &error) {
            QVERIFY2(QString::fromUtf8(error.what()).contains(message), error.what());
        }
    }

    void unreadableText()
    {
        QVERIFY_THROWS_EXCEPTION(AlertError, Alert::parse("{\"alert_id\": "));
        QVERIFY_THROWS_EXCEPTION(AlertError, Alert::parse("[1]"));
        nlohmann::json resolved = withState(AlertState::Resolved).toJson();
        resolved.erase("resolved_at");
        QVERIFY_THROWS_EXCEPTION(AlertError, Alert::fromJson(resolved));
        nlohmann::json retracted = withState(AlertState::Retracted).toJson();
        retracted["retracted_at"] = nullptr;
        QVERIFY_THROWS_EXCEPTION(AlertError, Alert::fromJson(retracted));
    }

    void lifecycle()
    {
        const Alert open = openAlert();
        const AlertChange ack = open.acknowledge("  RN Okafor ", kNow + 60'000, true);
        QVERIFY2(ack, ack.error.c_str());
        QCOMPARE(ack.alert->state, AlertState::Acknowledged);
        QCOMPARE(ack.alert->ackedBy, "RN Okafor");
        QCOMPARE(ack.alert->ackedAtMs, kNow + 60'000);
        QVERIFY(ack.alert->readBack);
        QCOMPARE(ack.alert->alertId, open.alertId); // a lifecycle change keeps the key
        QCOMPARE(open.state, AlertState::Open);     // the original is a value, untouched

        const AlertChange resolved = ack.alert->resolve("Dr Ames", kNow + 120'000);
        QVERIFY2(resolved, resolved.error.c_str());
        QCOMPARE(resolved.alert->state, AlertState::Resolved);
        QCOMPARE(resolved.alert->resolvedBy, "Dr Ames");
        QCOMPARE(resolved.alert->resolvedAtMs, kNow + 120'000);
        QCOMPARE(resolved.alert->ackedBy, "RN Okafor");

        const AlertChange retracted = open.retract("cancelled", kNow + 1);
        QVERIFY(retracted);
        QCOMPARE(retracted.alert->state, AlertState::Retracted);
        QCOMPARE(retracted.alert->retractionReason, "cancelled");
        QCOMPARE(retracted.alert->retractedAtMs, kNow + 1);
        const AlertChange retractedAfterAck = ack.alert->retract("entered-in-error", kNow + 2);
        QVERIFY(retractedAfterAck);
        QCOMPARE(retractedAfterAck.alert->ackedBy, "RN Okafor");
    }

    void refusedTransitions_data()
    {
        QTest::addColumn<AlertState>("state");
        QTest::addColumn<QString>("action");
        QTest::addColumn<QString>("who");
        QTest::addColumn<bool>("readBack");
        QTest::addColumn<QString>("error");
        QTest::newRow("acknowledge without a name") << AlertState::Open << "acknowledge" << "" << true << "needs the name";
        QTest::newRow("acknowledge with blanks") << AlertState::Open << "acknowledge" << "  \t" << true << "needs the name";
        QTest::newRow("acknowledge without read-back") << AlertState::Open << "acknowledge" << "RN Okafor" << false
                                                       << "must be read back";
        QTest::newRow("acknowledge twice") << AlertState::Acknowledged << "acknowledge" << "RN Lee" << true
                                           << "already acknowledged by RN Okafor at "
                                                  + QDateTime::fromMSecsSinceEpoch(kNow + 60'000).toString("HH:mm");
        QTest::newRow("acknowledge a resolved alert") << AlertState::Resolved << "acknowledge" << "RN Lee" << true
                                                      << "a resolved alert cannot be acknowledged";
        QTest::newRow("acknowledge a retracted alert") << AlertState::Retracted << "acknowledge" << "RN Lee" << true
                                                       << "a retracted alert cannot be acknowledged";
        QTest::newRow("resolve an open alert") << AlertState::Open << "resolve" << "Dr Ames" << true
                                               << "must be acknowledged before it is resolved";
        QTest::newRow("resolve twice") << AlertState::Resolved << "resolve" << "Dr Ames" << true
                                       << "a resolved alert cannot be resolved";
        QTest::newRow("resolve a retracted alert") << AlertState::Retracted << "resolve" << "Dr Ames" << true
                                                   << "a retracted alert cannot be resolved";
        QTest::newRow("resolve without a name") << AlertState::Acknowledged << "resolve" << " " << true
                                                << "needs the name";
        QTest::newRow("retract a resolved alert") << AlertState::Resolved << "retract" << "cancelled" << true
                                                  << "a resolved alert cannot be retracted";
        QTest::newRow("retract twice") << AlertState::Retracted << "retract" << "cancelled" << true
                                       << "a retracted alert cannot be retracted";
        QTest::newRow("retract without a reason") << AlertState::Open << "retract" << "" << true << "needs a reason";
    }
    void refusedTransitions()
    {
        QFETCH(AlertState, state);
        QFETCH(QString, action);
        QFETCH(QString, who);
        QFETCH(bool, readBack);
        QFETCH(QString, error);
        const Alert alert = withState(state);
        const AlertChange change = action == "acknowledge" ? alert.acknowledge(text(who), kNow + 5, readBack)
            : action == "resolve"                          ? alert.resolve(text(who), kNow + 5)
                                                           : alert.retract(text(who), kNow + 5);
        QVERIFY(!change);
        QVERIFY(!change.alert.has_value());
        QVERIFY2(QString::fromStdString(change.error).contains(error), change.error.c_str());
    }
};

QTEST_APPLESS_MAIN(TestAlert)
#include "tst_alert.moc"
