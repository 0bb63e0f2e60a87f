#include "clinical/ucumunits.h"

#include <array>
#include <initializer_list>

namespace {

// Analytes whose conversions depend on what is measured (molar mass, valence).
enum class Analyte { Any, Glucose, Lactate, Creatinine, Calcium, Potassium, Sodium };

struct CodedAnalyte {
    std::string_view loinc;
    Analyte analyte;
};

// The LOINC codes of CLINICAL.md's table; a code not listed converts only analyte-free units.
constexpr std::array<CodedAnalyte, 13> kAnalytes = {{
    {"2345-7", Analyte::Glucose},     {"2339-0", Analyte::Glucose},
    {"14749-6", Analyte::Glucose},    {"15074-8", Analyte::Glucose},
    {"2524-7", Analyte::Lactate},     {"32693-4", Analyte::Lactate},
    {"2160-0", Analyte::Creatinine},  {"38483-4", Analyte::Creatinine},
    {"17861-6", Analyte::Calcium},
    {"2823-3", Analyte::Potassium},   {"6298-4", Analyte::Potassium},
    {"2951-2", Analyte::Sodium},      {"2947-0", Analyte::Sodium},
}};

// One unit of a family: value_in_base = value * multiply / divide. Keeping both factors exact as
// written in CLINICAL.md makes a conversion and its reverse use the published number, not 1/x.
struct Scale {
    std::string_view unit;
    double multiply = 1.0;
    double divide = 1.0;
};

// Units that convert into each other by a fixed factor, for one analyte or for any.
struct Family {
    Analyte analyte;
    std::array<Scale, 3> scales;
};

constexpr std::array<Family, 10> kFamilies = {{
    {Analyte::Any, {{{"g/L"}, {"g/dL", 10.0}}}},
    {Analyte::Any, {{{"10*9/L"}, {"10*3/uL"}}}},
    {Analyte::Any, {{{"ng/L"}, {"ng/mL", 1000.0}}}},
    {Analyte::Any, {{{"mm[Hg]"}, {"kPa", 7.5006}}}},
    {Analyte::Glucose, {{{"mmol/L"}, {"mg/dL", 1.0, 18.016}}}},
    {Analyte::Lactate, {{{"mmol/L"}, {"mg/dL", 1.0, 9.008}}}},
    {Analyte::Creatinine, {{{"umol/L"}, {"mg/dL", 88.4}}}},
    {Analyte::Calcium, {{{"mmol/L"}, {"mg/dL", 0.2495}, {"meq/L", 1.0, 2.0}}}},
    {Analyte::Potassium, {{{"mmol/L"}, {"meq/L"}}}},
    {Analyte::Sodium, {{{"mmol/L"}, {"meq/L"}}}},
}};

constexpr std::array<std::string_view, 14> kKnownUnits = {
    "mmol/L", "mg/dL", "umol/L", "g/dL", "g/L", "10*9/L", "10*3/uL",
    "mm[Hg]", "kPa", "ng/mL", "ng/L", "meq/L", "[pH]", "{INR}",
};

Analyte analyteOf(std::string_view loinc)
{
    for (const CodedAnalyte &coded : kAnalytes) {
        if (coded.loinc == loinc)
            return coded.analyte;
    }
    return Analyte::Any;
}

const Scale *scaleIn(const Family &family, std::string_view unit)
{
    for (const Scale &scale : family.scales) {
        if (!scale.unit.empty() && scale.unit == unit)
            return &scale;
    }
    return nullptr;
}

} // namespace

bool UcumUnits::isKnownUnit(std::string_view code)
{
    for (std::string_view known : kKnownUnits) {
        if (known == code)
            return true;
    }
    return false;
}

std::optional<double> UcumUnits::convert(double value, std::string_view from, std::string_view to,
                                         std::string_view loinc)
{
    // Most results arrive in the rule's own unit: settle that before searching the families.
    if (from == to)
        return isKnownUnit(from) ? std::optional<double>(value) : std::nullopt;
    if (!isKnownUnit(from) || !isKnownUnit(to))
        return std::nullopt;

    const Analyte analyte = analyteOf(loinc);
    for (const Family &family : kFamilies) {
        if (family.analyte != Analyte::Any && family.analyte != analyte)
            continue;
        const Scale *source = scaleIn(family, from);
        const Scale *target = scaleIn(family, to);
        if (source && target)
            return value * source->multiply / source->divide * target->divide / target->multiply;
    }
    return std::nullopt;
}

bool UcumUnits::canConvert(std::string_view from, std::string_view to, std::string_view loinc)
{
    return convert(1.0, from, to, loinc).has_value();
}
