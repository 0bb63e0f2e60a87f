#include "clinical/alert.h"

#include "fhir/fhirdatetime.h"

#include <QDateTime>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace {

using Json = nlohmann::json;

constexpr std::array<std::string_view, 4> kStateNames = {"open", "acknowledged", "resolved", "retracted"};
constexpr std::array<std::string_view, 3> kSeverityNames = {"critical-low", "critical-high", "delta"};


std::uint64_t fnv1a(std::string_view text, std::uint64_t hash)
{
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

std::uint64_t mix(std::uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

std::uint64_t keyHash(std::string_view observationKey, std::string_view loinc, std::uint64_t seed)
{
    // The separator keeps ("ab", "c") and ("a", "bc") apart.
    return mix(fnv1a(loinc, fnv1a(std::string_view("\x1f", 1), fnv1a(observationKey, seed))));
}

// ---- JSON -----------------------------------------------------------------------------------------

[[noreturn]] void fail(const std::string &message)
{
    throw AlertError("alert record: " + message);
}

Json textOrNull(const std::string &text)
{
    return text.empty() ? Json(nullptr) : Json(text);
}

Json timeOrNull(const std::optional<std::int64_t> &ms)
{
    return ms ? Json(msToFhirInstant(*ms)) : Json(nullptr);
}

const Json *member(const Json &json, const char *key)
{
    const auto found = json.find(key);
    return found == json.end() || found->is_null() ? nullptr : &*found;
}

std::string text(const Json &json, const char *key, bool required)
{
    const Json *value = member(json, key);
    if (!value) {
        if (required)
            fail(std::string(key) + " is missing");
        return {};
    }
    if (!value->is_string())
        fail(std::string(key) + " is not a string");
    if (required && value->get_ref<const std::string &>().empty())
        fail(std::string(key) + " is empty");
    return value->get<std::string>();
}

double finiteNumber(const Json &value, const char *key)
{
    if (!value.is_number() || !std::isfinite(value.get<double>()))
        fail(std::string(key) + " is not a finite number");
    return value.get<double>();
}

double requiredNumber(const Json &json, const char *key)
{
    const Json *value = member(json, key);
    if (!value)
        fail(std::string(key) + " is missing");
    return finiteNumber(*value, key);
}

std::optional<std::int64_t> instant(const Json &json, const char *key, bool required)
{
    const std::string value = text(json, key, required);
    if (value.empty())
        return std::nullopt;
    const auto ms = fhirDateTimeToMs(value);
    if (!ms)
        fail(std::string(key) + " is not a FHIR instant");
    return ms;
}

template<typename Integer>
Integer integer(const Json &json, const char *key)
{
    const Json *value = member(json, key);
    if (!value || !value->is_number_integer())
        fail(std::string(key) + " is not a whole number");
    return value->get<Integer>();
}

RecordSource readSource(const Json &json)
{
    const Json *source = member(json, "source");
    if (!source)
        return {};
    if (!source->is_object())
        fail("source is not an object");
    return {text(*source, "topic", false), integer<int>(*source, "partition"),
            integer<std::int64_t>(*source, "offset")};
}

void readThresholdSet(const Json &json, Alert &alert)
{
    const Json *set = member(json, "threshold_set");
    if (!set)
        return;
    if (!set->is_object())
        fail("threshold_set is not an object");
    alert.thresholdSetName = text(*set, "name", false);
    alert.thresholdSetVersion = integer<int>(*set, "version");
}

void readDelta(const Json &json, Alert &alert)
{
    if (const Json *baseline = member(json, "baseline"))
        alert.baseline = finiteNumber(*baseline, "baseline");
    if (const Json *stage = member(json, "stage")) {
        if (!stage->is_number_integer() || stage->get<int>() < 0 || stage->get<int>() > 3)
            fail("stage is not 0..3");
        alert.stage = stage->get<int>();
    }
}

// The states promise their fields: an acknowledged alert says who acknowledged it, and when.
void checkLifecycleFields(const Alert &alert)
{
    const bool acknowledged = alert.state == AlertState::Acknowledged || alert.state == AlertState::Resolved;
    if (acknowledged && (alert.ackedBy.empty() || !alert.ackedAtMs))
        fail(std::string(alertStateName(alert.state)) + " but acked_by or acked_at is missing");
    if (alert.state == AlertState::Resolved && !alert.resolvedAtMs)
        fail("resolved but resolved_at is missing");
    if (alert.state == AlertState::Retracted && !alert.retractedAtMs)
        fail("retracted but retracted_at is missing");
}

std::string trimmed(std::string_view text)
{
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

AlertChange refused(std::string error)
{
    return {std::nullopt, std::move(error)};
}

AlertChange changed(Alert alert)
{
    return {std::move(alert), {}};
}

} // namespace

std::string_view alertStateName(AlertState state)
{
    return kStateNames[static_cast<std::size_t>(state)];
}

std::optional<AlertState> alertStateFromName(std::string_view name)
{
    for (std::size_t i = 0; i < kStateNames.size(); ++i) {
        if (kStateNames[i] == name)
            return static_cast<AlertState>(i);
    }
    return std::nullopt;
}

std::string_view alertSeverityName(AlertSeverity severity)
{
    return kSeverityNames[static_cast<std::size_t>(severity)];
}

std::optional<AlertSeverity> alertSeverityFromName(std::string_view name)
{
    for (std::size_t i = 0; i < kSeverityNames.size(); ++i) {
        if (kSeverityNames[i] == name)
            return static_cast<AlertSeverity>(i);
    }
    return std::nullopt;
}

int lifecycleRank(AlertState state)
{
    switch (state) {
    case AlertState::Open:
        return 0;
    case AlertState::Acknowledged:
        return 1;
    case AlertState::Resolved:
    case AlertState::Retracted:
        return 2;
    }
    return 0;
}

std::string Alert::makeId(std::string_view observationKey, std::string_view loinc, bool delta)
{
    // Two differently seeded 64-bit hashes: 128 bits keep ids unique over years of results.
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%s-%016llx%016llx", delta ? "delta" : "crit",
                  static_cast<unsigned long long>(keyHash(observationKey, loinc, 0xcbf29ce484222325ULL)),
                  static_cast<unsigned long long>(keyHash(observationKey, loinc, 0x6c62272e07bb0142ULL)));
    return buffer;
}

bool Alert::isLate(std::string_view issued, std::string_view effective, std::int64_t evaluatedAtMs,
                   std::int64_t horizonMs)
{
    auto resultMs = fhirDateTimeToMs(issued);
    if (!resultMs)
        resultMs = fhirDateTimeToMs(effective);
    return resultMs && *resultMs < evaluatedAtMs - horizonMs;
}

nlohmann::json Alert::toJson() const
{
    Json json;
    json["alert_id"] = alertId;
    json["state"] = alertStateName(state);
    json["severity"] = alertSeverityName(severity);
    json["late"] = late;
    json["patient_id"] = patientId;
    json["encounter_id"] = textOrNull(encounterId);
    json["location"] = textOrNull(location);
    json["observation_id"] = textOrNull(observationId);
    json["loinc"] = loinc;
    json["display"] = display;
    json["value"] = value;
    json["comparator"] = textOrNull(comparator);
    json["unit"] = unit;
    json["limit"] = limit;
    json["threshold_set"] = {{"name", thresholdSetName}, {"version", thresholdSetVersion}};
    json["effective"] = textOrNull(effective);
    json["issued"] = textOrNull(issued);
    json["evaluated_at"] = msToFhirInstant(evaluatedAtMs);
    json["acked_by"] = textOrNull(ackedBy);
    json["acked_at"] = timeOrNull(ackedAtMs);
    json["read_back"] = readBack;
    json["resolved_by"] = textOrNull(resolvedBy);
    json["resolved_at"] = timeOrNull(resolvedAtMs);
    json["retraction_reason"] = textOrNull(retractionReason);
    json["retracted_at"] = timeOrNull(retractedAtMs);
    json["baseline"] = baseline ? Json(*baseline) : Json(nullptr);
    json["stage"] = stage;
    json["amended"] = amended;
    json["previous_value"] = previousValue ? Json(*previousValue) : Json(nullptr);
    json["corrected"] = corrected;
    json["source"] = {{"topic", source.topic}, {"partition", source.partition}, {"offset", source.offset}};
    return json;
}

Alert Alert::fromJson(const nlohmann::json &json)
{
    if (!json.is_object())
        fail("not a JSON object");
    Alert alert;
    alert.alertId = text(json, "alert_id", true);
    const auto state = alertStateFromName(text(json, "state", true));
    if (!state)
        fail("state is not one of open, acknowledged, resolved, retracted");
    alert.state = *state;
    const auto severity = alertSeverityFromName(text(json, "severity", true));
    if (!severity)
        fail("severity is not one of critical-low, critical-high, delta");
    alert.severity = *severity;
    if (const Json *late = member(json, "late")) {
        if (!late->is_boolean())
            fail("late is not true or false");
        alert.late = late->get<bool>();
    }
    alert.patientId = text(json, "patient_id", true);
    alert.encounterId = text(json, "encounter_id", false);
    alert.location = text(json, "location", false);
    alert.observationId = text(json, "observation_id", false);
    alert.loinc = text(json, "loinc", true);
    alert.display = text(json, "display", false);
    alert.value = requiredNumber(json, "value");
    alert.comparator = text(json, "comparator", false);
    alert.unit = text(json, "unit", true);
    alert.limit = requiredNumber(json, "limit");
    readThresholdSet(json, alert);
    alert.effective = text(json, "effective", false);
    alert.issued = text(json, "issued", false);
    alert.evaluatedAtMs = *instant(json, "evaluated_at", true);
    alert.ackedBy = text(json, "acked_by", false);
    alert.ackedAtMs = instant(json, "acked_at", false);
    if (const Json *readBack = member(json, "read_back"); readBack && readBack->is_boolean())
        alert.readBack = readBack->get<bool>();
    alert.resolvedBy = text(json, "resolved_by", false);
    alert.resolvedAtMs = instant(json, "resolved_at", false);
    alert.retractionReason = text(json, "retraction_reason", false);
    alert.retractedAtMs = instant(json, "retracted_at", false);
    readDelta(json, alert);
    for (auto [name, flag] : {std::pair{"amended", &alert.amended}, std::pair{"corrected", &alert.corrected}}) {
        if (const Json *given = member(json, name)) {
            if (!given->is_boolean())
                fail(std::string(name) + " is not true or false");
            *flag = given->get<bool>();
        }
    }
    if (const Json *previous = member(json, "previous_value"))
        alert.previousValue = finiteNumber(*previous, "previous_value");
    alert.source = readSource(json);
    checkLifecycleFields(alert);
    return alert;
}

Alert Alert::parse(std::string_view bytes)
{
    const Json json = Json::parse(bytes, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded())
        fail("not valid JSON");
    return fromJson(json);
}

AlertChange Alert::acknowledge(std::string_view by, std::int64_t atMs, bool readBackConfirmed) const
{
    if (state == AlertState::Acknowledged) {
        // The time as the ward's clock shows it, so the nurse can tell which acknowledgement it was.
        const std::string at = ackedAtMs
            ? " at " + QDateTime::fromMSecsSinceEpoch(*ackedAtMs).toString(QStringLiteral("HH:mm")).toStdString()
            : std::string();
        return refused("alert is already acknowledged by " + ackedBy + at);
    }
    if (state != AlertState::Open)
        return refused("a " + std::string(alertStateName(state)) + " alert cannot be acknowledged");
    const std::string name = trimmed(by);
    if (name.empty())
        return refused("acknowledging needs the name of the person who took the result");
    // Read-back is the NPSG check that the value reached the clinician unaltered.
    if (!readBackConfirmed)
        return refused("the value must be read back before the alert is acknowledged");
    Alert next = *this;
    next.state = AlertState::Acknowledged;
    next.ackedBy = name;
    next.ackedAtMs = atMs;
    next.readBack = true;
    return changed(std::move(next));
}

AlertChange Alert::resolve(std::string_view by, std::int64_t atMs) const
{
    if (state == AlertState::Open)
        return refused("an open alert must be acknowledged before it is resolved");
    if (state != AlertState::Acknowledged)
        return refused("a " + std::string(alertStateName(state)) + " alert cannot be resolved");
    const std::string name = trimmed(by);
    if (name.empty())
        return refused("resolving needs the name of the person who resolves the alert");
    Alert next = *this;
    next.state = AlertState::Resolved;
    next.resolvedBy = name;
    next.resolvedAtMs = atMs;
    return changed(std::move(next));
}

AlertChange Alert::retract(std::string_view reason, std::int64_t atMs) const
{
    if (state != AlertState::Open && state != AlertState::Acknowledged)
        return refused("a " + std::string(alertStateName(state)) + " alert cannot be retracted");
    const std::string why = trimmed(reason);
    if (why.empty())
        return refused("retracting needs a reason");
    Alert next = *this;
    next.state = AlertState::Retracted;
    next.retractionReason = why;
    next.retractedAtMs = atMs;
    return changed(std::move(next));
}

Alert Alert::combinedWith(const Alert &later) const
{
    // Newer: evaluated later; for the same evaluation time (an amendment keeps the time the alert was
    // raised), the later input record; else the record read later.
    const bool sameInput = later.source.topic == source.topic && later.source.partition == source.partition;
    const bool laterIsNewer = later.evaluatedAtMs != evaluatedAtMs ? later.evaluatedAtMs > evaluatedAtMs
                                                                    : !sameInput || later.source.offset >= source.offset;
    const Alert &values = laterIsNewer ? later : *this;
    const Alert &other = laterIsNewer ? *this : later;
    // A correction is a new communication: its own lifecycle, whatever the critical value's was.
    if (values.corrected != other.corrected)
        return values;
    return lifecycleRank(values.state) >= lifecycleRank(other.state) ? values : values.withLifecycleOf(other);
}

Alert Alert::withLifecycleOf(const Alert &other) const
{
    Alert combined = *this;
    combined.state = other.state;
    combined.ackedBy = other.ackedBy;
    combined.ackedAtMs = other.ackedAtMs;
    combined.readBack = other.readBack;
    combined.resolvedBy = other.resolvedBy;
    combined.resolvedAtMs = other.resolvedAtMs;
    combined.retractionReason = other.retractionReason;
    combined.retractedAtMs = other.retractedAtMs;
    return combined;
}
