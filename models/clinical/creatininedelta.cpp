#include "clinical/creatininedelta.h"

#include <algorithm>
#include <cmath>

namespace {

// Differences of decimal lab values are not exact in binary (1.4 - 1.1 < 0.3); a value on the
// limit must count as reaching it, as KDIGO's ">=" means.
constexpr double kTolerance = 1e-9;

// FNV-1a 64: the same in every build and run (std::hash is not promised to be).
std::uint64_t observationKey(std::string_view observationId)
{
    if (observationId.empty())
        return 0;
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const unsigned char c : observationId)
        hash = (hash ^ c) * 0x100000001b3ULL;
    return hash == 0 ? 1 : hash;
}

int kdigoStage(double value, double lowest7d)
{
    const double ratio = lowest7d > 0.0 ? value / lowest7d : 0.0;
    if (ratio >= 3.0 - kTolerance || value >= 4.0 - kTolerance)
        return 3;
    if (ratio >= 2.0 - kTolerance)
        return 2;
    return 1;
}

} // namespace

CreatinineDelta::CreatinineDelta(std::size_t maxPatients, std::size_t maxValuesPerPatient)
    : m_maxPatients(std::max<std::size_t>(maxPatients, 1)), m_maxValues(std::max<std::size_t>(maxValuesPerPatient, 2))
{
}

bool CreatinineDelta::isCreatinine(std::string_view loinc)
{
    return loinc == "2160-0" || loinc == "38483-4";
}

std::optional<CreatinineFinding> CreatinineDelta::add(std::string_view patientId, std::string_view observationId,
                                                      std::int64_t effectiveMs, double mgPerDl)
{
    if (!std::isfinite(mgPerDl) || mgPerDl <= 0.0 || patientId.empty())
        return std::nullopt;
    const Sample value{effectiveMs, mgPerDl, observationKey(observationId)};
    History &history = historyOf(patientId);
    const auto finding = check(history.samples, value);
    store(history, value);
    m_changed.push_back(history.patientId);
    return finding;
}

std::optional<CreatinineFinding> CreatinineDelta::check(const std::vector<Sample> &samples, const Sample &value)
{
    const Sample *lowest48h = nullptr;
    const Sample *lowest7d = nullptr;
    for (const Sample &earlier : samples) {
        const bool sameObservation = value.observation != 0 && earlier.observation == value.observation;
        if (sameObservation || earlier.atMs > value.atMs || earlier.atMs < value.atMs - kRatioWindowMs)
            continue;
        if (!lowest7d || earlier.mgPerDl < lowest7d->mgPerDl)
            lowest7d = &earlier;
        if (earlier.atMs >= value.atMs - kRiseWindowMs && (!lowest48h || earlier.mgPerDl < lowest48h->mgPerDl))
            lowest48h = &earlier;
    }
    if (!lowest7d)
        return std::nullopt;

    CreatinineFinding finding;
    finding.stage = kdigoStage(value.mgPerDl, lowest7d->mgPerDl);
    if (value.mgPerDl >= kRatio * lowest7d->mgPerDl - kTolerance) {
        finding.criterion = CreatinineFinding::Criterion::Ratio7d;
        finding.baselineMgPerDl = lowest7d->mgPerDl;
        finding.baselineAtMs = lowest7d->atMs;
        finding.limitMgPerDl = kRatio * lowest7d->mgPerDl;
        return finding;
    }
    if (lowest48h && value.mgPerDl - lowest48h->mgPerDl >= kRiseMgPerDl - kTolerance) {
        finding.criterion = CreatinineFinding::Criterion::Rise48h;
        finding.baselineMgPerDl = lowest48h->mgPerDl;
        finding.baselineAtMs = lowest48h->atMs;
        finding.limitMgPerDl = lowest48h->mgPerDl + kRiseMgPerDl;
        return finding;
    }
    return std::nullopt;
}

void CreatinineDelta::store(History &history, const Sample &value) const
{
    auto &samples = history.samples;
    if (value.observation != 0) {
        std::erase_if(samples, [&](const Sample &earlier) { return earlier.observation == value.observation; });
    }
    const auto at = std::upper_bound(samples.begin(), samples.end(), value.atMs,
                                     [](std::int64_t atMs, const Sample &sample) { return atMs < sample.atMs; });
    samples.insert(at, value);

    // Values older than the 7-day window of the newest one can never be a baseline again.
    const std::int64_t oldestUseful = samples.back().atMs - kRatioWindowMs;
    std::erase_if(samples, [&](const Sample &sample) { return sample.atMs < oldestUseful; });
    if (samples.size() > m_maxValues)
        samples.erase(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(samples.size() - m_maxValues));
}

CreatinineDelta::History &CreatinineDelta::historyOf(std::string_view patientId)
{
    if (const auto found = m_byPatient.find(patientId); found != m_byPatient.end()) {
        m_recent.splice(m_recent.begin(), m_recent, found->second);
        return m_recent.front();
    }
    if (m_byPatient.size() >= m_maxPatients) {
        m_byPatient.erase(m_recent.back().patientId);
        m_recent.pop_back();
    }
    m_recent.push_front({std::string(patientId), {}});
    m_byPatient.emplace(m_recent.front().patientId, m_recent.begin());
    return m_recent.front();
}

void CreatinineDelta::forget(std::string_view patientId, std::string_view observationId)
{
    const std::uint64_t key = observationKey(observationId);
    const auto found = m_byPatient.find(patientId);
    if (key == 0 || found == m_byPatient.end())
        return;
    if (std::erase_if(found->second->samples, [&](const Sample &sample) { return sample.observation == key; }) > 0)
        m_changed.push_back(found->second->patientId);
}

std::vector<CreatinineDelta::Sample> CreatinineDelta::samplesOf(std::string_view patientId) const
{
    const auto found = m_byPatient.find(patientId);
    return found == m_byPatient.end() ? std::vector<Sample>() : found->second->samples;
}

void CreatinineDelta::restore(std::string_view patientId, std::vector<Sample> samples)
{
    if (patientId.empty())
        return;
    if (samples.empty()) {
        if (const auto found = m_byPatient.find(patientId); found != m_byPatient.end()) {
            m_recent.erase(found->second);
            m_byPatient.erase(found);
        }
        return;
    }
    std::sort(samples.begin(), samples.end(), [](const Sample &a, const Sample &b) { return a.atMs < b.atMs; });
    if (samples.size() > m_maxValues)
        samples.erase(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(samples.size() - m_maxValues));
    historyOf(patientId).samples = std::move(samples);
}

std::vector<std::string> CreatinineDelta::takeChanged()
{
    std::vector<std::string> changed = std::move(m_changed);
    m_changed.clear();
    std::sort(changed.begin(), changed.end());
    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
    return changed;
}

std::size_t CreatinineDelta::valueCount(std::string_view patientId) const
{
    const auto found = m_byPatient.find(patientId);
    return found == m_byPatient.end() ? 0 : found->second->samples.size();
}
