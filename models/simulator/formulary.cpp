#include "simulator/formulary.h"

#include <array>

namespace {

constexpr std::array<Drug, 11> kDrugs = {{
    {"161", "acetaminophen", "acetaminophen 650 mg PO every 6 hours as needed for pain or fever",
     "acetaminophen 15 mg/kg PO every 6 hours as needed for fever"},
    {"5224", "heparin", "heparin 5000 units subcutaneously every 8 hours", {}},
    {"67108", "enoxaparin", "enoxaparin 40 mg subcutaneously once daily", {}},
    {"4603", "furosemide", "furosemide 40 mg IV twice daily", {}},
    {"6918", "metoprolol", "metoprolol tartrate 25 mg PO twice daily", {}},
    {"26225", "ondansetron", "ondansetron 4 mg IV every 8 hours as needed for nausea",
     "ondansetron 0.15 mg/kg IV every 8 hours as needed for nausea"},
    {"40790", "pantoprazole", "pantoprazole 40 mg IV once daily", {}},
    {"11124", "vancomycin", "vancomycin 15 mg/kg IV every 12 hours, adjust to trough levels",
     "vancomycin 15 mg/kg IV every 6 hours, adjust to trough levels"},
    {"2193", "ceftriaxone", "ceftriaxone 1 g IV every 24 hours", "ceftriaxone 50 mg/kg IV every 24 hours"},
    {"274783", "insulin glargine", "insulin glargine 10 units subcutaneously at bedtime", {}},
    {"8591", "potassium chloride", "potassium chloride 20 mEq PO once", {}},
}};

} // namespace

std::size_t Formulary::size() { return kDrugs.size(); }

const Drug &Formulary::pick(std::size_t roll, bool child)
{
    while (child && kDrugs[roll].childDose.empty())
        roll = (roll + 1) % kDrugs.size();
    return kDrugs[roll];
}
