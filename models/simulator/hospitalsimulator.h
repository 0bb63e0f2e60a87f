#pragma once

#include "simulator/fhirdocuments.h"
#include "simulator/randomstream.h"
#include "simulator/simulatedevent.h"
#include "simulator/wardplan.h"

#include <cstdint>
#include <string>
#include <vector>

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
    struct Bed {
        BedPlace place;
        int stay = -1; // index into stays_, or kFree / kCensusReserved
    };

    struct Person {
        std::uint64_t number = 0;
        std::uint32_t mrn = 0;
        std::int32_t birthDay = 0; // days since 1970-01-01
        std::uint16_t family = 0; // indices into PersonNames
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
        ObservationStatus nextStatus = ObservationStatus::Final;
        double value = 0.0; // in the variant's unit, already rounded
        std::int64_t effectiveMs = 0;
    };

    static constexpr int kFree = -1;
    static constexpr int kCensusReserved = -2;

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
    SimulatedEvent encounterEvent(const Stay &stay, EncounterEvent event, std::int64_t nowMs);
    SimulatedEvent medicationEvent(const Stay &stay, std::int64_t nowMs);
    SimulatedEvent observationEvent(const PendingResult &result, ObservationStatus status, std::int64_t nowMs);

    RandomStream random_;
    FhirDocuments documents_;
    int beds_ = 0;
    std::vector<InpatientUnit> units_;
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
