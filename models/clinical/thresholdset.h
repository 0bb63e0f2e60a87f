#pragma once

#include <QString>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

// A threshold set that cannot be loaded or saved. The message names the rule and the field, so an
// informaticist can find the line to fix.
class ThresholdError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Critical limits for one analyte. A value below `low` or above `high` (both in `unit`) is critical.
struct ThresholdRule {
    std::vector<std::string> loinc; // every code this rule applies to (serum and blood matrices)
    std::string display;
    std::string unit;               // a UCUM code UcumUnits knows
    std::optional<double> low;
    std::optional<double> high;
    std::string basis;              // where the limits come from; free text, may be empty

    bool operator==(const ThresholdRule &) const = default;
};

// A named, versioned set of critical limits, as informaticists edit it:
//   {"name": "...", "version": 7, "sources": ["..."],
//    "rules": [{"loinc": ["2823-3", "6298-4"], "display": "Potassium", "unit": "mmol/L",
//               "low": 2.8, "high": 6.2, "basis": "..."}]}
// `loinc` is a string or a list; `sources` and `basis` are optional citations (JSON has no comments).
// Immutable once built, so one set can be shared between threads as std::shared_ptr<const ThresholdSet>.
class ThresholdSet {
public:
    // Validates everything; throws ThresholdError naming the rule ("rules[3] (INR)") and the field.
    ThresholdSet(std::string name, int version, std::vector<ThresholdRule> rules,
                 std::vector<std::string> sources = {});

    // Throws ThresholdError on invalid JSON, unknown or duplicate keys, missing or ill-typed fields.
    static std::shared_ptr<const ThresholdSet> fromJson(std::string_view text);
    // `path` may be a Qt resource (":/thresholds/adult-critical-values.json"). Throws ThresholdError.
    static std::shared_ptr<const ThresholdSet> loadFile(const QString &path);

    // The same JSON format, indented, that fromJson() reads back to an equal set.
    std::string toJson() const;
    // Written atomically (the old file stays intact on failure). Throws ThresholdError.
    void saveFile(const QString &path) const;

    // The rule naming `loinc`, or nullptr. A hash lookup: the evaluator calls it for every result.
    const ThresholdRule *ruleFor(std::string_view loinc) const;

    const std::string &name() const { return m_name; }
    int version() const { return m_version; }
    const std::vector<ThresholdRule> &rules() const { return m_rules; }
    const std::vector<std::string> &sources() const { return m_sources; }

    bool operator==(const ThresholdSet &other) const;

private:
    struct CodeHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view code) const { return std::hash<std::string_view>{}(code); }
    };

    void validate() const;

    std::string m_name;
    int m_version = 0;
    std::vector<ThresholdRule> m_rules;
    std::vector<std::string> m_sources;
    std::unordered_map<std::string, std::size_t, CodeHash, std::equal_to<>> m_ruleByCode;
};
