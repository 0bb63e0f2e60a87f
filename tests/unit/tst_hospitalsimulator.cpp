#include "simulator/hospitalsimulator.h"
#include "base/topics.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace {

using Json = nlohmann::json;

constexpr std::int64_t kStartMs = 1'700'000'000'000; // 2023-11-14T22:13:20Z
constexpr std::int64_t kStepMs = 250;

// Critical limits as CLINICAL.md states them, per reported LOINC code and UCUM unit. Written out here rather than
// taken from the simulator, so a wrong limit or unit conversion there shows up as a failure.
struct CriticalLimit {
    const char *loinc;
    const char *unit;
    std::optional<double> low;
    std::optional<double> high;
};

const std::vector<CriticalLimit> &criticalLimits()
{
    static const std::vector<CriticalLimit> limits = {
        {"2823-3", "mmol/L", 2.8, 6.2},      {"6298-4", "mmol/L", 2.8, 6.2},
        {"2951-2", "mmol/L", 120, 160},      {"2947-0", "mmol/L", 120, 160},
        {"2345-7", "mg/dL", 50, 450},        {"2339-0", "mg/dL", 50, 450},
        {"14749-6", "mmol/L", 2.8, 25.0},    {"15074-8", "mmol/L", 2.8, 25.0},
        {"718-7", "g/dL", 6.0, 20.0},        {"777-3", "10*9/L", 40, 1000},
        {"6690-2", "10*9/L", 2.0, 40},       {"6301-6", "{INR}", std::nullopt, 5.0},
        {"17861-6", "mg/dL", 6.5, 13.0},     {"2160-0", "mg/dL", std::nullopt, 7.4},
        {"38483-4", "mg/dL", std::nullopt, 7.4}, {"2160-0", "umol/L", std::nullopt, 7.4 * 88.4},
        {"2524-7", "mmol/L", std::nullopt, 4.0}, {"32693-4", "mmol/L", std::nullopt, 4.0},
        {"2744-1", "[pH]", 7.20, 7.60},      {"2019-8", "mm[Hg]", 20, 60},
        {"2019-8", "kPa", 20 / 7.5006, 60 / 7.5006},
    };
    return limits;
}

const CriticalLimit *limitFor(const std::string &loinc, const std::string &unit)
{
    for (const CriticalLimit &limit : criticalLimits()) {
        if (loinc == limit.loinc && unit == limit.unit)
            return &limit;
    }
    return nullptr;
}

bool beyond(const CriticalLimit &limit, double value)
{
    return (limit.low && value < *limit.low) || (limit.high && value > *limit.high);
}

std::vector<SimulationStep> runSteps(HospitalSimulator &simulator, int steps)
{
    std::vector<SimulationStep> result;
    result.reserve(static_cast<std::size_t>(steps));
    for (int i = 0; i < steps; ++i)
        result.push_back(simulator.next(kStartMs + i * kStepMs));
    return result;
}

// FNV-1a over topic, key, value and timestamp of the first `events` events: one number that changes
// with any byte of the stream.
std::uint64_t streamFingerprint(std::uint64_t seed, std::size_t events)
{
    HospitalSimulator simulator(seed);
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    const auto mix = [&hash](const std::string &text) {
        for (const unsigned char c : text + '\n') {
            hash ^= c;
            hash *= 0x100000001b3ULL;
        }
    };
    std::size_t seen = 0;
    for (std::int64_t i = 0; seen < events; ++i) {
        for (const SimulatedEvent &event : simulator.next(kStartMs + i * kStepMs).events) {
            if (seen == events)
                break;
            mix(event.topic);
            mix(event.key);
            mix(event.value);
            mix(std::to_string(event.timestampMs));
            ++seen;
        }
    }
    return hash;
}

bool isIsoInstant(const std::string &text)
{
    // YYYY-MM-DDTHH:MM:SS.mmmZ
    return text.size() == 24 && text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':'
        && text[16] == ':' && text[19] == '.' && text[23] == 'Z';
}

// Safe navigation: a missing member or element reads as null, so malformed output fails a check instead of crashing.
const Json &member(const Json &node, const char *key)
{
    static const Json null;
    if (!node.is_object())
        return null;
    const auto found = node.find(key);
    return found != node.end() ? *found : null;
}

const Json &first(const Json &node)
{
    static const Json null;
    return node.is_array() && !node.empty() ? node.front() : null;
}

std::string text(const Json &node, const char *key)
{
    const Json &value = member(node, key);
    return value.is_string() ? value.get<std::string>() : std::string();
}

// Replays the published events and keeps what a consumer would know: who is registered, who lies in which bed,
// where each observation is in its lifecycle. Every breach of the data contract is recorded as a violation.
class HospitalLedger {
public:
    struct Counts {
        std::map<std::string, int> byResourceType;
        int results = 0; // distinct observations (preliminary events)
        int criticalResults = 0;
        int potassiumHigh = 0; // K > 6.2
        int potassiumLow = 0; // K < 2.8
        std::set<std::string> potassiumCodes;
        std::set<std::string> glucoseUnits;
        int amended = 0;
        int enteredInError = 0;
        int admissions = 0;
        int readmissions = 0;
        int transfers = 0;
        int discharges = 0;
    };

    void step(const SimulationStep &step, std::int64_t nowMs)
    {
        ++stepIndex_;
        std::vector<Json> values;
        values.reserve(step.events.size());
        for (const SimulatedEvent &event : step.events)
            values.push_back(Json::parse(event.value, nullptr, false));
        checkComposition(step, values);
        for (std::size_t i = 0; i < values.size(); ++i)
            record(step.events[i], values[i], nowMs);
    }

    int admitted() const { return static_cast<int>(admittedBed_.size()); }
    const Counts &counts() const { return counts_; }
    int violationCount() const { return violationCount_; }
    const std::vector<std::string> &violations() const { return violations_; }

private:
    void fail(const std::string &what)
    {
        ++violationCount_;
        if (violations_.size() < 12)
            violations_.push_back("step " + std::to_string(stepIndex_) + ": " + what);
    }

    // An admission step is [Patient when new] Encounter(admission) MedicationRequest for one patient;
    // every other step carries a single event.
    void checkComposition(const SimulationStep &step, const std::vector<Json> &values)
    {
        const auto isAdmission = [](const Json &value) {
            return text(value, "event_type") == "admission";
        };
        const bool admission = std::any_of(values.begin(), values.end(), isAdmission);
        if (!admission) {
            if (step.events.size() != 1)
                fail("a step without admission carries " + std::to_string(step.events.size()) + " events");
            return;
        }
        const std::string patient = step.events.front().key;
        for (const SimulatedEvent &event : step.events) {
            if (event.key != patient)
                fail("admission step mixes patients");
        }
        const bool known = registered_.count(patient) != 0;
        std::vector<std::string> expected = {"Encounter", "MedicationRequest"};
        if (!known)
            expected.insert(expected.begin(), "Patient");
        std::vector<std::string> actual;
        for (const Json &value : values)
            actual.push_back(text(value, "resource_type"));
        if (actual != expected)
            fail("admission step for " + std::string(known ? "a known" : "a new") + " patient has the wrong events");
        else if (!isAdmission(values[expected.size() - 2]))
            fail("the Encounter of an admission step is not the admission");
        if (known)
            ++counts_.readmissions;
    }

    void record(const SimulatedEvent &event, const Json &value, std::int64_t nowMs)
    {
        if (!checkEnvelope(event, value, nowMs))
            return;
        const std::string type = text(value, "resource_type");
        const std::string eventType = text(value, "event_type");
        const Json &resource = member(value, "fhir_resource");
        ++counts_.byResourceType[type];
        if (!firstEvent_.count(event.key))
            firstEvent_[event.key] = eventType;
        if (firstEvent_[event.key] != "patient_registered")
            fail("first event of " + event.key + " is " + firstEvent_[event.key]);

        if (type == "Patient")
            recordPatient(event.key, resource);
        else if (type == "Encounter")
            recordEncounter(event.key, eventType, resource);
        else if (type == "Observation")
            recordObservation(event.key, resource);
        else if (type == "MedicationRequest")
            recordMedication(event.key, resource);
        else
            fail("unexpected resource type " + type);
    }

    bool checkEnvelope(const SimulatedEvent &event, const Json &value, std::int64_t nowMs)
    {
        static const std::set<std::string> keys = {"event_type", "resource_type", "resource_id",
                                                   "patient_id", "timestamp",     "fhir_resource"};
        static const std::set<std::string> eventTypes = {"patient_registered", "admission", "transfer",
                                                         "discharge",          "lab_result", "medication_order"};
        if (!value.is_object()) {
            fail("value is not a JSON object");
            return false;
        }
        std::set<std::string> present;
        for (const auto &item : value.items())
            present.insert(item.key());
        if (present != keys) {
            fail("envelope keys differ from the seed envelope");
            return false;
        }
        const Json &resource = member(value, "fhir_resource");
        const std::string type = text(value, "resource_type");
        if (!resource.is_object() || type.empty()) {
            fail("envelope without a resource");
            return false;
        }
        if (text(resource, "resourceType") != type)
            fail("resource_type differs from fhir_resource.resourceType");
        if (text(value, "resource_id") != text(resource, "id"))
            fail("resource_id differs from fhir_resource.id");
        if (!eventTypes.count(text(value, "event_type")))
            fail("unknown event_type " + text(value, "event_type"));
        if (event.topic != Topics::forResourceType(type))
            fail("topic " + event.topic + " for " + type);
        if (event.key != text(value, "patient_id") || event.key.empty())
            fail("key differs from patient_id");
        if (!isIsoInstant(text(value, "timestamp")))
            fail("timestamp is not ISO-8601 UTC with milliseconds: " + text(value, "timestamp"));
        if (event.timestampMs != nowMs)
            fail("event timestamp differs from the step time");
        return true;
    }

    void recordPatient(const std::string &key, const Json &patient)
    {
        if (text(patient, "id") != key)
            fail("Patient id differs from the key");
        if (!registered_.insert(key).second)
            fail("patient " + key + " registered twice");
        const Json &identifier = first(member(patient, "identifier"));
        const std::string mrn = text(identifier, "value");
        if (text(identifier, "system") != "http://hospital.example.org/mrn" || mrn.size() != 8
            || mrn.find_first_not_of("0123456789") != std::string::npos)
            fail("Patient without an 8-digit MRN");
        if (!mrns_.insert(mrn).second)
            fail("MRN reused");
        const Json &name = first(member(patient, "name"));
        if (text(name, "family").empty() || !first(member(name, "given")).is_string())
            fail("Patient without family and given name");
        const std::string gender = text(patient, "gender");
        if (gender != "female" && gender != "male")
            fail("Patient gender " + gender);
        if (text(patient, "birthDate").size() != 10)
            fail("Patient birthDate " + text(patient, "birthDate"));
    }

    // The bed an Encounter names, as "ward/bed"; empty when ward, room or bed is missing.
    std::string bedOf(const Json &encounter)
    {
        std::map<std::string, std::string> places;
        const Json &locations = member(encounter, "location");
        if (!locations.is_array())
            return {};
        for (const Json &entry : locations) {
            const Json &type = first(member(member(entry, "physicalType"), "coding"));
            if (text(type, "system") != "http://terminology.hl7.org/CodeSystem/location-physical-type")
                continue;
            places[text(type, "code")] = text(member(entry, "location"), "display");
        }
        if (places["wa"].empty() || places["ro"].empty() || places["bd"].empty())
            return {};
        if (places["bd"].rfind(places["ro"], 0) != 0)
            fail("bed " + places["bd"] + " is not in room " + places["ro"]);
        return places["wa"] + '/' + places["bd"];
    }

    void recordEncounter(const std::string &key, const std::string &eventType, const Json &encounter)
    {
        const std::string id = text(encounter, "id");
        const std::string status = text(encounter, "status");
        const std::string bed = bedOf(encounter);
        if (bed.empty())
            fail("Encounter without ward, room and bed");
        if (text(member(encounter, "subject"), "reference") != "Patient/" + key)
            fail("Encounter subject differs from the key");
        if (text(member(encounter, "class"), "code") != "IMP")
            fail("Encounter class is not IMP");
        if (!isIsoInstant(text(member(encounter, "period"), "start")))
            fail("Encounter without period.start");

        if (eventType == "admission") {
            ++counts_.admissions;
            if (status != "in-progress")
                fail("admission with status " + status);
            if (!registered_.count(key))
                fail("admission before registration of " + key);
            if (admittedBed_.count(key))
                fail(key + " admitted twice");
            if (!encounters_.insert(id).second)
                fail("encounter id " + id + " reused");
            occupy(key, bed);
            encounterOf_[key] = id;
        } else if (eventType == "transfer") {
            ++counts_.transfers;
            if (status != "in-progress")
                fail("transfer with status " + status);
            if (!admittedBed_.count(key) || encounterOf_[key] != id) {
                fail("transfer of " + key + " who is not admitted under " + id);
                return;
            }
            const std::string from = admittedBed_[key];
            if (from == bed)
                fail("transfer into the same bed");
            release(key);
            occupy(key, bed);
        } else if (eventType == "discharge") {
            ++counts_.discharges;
            if (status != "finished")
                fail("discharge with status " + status);
            if (!isIsoInstant(text(member(encounter, "period"), "end")))
                fail("discharge without period.end");
            if (!admittedBed_.count(key) || encounterOf_[key] != id) {
                fail("discharge of " + key + " who is not admitted under " + id);
                return;
            }
            if (admittedBed_[key] != bed)
                fail("discharge names another bed than the patient's");
            release(key);
            encounterOf_.erase(key);
        } else {
            fail("Encounter with event_type " + eventType);
        }
    }

    void occupy(const std::string &key, const std::string &bed)
    {
        if (!bedOccupant_.emplace(bed, key).second)
            fail("bed " + bed + " already holds " + bedOccupant_[bed] + " when " + key + " arrives");
        admittedBed_[key] = bed;
    }

    void release(const std::string &key)
    {
        bedOccupant_.erase(admittedBed_[key]);
        admittedBed_.erase(key);
    }

    void requireAdmitted(const std::string &key, const Json &resource, const char *what)
    {
        if (!admittedBed_.count(key))
            fail(std::string(what) + " for " + key + " who is not admitted");
        else if (text(member(resource, "encounter"), "reference") != "Encounter/" + encounterOf_[key])
            fail(std::string(what) + " does not reference the current encounter");
        if (text(member(resource, "subject"), "reference") != "Patient/" + key)
            fail(std::string(what) + " subject differs from Patient/" + key);
    }

    void recordObservation(const std::string &key, const Json &observation)
    {
        requireAdmitted(key, observation, "Observation");
        const std::string id = text(observation, "id");
        const std::string status = text(observation, "status");
        const Json &coding = first(member(member(observation, "code"), "coding"));
        const Json &quantity = member(observation, "valueQuantity");
        if (text(coding, "system") != "http://loinc.org" || !member(quantity, "value").is_number()
            || text(quantity, "system") != "http://unitsofmeasure.org") {
            fail("Observation without LOINC code or UCUM quantity");
            return;
        }
        if (text(first(member(first(member(observation, "category")), "coding")), "code") != "laboratory")
            fail("Observation category is not laboratory");
        if (text(observation, "effectiveDateTime") > text(observation, "issued"))
            fail("Observation issued before it was collected");

        const std::string loinc = text(coding, "code");
        const std::string unit = text(quantity, "code");
        const double value = member(quantity, "value").get<double>();
        checkLifecycle(id, status, loinc);

        const CriticalLimit *limit = limitFor(loinc, unit);
        if (!limit) {
            fail("no critical limit known for " + loinc + " in " + unit);
            return;
        }
        const std::string flag = text(first(member(first(member(observation, "interpretation")), "coding")), "code");
        static const std::set<std::string> flagCodes = {"N", "H", "L", "HH", "LL"};
        if (!flagCodes.count(flag))
            fail("interpretation " + flag);
        if (beyond(*limit, value) != (flag == "HH" || flag == "LL"))
            fail("interpretation " + flag + " disagrees with " + loinc + " = " + std::to_string(value) + " " + unit);
        if (status == "preliminary")
            countResult(loinc, unit, value, beyond(*limit, value));
    }

    void checkLifecycle(const std::string &id, const std::string &status, const std::string &loinc)
    {
        auto found = lifecycle_.find(id);
        if (status == "preliminary") {
            if (found != lifecycle_.end())
                fail("preliminary again for " + id);
            lifecycle_[id] = {status, loinc};
            return;
        }
        if (found == lifecycle_.end()) {
            fail(status + " before preliminary for " + id);
            return;
        }
        const std::string before = found->second.first;
        const bool ok = (status == "final" && before == "preliminary")
            || ((status == "amended" || status == "entered-in-error") && before == "final");
        if (!ok)
            fail(id + " goes from " + before + " to " + status);
        if (found->second.second != loinc)
            fail(id + " changes its code");
        counts_.amended += status == "amended";
        counts_.enteredInError += status == "entered-in-error";
        found->second.first = status;
    }

    void countResult(const std::string &loinc, const std::string &unit, double value, bool critical)
    {
        ++counts_.results;
        counts_.criticalResults += critical;
        if (loinc == "2823-3" || loinc == "6298-4") {
            counts_.potassiumCodes.insert(loinc);
            counts_.potassiumHigh += value > 6.2;
            counts_.potassiumLow += value < 2.8;
        }
        if (loinc == "2345-7" || loinc == "2339-0" || loinc == "14749-6" || loinc == "15074-8")
            counts_.glucoseUnits.insert(unit);
    }

    void recordMedication(const std::string &key, const Json &request)
    {
        requireAdmitted(key, request, "MedicationRequest");
        if (text(request, "status") != "active" || text(request, "intent") != "order")
            fail("MedicationRequest is not an active order");
        const Json &coding = first(member(member(request, "medicationCodeableConcept"), "coding"));
        if (text(coding, "system") != "http://www.nlm.nih.gov/research/umls/rxnorm" || text(coding, "code").empty())
            fail("MedicationRequest without an RxNorm code");
        if (text(first(member(request, "dosageInstruction")), "text").empty())
            fail("MedicationRequest without dosage text");
        if (!isIsoInstant(text(request, "authoredOn")))
            fail("MedicationRequest without authoredOn");
    }

    int stepIndex_ = 0;
    int violationCount_ = 0;
    std::vector<std::string> violations_;
    Counts counts_;
    std::set<std::string> registered_;
    std::set<std::string> mrns_;
    std::set<std::string> encounters_;
    std::map<std::string, std::string> firstEvent_;
    std::map<std::string, std::string> admittedBed_; // patient -> ward/bed
    std::map<std::string, std::string> bedOccupant_; // ward/bed -> patient
    std::map<std::string, std::string> encounterOf_;
    std::map<std::string, std::pair<std::string, std::string>> lifecycle_; // id -> (status, loinc)
};

struct LongRun {
    int steps = 0;
    int events = 0;
    int minOccupied = 1 << 30; // after the opening census is announced, from the events
    int maxOccupied = 0;
    int simulatorMin = 1 << 30; // occupiedBeds() at every step
    int simulatorMax = 0;
    int ledgerMismatches = 0; // steps where occupiedBeds() and the events disagree
    HospitalLedger::Counts counts;
    int violationCount = 0;
    std::vector<std::string> violations;
};

LongRun runLedger(std::uint64_t seed, int beds, int steps, int warmUpSteps)
{
    HospitalSimulator simulator(seed, beds);
    HospitalLedger ledger;
    LongRun run;
    run.steps = steps;
    for (int i = 0; i < steps; ++i) {
        const std::int64_t nowMs = kStartMs + i * kStepMs;
        const SimulationStep step = simulator.next(nowMs);
        run.events += static_cast<int>(step.events.size());
        ledger.step(step, nowMs);
        run.simulatorMin = std::min(run.simulatorMin, simulator.occupiedBeds());
        run.simulatorMax = std::max(run.simulatorMax, simulator.occupiedBeds());
        if (i >= warmUpSteps) {
            run.minOccupied = std::min(run.minOccupied, ledger.admitted());
            run.maxOccupied = std::max(run.maxOccupied, ledger.admitted());
            run.ledgerMismatches += ledger.admitted() != simulator.occupiedBeds();
        }
    }
    run.counts = ledger.counts();
    run.violationCount = ledger.violationCount();
    run.violations = ledger.violations();
    return run;
}

QByteArray describe(const LongRun &run)
{
    std::string text = std::to_string(run.violationCount) + " violations";
    for (const std::string &violation : run.violations)
        text += "\n  " + violation;
    return QByteArray::fromStdString(text);
}

} // namespace

class TestHospitalSimulator final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sameSeedGivesIdenticalSteps();
    void sameSeedGivesTheRecordedStream();
    void differentSeedsDiffer();
    void copyContinuesIdentically();
    void hasTwelveUnitsTotallingTheBeds();
    void firstStepsAdmitBeforeLabs();
    void eventsKeepTheDataContract();
    void occupancyStaysStable();
    void eventMixCoversEveryResource();
    void labsCoverCodeAndUnitVariants();
    void criticalValuesAreRareButPresent();
    void observationLifecycleIsOrdered();
    void smallHospitalsStayConsistent_data();
    void smallHospitalsStayConsistent();

private:
    LongRun m_run;
};

void TestHospitalSimulator::initTestCase()
{
    // One 50,000-step run of the 500-bed hospital, replayed by the ledger; the checks below read its findings.
    m_run = runLedger(20240611, 500, 50000, 3000);
}

void TestHospitalSimulator::sameSeedGivesIdenticalSteps()
{
    HospitalSimulator first(42);
    HospitalSimulator second(42);
    const std::vector<SimulationStep> a = runSteps(first, 5000);
    const std::vector<SimulationStep> b = runSteps(second, 5000);
    for (std::size_t i = 0; i < a.size(); ++i) {
        QCOMPARE(a[i].events.size(), b[i].events.size());
        for (std::size_t e = 0; e < a[i].events.size(); ++e) {
            QVERIFY(a[i].events[e].topic == b[i].events[e].topic);
            QVERIFY(a[i].events[e].key == b[i].events[e].key);
            QVERIFY2(a[i].events[e].value == b[i].events[e].value, a[i].events[e].value.c_str());
            QCOMPARE(a[i].events[e].timestampMs, b[i].events[e].timestampMs);
        }
    }
    QCOMPARE(first.occupiedBeds(), second.occupiedBeds());
}

void TestHospitalSimulator::sameSeedGivesTheRecordedStream()
{
    // Two simulators agreeing says nothing about a change to both: the stream of seed 42 is pinned here, so a
    // reordered draw, another rounding or another date format fails. Update the number only on purpose.
    constexpr std::uint64_t kRecorded = 0x2893abe3219c8187ULL;
    QCOMPARE(static_cast<quint64>(streamFingerprint(42, 2000)), static_cast<quint64>(kRecorded));
}

void TestHospitalSimulator::differentSeedsDiffer()
{
    HospitalSimulator first(42);
    HospitalSimulator second(43);
    const std::vector<SimulationStep> a = runSteps(first, 200);
    const std::vector<SimulationStep> b = runSteps(second, 200);
    int differing = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        differing += a[i].events.front().value != b[i].events.front().value;
    QVERIFY2(differing > 150, std::to_string(differing).c_str());
}

void TestHospitalSimulator::copyContinuesIdentically()
{
    // A copy forks the hospital: both continue with the same events (the JSON skeletons are rebuilt, not shared).
    HospitalSimulator original(5);
    runSteps(original, 1500);
    HospitalSimulator copy = original;
    for (int i = 0; i < 500; ++i) {
        const std::int64_t nowMs = kStartMs + (1500 + i) * kStepMs;
        const SimulationStep a = original.next(nowMs);
        const SimulationStep b = copy.next(nowMs);
        QCOMPARE(a.events.size(), b.events.size());
        for (std::size_t e = 0; e < a.events.size(); ++e)
            QVERIFY(a.events[e].value == b.events[e].value);
    }
}

void TestHospitalSimulator::hasTwelveUnitsTotallingTheBeds()
{
    HospitalSimulator simulator(1);
    QCOMPARE(simulator.beds(), 500);
    QCOMPARE(simulator.unitNames().size(), std::size_t(12));
    QVERIFY(simulator.occupiedBeds() >= 400 && simulator.occupiedBeds() <= 450);
}

void TestHospitalSimulator::firstStepsAdmitBeforeLabs()
{
    // A consumer reading from the beginning sees the opening census admitted, and labs start within a few steps.
    HospitalSimulator simulator(7);
    const std::vector<SimulationStep> steps = runSteps(simulator, 40);
    const Json opening = Json::parse(steps.front().events.front().value);
    QCOMPARE(opening["event_type"].get<std::string>(), std::string("patient_registered"));
    int labs = 0;
    for (const SimulationStep &step : steps) {
        for (const SimulatedEvent &event : step.events)
            labs += Json::parse(event.value)["resource_type"] == "Observation";
    }
    QVERIFY2(labs > 0, "no lab result in the first 40 steps");
}

void TestHospitalSimulator::eventsKeepTheDataContract()
{
    QVERIFY2(m_run.violationCount == 0, describe(m_run).constData());
    QVERIFY(m_run.counts.admissions > 400);
    QVERIFY(m_run.counts.readmissions > 0);
    QVERIFY(m_run.counts.transfers > 0);
    QVERIFY(m_run.counts.discharges > 0);
}

void TestHospitalSimulator::occupancyStaysStable()
{
    const QByteArray range = QByteArray::number(m_run.minOccupied) + ".." + QByteArray::number(m_run.maxOccupied);
    QVERIFY2(m_run.minOccupied >= 300 && m_run.maxOccupied <= 500, range.constData());
    QVERIFY(m_run.simulatorMin >= 300 && m_run.simulatorMax <= 500);
    QCOMPARE(m_run.ledgerMismatches, 0);
}

void TestHospitalSimulator::eventMixCoversEveryResource()
{
    const auto &mix = m_run.counts.byResourceType;
    for (const char *type : {"Patient", "Encounter", "Observation", "MedicationRequest"})
        QVERIFY2(mix.count(type) && mix.at(type) > 0, type);
    const double observations = static_cast<double>(mix.at("Observation")) / m_run.events;
    const double orders = static_cast<double>(mix.at("MedicationRequest")) / m_run.events;
    QVERIFY2(observations > 0.6 && observations < 0.8, QByteArray::number(observations).constData());
    QVERIFY2(orders > 0.05 && orders < 0.2, QByteArray::number(orders).constData());
}

void TestHospitalSimulator::labsCoverCodeAndUnitVariants()
{
    // Rules keyed on the serum code alone miss the blood-matrix codes; glucose arrives in both unit families.
    QVERIFY(m_run.counts.potassiumCodes.count("2823-3"));
    QVERIFY(m_run.counts.potassiumCodes.count("6298-4"));
    QVERIFY(m_run.counts.glucoseUnits.count("mg/dL"));
    QVERIFY(m_run.counts.glucoseUnits.count("mmol/L"));
}

void TestHospitalSimulator::criticalValuesAreRareButPresent()
{
    const auto &counts = m_run.counts;
    QVERIFY(counts.results > 10000);
    QVERIFY(counts.potassiumHigh > 0);
    QVERIFY(counts.potassiumLow > 0);
    const double share = static_cast<double>(counts.criticalResults) / counts.results;
    QVERIFY2(share > 0.005 && share < 0.05, QByteArray::number(share).constData());
}

void TestHospitalSimulator::observationLifecycleIsOrdered()
{
    // The ledger fails any status out of order; here: the rare branches of the lifecycle do occur.
    QVERIFY(m_run.counts.amended > 0);
    QVERIFY(m_run.counts.enteredInError > 0);
    QVERIFY(m_run.counts.amended < m_run.counts.results / 10);
}

void TestHospitalSimulator::smallHospitalsStayConsistent_data()
{
    QTest::addColumn<int>("beds");
    QTest::newRow("one bed") << 1;
    QTest::newRow("three beds") << 3;
    QTest::newRow("forty beds") << 40;
}

void TestHospitalSimulator::smallHospitalsStayConsistent()
{
    QFETCH(int, beds);
    const LongRun run = runLedger(99, beds, 3000, 500);
    QVERIFY2(run.violationCount == 0, describe(run).constData());
    QVERIFY(run.simulatorMax <= beds);
    QVERIFY(run.maxOccupied <= beds);
    QCOMPARE(run.ledgerMismatches, 0);
    QVERIFY(run.counts.byResourceType.count("Observation"));
}

QTEST_APPLESS_MAIN(TestHospitalSimulator)
#include "tst_hospitalsimulator.moc"
