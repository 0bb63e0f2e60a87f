#pragma once

#include <cstdint>
#include <optional>
#include <string>

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
