#pragma once

#include <cstdint>
#include <string>
#include <vector>

// Who an inpatient unit admits: adults move between adult units; children and mothers stay on their own.
enum class AgeBand : std::uint8_t { Adult, Child, Maternal };

struct InpatientUnit {
    std::string name;
    AgeBand band = AgeBand::Adult;
};

// Where a bed is: its unit (an index into WardPlan::units), room number and letter within the room.
struct BedPlace {
    int unit = 0;
    int room = 0;
    char letter = 'A';
};

// The hospital's units and beds: a 500-bed template of twelve units scaled to any number of beds.
// Room numbers follow the template's order: ICU rooms 201.., CCU 301.., 4 West Medicine 401.., and so on.
struct WardPlan {
    static WardPlan forBeds(int beds);

    std::vector<InpatientUnit> units; // in the template's order, leaving out units that got no bed
    std::vector<BedPlace> beds;
};
