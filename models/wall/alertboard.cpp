#include "wall/alertboard.h"

#include "wall/unitcensus.h"

#include <QString>

#include <algorithm>
#include <tuple>

namespace {

int rank(AlertState state)
{
    return AlertBoard::lifecycleRank(state);
}

bool isClosed(const Alert &alert)
{
    return rank(alert.state) == 2;
}

int severityRank(AlertSeverity severity)
{
    return severity == AlertSeverity::Delta ? 1 : 0;
}

std::optional<std::int64_t> closedTimeOf(const Alert &alert)
{
    if (alert.state == AlertState::Resolved)
        return alert.resolvedAtMs;
    if (alert.state == AlertState::Retracted)
        return alert.retractedAtMs;
    return std::nullopt;
}

std::int64_t resultTimeOf(const Alert &alert)
{
    if (const auto issued = fhirDateTimeToMs(alert.issued))
        return *issued;
    return fhirDateTimeToMs(alert.effective).value_or(alert.evaluatedAtMs);
}

// An annotation unit ("{INR}") is a name, not a unit to print in braces.
std::string unitText(const std::string &unit)
{
    if (unit.size() > 2 && unit.front() == '{' && unit.back() == '}')
        return unit.substr(1, unit.size() - 2);
    return unit;
}

std::string numberTextOf(const Alert &alert)
{
    std::string text = alert.comparator.empty() ? std::string() : alert.comparator + ' ';
    return text + QString::number(alert.value, 'g', 10).toStdString(); // 10 digits hide binary noise, keep lab precision
}

// The ward an alert's location names: the longest census ward it starts with, else the whole text.
std::string wardOfLocation(const std::string &location, const std::map<std::string, int> &wards)
{
    std::string best;
    for (const auto &[ward, count] : wards) {
        if (ward.size() <= best.size() || !location.starts_with(ward))
            continue;
        if (location.size() == ward.size() || location[ward.size()] == ' ')
            best = ward;
    }
    return best.empty() ? location : best;
}

std::string unitIn(const Alert &alert, const UnitCensus &census, const std::map<std::string, int> &wards)
{
    if (const auto placement = census.placementOf(alert.patientId); placement && !placement->ward.empty())
        return placement->ward;
    return wardOfLocation(alert.location, wards);
}

// State, then critical before delta, then the oldest result, then the id so that equal rows never swap.
bool boardLess(const BoardRow &a, const BoardRow &b)
{
    const auto key = [](const BoardRow &row) {
        return std::tuple(rank(row.alert.state), severityRank(row.alert.severity), row.resultTimeMs,
                          std::string_view(row.alert.alertId));
    };
    return key(a) < key(b);
}

// Units by name, and "" (no unit) last.
bool unitLess(const UnitSummary &a, const UnitSummary &b)
{
    if (a.unit.empty() != b.unit.empty())
        return b.unit.empty();
    return naturalLess(a.unit, b.unit);
}

} // namespace

int EscalationPolicy::levelAfter(std::int64_t waitingMs) const
{
    if (waitingMs >= secondMs)
        return 2;
    return waitingMs >= firstMs ? 1 : 0;
}

AlertBoard::AlertBoard(AlertBoardLimits limits)
    : m_limits(limits)
{
}

BoardChange AlertBoard::apply(const std::vector<Alert> &alerts, bool live, std::int64_t nowMs)
{
    BoardChange change;
    for (const Alert &alert : alerts) {
        if (alert.alertId.empty())
            continue; // no key to keep it under; the reader reports such records
        const bool known = m_alerts.contains(alert.alertId);
        merge(alert, nowMs);
        // A late result is already on someone's list; chiming for it now would teach people to ignore chimes.
        if (!known && live && !alert.late && alert.state == AlertState::Open)
            change.newlyOpen.push_back(alert.alertId);
    }
    evictBeyondCapacity();
    return change;
}

void AlertBoard::merge(const Alert &incoming, std::int64_t nowMs)
{
    const auto it = m_alerts.find(incoming.alertId);
    if (it == m_alerts.end()) {
        m_alerts.emplace(incoming.alertId, Known{incoming, closedTimeOf(incoming).value_or(nowMs)});
        return;
    }
    Known &known = it->second;
    // An amended result republished as open: new values, but nobody's acknowledgement is undone.
    const bool wasClosed = isClosed(known.alert);
    known.alert = known.alert.combinedWith(incoming);
    known.closedAtMs = closedTimeOf(known.alert).value_or(wasClosed && isClosed(known.alert) ? known.closedAtMs : nowMs);
}

void AlertBoard::evictBeyondCapacity()
{
    if (m_alerts.size() <= m_limits.capacity)
        return;
    // Oldest closed first, then oldest acknowledged, and only then the oldest open alerts: memory stays
    // bounded even when nobody acknowledges for weeks. Down to 90 % so a full board is not sorted per batch.
    std::vector<std::tuple<int, std::int64_t, std::string>> candidates;
    candidates.reserve(m_alerts.size());
    for (const auto &[id, known] : m_alerts) {
        if (isClosed(known.alert))
            candidates.emplace_back(0, known.closedAtMs, id);
        else if (known.alert.state == AlertState::Acknowledged)
            candidates.emplace_back(1, known.alert.ackedAtMs.value_or(known.alert.evaluatedAtMs), id);
        else
            candidates.emplace_back(2, known.alert.evaluatedAtMs, id);
    }
    std::sort(candidates.begin(), candidates.end());
    const std::size_t keep = m_limits.capacity - m_limits.capacity / 10;
    for (const auto &[tier, atMs, id] : candidates) {
        if (m_alerts.size() <= keep)
            break;
        m_evictedOpen += tier == 2;
        m_alerts.erase(id);
    }
}

void AlertBoard::expire(std::int64_t nowMs)
{
    std::erase_if(m_alerts, [&](const auto &entry) {
        return isClosed(entry.second.alert) && nowMs - entry.second.closedAtMs >= m_limits.retentionMs;
    });
}

const EscalationPolicy &AlertBoard::policyFor(const std::string &unit) const
{
    const auto it = m_policies.find(unit);
    return it != m_policies.end() ? it->second : m_defaultPolicy;
}

int AlertBoard::lifecycleRank(AlertState state)
{
    return ::lifecycleRank(state);
}

std::string AlertBoard::unitOf(const Alert &alert, const UnitCensus &census)
{
    return unitIn(alert, census, census.admittedPerUnit());
}

std::vector<std::string> AlertBoard::unitsOf(const std::vector<Alert> &alerts, const UnitCensus &census)
{
    const std::map<std::string, int> wards = census.admittedPerUnit();
    std::vector<std::string> units;
    units.reserve(alerts.size());
    for (const Alert &alert : alerts)
        units.push_back(unitIn(alert, census, wards));
    return units;
}

bool AlertBoard::onBoard(const Known &known, std::int64_t nowMs) const
{
    return !isClosed(known.alert) || nowMs - known.closedAtMs < m_limits.resolvedLingerMs;
}

BoardRow AlertBoard::rowOf(const Known &known, const std::string &unit, const UnitCensus &census,
                           std::int64_t nowMs) const
{
    const Alert &alert = known.alert;
    const std::optional<CensusEntry> placement = census.placementOf(alert.patientId);
    BoardRow row;
    row.alert = alert;
    if (placement) {
        row.room = placement->room;
        row.bed = placement->bed;
    }
    row.patient = patientLabel(placement.value_or(census.identityOf(alert.patientId)), m_labelPolicy);
    row.analyte = alert.display;
    row.number = numberTextOf(alert);
    row.unit = unitText(alert.unit);
    row.valueText = row.unit.empty() ? row.number : row.number + ' ' + row.unit;
    row.direction = alert.severity == AlertSeverity::CriticalLow ? BoardRow::Direction::Down : BoardRow::Direction::Up;
    row.resultTimeMs = resultTimeOf(alert);
    row.ageMs = std::max<std::int64_t>(0, nowMs - row.resultTimeMs);
    if (alert.state == AlertState::Open) {
        row.waitingMs = std::max<std::int64_t>(0, nowMs - alert.evaluatedAtMs);
        row.escalation = policyFor(unit).levelAfter(row.waitingMs);
    }
    return row;
}

std::vector<BoardRow> AlertBoard::rows(const std::string &unit, const UnitCensus &census, std::int64_t nowMs) const
{
    const std::map<std::string, int> wards = census.admittedPerUnit();
    std::vector<BoardRow> rows;
    for (const auto &[id, known] : m_alerts) {
        if (onBoard(known, nowMs) && unitIn(known.alert, census, wards) == unit)
            rows.push_back(rowOf(known, unit, census, nowMs));
    }
    std::sort(rows.begin(), rows.end(), boardLess);
    return rows;
}

std::vector<UnitSummary> AlertBoard::summaries(const UnitCensus &census, std::int64_t nowMs) const
{
    const std::map<std::string, int> wards = census.admittedPerUnit();
    std::map<std::string, UnitSummary> byUnit;
    for (const auto &[ward, admitted] : wards) {
        byUnit[ward].unit = ward;
        byUnit[ward].admitted = admitted;
    }
    for (const auto &[id, known] : m_alerts) {
        const Alert &alert = known.alert;
        if (isClosed(alert))
            continue;
        const std::string unit = unitIn(alert, census, wards);
        UnitSummary &summary = byUnit[unit];
        summary.unit = unit;
        if (alert.state == AlertState::Acknowledged) {
            ++summary.acknowledged;
            continue;
        }
        ++summary.open;
        const std::int64_t waiting = std::max<std::int64_t>(0, nowMs - alert.evaluatedAtMs);
        summary.oldestUnacknowledgedWaitMs = std::max(summary.oldestUnacknowledgedWaitMs.value_or(0), waiting);
        summary.maxEscalation = std::max(summary.maxEscalation, policyFor(unit).levelAfter(waiting));
    }
    std::vector<UnitSummary> summaries;
    summaries.reserve(byUnit.size());
    for (auto &[unit, summary] : byUnit)
        summaries.push_back(std::move(summary));
    std::sort(summaries.begin(), summaries.end(), unitLess);
    return summaries;
}

std::vector<Alert> AlertBoard::all() const
{
    std::vector<Alert> alerts;
    alerts.reserve(m_alerts.size());
    for (const auto &[id, known] : m_alerts)
        alerts.push_back(known.alert);
    std::sort(alerts.begin(), alerts.end(),
              [](const Alert &a, const Alert &b) { return a.alertId < b.alertId; });
    return alerts;
}

const Alert *AlertBoard::find(const std::string &alertId) const
{
    const auto it = m_alerts.find(alertId);
    return it != m_alerts.end() ? &it->second.alert : nullptr;
}
