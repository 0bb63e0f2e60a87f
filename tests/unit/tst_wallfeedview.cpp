// What one remote wall display receives of a console's board: its unit only, identifiers masked as
// the board shows them, and still enough to join alerts to census rows.
#include "wall/alertboard.h"
#include "wall/unitcensus.h"
#include "wall/wallfeedview.h"

#include <QtTest>

namespace {

constexpr std::int64_t kT0 = 1'795'000'000'000; // 2026-11-18T11:06:40Z
const QByteArray Key = QByteArrayLiteral("a fixed key for the test, 32 b..");

CensusEntry entry(const std::string &patient, const std::string &mrn, const std::string &ward, const std::string &bed)
{
    return CensusEntry{patient, "enc-" + patient, "J.S.", mrn, ward, "Room " + bed, bed, kT0};
}

Alert alertFor(const std::string &id, const std::string &patient, const std::string &location = {})
{
    Alert alert;
    alert.alertId = id;
    alert.patientId = patient;
    alert.encounterId = "enc-" + patient;
    alert.location = location;
    alert.observationId = "obs-" + id;
    alert.loinc = "2823-3";
    alert.display = "Potassium";
    alert.value = 6.9;
    alert.unit = "mmol/L";
    alert.limit = 6.2;
    alert.issued = msToFhirInstant(kT0 - 60'000);
    alert.evaluatedAtMs = kT0;
    alert.source = {"healthcare.labs.results", 3, 4711};
    return alert;
}

// A hospital of two units, and two patients on no census.
struct Hospital {
    std::vector<CensusEntry> rows{entry("pat-000101", "MRN00482101", "ICU", "1"),
                                  entry("pat-000102", "MRN00482102", "ICU", "2"),
                                  entry("pat-000201", "MRN00999201", "4 West", "7")};
    std::vector<Alert> alerts{alertFor("a-icu", "pat-000101"), alertFor("a-west", "pat-000201"),
                              alertFor("a-nowhere", "pat-000301"), alertFor("a-by-location", "pat-000401", "ICU")};
    UnitCensus census;
    Hospital() { census.replace(rows); }
};

WallFeedView icuView(WallAudience audience = {"ICU", false, {}})
{
    return WallFeedView(std::move(audience), Key);
}

std::vector<std::string> idsOf(const std::vector<Alert> &alerts)
{
    std::vector<std::string> ids;
    for (const Alert &alert : alerts)
        ids.push_back(alert.alertId);
    return ids;
}

// Every text a display receives, as it travels (the census entry's fields, the alert's record).
std::string everything(const std::vector<CensusEntry> &census, const std::vector<Alert> &alerts)
{
    std::string text;
    for (const CensusEntry &row : census)
        text += row.patientId + '|' + row.encounterId + '|' + row.initials + '|' + row.mrn + '|' + row.ward + '|'
                + row.room + '|' + row.bed + '\n';
    for (const Alert &alert : alerts)
        text += alert.toJson().dump() + '\n';
    return text;
}

} // namespace

class TestWallFeedView final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void aUnitDisplayReceivesItsUnitOnly()
    {
        Hospital hospital;
        const WallFeedView view = icuView();
        const std::vector<CensusEntry> census = view.census(hospital.rows);
        QCOMPARE(census.size(), 2u);
        for (const CensusEntry &row : census)
            QCOMPARE(row.ward, "ICU");
        // The patient's ward places an alert, else its location; a patient on no census whose alert
        // names no ward is on no unit's board.
        QCOMPARE(idsOf(view.alerts(hospital.alerts, hospital.census)),
                 (std::vector<std::string>{"a-icu", "a-by-location"}));
        QCOMPARE(idsOf(icuView({"4 West", false, {}}).alerts(hospital.alerts, hospital.census)),
                 std::vector<std::string>{"a-west"});
        QVERIFY(icuView({"5 North", false, {}}).census(hospital.rows).empty());
    }

    void identifiersAreMaskedAsTheBoardShowsThem()
    {
        Hospital hospital;
        const WallFeedView view = icuView();
        const std::vector<CensusEntry> census = view.census(hospital.rows);
        const std::vector<Alert> alerts = view.alerts(hospital.alerts, hospital.census);
        const std::string sent = everything(census, alerts);
        for (const CensusEntry &row : hospital.rows) {
            QVERIFY2(sent.find(row.mrn) == std::string::npos, row.mrn.c_str());
            QVERIFY2(sent.find(row.patientId) == std::string::npos, row.patientId.c_str());
            QVERIFY2(sent.find(row.encounterId) == std::string::npos, row.encounterId.c_str());
        }
        QVERIFY(sent.find("obs-") == std::string::npos);
        QVERIFY(sent.find("healthcare.labs.results") == std::string::npos);

        QCOMPARE(census[0].mrn, "2101"); // the last --mrn-digits characters
        QCOMPARE(census[0].initials, "J.S.");
        QCOMPARE(census[0].ward, "ICU");
        QCOMPARE(census[0].bed, "1");
        // The board's label is the same from the masked row as from the real one.
        for (std::size_t i = 0; i < census.size(); ++i)
            QCOMPARE(patientLabel(census[i]), patientLabel(hospital.rows[i]));
        const PatientLabelPolicy idOnly{false, 0};
        QCOMPARE(patientLabel(census[0], idOnly), "id \u2026101");
        QCOMPARE(patientLabel(census[0], idOnly), patientLabel(hospital.rows[0], idOnly));

        QVERIFY(alerts[0].observationId.empty());
        QVERIFY(alerts[0].source == RecordSource{});
        QCOMPARE(alerts[0].alertId, "a-icu"); // actions name the real alert
        QCOMPARE(alerts[0].value, 6.9);
    }

    void pseudonymsJoinAlertsToRowsOnTheDisplay()
    {
        Hospital hospital;
        const WallFeedView view = icuView();
        const std::vector<CensusEntry> census = view.census(hospital.rows);
        const std::vector<Alert> alerts = view.alerts(hospital.alerts, hospital.census);
        QCOMPARE(alerts[0].patientId, census[0].patientId);
        QCOMPARE(alerts[0].encounterId, census[0].encounterId);
        QVERIFY(census[0].patientId != census[1].patientId);

        // The remote display builds its board from what it received, and shows what the console shows.
        UnitCensus displayCensus;
        displayCensus.replace(census);
        AlertBoard displayBoard;
        displayBoard.apply(alerts, true, kT0);
        AlertBoard consoleBoard;
        consoleBoard.apply(hospital.alerts, true, kT0);
        const std::vector<BoardRow> remote = displayBoard.rows("ICU", displayCensus, kT0);
        const std::vector<BoardRow> local = consoleBoard.rows("ICU", hospital.census, kT0);
        QCOMPARE(remote.size(), local.size());
        for (std::size_t i = 0; i < remote.size(); ++i) {
            QCOMPARE(remote[i].alert.alertId, local[i].alert.alertId);
            QCOMPARE(remote[i].patient, local[i].patient);
            QCOMPARE(remote[i].room, local[i].room);
            QCOMPARE(remote[i].bed, local[i].bed);
            QCOMPARE(remote[i].valueText, local[i].valueText);
        }
        // Board order: "a-by-location" (a patient on no census, labelled by the id) before "a-icu".
        QCOMPARE(remote[0].patient, std::string("id \u2026401"));
        QCOMPARE(remote[1].patient, std::string("J.S. \u00b72101"));
        QCOMPARE(displayCensus.patientsOn("ICU").size(), 2u);
    }

    void pseudonymsHoldForOneKey()
    {
        const WallFeedView view = icuView();
        QCOMPARE(view.pseudonym("pat-000101"), icuView().pseudonym("pat-000101"));
        QVERIFY(view.pseudonym("pat-000101") != WallFeedView({"ICU", false, {}}, "another key").pseudonym("pat-000101"));
        QVERIFY(view.pseudonym("pat-000101") != view.pseudonym("pat-000201"));
        QVERIFY(view.pseudonym("pat-000101").ends_with("101"));
        QCOMPARE(view.pseudonym(""), "");
        QCOMPARE(view.pseudonym("p7"), "p7"); // the label shows an id this short whole anyway
        QVERIFY(WallFeedView::newPseudonymKey() != WallFeedView::newPseudonymKey());
        QCOMPARE(WallFeedView::newPseudonymKey().size(), 32);
    }

    void theLabelPolicyBoundsWhatIsSent()
    {
        Hospital hospital;
        const std::vector<CensusEntry> noMrn = icuView({"ICU", false, {true, 0}}).census(hospital.rows);
        QVERIFY(noMrn[0].mrn.empty());
        const std::vector<CensusEntry> noInitials = icuView({"ICU", false, {false, 6}}).census(hospital.rows);
        QVERIFY(noInitials[0].initials.empty());
        QCOMPARE(noInitials[0].mrn, "482101");
    }

    void aDisplayWithoutAUnitGetsTheOverviewOnly()
    {
        Hospital hospital;
        const WallFeedView overview = icuView({"", false, {}});
        QVERIFY(overview.isOverview());
        QVERIFY(overview.census(hospital.rows).empty());
        QVERIFY(overview.alerts(hospital.alerts, hospital.census).empty());
        // Not even with full identifiers.
        QVERIFY(icuView({"", true, {}}).alerts(hospital.alerts, hospital.census).empty());
    }

    void fullIdentifiersSendTheRecordsOfTheUnit()
    {
        Hospital hospital;
        const WallFeedView full = icuView({"ICU", true, {}});
        const std::vector<CensusEntry> census = full.census(hospital.rows);
        QCOMPARE(census.size(), 2u);
        QVERIFY(census[0] == hospital.rows[0]);
        QCOMPARE(census[0].mrn, "MRN00482101");
        const std::vector<Alert> alerts = full.alerts(hospital.alerts, hospital.census);
        QCOMPARE(alerts.size(), 2u);
        QVERIFY(alerts[0] == hospital.alerts[0]);
        QVERIFY(everything(census, alerts).find("MRN00999201") == std::string::npos); // still one unit
    }
};

QTEST_APPLESS_MAIN(TestWallFeedView)
#include "tst_wallfeedview.moc"
