#include "wall/wallfeed.h"

#include "fhir/fhirdatetime.h"
#include "fhir/fhirenvelope.h"
#include "fhir/patientmask.h"

#include <algorithm>
#include <array>
#include <vector>

namespace {

using Json = nlohmann::json;

const Json &member(const Json &object, const char *name)
{
    static const Json missing;
    if (!object.is_object())
        return missing;
    const auto it = object.find(name);
    return it != object.end() ? *it : missing;
}

std::string text(const Json &object, const char *name)
{
    const Json &value = member(object, name);
    return value.is_string() ? value.get<std::string>() : std::string();
}

bool hasCoding(const Json &codeable, std::string_view code)
{
    const Json &codings = member(codeable, "coding");
    if (!codings.is_array())
        return false;
    for (const Json &coding : codings) {
        if (text(coding, "code") == code)
            return true;
    }
    return false;
}

// The first letter of a name, upper case, and a full stop; empty for an empty name.
std::string initialOf(const std::string &name)
{
    const QString letter = QString::fromStdString(name).trimmed().left(1).toUpper();
    return letter.isEmpty() ? std::string() : letter.toStdString() + '.';
}

std::string initialsOf(const Json &patient)
{
    const Json &names = member(patient, "name");
    if (!names.is_array() || names.empty())
        return {};
    const Json *chosen = &names.front();
    for (const Json &name : names) {
        if (text(name, "use") == "official") {
            chosen = &name;
            break;
        }
    }
    const Json &given = member(*chosen, "given");
    const std::string first = given.is_array() && !given.empty() && given.front().is_string()
        ? given.front().get<std::string>()
        : std::string();
    return initialOf(first) + initialOf(text(*chosen, "family"));
}

std::string mrnOf(const Json &patient)
{
    const Json &identifiers = member(patient, "identifier");
    if (!identifiers.is_array() || identifiers.empty())
        return {};
    for (const Json &identifier : identifiers) {
        if (hasCoding(member(identifier, "type"), "MR"))
            return text(identifier, "value");
    }
    return text(identifiers.front(), "value");
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

std::string_view digitRun(std::string_view text, std::size_t &at)
{
    const std::size_t start = at;
    while (at < text.size() && isDigit(text[at]))
        ++at;
    std::string_view run = text.substr(start, at - start);
    while (run.size() > 1 && run.front() == '0')
        run.remove_prefix(1);
    return run;
}

int naturalCompare(std::string_view a, std::string_view b)
{
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (isDigit(a[i]) && isDigit(b[j])) {
            const std::string_view x = digitRun(a, i), y = digitRun(b, j);
            if (x.size() != y.size())
                return x.size() < y.size() ? -1 : 1;
            if (const int order = x.compare(y); order != 0)
                return order;
            continue;
        }
        if (a[i] != b[j])
            return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]) ? -1 : 1;
        ++i;
        ++j;
    }
    return (i < a.size()) - (j < b.size());
}

bool isFinished(const std::string &status)
{
    return status == "finished" || status == "cancelled" || status == "entered-in-error";
}

// Ward, room and bed from Encounter.location. A discharge marks its entries "completed"; they still
// name where the patient was, so they count unless an active entry of the same type says otherwise.
void readPlacement(const Json &encounter, AdtEvent &event)
{
    const Json &locations = member(encounter, "location");
    if (!locations.is_array())
        return;
    constexpr std::array<const char *, 3> kTypes = {"wa", "ro", "bd"};
    const std::array<std::string *, 3> targets = {&event.ward, &event.room, &event.bed};
    std::array<bool, 3> fromActive = {false, false, false};
    for (const Json &entry : locations) {
        const std::string display = text(member(entry, "location"), "display");
        if (display.empty())
            continue;
        const bool active = text(entry, "status") != "completed";
        for (std::size_t type = 0; type < kTypes.size(); ++type) {
            if (!hasCoding(member(entry, "physicalType"), kTypes[type]) || (fromActive[type] && !active))
                continue;
            *targets[type] = display; // a later entry of the same standing is the newer one
            fromActive[type] = active;
        }
    }
}

} // namespace

std::optional<AdtEvent> adtEventFromEnvelope(const FhirEnvelope &envelope, std::int64_t recordTimestampMs)
{
    AdtEvent event;
    event.patientId = envelope.patientId;
    event.timestampMs = fhirDateTimeToMs(envelope.timestamp).value_or(recordTimestampMs);
    const Json &resource = envelope.resource;
    if (envelope.resourceType == "Patient") {
        if (event.patientId.empty())
            return std::nullopt;
        event.kind = AdtEvent::Kind::Patient;
        event.initials = initialsOf(resource);
        event.mrn = mrnOf(resource);
        return event;
    }
    if (envelope.resourceType == "Encounter") {
        if (envelope.resourceId.empty())
            return std::nullopt;
        event.kind = AdtEvent::Kind::Encounter;
        event.encounterId = envelope.resourceId;
        event.finished = isFinished(text(resource, "status"));
        readPlacement(resource, event);
        return event;
    }
    return std::nullopt;
}

bool naturalLess(std::string_view a, std::string_view b)
{
    const int order = naturalCompare(a, b);
    return order != 0 ? order < 0 : a < b; // "01" and "1" still have an order
}

std::string patientLabel(const CensusEntry &entry, const PatientLabelPolicy &policy)
{
    std::vector<std::string> identifiers;
    if (policy.initials && !entry.initials.empty())
        identifiers.push_back(entry.initials);
    const auto digits = static_cast<std::size_t>(std::max(0, policy.mrnDigits));
    if (digits > 0 && !entry.mrn.empty())
        identifiers.push_back("\u00b7" + entry.mrn.substr(entry.mrn.size() - std::min(digits, entry.mrn.size())));
    if (identifiers.size() < 2) {
        // The masked id is what the integration team's views show, so both sides can match a patient.
        QString masked = maskedPatientId(QString::fromStdString(entry.patientId));
        masked.remove(QChar(0x2022));
        identifiers.push_back("id \u2026" + masked.toStdString());
    }
    return identifiers.size() == 1 ? identifiers[0] : identifiers[0] + ' ' + identifiers[1];
}
