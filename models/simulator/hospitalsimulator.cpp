#include "simulator/hospitalsimulator.h"

#include "simulator/analytecatalog.h"
#include "simulator/formulary.h"
#include "simulator/personnames.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>

namespace {

constexpr std::int64_t kMinuteMs = 60 * 1000;
constexpr std::int64_t kHourMs = 60 * kMinuteMs;
constexpr std::int64_t kDayMs = 24 * kHourMs;

constexpr double kTargetOccupancy = 0.85;
constexpr double kAdmissionShare = 0.045; // admissions and discharges per step at the target occupancy
constexpr double kTransferShare = 0.03;
constexpr double kOrderShare = 0.10;
constexpr double kCriticalShare = 0.018;
constexpr double kAbnormalShare = 0.102;
constexpr double kReadmissionShare = 0.15;
constexpr double kKidneyInjuryShare = 0.001;
constexpr double kAmendShare = 0.03;
constexpr double kErrorShare = 0.005;

std::int64_t floorDiv(std::int64_t value, std::int64_t divisor)
{
    const std::int64_t quotient = value / divisor;
    return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient;
}

} // namespace

// ---- construction ----------------------------------------------------------------------------------

HospitalSimulator::HospitalSimulator(std::uint64_t seed, int beds)
    : random_(seed)
    , beds_(std::max(1, beds))
{
    mrnOffset_ = random_.below(90000000);
    WardPlan plan = WardPlan::forBeds(beds_);
    units_ = std::move(plan.units);
    bedList_.reserve(plan.beds.size());
    for (const BedPlace &place : plan.beds)
        bedList_.push_back({place, kFree});
    stays_.resize(static_cast<std::size_t>(beds_));
    freeStays_.reserve(stays_.size());
    for (int i = beds_ - 1; i >= 0; --i)
        freeStays_.push_back(i);
    admitted_.reserve(stays_.size());
    discharged_.resize(static_cast<std::size_t>(std::max(8, beds_ / 2)));
    reserveOpeningCensus();
}

void HospitalSimulator::reserveOpeningCensus()
{
    // The hospital opens about 85 % full; these beds are announced as admission steps before their labs.
    std::vector<int> order(bedList_.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = static_cast<int>(i);
    for (std::size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[random_.below(static_cast<std::uint32_t>(i))]);
    const int census = static_cast<int>(std::lround(beds_ * kTargetOccupancy));
    censusBeds_.assign(order.begin(), order.begin() + census);
    for (int bed : censusBeds_)
        bedList_[static_cast<std::size_t>(bed)].stay = kCensusReserved;
    occupied_ = census;
}

int HospitalSimulator::occupiedBeds() const { return occupied_; }

int HospitalSimulator::beds() const { return beds_; }

std::vector<std::string> HospitalSimulator::unitNames() const
{
    std::vector<std::string> names;
    names.reserve(units_.size());
    for (const InpatientUnit &unit : units_)
        names.push_back(unit.name);
    return names;
}

double HospitalSimulator::occupancy() const { return static_cast<double>(occupied_) / beds_; }

// ---- stepping ------------------------------------------------------------------------------------

SimulationStep HospitalSimulator::next(std::int64_t nowMs)
{
    ++step_;
    if (!censusBeds_.empty() && (admitted_.empty() || random_.chance(0.5)))
        return announceCensusAdmission(nowMs);
    if (admitted_.empty())
        return admit(nowMs);

    // Admissions fall and discharges rise with occupancy, so the census settles near the target.
    const double fill = occupancy() / kTargetOccupancy;
    const double admitShare = kAdmissionShare * std::clamp((1.0 - occupancy()) / (1.0 - kTargetOccupancy), 0.0, 3.0);
    const double dischargeShare = kAdmissionShare * std::min(fill * fill * fill * fill, 3.0);

    double roll = random_.uniform();
    if ((roll -= admitShare) < 0.0)
        return admit(nowMs);
    if ((roll -= dischargeShare) < 0.0)
        return discharge(nowMs);
    if ((roll -= kTransferShare) < 0.0)
        return transfer(nowMs);
    if ((roll -= kOrderShare) < 0.0)
        return order(nowMs);
    return labEvent(nowMs);
}

SimulationStep HospitalSimulator::announceCensusAdmission(std::int64_t nowMs)
{
    const int bed = censusBeds_.back();
    censusBeds_.pop_back();
    const auto admittedMs = nowMs - static_cast<std::int64_t>(random_.uniform(1.0, 6.0 * 24.0) * kHourMs);
    return admitInto(bed, nowMs, admittedMs, false);
}

SimulationStep HospitalSimulator::admit(std::int64_t nowMs)
{
    const int bed = randomFreeBed(-1, false);
    if (bed < 0)
        return labEvent(nowMs);
    return admitInto(bed, nowMs, nowMs, true);
}

SimulationStep HospitalSimulator::admitInto(int bed, std::int64_t nowMs, std::int64_t admittedMs,
                                            bool allowReadmission)
{
    Bed &target = bedList_[static_cast<std::size_t>(bed)];
    const AgeBand band = units_[static_cast<std::size_t>(target.place.unit)].band;
    Person person;
    const bool readmitted = allowReadmission && random_.chance(kReadmissionShare) && takeReadmission(band, person);
    if (!readmitted)
        person = newPerson(band, nowMs);

    const int index = allocateStay();
    Stay &stay = stays_[static_cast<std::size_t>(index)];
    stay = Stay{};
    stay.person = person;
    stay.encounter = nextEncounter_++;
    stay.admittedMs = admittedMs;
    stay.bed = bed;
    stay.listPosition = static_cast<int>(admitted_.size());
    admitted_.push_back(index);
    if (target.stay == kFree)
        ++occupied_;
    target.stay = index;

    SimulationStep step;
    step.events.reserve(3);
    if (!readmitted)
        step.events.push_back(patientEvent(person, nowMs));
    step.events.push_back(encounterEvent(stay, EncounterEvent::Admission, nowMs));
    step.events.push_back(medicationEvent(stay, nowMs));
    return step;
}

SimulationStep HospitalSimulator::transfer(std::int64_t nowMs)
{
    const int index = randomAdmittedStay();
    Stay &stay = stays_[static_cast<std::size_t>(index)];
    const int fromUnit = bedList_[static_cast<std::size_t>(stay.bed)].place.unit;
    // Children and mothers stay on their own units; adults move between the adult units.
    if (units_[static_cast<std::size_t>(fromUnit)].band != AgeBand::Adult)
        return labEvent(nowMs);
    const int target = randomFreeBed(fromUnit, true);
    if (target < 0)
        return labEvent(nowMs);
    bedList_[static_cast<std::size_t>(stay.bed)].stay = kFree;
    bedList_[static_cast<std::size_t>(target)].stay = index;
    stay.bed = target;
    return SimulationStep{{encounterEvent(stay, EncounterEvent::Transfer, nowMs)}};
}

SimulationStep HospitalSimulator::discharge(std::int64_t nowMs)
{
    const int index = randomAdmittedStay();
    Stay &stay = stays_[static_cast<std::size_t>(index)];
    // Results still in their lifecycle are published first, so nothing arrives for a discharged patient.
    if (stay.pendingResults > 0)
        return publishUpdate(takeEarliestPending(index), nowMs);

    SimulationStep step{{encounterEvent(stay, EncounterEvent::Discharge, nowMs)}};
    bedList_[static_cast<std::size_t>(stay.bed)].stay = kFree;
    --occupied_;
    const int last = admitted_.back();
    admitted_[static_cast<std::size_t>(stay.listPosition)] = last;
    stays_[static_cast<std::size_t>(last)].listPosition = stay.listPosition;
    admitted_.pop_back();
    discharged_[dischargedNext_] = stay.person;
    dischargedNext_ = (dischargedNext_ + 1) % discharged_.size();
    releaseStay(index);
    return step;
}

SimulationStep HospitalSimulator::order(std::int64_t nowMs)
{
    Stay &stay = stays_[static_cast<std::size_t>(randomAdmittedStay())];
    return SimulationStep{{medicationEvent(stay, nowMs)}};
}

SimulationStep HospitalSimulator::labEvent(std::int64_t nowMs)
{
    // Due status updates go first; the cap keeps the queue bounded even if nothing falls due.
    const std::size_t cap = stays_.size() * 4 + 64;
    if (!pending_.empty() && (pending_.front().dueStep <= step_ || pending_.size() >= cap))
        return publishUpdate(popPending(), nowMs);
    return newResult(nowMs);
}

SimulationStep HospitalSimulator::newResult(std::int64_t nowMs)
{
    const int index = randomAdmittedStay();
    Stay &stay = stays_[static_cast<std::size_t>(index)];
    PendingResult result;
    result.stay = index;
    result.observation = nextObservation_++;

    // A rare rising creatinine series (KDIGO: >= 0.3 mg/dL within 48 h) exercises the delta rules downstream.
    if (stay.kidneyInjurySteps == 0 && random_.chance(kKidneyInjuryShare)) {
        stay.kidneyInjurySteps = 4;
        stay.creatinineMgDl = random_.uniform(0.8, 1.1);
    }
    if (stay.kidneyInjurySteps > 0) {
        --stay.kidneyInjurySteps;
        result.analyte = AnalyteCatalog::kCreatinine;
        result.variant = 0;
        result.value = AnalyteCatalog::variant(result.analyte, result.variant).rounded(stay.creatinineMgDl);
        stay.creatinineMgDl += random_.uniform(0.35, 0.6);
    } else {
        result.analyte = AnalyteCatalog::pickAnalyte(random_.below(AnalyteCatalog::analyteWeight()));
        result.variant =
            AnalyteCatalog::pickVariant(result.analyte, random_.below(AnalyteCatalog::variantWeight(result.analyte)));
        result.value = drawValue(result.analyte, result.variant);
    }

    const auto collectedAgo = static_cast<std::int64_t>(random_.uniform(4.0, 25.0) * kMinuteMs);
    result.effectiveMs = std::max(stay.admittedMs, nowMs - collectedAgo);
    result.nextStatus = ObservationStatus::Final;
    SimulationStep step{{observationEvent(result, ObservationStatus::Preliminary, nowMs)}};
    result.dueStep = step_ + 3 + random_.below(10);
    schedule(result);
    return step;
}

double HospitalSimulator::drawValue(std::uint8_t analyteIndex, std::uint8_t variantIndex)
{
    const Analyte &analyte = AnalyteCatalog::analyte(analyteIndex);
    const AnalyteVariant &variant = AnalyteCatalog::variant(analyteIndex, variantIndex);
    const double roll = random_.uniform();
    const bool high = !analyte.critLow || random_.chance(analyte.highShare);
    double value = 0.0;
    if (roll < kCriticalShare) {
        // Skewed towards the limit: most critical values are just beyond it, a few are extreme.
        const double spread = random_.uniform();
        value = high ? analyte.critHigh + (analyte.ceiling - analyte.critHigh) * spread * spread
                     : *analyte.critLow - (*analyte.critLow - analyte.floor) * spread * spread;
    } else if (roll < kCriticalShare + kAbnormalShare) {
        const double lowBound = analyte.critLow.value_or(analyte.floor);
        value = high ? random_.uniform(analyte.refHigh, analyte.critHigh) : random_.uniform(lowBound, analyte.refLow);
    } else {
        const double middle = (analyte.refLow + analyte.refHigh) / 2.0;
        const double halfWidth = (analyte.refHigh - analyte.refLow) / 2.0;
        value = std::clamp(middle + halfWidth * 0.4 * random_.normal(), analyte.refLow, analyte.refHigh);
    }
    double reported = variant.rounded(AnalyteCatalog::inVariantUnit(value, analyteIndex, variantIndex));
    // Rounding must not pull an intended critical value back inside the limit.
    if (roll < kCriticalShare) {
        while (!isCritical(AnalyteCatalog::interpret(analyteIndex, variantIndex, reported)))
            reported = variant.rounded(reported + (high ? variant.step() : -variant.step()));
    }
    return std::max(reported, variant.step());
}

SimulationStep HospitalSimulator::publishUpdate(PendingResult pending, std::int64_t nowMs)
{
    --stays_[static_cast<std::size_t>(pending.stay)].pendingResults;
    const Analyte &analyte = AnalyteCatalog::analyte(pending.analyte);
    const AnalyteVariant &variant = AnalyteCatalog::variant(pending.analyte, pending.variant);
    const ObservationStatus status = pending.nextStatus;

    if (status == ObservationStatus::Final && random_.chance(0.1)) {
        // The verified value differs by one reporting step now and then.
        pending.value += random_.chance(0.5) ? variant.step() : -variant.step();
        pending.value = std::max(variant.rounded(pending.value), variant.step());
    } else if (status == ObservationStatus::Amended) {
        // A width converts like a value: every unit conversion here is a plain factor.
        const double halfWidth =
            AnalyteCatalog::inVariantUnit((analyte.refHigh - analyte.refLow) / 2.0, pending.analyte, pending.variant);
        const double shift = random_.uniform(0.3, 1.0) * halfWidth * (random_.chance(0.5) ? 1.0 : -1.0);
        double amended = variant.rounded(pending.value + shift);
        if (amended == pending.value)
            amended += variant.step();
        pending.value = std::max(variant.rounded(amended), variant.step());
    }
    SimulationStep step{{observationEvent(pending, status, nowMs)}};

    if (status == ObservationStatus::Final) {
        const double roll = random_.uniform();
        if (roll < kAmendShare + kErrorShare) {
            pending.nextStatus = roll < kAmendShare ? ObservationStatus::Amended : ObservationStatus::EnteredInError;
            pending.dueStep = step_ + 5 + random_.below(30);
            schedule(pending);
        }
    }
    return step;
}

// ---- beds, stays, queue ------------------------------------------------------------------------------

int HospitalSimulator::randomFreeBed(int excludedUnit, bool adultOnly)
{
    const auto fits = [&](const Bed &bed) {
        return bed.stay == kFree && bed.place.unit != excludedUnit
            && (!adultOnly || units_[static_cast<std::size_t>(bed.place.unit)].band == AgeBand::Adult);
    };
    const auto count = static_cast<std::uint32_t>(bedList_.size());
    for (int attempt = 0; attempt < 48; ++attempt) {
        const std::uint32_t bed = random_.below(count);
        if (fits(bedList_[bed]))
            return static_cast<int>(bed);
    }
    // A nearly full hospital: scan once from a random start instead of sampling forever.
    const std::uint32_t start = random_.below(count);
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::uint32_t bed = (start + i) % count;
        if (fits(bedList_[bed]))
            return static_cast<int>(bed);
    }
    return -1;
}

int HospitalSimulator::randomAdmittedStay()
{
    return admitted_[random_.below(static_cast<std::uint32_t>(admitted_.size()))];
}

int HospitalSimulator::allocateStay()
{
    const int index = freeStays_.back();
    freeStays_.pop_back();
    return index;
}

void HospitalSimulator::releaseStay(int stay)
{
    stays_[static_cast<std::size_t>(stay)].listPosition = -1;
    stays_[static_cast<std::size_t>(stay)].bed = -1;
    freeStays_.push_back(stay);
}

HospitalSimulator::Person HospitalSimulator::newPerson(AgeBand band, std::int64_t nowMs)
{
    Person person;
    person.number = nextPatient_++;
    // An affine map modulo 90,000,000 (48271 is coprime to it): distinct 8-digit MRNs that do not follow the ids.
    const std::uint64_t scrambled = ((person.number % 90000000u) * 48271u + mrnOffset_) % 90000000u;
    person.mrn = 10000000u + static_cast<std::uint32_t>(scrambled);
    person.band = band;
    int age = 0;
    switch (band) {
    case AgeBand::Child:
        age = static_cast<int>(random_.below(18));
        person.female = random_.chance(0.5);
        break;
    case AgeBand::Maternal:
        age = 18 + static_cast<int>(random_.below(27));
        person.female = true;
        break;
    case AgeBand::Adult:
        // Inpatients skew old: the square root of a uniform leans towards the top of 18..95.
        age = 18 + static_cast<int>(77.0 * std::sqrt(random_.uniform()));
        person.female = random_.chance(0.5);
        break;
    }
    const std::int64_t today = floorDiv(nowMs, kDayMs);
    person.birthDay = static_cast<std::int32_t>(today - age * 365 - age / 4 - random_.below(365));
    person.family = static_cast<std::uint16_t>(random_.below(static_cast<std::uint32_t>(PersonNames::familyCount())));
    person.given =
        static_cast<std::uint16_t>(random_.below(static_cast<std::uint32_t>(PersonNames::givenCount(person.female))));
    return person;
}

bool HospitalSimulator::takeReadmission(AgeBand band, Person &person)
{
    const auto size = static_cast<std::uint32_t>(discharged_.size());
    const std::uint32_t start = random_.below(size);
    for (std::uint32_t i = 0; i < 8; ++i) {
        Person &candidate = discharged_[(start + i) % size];
        if (candidate.number != 0 && candidate.band == band) {
            person = candidate;
            candidate = Person{}; // a person is admitted at most once at a time
            return true;
        }
    }
    return false;
}

namespace {
bool dueLater(const auto &a, const auto &b)
{
    return std::tie(a.dueStep, a.sequence) > std::tie(b.dueStep, b.sequence);
}
} // namespace

void HospitalSimulator::schedule(PendingResult pending)
{
    pending.sequence = sequence_++;
    ++stays_[static_cast<std::size_t>(pending.stay)].pendingResults;
    pending_.push_back(pending);
    std::push_heap(pending_.begin(), pending_.end(), [](const auto &a, const auto &b) { return dueLater(a, b); });
}

HospitalSimulator::PendingResult HospitalSimulator::popPending()
{
    std::pop_heap(pending_.begin(), pending_.end(), [](const auto &a, const auto &b) { return dueLater(a, b); });
    const PendingResult pending = pending_.back();
    pending_.pop_back();
    return pending;
}

HospitalSimulator::PendingResult HospitalSimulator::takeEarliestPending(int stay)
{
    std::size_t earliest = pending_.size();
    for (std::size_t i = 0; i < pending_.size(); ++i) {
        if (pending_[i].stay == stay && (earliest == pending_.size() || dueLater(pending_[earliest], pending_[i])))
            earliest = i;
    }
    const PendingResult pending = pending_[earliest];
    pending_[earliest] = pending_.back();
    pending_.pop_back();
    std::make_heap(pending_.begin(), pending_.end(), [](const auto &a, const auto &b) { return dueLater(a, b); });
    return pending;
}

// ---- events ------------------------------------------------------------------------------------------

SimulatedEvent HospitalSimulator::patientEvent(const Person &person, std::int64_t nowMs)
{
    return documents_.patient({.patient = person.number,
                               .mrn = person.mrn,
                               .family = PersonNames::family(person.family),
                               .given = PersonNames::given(person.given, person.female),
                               .female = person.female,
                               .birthDay = person.birthDay},
                              nowMs);
}

SimulatedEvent HospitalSimulator::encounterEvent(const Stay &stay, EncounterEvent event, std::int64_t nowMs)
{
    const BedPlace &place = bedList_[static_cast<std::size_t>(stay.bed)].place;
    return documents_.encounter(event,
                                {.encounter = stay.encounter,
                                 .patient = stay.person.number,
                                 .admittedMs = stay.admittedMs,
                                 .ward = units_[static_cast<std::size_t>(place.unit)].name,
                                 .room = place.room,
                                 .bed = place.letter},
                                nowMs);
}

SimulatedEvent HospitalSimulator::medicationEvent(const Stay &stay, std::int64_t nowMs)
{
    const bool child = stay.person.band == AgeBand::Child;
    const Drug &drug = Formulary::pick(random_.below(static_cast<std::uint32_t>(Formulary::size())), child);
    return documents_.medication({.order = nextMedication_++,
                                  .patient = stay.person.number,
                                  .encounter = stay.encounter,
                                  .rxNorm = drug.rxNorm,
                                  .drug = drug.name,
                                  .dosage = child ? drug.childDose : drug.adultDose},
                                 nowMs);
}

SimulatedEvent HospitalSimulator::observationEvent(const PendingResult &result, ObservationStatus status,
                                                   std::int64_t nowMs)
{
    const Stay &stay = stays_[static_cast<std::size_t>(result.stay)];
    const AnalyteVariant &variant = AnalyteCatalog::variant(result.analyte, result.variant);
    return documents_.observation({.observation = result.observation,
                                   .patient = stay.person.number,
                                   .encounter = stay.encounter,
                                   .status = status,
                                   .analyte = AnalyteCatalog::analyte(result.analyte).name,
                                   .loinc = variant.loinc,
                                   .loincDisplay = variant.display,
                                   .unit = variant.unit,
                                   .value = result.value,
                                   .interpretation =
                                       AnalyteCatalog::interpret(result.analyte, result.variant, result.value),
                                   .effectiveMs = result.effectiveMs},
                                  nowMs);
}
