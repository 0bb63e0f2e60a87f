#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

// One record ready for Kafka: destination topic, key = patient id, value = the seed envelope (JSON text).
struct SimulatedEvent {
    std::string topic;
    std::string key;
    std::string value;
    std::int64_t timestampMs = 0;
};

// What the simulator emits at one step: usually one event; an admission is several events
// (Patient when new, Encounter with status in-progress, first MedicationRequest) that must be
// published together in one Kafka transaction, in this order.
struct SimulationStep {
    std::vector<SimulatedEvent> events;
};

// A synthetic inpatient hospital producing FHIR R4 seed envelopes: admissions, transfers and discharges,
// lab results with a preliminary -> final (-> amended | entered-in-error) lifecycle, and medication orders.
// Pure domain code: no clock, no global state; all randomness comes from the seed, all time from nowMs.
class HospitalSimulator {
public:
    explicit HospitalSimulator(std::uint64_t seed, int beds = 500);

    // Next step of the simulated hospital at wall-clock time nowMs (ms since epoch).
    // Deterministic: the same seed and the same sequence of nowMs give byte-identical output.
    SimulationStep next(std::int64_t nowMs);

    // Beds holding a patient, counting the opening census whose admissions are still to be announced.
    int occupiedBeds() const;
    int beds() const;

    // The inpatient units of this hospital, in a stable order (the ward displays of Encounter.location).
    std::vector<std::string> unitNames() const;

private:
    // xoshiro256** seeded through splitmix64: the same stream on every compiler and standard library.
    class Random {
    public:
        explicit Random(std::uint64_t seed);
        std::uint64_t bits();
        double uniform(); // [0, 1)
        double uniform(double low, double high);
        std::uint32_t below(std::uint32_t bound); // [0, bound)
        bool chance(double probability);
        double normal(); // mean 0, sd 1

    private:
        std::uint64_t state_[4];
    };

    enum class AgeBand : std::uint8_t { Adult, Child, Maternal };

    struct Unit {
        std::string name;
        AgeBand band = AgeBand::Adult;
    };

    struct Bed {
        int unit = 0;
        int room = 0;
        char letter = 'A';
        int stay = -1; // index into stays_, or kFree / kCensusReserved
    };

    struct Person {
        std::uint64_t number = 0;
        std::uint32_t mrn = 0;
        std::int32_t birthDay = 0; // days since 1970-01-01
        std::uint16_t family = 0;
        std::uint16_t given = 0;
        bool female = false;
        AgeBand band = AgeBand::Adult;
    };

    struct Stay {
        Person person;
        std::uint64_t encounter = 0;
        std::int64_t admittedMs = 0;
        int bed = -1;
        int listPosition = -1; // position in admitted_
        int pendingResults = 0; // lifecycle updates still queued for this stay
        int kidneyInjurySteps = 0; // creatinine results still to come in a rising series
        double creatinineMgDl = 0.0;
    };

    // A result whose next status update (final, amended, entered-in-error) is still to be published.
    struct PendingResult {
        std::uint64_t dueStep = 0;
        std::uint64_t sequence = 0; // tie-breaker: a total order keeps the heap identical everywhere
        std::uint64_t observation = 0;
        int stay = -1;
        std::uint8_t analyte = 0;
        std::uint8_t variant = 0;
        std::uint8_t nextStatus = 0;
        double value = 0.0; // in the variant's unit, already rounded
        std::int64_t effectiveMs = 0;
    };

    static constexpr int kFree = -1;
    static constexpr int kCensusReserved = -2;

    void buildUnits(int beds);
    void reserveOpeningCensus();

    SimulationStep announceCensusAdmission(std::int64_t nowMs);
    SimulationStep admit(std::int64_t nowMs);
    SimulationStep admitInto(int bed, std::int64_t nowMs, std::int64_t admittedMs, bool allowReadmission);
    SimulationStep transfer(std::int64_t nowMs);
    SimulationStep discharge(std::int64_t nowMs);
    SimulationStep order(std::int64_t nowMs);
    SimulationStep labEvent(std::int64_t nowMs);
    SimulationStep newResult(std::int64_t nowMs);
    SimulationStep publishUpdate(PendingResult pending, std::int64_t nowMs);
    double drawValue(std::uint8_t analyte, std::uint8_t variant);

    Person newPerson(AgeBand band, std::int64_t nowMs);
    bool takeReadmission(AgeBand band, Person &person);
    int randomFreeBed(int excludedUnit, bool adultOnly);
    int randomAdmittedStay();
    int allocateStay();
    void releaseStay(int stay);
    void schedule(PendingResult pending);
    PendingResult takeEarliestPending(int stay);
    PendingResult popPending();
    double occupancy() const;

    SimulatedEvent patientEvent(const Person &person, std::int64_t nowMs);
    SimulatedEvent encounterEvent(const Stay &stay, const char *eventType, bool finished, std::int64_t nowMs);
    SimulatedEvent medicationEvent(const Stay &stay, std::int64_t nowMs);
    SimulatedEvent observationEvent(const PendingResult &result, const char *status, std::int64_t nowMs);

    // Prebuilt envelope skeletons, one per kind of event: an event fills in the leaves and dumps, instead of
    // allocating a fresh JSON tree each time. Only a cache, so a copied simulator starts with its own, empty.
    struct Documents;
    class DocumentCache {
    public:
        DocumentCache();
        DocumentCache(const DocumentCache &);
        DocumentCache(DocumentCache &&) noexcept;
        DocumentCache &operator=(const DocumentCache &);
        DocumentCache &operator=(DocumentCache &&) noexcept;
        ~DocumentCache();
        Documents &get();

    private:
        std::unique_ptr<Documents> documents_;
    };

    Random random_;
    DocumentCache documents_;
    int beds_ = 0;
    std::vector<Unit> units_;
    std::vector<Bed> bedList_;
    std::vector<Stay> stays_;
    std::vector<int> freeStays_;
    std::vector<int> admitted_; // stays whose admission has been published
    std::vector<int> censusBeds_; // opening census still to be announced, in announcement order
    std::vector<Person> discharged_; // ring of recent discharges, candidates for readmission
    std::size_t dischargedNext_ = 0;
    std::vector<PendingResult> pending_; // min-heap on (dueStep, sequence)
    int occupied_ = 0;
    std::uint64_t step_ = 0;
    std::uint64_t sequence_ = 0;
    std::uint64_t nextPatient_ = 1;
    std::uint64_t nextEncounter_ = 1;
    std::uint64_t nextObservation_ = 1;
    std::uint64_t nextMedication_ = 1;
    std::uint32_t mrnOffset_ = 0;
};
