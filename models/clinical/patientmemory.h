#pragma once

#include "clinical/creatininedelta.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// What the evaluator remembers of one patient beyond a single result, as healthcare.evaluator.state
// keeps it (compacted, key = patient id): the creatinine values the KDIGO delta rule compares with.
// Bounded as CreatinineDelta bounds a history (7 days, at most its values per patient). The alerts
// raised, and what people did with them, are the alerts topic's own records.
struct PatientMemory {
    std::string patientId;
    std::vector<CreatinineDelta::Sample> creatinine; // ordered by time; empty: nothing to remember

    bool operator==(const PatientMemory &) const = default;

    // {"patient_id": ..., "creatinine": [{"at_ms": ..., "mg_dl": ..., "observation": "<16 hex>"}]}
    std::string toJson() const;
    // Nullopt when the record is not one (its reason in *error).
    static std::optional<PatientMemory> parse(std::string_view text, std::string *error = nullptr);
};
