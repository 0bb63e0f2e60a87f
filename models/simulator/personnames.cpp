#include "simulator/personnames.h"

#include <array>

namespace {

constexpr std::array<std::string_view, 30> kFamilyNames = {
    "Abbott", "Alvarez", "Bennett", "Brooks", "Castillo", "Chen", "Dawson", "Delgado", "Ellison", "Fischer",
    "Gallagher", "Haddad", "Hughes", "Ibarra", "Jensen", "Kowalski", "Larsen", "Mbeki", "Nakamura", "Novak",
    "Okafor", "Patel", "Quinn", "Rossi", "Sandoval", "Schmidt", "Tanaka", "Underwood", "Varga", "Whitfield",
};
constexpr std::array<std::string_view, 20> kFemaleNames = {
    "Amara", "Beatrice", "Camila", "Dana", "Elena", "Fatima", "Grace", "Hana", "Ingrid", "Julia",
    "Keiko", "Leila", "Maria", "Nadia", "Olivia", "Priya", "Rosa", "Sofia", "Tamsin", "Yara",
};
constexpr std::array<std::string_view, 20> kMaleNames = {
    "Aaron", "Bruno", "Carlos", "David", "Emeka", "Felix", "Gabriel", "Hiro", "Ivan", "Jamal",
    "Kofi", "Luis", "Marcus", "Nikhil", "Omar", "Pavel", "Rafael", "Samuel", "Tomas", "Viktor",
};

} // namespace

std::size_t PersonNames::familyCount() { return kFamilyNames.size(); }

std::size_t PersonNames::givenCount(bool female) { return female ? kFemaleNames.size() : kMaleNames.size(); }

std::string_view PersonNames::family(std::size_t index) { return kFamilyNames[index]; }

std::string_view PersonNames::given(std::size_t index, bool female)
{
    return female ? kFemaleNames[index] : kMaleNames[index];
}
