#include "simulator/analytecatalog.h"

#include "clinical/ucumunits.h"

#include <cmath>

namespace {

constexpr std::optional<double> kNoLimit = std::nullopt;

constexpr std::array<Analyte, 12> kAnalytes = {{
    {"Potassium", "mmol/L", 14, 3.5, 5.1, 2.8, 6.2, 1.8, 8.5, 0.55, 2,
     {{{"2823-3", "Potassium [Moles/volume] in Serum or Plasma", "mmol/L", 1, 80},
       {"6298-4", "Potassium [Moles/volume] in Blood", "mmol/L", 1, 20}}}},
    {"Sodium", "mmol/L", 14, 135, 145, 120, 160, 105, 178, 0.4, 2,
     {{{"2951-2", "Sodium [Moles/volume] in Serum or Plasma", "mmol/L", 0, 80},
       {"2947-0", "Sodium [Moles/volume] in Blood", "mmol/L", 0, 20}}}},
    {"Glucose", "mg/dL", 14, 70, 140, 50, 450, 18, 900, 0.8, 4,
     {{{"2345-7", "Glucose [Mass/volume] in Serum or Plasma", "mg/dL", 0, 50},
       {"2339-0", "Glucose [Mass/volume] in Blood", "mg/dL", 0, 25},
       {"14749-6", "Glucose [Moles/volume] in Serum or Plasma", "mmol/L", 1, 15, 2.8, 25.0},
       {"15074-8", "Glucose [Moles/volume] in Blood", "mmol/L", 1, 10, 2.8, 25.0}}}},
    {"Hemoglobin", "g/dL", 10, 12.0, 17.5, 6.0, 20.0, 3.5, 23.0, 0.15, 1,
     {{{"718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", 1, 1}}}},
    {"Platelets", "10*9/L", 8, 150, 400, 40, 1000, 4, 1600, 0.3, 1,
     {{{"777-3", "Platelets [#/volume] in Blood by Automated count", "10*9/L", 0, 1}}}},
    {"Leukocytes", "10*9/L", 8, 4.0, 11.0, 2.0, 40.0, 0.2, 120.0, 0.6, 1,
     {{{"6690-2", "Leukocytes [#/volume] in Blood by Automated count", "10*9/L", 1, 1}}}},
    {"INR", "{INR}", 5, 0.8, 1.2, kNoLimit, 5.0, 0.6, 12.0, 0.95, 1,
     {{{"6301-6", "INR in Platelet poor plasma by Coagulation assay", "{INR}", 1, 1}}}},
    {"Calcium", "mg/dL", 7, 8.5, 10.5, 6.5, 13.0, 4.5, 16.5, 0.35, 1,
     {{{"17861-6", "Calcium [Mass/volume] in Serum or Plasma", "mg/dL", 1, 1}}}},
    {"Creatinine", "mg/dL", 10, 0.6, 1.3, kNoLimit, 7.4, 0.2, 16.0, 0.85, 3,
     {{{"2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", 2, 70},
       {"38483-4", "Creatinine [Mass/volume] in Blood", "mg/dL", 2, 20},
       {"2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "umol/L", 0, 10}}}},
    {"Lactate", "mmol/L", 3, 0.5, 2.2, kNoLimit, 4.0, 0.2, 16.0, 0.9, 2,
     {{{"2524-7", "Lactate [Moles/volume] in Serum or Plasma", "mmol/L", 1, 60},
       {"32693-4", "Lactate [Moles/volume] in Blood", "mmol/L", 1, 40}}}},
    {"pH", "[pH]", 3, 7.35, 7.45, 7.20, 7.60, 6.85, 7.78, 0.4, 1,
     {{{"2744-1", "pH of Arterial blood", "[pH]", 2, 1}}}},
    {"pCO2", "mm[Hg]", 3, 35, 45, 20, 60, 12, 110, 0.6, 2,
     {{{"2019-8", "Carbon dioxide [Partial pressure] in Arterial blood", "mm[Hg]", 0, 85},
       {"2019-8", "Carbon dioxide [Partial pressure] in Arterial blood", "kPa", 1, 15}}}},
}};
static_assert(kAnalytes[AnalyteCatalog::kCreatinine].name == "Creatinine");

double powerOfTen(int decimals)
{
    double factor = 1.0;
    for (int i = 0; i < decimals; ++i)
        factor *= 10.0;
    return factor;
}

} // namespace

double AnalyteVariant::step() const { return 1.0 / powerOfTen(decimals); }

// std::round, * and / are exact IEEE operations, so the rounding is the same everywhere.
double AnalyteVariant::rounded(double value) const
{
    const double factor = powerOfTen(decimals);
    return std::round(value * factor) / factor;
}

const Analyte &AnalyteCatalog::analyte(std::uint8_t index) { return kAnalytes[index]; }

const AnalyteVariant &AnalyteCatalog::variant(std::uint8_t analyte, std::uint8_t variant)
{
    return kAnalytes[analyte].variants[variant];
}

std::uint32_t AnalyteCatalog::analyteWeight()
{
    std::uint32_t total = 0;
    for (const Analyte &analyte : kAnalytes)
        total += static_cast<std::uint32_t>(analyte.weight);
    return total;
}

std::uint8_t AnalyteCatalog::pickAnalyte(std::uint32_t roll)
{
    for (std::size_t i = 0; i < kAnalytes.size(); ++i) {
        const auto weight = static_cast<std::uint32_t>(kAnalytes[i].weight);
        if (roll < weight)
            return static_cast<std::uint8_t>(i);
        roll -= weight;
    }
    return static_cast<std::uint8_t>(kAnalytes.size() - 1);
}

std::uint32_t AnalyteCatalog::variantWeight(std::uint8_t analyte)
{
    const Analyte &entry = kAnalytes[analyte];
    std::uint32_t total = 0;
    for (int i = 0; i < entry.variantCount; ++i)
        total += static_cast<std::uint32_t>(entry.variants[static_cast<std::size_t>(i)].weight);
    return total;
}

std::uint8_t AnalyteCatalog::pickVariant(std::uint8_t analyte, std::uint32_t roll)
{
    const Analyte &entry = kAnalytes[analyte];
    for (int i = 0; i < entry.variantCount; ++i) {
        const auto weight = static_cast<std::uint32_t>(entry.variants[static_cast<std::size_t>(i)].weight);
        if (roll < weight)
            return static_cast<std::uint8_t>(i);
        roll -= weight;
    }
    return static_cast<std::uint8_t>(entry.variantCount - 1);
}

double AnalyteCatalog::inVariantUnit(double value, std::uint8_t analyte, std::uint8_t variant)
{
    // Every unit pair of the table converts (tst_hospitalsimulator checks each variant's results);
    // a gap throws rather than report a number in the wrong unit.
    const AnalyteVariant &reported = kAnalytes[analyte].variants[variant];
    return UcumUnits::convert(value, kAnalytes[analyte].unit, reported.unit, reported.loinc).value();
}

Interpretation AnalyteCatalog::interpret(std::uint8_t analyte, std::uint8_t variant, double value)
{
    const Analyte &entry = kAnalytes[analyte];
    const AnalyteVariant &reported = entry.variants[variant];
    const auto inUnit = [&](double limit) { return inVariantUnit(limit, analyte, variant); };
    if (entry.critLow && value < (reported.critLow ? *reported.critLow : inUnit(*entry.critLow)))
        return Interpretation::CriticalLow;
    if (value > (reported.critHigh ? *reported.critHigh : inUnit(entry.critHigh)))
        return Interpretation::CriticalHigh;
    if (value < inUnit(entry.refLow))
        return Interpretation::Low;
    if (value > inUnit(entry.refHigh))
        return Interpretation::High;
    return Interpretation::Normal;
}
