#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// A FHIR instant or dateTime ("2026-11-27T10:00:00.123+01:00", "2026-11-27", "2026") as milliseconds
// since the epoch. A partial date means its first moment (UTC); a time without a zone, which FHIR
// forbids, is read as UTC. nullopt for anything else.
std::optional<std::int64_t> fhirDateTimeToMs(std::string_view text);
// Milliseconds since the epoch as a FHIR instant in UTC: "2026-11-27T10:00:00.000Z".
std::string msToFhirInstant(std::int64_t ms);
// The UTC calendar day of those milliseconds as a FHIR date: "2026-11-27".
std::string msToFhirDate(std::int64_t ms);
