#pragma once

// The synthetic lab results the pipeline benchmarks produce: HospitalSimulator seed 7's
// healthcare.labs.results events (creatinine series included), keyed by patient.
#include "base/topics.h"
#include "simulator/hospitalsimulator.h"

#include <cstdint>
#include <string>
#include <vector>

struct LabRecord {
    std::string key;
    std::string value;
};

inline std::vector<LabRecord> simulatedLabResults(std::size_t count)
{
    HospitalSimulator hospital(7);
    std::vector<LabRecord> records;
    records.reserve(count);
    std::int64_t now = 1'790'000'000'000;
    while (records.size() < count) {
        for (auto &event : hospital.next(now += 20).events) {
            if (event.topic == Topics::LabResults && records.size() < count)
                records.push_back({std::move(event.key), std::move(event.value)});
        }
    }
    return records;
}
