#pragma once

#include <cstdint>
#include <string>
#include <vector>

// One record ready for Kafka: destination topic, key = patient id, value = the seed envelope (JSON text).
struct SimulatedEvent {
    std::string topic;
    std::string key;
    std::string value;
    std::int64_t timestampMs = 0;
};

// What the simulator emits at one step: usually one event; an admission is several events
// (Patient when new, Encounter with status in-progress, first MedicationRequest) that must be
// published together in one Kafka transaction, in this order.
struct SimulationStep {
    std::vector<SimulatedEvent> events;
};
