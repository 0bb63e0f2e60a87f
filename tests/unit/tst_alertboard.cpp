#include "wall/alertboard.h"
#include "wall/unitcensus.h"

#include <QtTest>

namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kT0 = 1'795'000'000'000; // 2026-11-18T11:06:40Z

Alert openAlert(const std::string &id, const std::string &patient = "pat-000001",
                AlertSeverity severity = AlertSeverity::CriticalHigh, std::int64_t evaluatedAtMs = kT0)
{
    Alert alert;
    alert.alertId = id;
    alert.severity = severity;
    alert.patientId = patient;
    alert.observationId = "obs-" + id;
    alert.loinc = "2823-3";
    alert.display = "Potassium";
    alert.value = 6.9;
    alert.unit = "mmol/L";
    alert.limit = 6.2;
    alert.issued = msToFhirInstant(evaluatedAtMs - 5 * kMinute);
    alert.evaluatedAtMs = evaluatedAtMs;
    return alert;
}

Alert acknowledged(const Alert &alert, std::int64_t atMs)
{
    const AlertChange change = alert.acknowledge("RN Okafor", atMs, true);
    if (!change)
        qFatal("acknowledge refused: %s", change.error.c_str());
    return *change.alert;
}

// Acknowledged first when open: the lifecycle resolves only what someone acknowledged.
Alert resolved(const Alert &alert, std::int64_t atMs)
{
    const AlertChange change =
        (alert.state == AlertState::Open ? acknowledged(alert, atMs) : alert).resolve("Dr Ames", atMs);
    if (!change)
        qFatal("resolve refused: %s", change.error.c_str());
    return *change.alert;
}

AdtEvent placed(const std::string &encounter, const std::string &patient, std::int64_t at, const std::string &ward,
                const std::string &room, const std::string &bed)
{
    AdtEvent event;
    event.encounterId = encounter;
    event.patientId = patient;
    event.timestampMs = at;
    event.ward = ward;
    event.room = room;
    event.bed = bed;
    return event;
}

UnitCensus icuCensus()
{
    UnitCensus census;
    AdtEvent identity;
    identity.kind = AdtEvent::Kind::Patient;
    identity.patientId = "pat-000001";
    identity.initials = "J.S.";
    identity.mrn = "00004821";
    census.apply({identity, placed("enc-1", "pat-000001", kT0 - kMinute, "ICU", "201", "201-A")});
    return census;
}

QStringList idsOf(const std::vector<BoardRow> &rows)
{
    QStringList ids;
    for (const BoardRow &row : rows)
        ids << QString::fromStdString(row.alert.alertId);
    return ids;
}

} // namespace

class TestAlertBoard final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void patientLabels()
    {
        CensusEntry entry;
        entry.patientId = "pat-000123";
        entry.initials = "J.S.";
        entry.mrn = "00004821";
        QCOMPARE(patientLabel(entry), "J.S. \u00b74821");
        QCOMPARE(patientLabel(entry, {true, 2}), "J.S. \u00b721");
        QCOMPARE(patientLabel(entry, {false, 4}), "\u00b74821 id \u2026123");
        QCOMPARE(patientLabel(entry, {true, 0}), "J.S. id \u2026123");
        entry.mrn = "82";
        QCOMPARE(patientLabel(entry), "J.S. \u00b782");
        entry.mrn.clear();
        QCOMPARE(patientLabel(entry), "J.S. id \u2026123");
        entry.initials.clear();
        QCOMPARE(patientLabel(entry), "id \u2026123");
        entry.patientId = "p1";
        QCOMPARE(patientLabel(entry), "id \u2026p1");
    }

    void rowFields()
    {
        AlertBoard board;
        const UnitCensus census = icuCensus();
        Alert low = openAlert("a-low", "pat-000001", AlertSeverity::CriticalLow);
        low.comparator = "<";
        low.value = 2.0;
        low.issued.clear();
        low.effective = "2026-11-18T10:06:40Z"; // an hour before kT0
        Alert inr = openAlert("a-inr", "pat-000001");
        inr.display = "INR";
        inr.value = 5.4000000000000004;
        inr.unit = "{INR}";
        inr.issued = "not a time";
        board.apply({low, inr}, true, kT0);

        const auto rows = board.rows("ICU", census, kT0 + 10 * kMinute);
        QCOMPARE(rows.size(), 2u);
        const BoardRow &first = rows[0];
        QCOMPARE(first.alert.alertId, "a-low"); // the older result first
        QCOMPARE(first.room, "201");
        QCOMPARE(first.bed, "201-A");
        QCOMPARE(first.patient, "J.S. \u00b74821");
        QCOMPARE(first.analyte, "Potassium");
        QCOMPARE(first.valueText, "< 2 mmol/L");
        QCOMPARE(first.direction, BoardRow::Direction::Down);
        QCOMPARE(first.resultTimeMs, kT0 - 60 * kMinute);
        QCOMPARE(first.ageMs, 70 * kMinute);
        QCOMPARE(first.waitingMs, 10 * kMinute);
        QCOMPARE(first.state(), AlertState::Open);
        QVERIFY(first.ackedBy().empty());
        const BoardRow &second = rows[1];
        QCOMPARE(second.valueText, "5.4 INR");
        QCOMPARE(second.direction, BoardRow::Direction::Up);
        QCOMPARE(second.resultTimeMs, kT0); // neither time readable: when evaluated
    }

    void sorting()
    {
        AlertBoard board;
        const UnitCensus census = icuCensus();
        const Alert oldCritical = openAlert("b", "pat-000001", AlertSeverity::CriticalHigh, kT0 - 20 * kMinute);
        const Alert newCritical = openAlert("c", "pat-000001", AlertSeverity::CriticalLow, kT0);
        const Alert sameTime = openAlert("a", "pat-000001", AlertSeverity::CriticalHigh, kT0);
        const Alert olderDelta = openAlert("d", "pat-000001", AlertSeverity::Delta, kT0 - 60 * kMinute);
        const Alert acked = acknowledged(openAlert("e", "pat-000001", AlertSeverity::CriticalHigh, kT0 - 90 * kMinute), kT0);
        const Alert closed = resolved(openAlert("f", "pat-000001", AlertSeverity::CriticalHigh, kT0 - 99 * kMinute), kT0);
        board.apply({closed, acked, olderDelta, sameTime, newCritical, oldCritical}, true, kT0);
        QCOMPARE(idsOf(board.rows("ICU", census, kT0 + kMinute)), QStringList({"b", "a", "c", "d", "e", "f"}));
    }

    void escalationWithAFixedClock()
    {
        AlertBoard board;
        const UnitCensus census = icuCensus();
        board.apply({openAlert("a")}, true, kT0);
        const auto levelAt = [&](std::int64_t sinceRaised) { return board.rows("ICU", census, kT0 + sinceRaised)[0].escalation; };
        QCOMPARE(levelAt(14 * kMinute + 59 * kSecond), 0);
        QCOMPARE(levelAt(15 * kMinute), 1);
        QCOMPARE(levelAt(29 * kMinute + 59 * kSecond), 1);
        QCOMPARE(levelAt(30 * kMinute), 2);

        // The unit's own policy.
        board.setPolicy("ICU", {5 * kMinute, 10 * kMinute});
        QCOMPARE(levelAt(5 * kMinute), 1);
        QCOMPARE(levelAt(10 * kMinute), 2);
        QCOMPARE(board.policyFor("CCU"), EscalationPolicy{});

        // Acknowledged never escalates, however long it waits.
        board.apply({acknowledged(openAlert("a"), kT0 + 31 * kMinute)}, true, kT0 + 31 * kMinute);
        const BoardRow row = board.rows("ICU", census, kT0 + 120 * kMinute)[0];
        QCOMPARE(row.escalation, 0);
        QCOMPARE(row.waitingMs, 0);
        QCOMPARE(row.ackedBy(), "RN Okafor");
    }

    void lifecycleNeverGoesBackwards()
    {
        AlertBoard board;
        const Alert original = openAlert("a");
        board.apply({original, acknowledged(original, kT0 + kMinute)}, true, kT0 + kMinute);

        Alert amended = original;
        amended.value = 7.4;
        amended.issued = "2026-11-18T11:20:00Z";
        board.apply({amended}, true, kT0 + 2 * kMinute);
        const Alert *known = board.find("a");
        QVERIFY(known);
        QCOMPARE(known->state, AlertState::Acknowledged);
        QCOMPARE(known->ackedBy, "RN Okafor");
        QCOMPARE(known->ackedAtMs, kT0 + kMinute);
        QVERIFY(known->readBack);
        QCOMPARE(known->value, 7.4);
        QCOMPARE(known->issued, "2026-11-18T11:20:00Z");

        // A replayed acknowledgement after the resolution keeps it resolved; a retraction (same rank) replaces it.
        const Alert done = resolved(acknowledged(original, kT0 + kMinute), kT0 + 3 * kMinute);
        board.apply({done, acknowledged(original, kT0 + kMinute)}, true, kT0 + 3 * kMinute);
        QCOMPARE(board.find("a")->state, AlertState::Resolved);
        QCOMPARE(board.find("a")->resolvedBy, "Dr Ames");
        board.apply({*original.retract("entered-in-error", kT0 + 4 * kMinute).alert}, true, kT0 + 4 * kMinute);
        QCOMPARE(board.find("a")->state, AlertState::Retracted);
        QVERIFY(!board.find("nope"));
    }

    void newlyOpen()
    {
        AlertBoard board;
        Alert late = openAlert("late");
        late.late = true;
        const Alert acked = acknowledged(openAlert("acked"), kT0);

        QVERIFY(board.apply({openAlert("replayed")}, false, kT0).newlyOpen.empty());
        const BoardChange change = board.apply({openAlert("fresh"), openAlert("fresh"), late, acked, openAlert("replayed")}, true, kT0);
        QCOMPARE(change.newlyOpen, std::vector<std::string>{"fresh"});
        QVERIFY(board.apply({openAlert("fresh")}, true, kT0).newlyOpen.empty());
        QVERIFY(board.apply({Alert{}}, true, kT0).newlyOpen.empty()); // no id, nothing kept
        QCOMPARE(board.size(), 4u);
    }

    void resolvedAlertsLingerThenExpire()
    {
        AlertBoard board;
        const UnitCensus census = icuCensus();
        const std::int64_t resolvedAt = kT0 + 5 * kMinute;
        board.apply({resolved(openAlert("a"), resolvedAt)}, true, resolvedAt + 10 * kSecond);
        QCOMPARE(board.rows("ICU", census, resolvedAt + 2 * kMinute - 1).size(), 1u);
        QVERIFY(board.rows("ICU", census, resolvedAt + 2 * kMinute).empty());

        board.expire(resolvedAt + 10 * kMinute - 1);
        QVERIFY(board.find("a"));
        board.expire(resolvedAt + 10 * kMinute);
        QVERIFY(!board.find("a"));

        // A closed record without a time lingers from when the board learned of it.
        Alert untimed = resolved(openAlert("b"), resolvedAt);
        untimed.resolvedAtMs.reset();
        board.apply({untimed}, true, kT0 + 20 * kMinute);
        QCOMPARE(board.rows("ICU", census, kT0 + 21 * kMinute).size(), 1u);

        // Open and acknowledged alerts never expire.
        board.apply({openAlert("c"), acknowledged(openAlert("d"), kT0)}, true, kT0);
        board.expire(kT0 + 1000 * kMinute);
        QCOMPARE(board.size(), 2u);
    }

    void capacityEvictsClosedThenAcknowledgedThenOpen()
    {
        AlertBoard board({2 * kMinute, 10 * kMinute, 3});
        board.apply({resolved(openAlert("closed-new"), kT0 + 2 * kMinute), resolved(openAlert("closed-old"), kT0 + kMinute),
                     acknowledged(openAlert("acked"), kT0), openAlert("open-1")},
                    true, kT0 + 3 * kMinute);
        QCOMPARE(board.size(), 3u);
        QVERIFY(!board.find("closed-old"));
        board.apply({openAlert("open-2")}, true, kT0 + 3 * kMinute);
        QVERIFY(!board.find("closed-new"));
        board.apply({openAlert("open-3")}, true, kT0 + 3 * kMinute);
        QVERIFY(!board.find("acked"));
        QCOMPARE(board.evictedOpen(), 0u);
        Alert newest = openAlert("open-4");
        newest.evaluatedAtMs += kMinute;
        board.apply({newest}, true, kT0 + 3 * kMinute);
        QCOMPARE(board.size(), 3u); // bounded even when nobody acknowledges: the oldest open alert goes
        QCOMPARE(board.evictedOpen(), 1u);
        QVERIFY(board.find("open-4"));
        QVERIFY(!board.find("open-1"));
    }

    void alertFollowsThePatient()
    {
        AlertBoard board;
        UnitCensus census = icuCensus();
        board.apply({openAlert("a")}, true, kT0);
        QCOMPARE(board.unitOf(*board.find("a"), census), "ICU");
        QCOMPARE(board.rows("ICU", census, kT0).size(), 1u);

        census.apply(placed("enc-1", "pat-000001", kT0 + kMinute, "CCU", "301", "301-B"));
        QVERIFY(board.rows("ICU", census, kT0 + kMinute).empty());
        const auto rows = board.rows("CCU", census, kT0 + kMinute);
        QCOMPARE(rows.size(), 1u);
        QCOMPARE(rows[0].bed, "301-B");
    }

    void unitFromTheAlertsLocation()
    {
        AlertBoard board;
        const UnitCensus census = icuCensus();
        Alert onWard = openAlert("a", "pat-000009");
        onWard.location = "ICU 205-A";
        Alert elsewhere = openAlert("b", "pat-000010");
        elsewhere.location = "Day Surgery";
        Alert nowhere = openAlert("c", "pat-000011");
        board.apply({onWard, elsewhere, nowhere}, true, kT0);
        QCOMPARE(idsOf(board.rows("ICU", census, kT0)), QStringList({"a"}));
        QCOMPARE(idsOf(board.rows("Day Surgery", census, kT0)), QStringList({"b"}));
        QCOMPARE(idsOf(board.rows("", census, kT0)), QStringList({"c"}));
        const BoardRow row = board.rows("ICU", census, kT0)[0];
        QVERIFY(row.room.empty());
        QCOMPARE(row.patient, "id \u2026009");
    }

    void summaries()
    {
        AlertBoard board;
        UnitCensus census = icuCensus();
        census.apply({placed("enc-2", "pat-000002", kT0, "ICU", "202", "202-A"),
                      placed("enc-3", "pat-000003", kT0, "CCU", "301", "301-A")});
        board.apply({openAlert("a", "pat-000001", AlertSeverity::CriticalHigh, kT0 - 20 * kMinute),
                     openAlert("b", "pat-000002", AlertSeverity::Delta, kT0 - 5 * kMinute),
                     acknowledged(openAlert("c", "pat-000002"), kT0), resolved(openAlert("d", "pat-000003"), kT0),
                     openAlert("e", "pat-000099", AlertSeverity::CriticalLow, kT0 - 40 * kMinute)},
                    true, kT0);

        UnitSummary ccu{"CCU", 1, 0, 0, std::nullopt, 0};
        UnitSummary icu{"ICU", 2, 2, 1, 20 * kMinute, 1};
        UnitSummary none{"", 0, 1, 0, 40 * kMinute, 2};
        QCOMPARE(board.summaries(census, kT0), (std::vector<UnitSummary>{ccu, icu, none}));
    }
};

QTEST_GUILESS_MAIN(TestAlertBoard)
#include "tst_alertboard.moc"
