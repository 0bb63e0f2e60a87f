#include "wall/unitcensus.h"

#include <algorithm>
#include <tuple>

namespace {

bool placeLess(const CensusEntry &a, const CensusEntry &b)
{
    if (a.ward != b.ward)
        return naturalLess(a.ward, b.ward);
    if (a.room != b.room)
        return naturalLess(a.room, b.room);
    if (a.bed != b.bed)
        return naturalLess(a.bed, b.bed);
    return std::tie(a.patientId, a.encounterId) < std::tie(b.patientId, b.encounterId);
}

} // namespace

UnitCensus::UnitCensus(std::size_t identityCap, std::size_t finishedCap)
    : m_identityCap(identityCap), m_finishedCap(std::max<std::size_t>(1, finishedCap))
{
}

void UnitCensus::apply(const AdtEvent &event)
{
    if (event.kind == AdtEvent::Kind::Patient)
        applyPatient(event);
    else
        applyEncounter(event);
}

void UnitCensus::apply(const std::vector<AdtEvent> &events)
{
    for (const AdtEvent &event : events)
        apply(event);
}

void UnitCensus::replace(const std::vector<CensusEntry> &entries)
{
    m_stays.clear();
    m_staysOfPatient.clear();
    m_identities.clear();
    m_identityAge.clear();
    m_finished.clear();
    m_finishedOrder.clear();
    for (const CensusEntry &entry : entries) {
        Stay stay{entry, entry.sinceMs};
        stay.place.initials.clear();
        stay.place.mrn.clear();
        if (!m_stays.emplace(entry.encounterId, std::move(stay)).second)
            continue;
        attach(entry.patientId, entry.encounterId);
        if (!entry.initials.empty() || !entry.mrn.empty())
            setIdentity(entry.patientId, entry.initials, entry.mrn, entry.sinceMs);
    }
}

void UnitCensus::applyPatient(const AdtEvent &event)
{
    setIdentity(event.patientId, event.initials, event.mrn, event.timestampMs);
    forgetIdentitiesBeyondCap();
}

void UnitCensus::applyEncounter(const AdtEvent &event)
{
    if (m_finished.contains(event.encounterId))
        return; // a late admission or transfer must not re-admit a discharged patient
    if (event.finished) {
        // Final whatever its timestamp: a discharge stamped before the last transfer (clock skew between
        // senders) would otherwise leave the patient on the census for good.
        finish(event.encounterId);
        return;
    }
    auto it = m_stays.find(event.encounterId);
    if (it != m_stays.end() && event.timestampMs < it->second.lastEventMs)
        return; // an older transfer arriving after a newer one
    if (it == m_stays.end()) {
        Stay stay;
        stay.place.encounterId = event.encounterId;
        stay.place.patientId = event.patientId;
        stay.place.sinceMs = event.timestampMs;
        it = m_stays.emplace(event.encounterId, std::move(stay)).first;
        attach(event.patientId, event.encounterId);
    }
    CensusEntry &place = it->second.place;
    if (!event.patientId.empty() && event.patientId != place.patientId) {
        detach(place.patientId, event.encounterId);
        place.patientId = event.patientId;
        attach(place.patientId, event.encounterId);
    }
    // An update that names no ward (a status change) leaves the patient where they were.
    if (!event.ward.empty() && std::tie(event.ward, event.room, event.bed) != std::tie(place.ward, place.room, place.bed)) {
        place.ward = event.ward;
        place.room = event.room;
        place.bed = event.bed;
        place.sinceMs = event.timestampMs;
    }
    it->second.lastEventMs = event.timestampMs;
}

void UnitCensus::finish(const std::string &encounterId)
{
    if (const auto it = m_stays.find(encounterId); it != m_stays.end()) {
        detach(it->second.place.patientId, encounterId);
        m_stays.erase(it);
    }
    rememberFinished(encounterId);
    forgetIdentitiesBeyondCap();
}

void UnitCensus::rememberFinished(const std::string &encounterId)
{
    if (!m_finished.insert(encounterId).second)
        return;
    m_finishedOrder.push_back(encounterId);
    if (m_finishedOrder.size() > m_finishedCap) {
        m_finished.erase(m_finishedOrder.front());
        m_finishedOrder.pop_front();
    }
}

void UnitCensus::attach(const std::string &patientId, const std::string &encounterId)
{
    m_staysOfPatient[patientId].push_back(encounterId);
}

void UnitCensus::detach(const std::string &patientId, const std::string &encounterId)
{
    const auto it = m_staysOfPatient.find(patientId);
    if (it == m_staysOfPatient.end())
        return;
    std::erase(it->second, encounterId);
    if (it->second.empty())
        m_staysOfPatient.erase(it);
}

void UnitCensus::setIdentity(const std::string &patientId, std::string initials, std::string mrn, std::int64_t atMs)
{
    auto it = m_identities.find(patientId);
    if (it == m_identities.end()) {
        m_identityAge.push_back(patientId);
        it = m_identities.emplace(patientId, Identity{{}, {}, atMs, std::prev(m_identityAge.end())}).first;
    } else if (atMs < it->second.updatedMs) {
        return; // an older name or MRN arriving late
    } else {
        m_identityAge.splice(m_identityAge.end(), m_identityAge, it->second.age);
    }
    it->second.initials = std::move(initials);
    it->second.mrn = std::move(mrn);
    it->second.updatedMs = atMs;
}

void UnitCensus::forgetIdentitiesBeyondCap()
{
    // Patients on a census keep their identity however many there are; of the others the least
    // recently updated go first. Each identity is looked at once, so a full census cannot make this spin.
    for (std::size_t looked = m_identityAge.size(); m_identities.size() > m_identityCap && looked > 0; --looked) {
        const auto oldest = m_identityAge.begin();
        if (m_staysOfPatient.contains(*oldest)) {
            m_identityAge.splice(m_identityAge.end(), m_identityAge, oldest);
            continue;
        }
        m_identities.erase(*oldest);
        m_identityAge.erase(oldest);
    }
}

CensusEntry UnitCensus::withIdentity(const CensusEntry &place) const
{
    CensusEntry entry = place;
    if (const auto it = m_identities.find(place.patientId); it != m_identities.end()) {
        entry.initials = it->second.initials;
        entry.mrn = it->second.mrn;
    }
    return entry;
}

std::optional<CensusEntry> UnitCensus::placementOf(const std::string &patientId) const
{
    const auto it = m_staysOfPatient.find(patientId);
    if (it == m_staysOfPatient.end())
        return std::nullopt;
    const Stay *latest = nullptr;
    for (const std::string &encounterId : it->second) {
        const Stay &stay = m_stays.at(encounterId);
        if (!latest || std::tie(stay.lastEventMs, encounterId) > std::tie(latest->lastEventMs, latest->place.encounterId))
            latest = &stay;
    }
    return withIdentity(latest->place);
}

CensusEntry UnitCensus::identityOf(const std::string &patientId) const
{
    CensusEntry entry;
    entry.patientId = patientId;
    return withIdentity(entry);
}

std::vector<CensusEntry> UnitCensus::patientsOn(const std::string &ward) const
{
    std::vector<CensusEntry> entries;
    for (const auto &[id, stay] : m_stays) {
        if (stay.place.ward == ward && !ward.empty())
            entries.push_back(withIdentity(stay.place));
    }
    std::sort(entries.begin(), entries.end(), placeLess);
    return entries;
}

std::map<std::string, int> UnitCensus::admittedPerUnit() const
{
    std::map<std::string, int> counts;
    for (const auto &[id, stay] : m_stays) {
        if (!stay.place.ward.empty())
            ++counts[stay.place.ward];
    }
    return counts;
}

std::vector<CensusEntry> UnitCensus::all() const
{
    std::vector<CensusEntry> entries;
    entries.reserve(m_stays.size());
    for (const auto &[id, stay] : m_stays)
        entries.push_back(withIdentity(stay.place));
    std::sort(entries.begin(), entries.end(), placeLess);
    return entries;
}
