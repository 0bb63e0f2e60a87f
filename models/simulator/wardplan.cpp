#include "simulator/wardplan.h"

#include <algorithm>
#include <array>

namespace {

struct UnitTemplate {
    const char *name;
    int weight; // beds in the 500-bed hospital
    AgeBand band;
    int bedsPerRoom;
};

constexpr std::array<UnitTemplate, 12> kUnits = {{
    {"ICU", 24, AgeBand::Adult, 1},
    {"CCU", 16, AgeBand::Adult, 1},
    {"4 West Medicine", 80, AgeBand::Adult, 2},
    {"5 East Surgery", 64, AgeBand::Adult, 2},
    {"Oncology", 44, AgeBand::Adult, 2},
    {"Cardiac Step-Down", 36, AgeBand::Adult, 2},
    {"Neuro", 32, AgeBand::Adult, 2},
    {"Pediatrics", 36, AgeBand::Child, 2},
    {"Maternity", 40, AgeBand::Maternal, 2},
    {"Ortho", 48, AgeBand::Adult, 2},
    {"Renal", 32, AgeBand::Adult, 2},
    {"Telemetry", 48, AgeBand::Adult, 2},
}};
constexpr int kTemplateBeds = 500;

// Beds per template unit; remainders of the scaling go to the units with the largest fractional share.
std::array<int, kUnits.size()> bedCounts(int beds)
{
    std::array<int, kUnits.size()> counts{};
    std::array<int, kUnits.size()> remainders{};
    int assigned = 0;
    for (std::size_t i = 0; i < kUnits.size(); ++i) {
        const long long scaled = static_cast<long long>(kUnits[i].weight) * beds;
        counts[i] = static_cast<int>(scaled / kTemplateBeds);
        remainders[i] = static_cast<int>(scaled % kTemplateBeds);
        assigned += counts[i];
    }
    std::array<std::size_t, kUnits.size()> order{};
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return remainders[a] > remainders[b]; });
    for (std::size_t i = 0; assigned < beds; i = (i + 1) % order.size(), ++assigned)
        ++counts[order[i]];
    return counts;
}

} // namespace

WardPlan WardPlan::forBeds(int beds)
{
    const std::array<int, kUnits.size()> counts = bedCounts(beds);
    int maxRooms = 0;
    for (std::size_t i = 0; i < kUnits.size(); ++i)
        maxRooms = std::max(maxRooms, (counts[i] + kUnits[i].bedsPerRoom - 1) / kUnits[i].bedsPerRoom);
    int block = 100; // room numbers per unit: 201.. for the first unit, 301.. for the second
    while (block <= maxRooms)
        block *= 10;

    WardPlan plan;
    for (std::size_t i = 0; i < kUnits.size(); ++i) {
        if (counts[i] == 0)
            continue;
        const int unitIndex = static_cast<int>(plan.units.size());
        plan.units.push_back({kUnits[i].name, kUnits[i].band});
        const int roomBase = (static_cast<int>(i) + 2) * block;
        const int perRoom = kUnits[i].bedsPerRoom;
        for (int b = 0; b < counts[i]; ++b)
            plan.beds.push_back({unitIndex, roomBase + 1 + b / perRoom, static_cast<char>('A' + b % perRoom)});
    }
    return plan;
}
