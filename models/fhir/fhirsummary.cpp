#include "fhir/fhirsummary.h"

#include <array>
#include <charconv>
#include <string_view>
#include <utility>

namespace {

using nlohmann::json;

constexpr std::array<std::pair<std::string_view, std::string_view>, 24> analyteNames = {{
    {"2823-3", "K"},     {"6298-4", "K"},     {"2951-2", "Na"},    {"2947-0", "Na"},
    {"2345-7", "Glu"},   {"2339-0", "Glu"},   {"14749-6", "Glu"},  {"15074-8", "Glu"},
    {"718-7", "Hb"},     {"777-3", "Plt"},    {"6690-2", "WBC"},   {"6301-6", "INR"},
    {"34714-6", "INR"},  {"17861-6", "Ca"},   {"2160-0", "Creat"}, {"38483-4", "Creat"},
    {"2524-7", "Lact"},  {"32693-4", "Lact"}, {"2744-1", "pH"},    {"11558-4", "pH"},
    {"2019-8", "pCO2"},  {"10839-9", "TnI"},  {"6598-7", "TnT"},   {"1920-8", "AST"},
}};

std::string text(const json &object, const char *name)
{
    if (!object.is_object())
        return {};
    const auto it = object.find(name);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const json &member(const json &object, const char *name)
{
    static const json null;
    if (!object.is_object())
        return null;
    const auto it = object.find(name);
    return it != object.end() ? *it : null;
}

std::string joined(std::initializer_list<std::string> parts)
{
    std::string out;
    for (const auto &part : parts) {
        if (part.empty())
            continue;
        if (!out.empty())
            out += ' ';
        out += part;
    }
    return out;
}

std::string numberText(const json &value)
{
    if (value.is_number_integer())
        return std::to_string(value.get<long long>());
    if (value.is_number_float()) {
        char buffer[32];
        const auto result = std::to_chars(buffer, buffer + sizeof buffer, value.get<double>());
        return std::string(buffer, result.ptr);
    }
    if (value.is_string())
        return '"' + value.get<std::string>() + '"';
    return "?";
}

std::string codeDisplay(const json &codeable)
{
    if (auto t = text(codeable, "text"); !t.empty())
        return t;
    for (const auto &coding : member(codeable, "coding")) {
        if (auto display = text(coding, "display"); !display.empty())
            return display;
        if (auto code = text(coding, "code"); !code.empty())
            return code;
    }
    return {};
}

std::string observationName(const json &observation)
{
    const json &code = member(observation, "code");
    for (const auto &coding : member(code, "coding")) {
        if (text(coding, "system") == "http://loinc.org") {
            if (auto name = shortAnalyteName(text(coding, "code")); !name.empty())
                return name;
        }
    }
    return codeDisplay(code);
}

std::string observationValue(const json &observation)
{
    const json &quantity = member(observation, "valueQuantity");
    if (quantity.is_object()) {
        const json &value = member(quantity, "value");
        auto unit = text(quantity, "code");
        if (unit.empty())
            unit = text(quantity, "unit");
        return joined({text(quantity, "comparator") + (value.is_null() ? "?" : numberText(value)), unit});
    }
    if (auto s = text(observation, "valueString"); !s.empty())
        return s.size() > 40 ? s.substr(0, 40) + "…" : s;
    if (const json &codeable = member(observation, "valueCodeableConcept"); codeable.is_object())
        return codeDisplay(codeable);
    return {};
}

std::string locationOf(const json &encounter)
{
    std::string ward, bed;
    for (const auto &entry : member(encounter, "location")) {
        const auto display = text(member(entry, "location"), "display");
        for (const auto &coding : member(member(entry, "physicalType"), "coding")) {
            const auto kind = text(coding, "code");
            if (kind == "wa")
                ward = display;
            else if (kind == "bd")
                bed = display;
        }
    }
    if (!ward.empty() && !bed.empty())
        return ward + " · " + bed;
    return ward.empty() ? bed : ward;
}

std::string encounterSummary(const json &encounter, const std::string &eventType)
{
    const auto status = text(encounter, "status");
    std::string what = eventType == "admission" ? "admit"
                       : eventType == "transfer" ? "transfer to"
                       : eventType == "discharge" || status == "finished" ? "discharge from"
                                                                           : status;
    return joined({what, locationOf(encounter)});
}

} // namespace

std::string shortAnalyteName(const std::string &loinc)
{
    for (const auto &[code, name] : analyteNames) {
        if (code == loinc)
            return std::string(name);
    }
    return {};
}

std::string summarizeResource(const json &resource, const std::string &eventType)
{
    const auto type = text(resource, "resourceType");
    if (type == "Observation")
        return joined({observationName(resource), observationValue(resource), text(resource, "status")});
    if (type == "Encounter")
        return encounterSummary(resource, eventType);
    if (type == "MedicationRequest")
        return joined({codeDisplay(member(resource, "medicationCodeableConcept")), text(resource, "status")});
    if (type == "Patient")
        return joined({"registered", text(resource, "gender"), text(resource, "birthDate").substr(0, 4)});
    if (type == "DiagnosticReport")
        return joined({codeDisplay(member(resource, "code")), text(resource, "status")});
    return joined({type, text(resource, "status")});
}
