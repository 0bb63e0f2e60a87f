#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct FhirEnvelope;

// Value types a wall display is built from. They travel from the consumer's thread to the GUI thread
// through queued signals, and from a console to a remote display over the WebSocket feed.

// One ADT event, read from healthcare.adt.events: a Patient (identity) or an Encounter (where the
// patient is and whether the stay is over). Parsed on the consumer's thread.
struct AdtEvent {
    enum class Kind : std::uint8_t { Patient, Encounter };
    Kind kind = Kind::Encounter;
    std::string patientId;
    std::int64_t timestampMs = 0; // the envelope's timestamp, else the record's: orders out-of-order events

    // Patient
    std::string initials; // "J.S."; empty when the resource has no usable name
    std::string mrn;      // the medical record number (identifier type MR, else the first identifier)

    // Encounter
    std::string encounterId;
    bool finished = false; // status finished, cancelled or entered-in-error
    std::string ward;      // Encounter.location with physicalType wa, ro, bd
    std::string room;
    std::string bed;
};

// The ADT event in a Patient or Encounter envelope; nullopt for other resources and for events that
// name no patient (Patient) or no encounter (Encounter). `recordTimestampMs` orders the event when the
// envelope carries no readable timestamp (a bare resource).
std::optional<AdtEvent> adtEventFromEnvelope(const FhirEnvelope &envelope, std::int64_t recordTimestampMs);

// A patient on a unit's census, as the board shows them.
struct CensusEntry {
    std::string patientId;
    std::string encounterId;
    std::string initials;
    std::string mrn;
    std::string ward;
    std::string room;
    std::string bed;
    std::int64_t sinceMs = 0; // when the latest event placed the patient here

    bool operator==(const CensusEntry &) const = default;
};

// Ward, room and bed names in the order people read them: digit runs compare as numbers, so room
// "9" comes before room "10" and "4 West" before "12 North".
bool naturalLess(std::string_view a, std::string_view b);

// How a board names a patient: two identifiers and no more (CLINICAL.md, "wall display").
struct PatientLabelPolicy {
    bool initials = true;
    int mrnDigits = 4; // the tail of the MRN shown; 0 shows none
};

// The first two of initials, MRN tail and masked patient id that the policy allows and the census
// knows: "J.S. ·4821", "J.S. id …123", "·4821 id …123"; with no identity at all "id …123".
std::string patientLabel(const CensusEntry &entry, const PatientLabelPolicy &policy = {});

// Whether the display can trust that it hears everything. `up` false means the banner shows.
struct FeedHealth {
    bool up = false;
    std::int64_t lastHeardMs = 0;               // last record or heartbeat; 0 when never
    std::optional<std::int64_t> downSinceMs;    // set when !up
    std::string reason;                          // "no data for 30 s", "all brokers down", ...

    bool operator==(const FeedHealth &) const = default;
};

// What a person asks of an alert on a display: published as a new state of the alert by whoever holds
// Kafka credentials (the display itself, or the console serving a remote display).
struct AlertAction {
    enum class Kind : std::uint8_t { Acknowledge, Resolve };
    Kind kind = Kind::Acknowledge;
    std::string alertId;
    std::string by;        // name or badge id
    bool readBack = false; // acknowledge: the value was read back
};
