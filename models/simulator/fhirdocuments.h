#pragma once

#include "simulator/analytecatalog.h"
#include "simulator/simulatedevent.h"

#include <cstdint>
#include <memory>
#include <string_view>

// What each kind of document says. Resource ids are made from the numbers (pat-000042, enc-0000042, ...).
struct PatientDetails {
    std::uint64_t patient = 0;
    std::uint32_t mrn = 0;
    std::string_view family;
    std::string_view given;
    bool female = false;
    std::int32_t birthDay = 0; // days since 1970-01-01
};

enum class EncounterEvent : std::uint8_t { Admission, Transfer, Discharge };

struct EncounterDetails {
    std::uint64_t encounter = 0;
    std::uint64_t patient = 0;
    std::int64_t admittedMs = 0;
    std::string_view ward;
    int room = 0;
    char bed = 'A'; // the bed's letter within the room
};

struct MedicationDetails {
    std::uint64_t order = 0;
    std::uint64_t patient = 0;
    std::uint64_t encounter = 0;
    std::string_view rxNorm;
    std::string_view drug;
    std::string_view dosage;
};

enum class ObservationStatus : std::uint8_t { Preliminary, Final, Amended, EnteredInError };

struct ObservationDetails {
    std::uint64_t observation = 0;
    std::uint64_t patient = 0;
    std::uint64_t encounter = 0;
    ObservationStatus status = ObservationStatus::Preliminary;
    std::string_view analyte; // Observation.code.text
    std::string_view loinc;
    std::string_view loincDisplay;
    std::string_view unit; // UCUM code
    double value = 0.0;
    Interpretation interpretation = Interpretation::Normal;
    std::int64_t effectiveMs = 0;
};

// The simulated hospital's FHIR R4 resources in seed envelopes, one event at a time. Each kind of event has
// a prebuilt skeleton whose leaves are filled in and dumped, instead of a fresh JSON tree per event. The
// skeletons are only a cache and point into themselves, so a copy starts with its own, empty.
class FhirDocuments {
public:
    FhirDocuments();
    FhirDocuments(const FhirDocuments &);
    FhirDocuments(FhirDocuments &&) noexcept;
    FhirDocuments &operator=(const FhirDocuments &);
    FhirDocuments &operator=(FhirDocuments &&) noexcept;
    ~FhirDocuments();

    SimulatedEvent patient(const PatientDetails &details, std::int64_t nowMs);
    SimulatedEvent encounter(EncounterEvent event, const EncounterDetails &details, std::int64_t nowMs);
    SimulatedEvent medication(const MedicationDetails &details, std::int64_t nowMs);
    SimulatedEvent observation(const ObservationDetails &details, std::int64_t nowMs);

private:
    struct Skeletons;
    Skeletons &skeletons();

    std::unique_ptr<Skeletons> skeletons_;
};
