#pragma once

#include <nlohmann/json.hpp>

#include <string>

// A one-line, jargon-light description of a FHIR resource for the live feed,
// such as "K 6.9 mmol/L final" or "admit 4 West Medicine · 412-A".
// It carries no patient names or identifiers.
std::string summarizeResource(const nlohmann::json &resource, const std::string &eventType = {});

// The short name for a LOINC code ("K" for 2823-3), or empty when Vigil has none.
std::string shortAnalyteName(const std::string &loinc);
