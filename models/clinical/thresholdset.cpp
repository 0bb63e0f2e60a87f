#include "clinical/thresholdset.h"

#include "clinical/ucumunits.h"

#include <QFile>
#include <QSaveFile>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <set>

namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

constexpr std::array<std::string_view, 4> kSetKeys = {"name", "version", "rules", "sources"};
constexpr std::array<std::string_view, 6> kRuleKeys = {"loinc", "display", "unit", "low", "high", "basis"};

[[noreturn]] void fail(const std::string &message)
{
    throw ThresholdError(message);
}

std::string ruleLabel(std::size_t index, std::string_view display)
{
    std::string label = "rules[" + std::to_string(index) + "]";
    if (!display.empty())
        label += " (" + std::string(display) + ")";
    return label;
}

template<std::size_t N>
bool isOneOf(std::string_view key, const std::array<std::string_view, N> &keys)
{
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// LOINC codes end in a mod-10 (Luhn) check digit; checking it turns a typo into a load error
// instead of a rule that silently never matches.
bool isLoincCode(std::string_view code)
{
    const auto dash = code.find('-');
    if (dash == std::string_view::npos || dash == 0 || dash > 7 || dash + 2 != code.size())
        return false;
    int sum = 0;
    bool doubled = true; // the rightmost digit of the body is doubled
    for (std::size_t i = dash; i-- > 0;) {
        if (code[i] < '0' || code[i] > '9')
            return false;
        int digit = code[i] - '0';
        if (doubled)
            digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
        sum += digit;
        doubled = !doubled;
    }
    const char check = code[dash + 1];
    return check >= '0' && check <= '9' && (10 - sum % 10) % 10 == check - '0';
}

std::string describeNumber(double value)
{
    Json number = value;
    return number.dump();
}

// Rejects a key that appears twice in one object, which nlohmann would otherwise resolve silently
// by keeping the last: a threshold file with two "high" keys is a mistake to show, not to guess.
class DuplicateKeyCheck {
public:
    bool operator()(int /*depth*/, Json::parse_event_t event, Json &parsed)
    {
        switch (event) {
        case Json::parse_event_t::object_start:
        case Json::parse_event_t::array_start:
            enter(event == Json::parse_event_t::array_start);
            break;
        case Json::parse_event_t::object_end:
        case Json::parse_event_t::array_end:
            if (!m_frames.empty())
                m_frames.pop_back();
            break;
        case Json::parse_event_t::key:
            if (!m_frames.empty() && !m_frames.back().keys.insert(parsed.get<std::string>()).second
                && m_duplicate.empty()) {
                m_duplicate = parsed.get<std::string>();
                m_duplicatePath = path();
            }
            m_pendingKey = parsed.get<std::string>();
            break;
        case Json::parse_event_t::value:
            if (!m_frames.empty() && m_frames.back().array)
                ++m_frames.back().elements;
            break;
        }
        return true;
    }

    const std::string &duplicate() const { return m_duplicate; }
    const std::vector<std::string> &duplicatePath() const { return m_duplicatePath; }

private:
    struct Frame {
        bool array = false;
        std::string label;
        int elements = 0;
        std::set<std::string> keys;
    };

    void enter(bool array)
    {
        std::string label;
        if (!m_frames.empty())
            label = m_frames.back().array ? std::to_string(m_frames.back().elements++) : m_pendingKey;
        m_frames.push_back({array, std::move(label), 0, {}});
    }

    std::vector<std::string> path() const
    {
        std::vector<std::string> labels;
        for (std::size_t i = 1; i < m_frames.size(); ++i)
            labels.push_back(m_frames[i].label);
        return labels;
    }

    std::vector<Frame> m_frames;
    std::string m_pendingKey;
    std::string m_duplicate;
    std::vector<std::string> m_duplicatePath;
};

std::string displayOf(const Json &rule)
{
    const auto display = rule.find("display");
    return display != rule.end() && display->is_string() ? display->get<std::string>() : std::string();
}

std::string duplicateKeyMessage(const Json &document, const DuplicateKeyCheck &check)
{
    const auto &path = check.duplicatePath();
    std::string where = "threshold set";
    if (path.size() >= 2 && path[0] == "rules") {
        const std::size_t index = std::stoul(path[1]);
        // The rule may be gone from the document when "rules" itself appears twice.
        const auto rules = document.find("rules");
        const bool present = rules != document.end() && rules->is_array() && index < rules->size();
        where = ruleLabel(index, present ? displayOf((*rules)[index]) : std::string());
    } else if (!path.empty()) {
        where = path[0];
    }
    return where + ": key \"" + check.duplicate() + "\" appears twice";
}

Json parseDocument(std::string_view text)
{
    DuplicateKeyCheck check;
    Json document;
    try {
        document = Json::parse(text, std::ref(check));
    } catch (const Json::exception &error) {
        fail(std::string("threshold set is not valid JSON: ") + error.what());
    }
    if (!check.duplicate().empty())
        fail(duplicateKeyMessage(document, check));
    return document;
}

std::optional<double> readLimit(const Json &rule, const char *key, const std::string &label)
{
    const auto limit = rule.find(key);
    if (limit == rule.end())
        return std::nullopt;
    if (!limit->is_number())
        fail(label + ": " + key + " is not a number");
    return limit->get<double>();
}

std::vector<std::string> readCodes(const Json &rule, const std::string &label)
{
    const auto loinc = rule.find("loinc");
    if (loinc == rule.end())
        fail(label + ": loinc is missing");
    if (loinc->is_string())
        return {loinc->get<std::string>()};
    if (!loinc->is_array())
        fail(label + ": loinc is neither a string nor a list of strings");
    std::vector<std::string> codes;
    for (const Json &code : *loinc) {
        if (!code.is_string())
            fail(label + ": loinc is neither a string nor a list of strings");
        codes.push_back(code.get<std::string>());
    }
    return codes;
}

std::string readString(const Json &object, const char *key, const std::string &label)
{
    const auto value = object.find(key);
    if (value == object.end())
        return {};
    if (!value->is_string())
        fail(label + ": " + key + " is not a string");
    return value->get<std::string>();
}

ThresholdRule readRule(const Json &rule, std::size_t index)
{
    if (!rule.is_object())
        fail(ruleLabel(index, {}) + ": is not an object");
    const std::string label = ruleLabel(index, displayOf(rule));
    for (const auto &item : rule.items()) {
        if (!isOneOf(item.key(), kRuleKeys))
            fail(label + ": unknown key \"" + item.key() + "\"");
    }
    if (!rule.contains("display"))
        fail(label + ": display is missing");
    if (!rule.contains("unit"))
        fail(label + ": unit is missing");

    ThresholdRule parsed;
    parsed.loinc = readCodes(rule, label);
    parsed.display = readString(rule, "display", label);
    parsed.unit = readString(rule, "unit", label);
    parsed.low = readLimit(rule, "low", label);
    parsed.high = readLimit(rule, "high", label);
    parsed.basis = readString(rule, "basis", label);
    return parsed;
}

std::vector<std::string> readSources(const Json &document)
{
    const auto sources = document.find("sources");
    if (sources == document.end())
        return {};
    if (!sources->is_array())
        fail("threshold set: sources is not a list of strings");
    std::vector<std::string> list;
    for (const Json &source : *sources) {
        if (!source.is_string())
            fail("threshold set: sources is not a list of strings");
        list.push_back(source.get<std::string>());
    }
    return list;
}

int readVersion(const Json &document)
{
    const auto version = document.find("version");
    if (version == document.end())
        fail("threshold set: version is missing");
    if (!version->is_number_integer())
        fail("threshold set: version is not a whole number");
    const bool fits = version->is_number_unsigned()
        ? version->get<std::uint64_t>() <= std::uint64_t(std::numeric_limits<int>::max())
        : version->get<std::int64_t>() >= std::numeric_limits<int>::min()
            && version->get<std::int64_t>() <= std::numeric_limits<int>::max();
    if (!fits)
        fail("threshold set: version is out of range");
    return version->get<int>();
}

OrderedJson ruleToJson(const ThresholdRule &rule)
{
    OrderedJson json;
    if (rule.loinc.size() == 1)
        json["loinc"] = rule.loinc.front();
    else
        json["loinc"] = rule.loinc;
    json["display"] = rule.display;
    json["unit"] = rule.unit;
    if (rule.low)
        json["low"] = *rule.low;
    if (rule.high)
        json["high"] = *rule.high;
    if (!rule.basis.empty())
        json["basis"] = rule.basis;
    return json;
}

void validateLimits(const ThresholdRule &rule, const std::string &label)
{
    if (!rule.low && !rule.high)
        fail(label + ": neither low nor high is given");
    if ((rule.low && !std::isfinite(*rule.low)) || (rule.high && !std::isfinite(*rule.high)))
        fail(label + ": a limit is not a finite number");
    if (rule.low && rule.high && *rule.low >= *rule.high)
        fail(label + ": low " + describeNumber(*rule.low) + " is not below high " + describeNumber(*rule.high));
}

void validateUnit(const ThresholdRule &rule, const std::string &label)
{
    if (rule.unit.empty())
        fail(label + ": unit is missing");
    if (!UcumUnits::isKnownUnit(rule.unit))
        fail(label + ": unit \"" + rule.unit + "\" is not a UCUM code Vigil can convert");
}

} // namespace

ThresholdSet::ThresholdSet(std::string name, int version, std::vector<ThresholdRule> rules,
                           std::vector<std::string> sources)
    : m_name(std::move(name)), m_version(version), m_rules(std::move(rules)), m_sources(std::move(sources))
{
    validate();
    for (std::size_t i = 0; i < m_rules.size(); ++i) {
        for (const std::string &code : m_rules[i].loinc)
            m_ruleByCode.emplace(code, i);
    }
}

void ThresholdSet::validate() const
{
    if (m_name.empty())
        fail("threshold set: name is missing");
    if (m_version < 1)
        fail("threshold set: version must be 1 or more");
    // A set without rules would alert on nothing; that is far more likely a mistake than a wish.
    if (m_rules.empty())
        fail("threshold set: rules is empty");

    std::unordered_map<std::string, std::size_t> owner;
    for (std::size_t i = 0; i < m_rules.size(); ++i) {
        const ThresholdRule &rule = m_rules[i];
        const std::string label = ruleLabel(i, rule.display);
        if (rule.display.empty())
            fail(label + ": display is missing");
        if (rule.loinc.empty())
            fail(label + ": loinc names no code");
        for (const std::string &code : rule.loinc) {
            if (!isLoincCode(code))
                fail(label + ": loinc \"" + code + "\" is not a LOINC code (digits, dash, check digit)");
            const auto [previous, added] = owner.emplace(code, i);
            if (!added) {
                fail(label + ": loinc " + code + " is also in "
                     + ruleLabel(previous->second, m_rules[previous->second].display));
            }
        }
        validateUnit(rule, label);
        validateLimits(rule, label);
    }
}

std::shared_ptr<const ThresholdSet> ThresholdSet::fromJson(std::string_view text)
{
    const Json document = parseDocument(text);
    if (!document.is_object())
        fail("threshold set: not a JSON object");
    for (const auto &item : document.items()) {
        if (!isOneOf(item.key(), kSetKeys))
            fail("threshold set: unknown key \"" + item.key() + "\"");
    }
    if (!document.contains("name"))
        fail("threshold set: name is missing");
    const std::string name = readString(document, "name", "threshold set");
    const int version = readVersion(document);

    const auto rulesJson = document.find("rules");
    if (rulesJson == document.end())
        fail("threshold set: rules is missing");
    if (!rulesJson->is_array())
        fail("threshold set: rules is not a list");
    std::vector<ThresholdRule> rules;
    rules.reserve(rulesJson->size());
    for (std::size_t i = 0; i < rulesJson->size(); ++i)
        rules.push_back(readRule((*rulesJson)[i], i));

    return std::make_shared<const ThresholdSet>(name, version, std::move(rules), readSources(document));
}

std::shared_ptr<const ThresholdSet> ThresholdSet::loadFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        fail("cannot read threshold set " + path.toStdString() + ": " + file.errorString().toStdString());
    const QByteArray bytes = file.readAll();
    try {
        return fromJson(std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())));
    } catch (const ThresholdError &error) {
        fail(path.toStdString() + ": " + error.what());
    }
}

std::string ThresholdSet::toJson() const
{
    OrderedJson document;
    document["name"] = m_name;
    document["version"] = m_version;
    if (!m_sources.empty())
        document["sources"] = m_sources;
    OrderedJson rules = OrderedJson::array();
    for (const ThresholdRule &rule : m_rules)
        rules.push_back(ruleToJson(rule));
    document["rules"] = std::move(rules);
    return document.dump(2) + "\n";
}

void ThresholdSet::saveFile(const QString &path) const
{
    const std::string text = toJson();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)
        || file.write(text.data(), static_cast<qint64>(text.size())) != static_cast<qint64>(text.size())
        || !file.commit()) {
        fail("cannot write threshold set " + path.toStdString() + ": " + file.errorString().toStdString());
    }
}

const ThresholdRule *ThresholdSet::ruleFor(std::string_view loinc) const
{
    const auto found = m_ruleByCode.find(loinc);
    return found == m_ruleByCode.end() ? nullptr : &m_rules[found->second];
}

bool ThresholdSet::operator==(const ThresholdSet &other) const
{
    return m_name == other.m_name && m_version == other.m_version && m_rules == other.m_rules
        && m_sources == other.m_sources;
}
