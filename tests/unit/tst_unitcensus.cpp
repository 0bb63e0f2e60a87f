#include "fhir/fhirenvelope.h"
#include "simulator/hospitalsimulator.h"
#include "base/topics.h"
#include "wall/unitcensus.h"

#include <QtTest>

#include <algorithm>
#include <random>
#include <regex>

namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kT0 = 1'795'000'000'000; // 2026-11-18T11:06:40Z

AdtEvent placed(const std::string &encounter, const std::string &patient, std::int64_t at, const std::string &ward,
                const std::string &room = {}, const std::string &bed = {})
{
    AdtEvent event;
    event.kind = AdtEvent::Kind::Encounter;
    event.encounterId = encounter;
    event.patientId = patient;
    event.timestampMs = at;
    event.ward = ward;
    event.room = room;
    event.bed = bed;
    return event;
}

// The simulator's discharge still names where the patient was (status "completed").
AdtEvent discharged(const std::string &encounter, const std::string &patient, std::int64_t at,
                    const std::string &ward = "ICU")
{
    AdtEvent event = placed(encounter, patient, at, ward, "201", "201-A");
    event.finished = true;
    return event;
}

AdtEvent identity(const std::string &patient, const std::string &initials, const std::string &mrn, std::int64_t at)
{
    AdtEvent event;
    event.kind = AdtEvent::Kind::Patient;
    event.patientId = patient;
    event.initials = initials;
    event.mrn = mrn;
    event.timestampMs = at;
    return event;
}

std::map<std::string, int> counts(std::initializer_list<std::pair<const std::string, int>> list)
{
    return list;
}

nlohmann::json locationEntry(const char *type, const char *display, const char *status)
{
    return {{"location", {{"display", display}}},
            {"status", status},
            {"physicalType", {{"coding", {{{"system", "http://terminology.hl7.org/CodeSystem/location-physical-type"},
                                           {"code", type}}}}}}};
}

FhirEnvelope envelope(nlohmann::json resource, const std::string &timestamp = "2026-11-18T11:06:40Z")
{
    nlohmann::json document = {{"event_type", "test"}, {"timestamp", timestamp}, {"fhir_resource", std::move(resource)}};
    return FhirEnvelope::fromJson(std::move(document));
}

std::vector<AdtEvent> simulatedAdtEvents(int steps)
{
    HospitalSimulator simulator(7, 120);
    std::vector<AdtEvent> events;
    for (int step = 0; step < steps; ++step) {
        for (const SimulatedEvent &simulated : simulator.next(kT0 + step * 1000).events) {
            if (simulated.topic != Topics::Adt)
                continue;
            if (auto event = adtEventFromEnvelope(FhirEnvelope::parse(simulated.value), 0))
                events.push_back(std::move(*event));
        }
    }
    return events;
}

} // namespace

class TestUnitCensus final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void patientEnvelope()
    {
        const auto event = adtEventFromEnvelope(
            envelope({{"resourceType", "Patient"},
                      {"id", "pat-000123"},
                      {"identifier", {{{"system", "urn:other"}, {"value", "X-1"}},
                                      {{"type", {{"coding", {{{"code", "MR"}}}}}}, {"value", "00482119"}}}},
                      {"name", {{{"use", "nickname"}, {"family", "Smythe"}, {"given", {"Jay"}}},
                                {{"use", "official"}, {"family", "smith"}, {"given", {"Julia", "Ann"}}}}}}),
            42);
        QVERIFY(event);
        QCOMPARE(event->kind, AdtEvent::Kind::Patient);
        QCOMPARE(event->patientId, "pat-000123");
        QCOMPARE(event->initials, "J.S.");
        QCOMPARE(event->mrn, "00482119");
        QCOMPARE(event->timestampMs, kT0);
    }

    void patientEnvelopeFallbacks()
    {
        // A bare resource has no envelope timestamp; no MR identifier means the first one; no official name the first.
        const auto event = adtEventFromEnvelope(
            FhirEnvelope::fromJson({{"resourceType", "Patient"},
                                    {"id", "p1"},
                                    {"identifier", {{{"value", "A-77"}}, {{"value", "B-88"}}}},
                                    {"name", {{{"family", "\xC3\x96zt\xC3\xBCrk"}, {"given", {"\xC3\xA9mile"}}}}}}),
            42);
        QVERIFY(event);
        QCOMPARE(event->mrn, "A-77");
        QCOMPARE(event->initials, "\xC3\x89.\xC3\x96."); // "É.Ö.": letters, not bytes
        QCOMPARE(event->timestampMs, 42);

        const auto nameless = adtEventFromEnvelope(FhirEnvelope::fromJson({{"resourceType", "Patient"}, {"id", "p2"}}), 1);
        QVERIFY(nameless);
        QVERIFY(nameless->initials.empty());
        QVERIFY(nameless->mrn.empty());
    }

    void encounterEnvelope()
    {
        const nlohmann::json admission = {
            {"resourceType", "Encounter"},
            {"id", "enc-0000009"},
            {"status", "in-progress"},
            {"subject", {{"reference", "Patient/pat-000123"}}},
            {"location", {locationEntry("wa", "ICU", "completed"), locationEntry("ro", "201", "completed"),
                          locationEntry("bd", "201-A", "completed"), locationEntry("wa", "CCU", "active"),
                          locationEntry("ro", "301", "active"), locationEntry("bd", "301-B", "active")}}};
        const auto event = adtEventFromEnvelope(envelope(admission, "2026-11-18T12:06:40+01:00"), 42);
        QVERIFY(event);
        QCOMPARE(event->kind, AdtEvent::Kind::Encounter);
        QCOMPARE(event->encounterId, "enc-0000009");
        QCOMPARE(event->patientId, "pat-000123");
        QVERIFY(!event->finished);
        QCOMPARE(event->ward, "CCU");
        QCOMPARE(event->room, "301");
        QCOMPARE(event->bed, "301-B");
        QCOMPARE(event->timestampMs, kT0);

        // A discharge's entries are all completed: they still say where the patient was.
        nlohmann::json discharge = admission;
        discharge["status"] = "finished";
        discharge["location"] = {locationEntry("wa", "CCU", "completed"), locationEntry("ro", "301", "completed")};
        const auto finished = adtEventFromEnvelope(envelope(discharge), 42);
        QVERIFY(finished);
        QVERIFY(finished->finished);
        QCOMPARE(finished->ward, "CCU");
        QCOMPARE(finished->room, "301");
        QVERIFY(finished->bed.empty());

        for (const char *status : {"cancelled", "entered-in-error"}) {
            discharge["status"] = status;
            QVERIFY(adtEventFromEnvelope(envelope(discharge), 0)->finished);
        }
    }

    void otherResourcesAreNoAdtEvents()
    {
        QVERIFY(!adtEventFromEnvelope(envelope({{"resourceType", "Observation"}, {"id", "o1"}}), 0));
        QVERIFY(!adtEventFromEnvelope(envelope({{"resourceType", "Encounter"}}), 0)); // no id to follow
        QVERIFY(!adtEventFromEnvelope(FhirEnvelope::fromJson({{"resourceType", "Patient"}}), 0));
        // Malformed members are skipped, not thrown on.
        const auto odd = adtEventFromEnvelope(
            envelope({{"resourceType", "Encounter"}, {"id", "e"}, {"status", 3}, {"location", {1, "x", {{"location", 2}}}}}), 0);
        QVERIFY(odd);
        QVERIFY(odd->ward.empty());
    }

    void naturalOrder()
    {
        QVERIFY(naturalLess("9", "10"));
        QVERIFY(naturalLess("10-A", "10-B"));
        QVERIFY(naturalLess("4 West", "12 North"));
        QVERIFY(naturalLess("201-B", "201-b"));
        QVERIFY(!naturalLess("10", "9"));
        QVERIFY(naturalLess("01", "1") != naturalLess("1", "01"));
        QVERIFY(naturalLess("", "1"));
    }

    void admission()
    {
        UnitCensus census;
        census.apply(placed("e1", "p1", kT0, "ICU", "201", "201-A"));
        const auto placement = census.placementOf("p1");
        QVERIFY(placement);
        QCOMPARE(placement->ward, "ICU");
        QCOMPARE(placement->room, "201");
        QCOMPARE(placement->bed, "201-A");
        QCOMPARE(placement->encounterId, "e1");
        QCOMPARE(placement->sinceMs, kT0);
        QCOMPARE(census.admittedPerUnit(), counts({{"ICU", 1}}));
        QVERIFY(!census.placementOf("p2"));
    }

    void transferMovesTheCount()
    {
        UnitCensus census;
        census.apply({placed("e1", "p1", kT0, "ICU", "201", "201-A"), placed("e2", "p2", kT0, "ICU", "202", "202-A"),
                      placed("e1", "p1", kT0 + kMinute, "CCU", "301", "301-A")});
        QCOMPARE(census.admittedPerUnit(), counts({{"CCU", 1}, {"ICU", 1}}));
        QCOMPARE(census.placementOf("p1")->ward, "CCU");
        QCOMPARE(census.placementOf("p1")->sinceMs, kT0 + kMinute);
        QCOMPARE(census.patientsOn("ICU").size(), 1u);
    }

    void statusUpdateKeepsThePlace()
    {
        UnitCensus census;
        census.apply({placed("e1", "p1", kT0, "ICU", "201", "201-A"), placed("e1", "p1", kT0 + kMinute, "")});
        QCOMPARE(census.placementOf("p1")->bed, "201-A");
        census.apply(placed("e1", "p1", kT0 + 2 * kMinute, "ICU", "201", "201-A"));
        QCOMPARE(census.placementOf("p1")->sinceMs, kT0); // still there since admission
    }

    void discharge()
    {
        UnitCensus census;
        census.apply({placed("e1", "p1", kT0, "ICU", "201", "201-A"), discharged("e1", "p1", kT0 + kMinute)});
        QVERIFY(!census.placementOf("p1"));
        QVERIFY(census.admittedPerUnit().empty());
        QCOMPARE(census.activeEncounters(), 0u);
    }

    void transferAfterDischarge()
    {
        UnitCensus census;
        census.apply({placed("e1", "p1", kT0, "ICU"), discharged("e1", "p1", kT0 + 2 * kMinute),
                      placed("e1", "p1", kT0 + kMinute, "CCU")});
        QVERIFY(!census.placementOf("p1"));
        QVERIFY(census.admittedPerUnit().empty());
    }

    void olderTransferAfterNewerTransfer()
    {
        UnitCensus census;
        census.apply({placed("e1", "p1", kT0, "ICU"), placed("e1", "p1", kT0 + 2 * kMinute, "Renal", "1101", "1101-B"),
                      placed("e1", "p1", kT0 + kMinute, "CCU", "301", "301-A")});
        QCOMPARE(census.placementOf("p1")->ward, "Renal");
        QCOMPARE(census.admittedPerUnit(), counts({{"Renal", 1}}));
        // Same timestamp is not older: it applies.
        census.apply(placed("e1", "p1", kT0 + 2 * kMinute, "Neuro"));
        QCOMPARE(census.placementOf("p1")->ward, "Neuro");
    }

    void dischargeBeforeItsAdmission()
    {
        UnitCensus census;
        census.apply({discharged("e1", "p1", kT0 + kMinute), placed("e1", "p1", kT0, "ICU", "201", "201-A")});
        QVERIFY(!census.placementOf("p1"));
        QCOMPARE(census.activeEncounters(), 0u);
    }

    void dischargeStampedBeforeTheLastTransferStillEnds()
    {
        UnitCensus census;
        census.apply({placed("e1", "p1", kT0, "ICU"), placed("e1", "p1", kT0 + 2 * kMinute, "CCU"),
                      discharged("e1", "p1", kT0 + kMinute)});
        QVERIFY(!census.placementOf("p1"));
    }

    void identityArrivingAfterTheEncounter()
    {
        UnitCensus census;
        census.apply(placed("e1", "p1", kT0, "ICU", "201", "201-A"));
        QVERIFY(census.placementOf("p1")->initials.empty());
        census.apply(identity("p1", "J.S.", "00482119", kT0 + 10));
        QCOMPARE(census.placementOf("p1")->initials, "J.S.");
        QCOMPARE(census.placementOf("p1")->mrn, "00482119");
        QCOMPARE(census.patientsOn("ICU").front().initials, "J.S.");
        // An older Patient record arriving late does not undo a newer one.
        census.apply(identity("p1", "J.D.", "1", kT0));
        QCOMPARE(census.placementOf("p1")->initials, "J.S.");
        QCOMPARE(census.identityOf("p1").mrn, "00482119");
        QVERIFY(census.identityOf("p1").ward.empty());
    }

    void placementIsTheMostRecentActiveEncounter()
    {
        UnitCensus census;
        census.apply({placed("e1", "p1", kT0, "ICU"), placed("e2", "p1", kT0 + kMinute, "Oncology")});
        QCOMPARE(census.placementOf("p1")->encounterId, "e2");
        QCOMPARE(census.admittedPerUnit(), counts({{"ICU", 1}, {"Oncology", 1}}));
        census.apply(discharged("e2", "p1", kT0 + 2 * kMinute));
        QCOMPARE(census.placementOf("p1")->encounterId, "e1");
    }

    void patientsInRoomOrder()
    {
        UnitCensus census;
        census.apply({placed("e1", "p1", kT0, "4 West", "10", "10-B"), placed("e2", "p2", kT0, "4 West", "9", "9-A"),
                      placed("e3", "p3", kT0, "4 West", "10", "10-A"), placed("e4", "p4", kT0, "4 West", "101", "101-A"),
                      placed("e5", "p5", kT0, "ICU", "2", "2-A")});
        QStringList beds;
        for (const CensusEntry &entry : census.patientsOn("4 West"))
            beds << QString::fromStdString(entry.bed);
        QCOMPARE(beds, QStringList({"9-A", "10-A", "10-B", "101-A"}));
        QCOMPARE(census.all().size(), 5u);
        QCOMPARE(census.all().front().ward, "4 West");
        QVERIFY(census.patientsOn("").empty());
    }

    void replaceWithASnapshot()
    {
        UnitCensus source;
        source.apply({identity("p1", "J.S.", "00482119", kT0), placed("e1", "p1", kT0, "ICU", "201", "201-A"),
                      placed("e2", "p2", kT0, "CCU", "301", "301-A")});
        UnitCensus remote;
        remote.apply(placed("e9", "p9", kT0, "Neuro"));
        remote.replace(source.all());
        QCOMPARE(remote.all(), source.all());
        QCOMPARE(remote.admittedPerUnit(), counts({{"CCU", 1}, {"ICU", 1}}));
        QVERIFY(!remote.placementOf("p9"));
        QCOMPARE(remote.placementOf("p1")->initials, "J.S.");
        // Events after a snapshot still apply.
        remote.apply(placed("e2", "p2", kT0 + kMinute, "ICU", "202", "202-A"));
        QCOMPARE(remote.admittedPerUnit(), counts({{"ICU", 2}}));
    }

    void finishedEncountersAreRememberedWithinTheirBound()
    {
        UnitCensus census(10, 2);
        census.apply({discharged("e1", "p1", kT0), discharged("e2", "p2", kT0), discharged("e3", "p3", kT0)});
        census.apply({placed("e3", "p3", kT0 - 1, "ICU"), placed("e1", "p1", kT0 - 1, "ICU")});
        // e3 is remembered; e1 fell out of the bounded memory, so its late admission counts again.
        QVERIFY(!census.placementOf("p3"));
        QVERIFY(census.placementOf("p1"));
    }

    void identitiesOffTheCensusAreBounded()
    {
        UnitCensus census(2);
        census.apply({placed("e1", "p1", kT0, "ICU"), identity("p1", "A.A.", "1", kT0)});
        for (int i = 2; i <= 6; ++i)
            census.apply(identity("p" + std::to_string(i), "B.B.", std::to_string(i), kT0));
        QCOMPARE(census.knownIdentities(), 2u);
        QCOMPARE(census.placementOf("p1")->initials, "A.A."); // on a census: kept however old
        QCOMPARE(census.identityOf("p6").mrn, "6");           // the newest of the others
        QVERIFY(census.identityOf("p2").mrn.empty());
    }

    void simulatedHospitalInAnyOrder()
    {
        const std::vector<AdtEvent> events = simulatedAdtEvents(3000);
        UnitCensus inOrder;
        inOrder.apply(events);
        QVERIFY(inOrder.activeEncounters() > 50);

        const std::regex initials(R"(^[A-Z]\.[A-Z]\.$)");
        HospitalSimulator names(7, 120);
        const std::vector<std::string> units = names.unitNames();
        int admitted = 0;
        for (const auto &[ward, count] : inOrder.admittedPerUnit()) {
            QVERIFY2(std::find(units.begin(), units.end(), ward) != units.end(), ward.c_str());
            admitted += count;
        }
        QCOMPARE(std::size_t(admitted), inOrder.activeEncounters());
        for (const CensusEntry &entry : inOrder.all()) {
            QVERIFY2(std::regex_match(entry.initials, initials), entry.initials.c_str());
            QVERIFY(!entry.mrn.empty());
            QVERIFY(entry.bed.starts_with(entry.room + '-'));
        }

        // Partitions interleave events arbitrarily; timestamps and final discharges make the order irrelevant.
        std::vector<AdtEvent> shuffled = events;
        std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(11));
        UnitCensus anyOrder;
        anyOrder.apply(shuffled);
        QCOMPARE(anyOrder.all(), inOrder.all());
    }
};

QTEST_GUILESS_MAIN(TestUnitCensus)
#include "tst_unitcensus.moc"
