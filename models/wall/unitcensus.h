#pragma once

#include "wall/wallfeed.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

// Who is where, from the ADT events of healthcare.adt.events, which arrive out of order across its
// partitions: a patient's placement is their most recent active encounter, and a unit's census counts
// its active encounters. Memory stays bounded however long the display runs.
class UnitCensus {
public:
    static constexpr std::size_t kDefaultIdentityCap = 50'000;
    static constexpr std::size_t kDefaultFinishedCap = 20'000;

    // identityCap: identities kept for patients not on any census; finishedCap: finished encounters
    // remembered so that a late event cannot re-admit them.
    explicit UnitCensus(std::size_t identityCap = kDefaultIdentityCap,
                        std::size_t finishedCap = kDefaultFinishedCap);

    void apply(const AdtEvent &event);
    void apply(const std::vector<AdtEvent> &events);
    // A remote display receives the census whole (from all()); it replaces everything known.
    void replace(const std::vector<CensusEntry> &entries);

    std::optional<CensusEntry> placementOf(const std::string &patientId) const;
    // The patient's id and, when known, identity; ward, room and bed stay empty.
    CensusEntry identityOf(const std::string &patientId) const;
    // In room and bed order ("9" before "10").
    std::vector<CensusEntry> patientsOn(const std::string &ward) const;
    // Active encounters per ward; encounters that name no ward are not on any unit's census.
    std::map<std::string, int> admittedPerUnit() const;
    // Every active encounter, by ward, room and bed.
    std::vector<CensusEntry> all() const;
    std::size_t activeEncounters() const { return m_stays.size(); }
    std::size_t knownIdentities() const { return m_identities.size(); }

private:
    struct Stay {
        CensusEntry place; // identity fields stay empty: they are joined in when asked
        std::int64_t lastEventMs = 0;
    };
    struct Identity {
        std::string initials;
        std::string mrn;
        std::int64_t updatedMs = 0;
        std::list<std::string>::iterator age; // position in m_identityAge
    };

    void applyPatient(const AdtEvent &event);
    void applyEncounter(const AdtEvent &event);
    void finish(const std::string &encounterId);
    void rememberFinished(const std::string &encounterId);
    void attach(const std::string &patientId, const std::string &encounterId);
    void detach(const std::string &patientId, const std::string &encounterId);
    void setIdentity(const std::string &patientId, std::string initials, std::string mrn, std::int64_t atMs);
    void forgetIdentitiesBeyondCap();
    CensusEntry withIdentity(const CensusEntry &place) const;

    std::size_t m_identityCap;
    std::size_t m_finishedCap;
    std::unordered_map<std::string, Stay> m_stays; // active encounters by id
    std::unordered_map<std::string, std::vector<std::string>> m_staysOfPatient;
    std::unordered_map<std::string, Identity> m_identities;
    std::list<std::string> m_identityAge; // least recently updated first
    std::unordered_set<std::string> m_finished;
    std::deque<std::string> m_finishedOrder; // oldest first
};
