#pragma once

#include <optional>
#include <string_view>

// The UCUM units Vigil can compare critical values in (CLINICAL.md, "Units"), and the conversions
// between them. Codes are case-sensitive UCUM: "mmol/L" is known, "mmol/l" and "mEq/L" are not.
// Where the factor depends on the molar mass (mg/dL <-> mmol/L), the analyte is taken from the
// LOINC code; an analyte Vigil does not know gets no such conversion, because a unit is never guessed.
class UcumUnits {
public:
    // Whether `code` is one of the UCUM codes Vigil knows.
    static bool isKnownUnit(std::string_view code);

    // `value` in unit `from` expressed in unit `to` for the analyte coded `loinc`;
    // nullopt when Vigil has no conversion between the two for that analyte.
    static std::optional<double> convert(double value, std::string_view from, std::string_view to,
                                         std::string_view loinc);

    // Whether convert() would succeed for these units and analyte.
    static bool canConvert(std::string_view from, std::string_view to, std::string_view loinc);
};
