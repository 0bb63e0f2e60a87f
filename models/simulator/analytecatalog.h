#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

enum class Interpretation : std::uint8_t { Normal, Low, High, CriticalLow, CriticalHigh };

inline bool isCritical(Interpretation interpretation)
{
    return interpretation == Interpretation::CriticalLow || interpretation == Interpretation::CriticalHigh;
}

// One way a lab reports an analyte: LOINC code, UCUM unit and reporting precision.
struct AnalyteVariant {
    std::string_view loinc;
    std::string_view display;
    std::string_view unit;
    int decimals = 0;
    int weight = 0; // share among the analyte's variants
    // Critical limits in this unit where CLINICAL.md states them (glucose in mmol/L); otherwise converted.
    std::optional<double> critLow = std::nullopt;
    std::optional<double> critHigh = std::nullopt;

    double step() const; // one unit of the last reported digit
    double rounded(double value) const; // to the lab's reporting precision
};

// An analyte of CLINICAL.md's table. Limits are in the table's unit; critical limits are its suggested defaults.
struct Analyte {
    std::string_view name;
    std::string_view unit;
    int weight; // share among all lab results
    double refLow, refHigh;
    std::optional<double> critLow; // none: no critical limit on the low side
    double critHigh;
    double floor, ceiling; // physiologically plausible extremes for generated values
    double highShare; // share of abnormal and critical results on the high side
    int variantCount;
    std::array<AnalyteVariant, 4> variants;
};

// The lab results the simulated hospital reports: analytes, the codes and units each is reported in,
// and their normal and critical ranges. Analytes and variants are named by their index in the catalog.
class AnalyteCatalog {
public:
    static constexpr std::uint8_t kCreatinine = 8; // the analyte of the rising kidney-injury series

    static const Analyte &analyte(std::uint8_t index);
    static const AnalyteVariant &variant(std::uint8_t analyte, std::uint8_t variant);

    // Weighted picks: roll in [0, total weight) walks the cumulative weights, so the pick depends only
    // on the random stream's integer.
    static std::uint32_t analyteWeight();
    static std::uint8_t pickAnalyte(std::uint32_t roll);
    static std::uint32_t variantWeight(std::uint8_t analyte);
    static std::uint8_t pickVariant(std::uint8_t analyte, std::uint32_t roll);

    // A value (or width) in the analyte's table unit, expressed in the variant's unit.
    static double inVariantUnit(double value, std::uint8_t analyte, std::uint8_t variant);

    // A value reported in the variant's unit against the limits in that unit, so it agrees with a rule
    // that converts units.
    static Interpretation interpret(std::uint8_t analyte, std::uint8_t variant, double value);
};
