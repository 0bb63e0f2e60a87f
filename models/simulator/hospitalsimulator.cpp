#include "simulator/hospitalsimulator.h"

#include "base/topics.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string_view>
#include <tuple>

namespace {

// Insertion order keeps resourceType first and the envelope keys in the seed's order, which is easier to read in kcat.
using Json = nlohmann::ordered_json;

constexpr std::int64_t kMinuteMs = 60 * 1000;
constexpr std::int64_t kHourMs = 60 * kMinuteMs;
constexpr std::int64_t kDayMs = 24 * kHourMs;

constexpr double kTargetOccupancy = 0.85;
constexpr double kAdmissionShare = 0.045; // admissions and discharges per step at the target occupancy
constexpr double kTransferShare = 0.03;
constexpr double kOrderShare = 0.10;
constexpr double kCriticalShare = 0.018;
constexpr double kAbnormalShare = 0.102;
constexpr double kReadmissionShare = 0.15;
constexpr double kKidneyInjuryShare = 0.001;
constexpr double kAmendShare = 0.03;
constexpr double kErrorShare = 0.005;
constexpr double kNone = -1.0; // no critical limit on that side

constexpr const char *kLoinc = "http://loinc.org";
constexpr const char *kUcum = "http://unitsofmeasure.org";
constexpr const char *kRxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
constexpr const char *kMrnSystem = "http://hospital.example.org/mrn";
constexpr const char *kPhysicalType = "http://terminology.hl7.org/CodeSystem/location-physical-type";
constexpr const char *kInterpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

enum Status : std::uint8_t { Preliminary, Final, Amended, EnteredInError };

// ---- units of the hospital -------------------------------------------------------------------

struct UnitTemplate {
    const char *name;
    int weight; // beds in the 500-bed hospital
    int band; // 0 adult, 1 child, 2 maternal (HospitalSimulator::AgeBand)
    int bedsPerRoom;
};

// Room numbers follow the table order: ICU rooms 201.., CCU 301.., 4 West Medicine 401.., and so on.
constexpr std::array<UnitTemplate, 12> kUnits = {{
    {"ICU", 24, 0, 1},
    {"CCU", 16, 0, 1},
    {"4 West Medicine", 80, 0, 2},
    {"5 East Surgery", 64, 0, 2},
    {"Oncology", 44, 0, 2},
    {"Cardiac Step-Down", 36, 0, 2},
    {"Neuro", 32, 0, 2},
    {"Pediatrics", 36, 1, 2},
    {"Maternity", 40, 2, 2},
    {"Ortho", 48, 0, 2},
    {"Renal", 32, 0, 2},
    {"Telemetry", 48, 0, 2},
}};
constexpr int kTemplateBeds = 500;

// ---- people ------------------------------------------------------------------------------------

constexpr std::array<const char *, 30> kFamilyNames = {
    "Abbott", "Alvarez", "Bennett", "Brooks", "Castillo", "Chen", "Dawson", "Delgado", "Ellison", "Fischer",
    "Gallagher", "Haddad", "Hughes", "Ibarra", "Jensen", "Kowalski", "Larsen", "Mbeki", "Nakamura", "Novak",
    "Okafor", "Patel", "Quinn", "Rossi", "Sandoval", "Schmidt", "Tanaka", "Underwood", "Varga", "Whitfield",
};
constexpr std::array<const char *, 20> kFemaleNames = {
    "Amara", "Beatrice", "Camila", "Dana", "Elena", "Fatima", "Grace", "Hana", "Ingrid", "Julia",
    "Keiko", "Leila", "Maria", "Nadia", "Olivia", "Priya", "Rosa", "Sofia", "Tamsin", "Yara",
};
constexpr std::array<const char *, 20> kMaleNames = {
    "Aaron", "Bruno", "Carlos", "David", "Emeka", "Felix", "Gabriel", "Hiro", "Ivan", "Jamal",
    "Kofi", "Luis", "Marcus", "Nikhil", "Omar", "Pavel", "Rafael", "Samuel", "Tomas", "Viktor",
};

// ---- laboratory ----------------------------------------------------------------------------------

// One way a lab reports an analyte: LOINC code and UCUM unit. factor converts the analyte's table unit into this one.
struct Variant {
    const char *code;
    const char *display;
    const char *unit;
    double factor;
    int decimals;
    int weight;
    double critLow = 0.0; // explicit limits in this unit when the clinical table gives them (glucose in mmol/L)
    double critHigh = 0.0;
};

// Limits are in the unit of CLINICAL.md's table; critical limits are the suggested defaults there.
struct Analyte {
    const char *name;
    int weight;
    double refLow, refHigh;
    double critLow, critHigh;
    double floor, ceiling; // physiologically plausible extremes for generated values
    double highShare; // share of abnormal and critical results on the high side
    int variantCount;
    std::array<Variant, 4> variants;
};

constexpr int kCreatinine = 8;

constexpr std::array<Analyte, 12> kAnalytes = {{
    {"Potassium", 14, 3.5, 5.1, 2.8, 6.2, 1.8, 8.5, 0.55, 2,
     {{{"2823-3", "Potassium [Moles/volume] in Serum or Plasma", "mmol/L", 1.0, 1, 80},
       {"6298-4", "Potassium [Moles/volume] in Blood", "mmol/L", 1.0, 1, 20}}}},
    {"Sodium", 14, 135, 145, 120, 160, 105, 178, 0.4, 2,
     {{{"2951-2", "Sodium [Moles/volume] in Serum or Plasma", "mmol/L", 1.0, 0, 80},
       {"2947-0", "Sodium [Moles/volume] in Blood", "mmol/L", 1.0, 0, 20}}}},
    {"Glucose", 14, 70, 140, 50, 450, 18, 900, 0.8, 4,
     {{{"2345-7", "Glucose [Mass/volume] in Serum or Plasma", "mg/dL", 1.0, 0, 50},
       {"2339-0", "Glucose [Mass/volume] in Blood", "mg/dL", 1.0, 0, 25},
       {"14749-6", "Glucose [Moles/volume] in Serum or Plasma", "mmol/L", 1.0 / 18.016, 1, 15, 2.8, 25.0},
       {"15074-8", "Glucose [Moles/volume] in Blood", "mmol/L", 1.0 / 18.016, 1, 10, 2.8, 25.0}}}},
    {"Hemoglobin", 10, 12.0, 17.5, 6.0, 20.0, 3.5, 23.0, 0.15, 1,
     {{{"718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", 1.0, 1, 1}}}},
    {"Platelets", 8, 150, 400, 40, 1000, 4, 1600, 0.3, 1,
     {{{"777-3", "Platelets [#/volume] in Blood by Automated count", "10*9/L", 1.0, 0, 1}}}},
    {"Leukocytes", 8, 4.0, 11.0, 2.0, 40.0, 0.2, 120.0, 0.6, 1,
     {{{"6690-2", "Leukocytes [#/volume] in Blood by Automated count", "10*9/L", 1.0, 1, 1}}}},
    {"INR", 5, 0.8, 1.2, kNone, 5.0, 0.6, 12.0, 0.95, 1,
     {{{"6301-6", "INR in Platelet poor plasma by Coagulation assay", "{INR}", 1.0, 1, 1}}}},
    {"Calcium", 7, 8.5, 10.5, 6.5, 13.0, 4.5, 16.5, 0.35, 1,
     {{{"17861-6", "Calcium [Mass/volume] in Serum or Plasma", "mg/dL", 1.0, 1, 1}}}},
    {"Creatinine", 10, 0.6, 1.3, kNone, 7.4, 0.2, 16.0, 0.85, 3,
     {{{"2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", 1.0, 2, 70},
       {"38483-4", "Creatinine [Mass/volume] in Blood", "mg/dL", 1.0, 2, 20},
       {"2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "umol/L", 88.4, 0, 10}}}},
    {"Lactate", 3, 0.5, 2.2, kNone, 4.0, 0.2, 16.0, 0.9, 2,
     {{{"2524-7", "Lactate [Moles/volume] in Serum or Plasma", "mmol/L", 1.0, 1, 60},
       {"32693-4", "Lactate [Moles/volume] in Blood", "mmol/L", 1.0, 1, 40}}}},
    {"pH", 3, 7.35, 7.45, 7.20, 7.60, 6.85, 7.78, 0.4, 1,
     {{{"2744-1", "pH of Arterial blood", "[pH]", 1.0, 2, 1}}}},
    {"pCO2", 3, 35, 45, 20, 60, 12, 110, 0.6, 2,
     {{{"2019-8", "Carbon dioxide [Partial pressure] in Arterial blood", "mm[Hg]", 1.0, 0, 85},
       {"2019-8", "Carbon dioxide [Partial pressure] in Arterial blood", "kPa", 1.0 / 7.5006, 1, 15}}}},
}};
static_assert(std::string_view(kAnalytes[kCreatinine].name) == "Creatinine");

// ---- medications ---------------------------------------------------------------------------------

struct Drug {
    const char *code; // RxNorm ingredient
    const char *name;
    const char *adultDose;
    const char *childDose; // nullptr: not ordered on the pediatric unit
};

constexpr std::array<Drug, 11> kDrugs = {{
    {"161", "acetaminophen", "acetaminophen 650 mg PO every 6 hours as needed for pain or fever",
     "acetaminophen 15 mg/kg PO every 6 hours as needed for fever"},
    {"5224", "heparin", "heparin 5000 units subcutaneously every 8 hours", nullptr},
    {"67108", "enoxaparin", "enoxaparin 40 mg subcutaneously once daily", nullptr},
    {"4603", "furosemide", "furosemide 40 mg IV twice daily", nullptr},
    {"6918", "metoprolol", "metoprolol tartrate 25 mg PO twice daily", nullptr},
    {"26225", "ondansetron", "ondansetron 4 mg IV every 8 hours as needed for nausea",
     "ondansetron 0.15 mg/kg IV every 8 hours as needed for nausea"},
    {"40790", "pantoprazole", "pantoprazole 40 mg IV once daily", nullptr},
    {"11124", "vancomycin", "vancomycin 15 mg/kg IV every 12 hours, adjust to trough levels",
     "vancomycin 15 mg/kg IV every 6 hours, adjust to trough levels"},
    {"2193", "ceftriaxone", "ceftriaxone 1 g IV every 24 hours", "ceftriaxone 50 mg/kg IV every 24 hours"},
    {"274783", "insulin glargine", "insulin glargine 10 units subcutaneously at bedtime", nullptr},
    {"8591", "potassium chloride", "potassium chloride 20 mEq PO once", nullptr},
}};

// ---- formatting ------------------------------------------------------------------------------------

std::int64_t floorDiv(std::int64_t value, std::int64_t divisor)
{
    const std::int64_t quotient = value / divisor;
    return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient;
}

struct CivilDate {
    int year;
    int month;
    int day;
};

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days algorithm).
CivilDate civilFromDays(std::int64_t days)
{
    days += 719468;
    const std::int64_t era = floorDiv(days, 146097);
    const std::int64_t dayOfEra = days - era * 146097;
    const std::int64_t yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const std::int64_t dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const std::int64_t monthIndex = (5 * dayOfYear + 2) / 153;
    const int day = static_cast<int>(dayOfYear - (153 * monthIndex + 2) / 5 + 1);
    const int month = static_cast<int>(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
    const int year = static_cast<int>(yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
    return {year, month, day};
}

std::string isoDate(std::int64_t days)
{
    const CivilDate date = civilFromDays(days);
    char text[48];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", date.year, date.month, date.day);
    return text;
}

void putDigits(char *out, std::int64_t value, int width)
{
    for (int i = width - 1; i >= 0; --i, value /= 10)
        out[i] = static_cast<char>('0' + value % 10);
}

// ISO-8601 UTC with milliseconds and 'Z', written in place so the string keeps its buffer (years 0..9999).
void writeTimestamp(std::string &out, std::int64_t ms)
{
    const std::int64_t days = floorDiv(ms, kDayMs);
    const std::int64_t inDay = ms - days * kDayMs;
    const CivilDate date = civilFromDays(days);
    out.assign("0000-00-00T00:00:00.000Z");
    char *text = out.data();
    putDigits(text, std::clamp(date.year, 0, 9999), 4);
    putDigits(text + 5, date.month, 2);
    putDigits(text + 8, date.day, 2);
    putDigits(text + 11, inDay / kHourMs, 2);
    putDigits(text + 14, inDay / kMinuteMs % 60, 2);
    putDigits(text + 17, inDay / 1000 % 60, 2);
    putDigits(text + 20, inDay % 1000, 3);
}

std::string numberedId(const char *prefix, int width, std::uint64_t number)
{
    char digits[24];
    int count = 0;
    do {
        digits[count++] = static_cast<char>('0' + number % 10);
        number /= 10;
    } while (number != 0);
    while (count < width)
        digits[count++] = '0';
    std::string id = prefix;
    id += '-';
    while (count > 0)
        id += digits[--count];
    return id;
}

std::string patientId(std::uint64_t number) { return numberedId("pat", 6, number); }
std::string encounterId(std::uint64_t number) { return numberedId("enc", 7, number); }
std::string observationId(std::uint64_t number) { return numberedId("obs", 9, number); }
std::string medicationId(std::uint64_t number) { return numberedId("med", 8, number); }

double powerOfTen(int decimals)
{
    double factor = 1.0;
    for (int i = 0; i < decimals; ++i)
        factor *= 10.0;
    return factor;
}

// Rounds to the lab's reporting precision; std::round, * and / are exact IEEE operations, so this is portable.
double roundTo(double value, int decimals)
{
    const double factor = powerOfTen(decimals);
    return std::round(value * factor) / factor;
}

double stepOf(const Variant &variant) { return 1.0 / powerOfTen(variant.decimals); }

double critLowIn(const Analyte &analyte, const Variant &variant)
{
    if (analyte.critLow == kNone)
        return kNone;
    return variant.critLow > 0.0 ? variant.critLow : analyte.critLow * variant.factor;
}

double critHighIn(const Analyte &analyte, const Variant &variant)
{
    return variant.critHigh > 0.0 ? variant.critHigh : analyte.critHigh * variant.factor;
}

// Interpretation of a reported value in the variant's own unit, so it agrees with a rule that converts units.
const char *interpret(const Analyte &analyte, const Variant &variant, double value)
{
    const double low = critLowIn(analyte, variant);
    if (low != kNone && value < low)
        return "LL";
    if (value > critHighIn(analyte, variant))
        return "HH";
    if (value < analyte.refLow * variant.factor)
        return "L";
    if (value > analyte.refHigh * variant.factor)
        return "H";
    return "N";
}

bool isCritical(const char *code) { return code[0] == code[1]; } // "HH" or "LL"

const char *interpretationDisplay(std::string_view code)
{
    if (code == "HH")
        return "Critical high";
    if (code == "LL")
        return "Critical low";
    if (code == "H")
        return "High";
    if (code == "L")
        return "Low";
    return "Normal";
}

const char *statusName(std::uint8_t status)
{
    switch (status) {
    case Preliminary:
        return "preliminary";
    case Final:
        return "final";
    case Amended:
        return "amended";
    default:
        return "entered-in-error";
    }
}

Json coding(const char *system, const char *code, const char *display)
{
    return Json{{"system", system}, {"code", code}, {"display", display}};
}

Json codeable(const char *system, const char *code, const char *display)
{
    return Json{{"coding", Json::array({coding(system, code, display)})}};
}

// A string leaf of a skeleton; nlohmann keeps it at a stable heap address while the tree's shape is unchanged.
std::string *slot(Json &node)
{
    return &node.get_ref<std::string &>();
}

void setReference(std::string &slotText, const char *type, const std::string &id)
{
    slotText.assign(type);
    slotText += '/';
    slotText += id;
}

// The seed envelope around one FHIR resource. Placeholders are filled per event, then the whole tree is dumped.
class EnvelopeDocument {
public:
    EnvelopeDocument(const char *resourceType, Json resource)
        : topic_(Topics::forResourceType(resourceType))
    {
        document_ = Json{
            {"event_type", ""}, {"resource_type", resourceType}, {"resource_id", ""},
            {"patient_id", ""}, {"timestamp", ""},               {"fhir_resource", std::move(resource)},
        };
        eventType_ = slot(document_["event_type"]);
        resourceId_ = slot(document_["resource_id"]);
        patientId_ = slot(document_["patient_id"]);
        timestamp_ = slot(document_["timestamp"]);
    }
    EnvelopeDocument(const EnvelopeDocument &) = delete;
    EnvelopeDocument &operator=(const EnvelopeDocument &) = delete;

    Json &resource() { return document_["fhir_resource"]; }

    SimulatedEvent publish(const char *eventType, const std::string &resourceId, const std::string &patient,
                           std::int64_t nowMs)
    {
        eventType_->assign(eventType);
        *resourceId_ = resourceId;
        *patientId_ = patient;
        writeTimestamp(*timestamp_, nowMs);
        return SimulatedEvent{topic_, patient, document_.dump(), nowMs};
    }

private:
    Json document_;
    std::string topic_;
    std::string *eventType_ = nullptr;
    std::string *resourceId_ = nullptr;
    std::string *patientId_ = nullptr;
    std::string *timestamp_ = nullptr;
};

// Every resource starts with resourceType and id, as in the FHIR specification's own examples.
Json resourceHead(const char *resourceType)
{
    return Json{{"resourceType", resourceType}, {"id", ""}};
}

struct PatientDocument {
    EnvelopeDocument envelope{"Patient", [] {
        Json patient = resourceHead("Patient");
        patient["identifier"] = Json::array({{
            {"use", "usual"},
            {"type", codeable("http://terminology.hl7.org/CodeSystem/v2-0203", "MR", "Medical record number")},
            {"system", kMrnSystem},
            {"value", ""},
        }});
        patient["active"] = true;
        patient["name"] = Json::array({{{"use", "official"}, {"family", ""}, {"given", Json::array({""})}}});
        patient["gender"] = "";
        patient["birthDate"] = "";
        return patient;
    }()};
    std::string *id = slot(envelope.resource()["id"]);
    std::string *mrn = slot(envelope.resource()["identifier"][0]["value"]);
    std::string *family = slot(envelope.resource()["name"][0]["family"]);
    std::string *given = slot(envelope.resource()["name"][0]["given"][0]);
    std::string *gender = slot(envelope.resource()["gender"]);
    std::string *birthDate = slot(envelope.resource()["birthDate"]);
};

// Encounter.location as ward, room and bed: the three physical types a wall display needs.
Json locationEntry(const char *code, const char *display, bool finished)
{
    return Json{
        {"location", {{"display", ""}}},
        {"status", finished ? "completed" : "active"},
        {"physicalType", codeable(kPhysicalType, code, display)},
    };
}

struct EncounterDocument {
    explicit EncounterDocument(bool finished)
        : envelope("Encounter", [finished] {
            Json encounter = resourceHead("Encounter");
            encounter["status"] = finished ? "finished" : "in-progress";
            encounter["class"] =
                coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP", "inpatient encounter");
            encounter["subject"] = {{"reference", ""}};
            encounter["period"] = {{"start", ""}};
            if (finished)
                encounter["period"]["end"] = "";
            encounter["location"] = Json::array({locationEntry("wa", "Ward", finished),
                                                 locationEntry("ro", "Room", finished),
                                                 locationEntry("bd", "Bed", finished)});
            return encounter;
        }())
    {
        Json &encounter = envelope.resource();
        id = slot(encounter["id"]);
        subject = slot(encounter["subject"]["reference"]);
        start = slot(encounter["period"]["start"]);
        end = finished ? slot(encounter["period"]["end"]) : nullptr;
        ward = slot(encounter["location"][0]["location"]["display"]);
        room = slot(encounter["location"][1]["location"]["display"]);
        bed = slot(encounter["location"][2]["location"]["display"]);
    }
    EnvelopeDocument envelope;
    std::string *id, *subject, *start, *end, *ward, *room, *bed;
};

struct MedicationDocument {
    EnvelopeDocument envelope{"MedicationRequest", [] {
        Json request = resourceHead("MedicationRequest");
        request["status"] = "active";
        request["intent"] = "order";
        request["medicationCodeableConcept"] = codeable(kRxNorm, "", "");
        request["medicationCodeableConcept"]["text"] = "";
        request["subject"] = {{"reference", ""}};
        request["encounter"] = {{"reference", ""}};
        request["authoredOn"] = "";
        request["dosageInstruction"] = Json::array({{{"text", ""}}});
        return request;
    }()};
    Json &medication = envelope.resource()["medicationCodeableConcept"];
    std::string *id = slot(envelope.resource()["id"]);
    std::string *code = slot(medication["coding"][0]["code"]);
    std::string *display = slot(medication["coding"][0]["display"]);
    std::string *text = slot(medication["text"]);
    std::string *subject = slot(envelope.resource()["subject"]["reference"]);
    std::string *encounter = slot(envelope.resource()["encounter"]["reference"]);
    std::string *authoredOn = slot(envelope.resource()["authoredOn"]);
    std::string *dosage = slot(envelope.resource()["dosageInstruction"][0]["text"]);
};

struct ObservationDocument {
    EnvelopeDocument envelope{"Observation", [] {
        Json observation = resourceHead("Observation");
        observation["status"] = "";
        observation["category"] = Json::array(
            {codeable("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", "Laboratory")});
        observation["code"] = codeable(kLoinc, "", "");
        observation["code"]["text"] = "";
        observation["subject"] = {{"reference", ""}};
        observation["encounter"] = {{"reference", ""}};
        observation["effectiveDateTime"] = "";
        observation["issued"] = "";
        observation["valueQuantity"] = {{"value", 0.0}, {"unit", ""}, {"system", kUcum}, {"code", ""}};
        observation["interpretation"] = Json::array({codeable(kInterpretation, "", "")});
        return observation;
    }()};
    Json &resource = envelope.resource();
    std::string *id = slot(resource["id"]);
    std::string *status = slot(resource["status"]);
    std::string *loinc = slot(resource["code"]["coding"][0]["code"]);
    std::string *loincDisplay = slot(resource["code"]["coding"][0]["display"]);
    std::string *codeText = slot(resource["code"]["text"]);
    std::string *subject = slot(resource["subject"]["reference"]);
    std::string *encounter = slot(resource["encounter"]["reference"]);
    std::string *effective = slot(resource["effectiveDateTime"]);
    std::string *issued = slot(resource["issued"]);
    double *value = &resource["valueQuantity"]["value"].get_ref<double &>();
    std::string *unit = slot(resource["valueQuantity"]["unit"]);
    std::string *unitCode = slot(resource["valueQuantity"]["code"]);
    std::string *flag = slot(resource["interpretation"][0]["coding"][0]["code"]);
    std::string *flagDisplay = slot(resource["interpretation"][0]["coding"][0]["display"]);
};

int totalAnalyteWeight()
{
    int total = 0;
    for (const Analyte &analyte : kAnalytes)
        total += analyte.weight;
    return total;
}

// roll in [0, total weight): walks the cumulative weights, so the pick depends only on the PRNG's integer.
std::uint8_t pickAnalyte(std::uint32_t roll)
{
    for (std::size_t i = 0; i < kAnalytes.size(); ++i) {
        const auto weight = static_cast<std::uint32_t>(kAnalytes[i].weight);
        if (roll < weight)
            return static_cast<std::uint8_t>(i);
        roll -= weight;
    }
    return static_cast<std::uint8_t>(kAnalytes.size() - 1);
}

int totalVariantWeight(const Analyte &analyte)
{
    int total = 0;
    for (int i = 0; i < analyte.variantCount; ++i)
        total += analyte.variants[static_cast<std::size_t>(i)].weight;
    return total;
}

std::uint8_t pickVariant(const Analyte &analyte, std::uint32_t roll)
{
    for (int i = 0; i < analyte.variantCount; ++i) {
        const auto weight = static_cast<std::uint32_t>(analyte.variants[static_cast<std::size_t>(i)].weight);
        if (roll < weight)
            return static_cast<std::uint8_t>(i);
        roll -= weight;
    }
    return static_cast<std::uint8_t>(analyte.variantCount - 1);
}

} // namespace

// ---- Random ------------------------------------------------------------------------------------------

HospitalSimulator::Random::Random(std::uint64_t seed)
{
    // splitmix64 spreads any seed (even 0) over the whole xoshiro state.
    for (std::uint64_t &word : state_) {
        seed += 0x9E3779B97F4A7C15ULL;
        std::uint64_t z = seed;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        word = z ^ (z >> 31);
    }
}

std::uint64_t HospitalSimulator::Random::bits()
{
    const auto rotate = [](std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
    const std::uint64_t result = rotate(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotate(state_[3], 45);
    return result;
}

double HospitalSimulator::Random::uniform()
{
    return static_cast<double>(bits() >> 11) * 0x1.0p-53;
}

double HospitalSimulator::Random::uniform(double low, double high)
{
    return low + (high - low) * uniform();
}

std::uint32_t HospitalSimulator::Random::below(std::uint32_t bound)
{
    // Multiply-shift on the top 32 bits: no modulo bias worth mentioning, and no library distribution.
    return static_cast<std::uint32_t>(((bits() >> 32) * bound) >> 32);
}

bool HospitalSimulator::Random::chance(double probability)
{
    return uniform() < probability;
}

double HospitalSimulator::Random::normal()
{
    // Irwin-Hall (sum of 12 uniforms - 6): additions only, so bit-identical on every libm, unlike Box-Muller's log/cos.
    double sum = 0.0;
    for (int i = 0; i < 12; ++i)
        sum += uniform();
    return sum - 6.0;
}

// ---- construction ----------------------------------------------------------------------------------

HospitalSimulator::HospitalSimulator(std::uint64_t seed, int beds)
    : random_(seed)
    , beds_(std::max(1, beds))
{
    mrnOffset_ = random_.below(90000000);
    buildUnits(beds_);
    stays_.resize(static_cast<std::size_t>(beds_));
    freeStays_.reserve(stays_.size());
    for (int i = beds_ - 1; i >= 0; --i)
        freeStays_.push_back(i);
    admitted_.reserve(stays_.size());
    discharged_.resize(static_cast<std::size_t>(std::max(8, beds_ / 2)));
    reserveOpeningCensus();
}

void HospitalSimulator::buildUnits(int beds)
{
    // Scale the 500-bed template; remainders go to the units with the largest fractional share.
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

    int maxRooms = 0;
    for (std::size_t i = 0; i < kUnits.size(); ++i)
        maxRooms = std::max(maxRooms, (counts[i] + kUnits[i].bedsPerRoom - 1) / kUnits[i].bedsPerRoom);
    int block = 100; // room numbers per unit: 201.. for the first unit, 301.. for the second
    while (block <= maxRooms)
        block *= 10;

    for (std::size_t i = 0; i < kUnits.size(); ++i) {
        if (counts[i] == 0)
            continue;
        const int unitIndex = static_cast<int>(units_.size());
        units_.push_back({kUnits[i].name, static_cast<AgeBand>(kUnits[i].band)});
        const int roomBase = (static_cast<int>(i) + 2) * block;
        for (int b = 0; b < counts[i]; ++b) {
            const int perRoom = kUnits[i].bedsPerRoom;
            bedList_.push_back({unitIndex, roomBase + 1 + b / perRoom, static_cast<char>('A' + b % perRoom), kFree});
        }
    }
}

void HospitalSimulator::reserveOpeningCensus()
{
    // The hospital opens about 85 % full; these beds are announced as admission steps before their labs.
    std::vector<int> order(bedList_.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = static_cast<int>(i);
    for (std::size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[random_.below(static_cast<std::uint32_t>(i))]);
    const int census = static_cast<int>(std::lround(beds_ * kTargetOccupancy));
    censusBeds_.assign(order.begin(), order.begin() + census);
    for (int bed : censusBeds_)
        bedList_[static_cast<std::size_t>(bed)].stay = kCensusReserved;
    occupied_ = census;
}

int HospitalSimulator::occupiedBeds() const { return occupied_; }

int HospitalSimulator::beds() const { return beds_; }

std::vector<std::string> HospitalSimulator::unitNames() const
{
    std::vector<std::string> names;
    names.reserve(units_.size());
    for (const Unit &unit : units_)
        names.push_back(unit.name);
    return names;
}

double HospitalSimulator::occupancy() const { return static_cast<double>(occupied_) / beds_; }

// ---- stepping ------------------------------------------------------------------------------------

SimulationStep HospitalSimulator::next(std::int64_t nowMs)
{
    ++step_;
    if (!censusBeds_.empty() && (admitted_.empty() || random_.chance(0.5)))
        return announceCensusAdmission(nowMs);
    if (admitted_.empty())
        return admit(nowMs);

    // Admissions fall and discharges rise with occupancy, so the census settles near the target.
    const double fill = occupancy() / kTargetOccupancy;
    const double admitShare = kAdmissionShare * std::clamp((1.0 - occupancy()) / (1.0 - kTargetOccupancy), 0.0, 3.0);
    const double dischargeShare = kAdmissionShare * std::min(fill * fill * fill * fill, 3.0);

    double roll = random_.uniform();
    if ((roll -= admitShare) < 0.0)
        return admit(nowMs);
    if ((roll -= dischargeShare) < 0.0)
        return discharge(nowMs);
    if ((roll -= kTransferShare) < 0.0)
        return transfer(nowMs);
    if ((roll -= kOrderShare) < 0.0)
        return order(nowMs);
    return labEvent(nowMs);
}

SimulationStep HospitalSimulator::announceCensusAdmission(std::int64_t nowMs)
{
    const int bed = censusBeds_.back();
    censusBeds_.pop_back();
    const auto admittedMs = nowMs - static_cast<std::int64_t>(random_.uniform(1.0, 6.0 * 24.0) * kHourMs);
    return admitInto(bed, nowMs, admittedMs, false);
}

SimulationStep HospitalSimulator::admit(std::int64_t nowMs)
{
    const int bed = randomFreeBed(-1, false);
    if (bed < 0)
        return labEvent(nowMs);
    return admitInto(bed, nowMs, nowMs, true);
}

SimulationStep HospitalSimulator::admitInto(int bed, std::int64_t nowMs, std::int64_t admittedMs,
                                            bool allowReadmission)
{
    Bed &place = bedList_[static_cast<std::size_t>(bed)];
    const AgeBand band = units_[static_cast<std::size_t>(place.unit)].band;
    Person person;
    const bool readmitted = allowReadmission && random_.chance(kReadmissionShare) && takeReadmission(band, person);
    if (!readmitted)
        person = newPerson(band, nowMs);

    const int index = allocateStay();
    Stay &stay = stays_[static_cast<std::size_t>(index)];
    stay = Stay{};
    stay.person = person;
    stay.encounter = nextEncounter_++;
    stay.admittedMs = admittedMs;
    stay.bed = bed;
    stay.listPosition = static_cast<int>(admitted_.size());
    admitted_.push_back(index);
    if (place.stay == kFree)
        ++occupied_;
    place.stay = index;

    SimulationStep step;
    step.events.reserve(3);
    if (!readmitted)
        step.events.push_back(patientEvent(person, nowMs));
    step.events.push_back(encounterEvent(stay, "admission", false, nowMs));
    step.events.push_back(medicationEvent(stay, nowMs));
    return step;
}

SimulationStep HospitalSimulator::transfer(std::int64_t nowMs)
{
    const int index = randomAdmittedStay();
    Stay &stay = stays_[static_cast<std::size_t>(index)];
    const int fromUnit = bedList_[static_cast<std::size_t>(stay.bed)].unit;
    // Children and mothers stay on their own units; adults move between the adult units.
    if (units_[static_cast<std::size_t>(fromUnit)].band != AgeBand::Adult)
        return labEvent(nowMs);
    const int target = randomFreeBed(fromUnit, true);
    if (target < 0)
        return labEvent(nowMs);
    bedList_[static_cast<std::size_t>(stay.bed)].stay = kFree;
    bedList_[static_cast<std::size_t>(target)].stay = index;
    stay.bed = target;
    return SimulationStep{{encounterEvent(stay, "transfer", false, nowMs)}};
}

SimulationStep HospitalSimulator::discharge(std::int64_t nowMs)
{
    const int index = randomAdmittedStay();
    Stay &stay = stays_[static_cast<std::size_t>(index)];
    // Results still in their lifecycle are published first, so nothing arrives for a discharged patient.
    if (stay.pendingResults > 0)
        return publishUpdate(takeEarliestPending(index), nowMs);

    SimulationStep step{{encounterEvent(stay, "discharge", true, nowMs)}};
    bedList_[static_cast<std::size_t>(stay.bed)].stay = kFree;
    --occupied_;
    const int last = admitted_.back();
    admitted_[static_cast<std::size_t>(stay.listPosition)] = last;
    stays_[static_cast<std::size_t>(last)].listPosition = stay.listPosition;
    admitted_.pop_back();
    discharged_[dischargedNext_] = stay.person;
    dischargedNext_ = (dischargedNext_ + 1) % discharged_.size();
    releaseStay(index);
    return step;
}

SimulationStep HospitalSimulator::order(std::int64_t nowMs)
{
    Stay &stay = stays_[static_cast<std::size_t>(randomAdmittedStay())];
    return SimulationStep{{medicationEvent(stay, nowMs)}};
}

SimulationStep HospitalSimulator::labEvent(std::int64_t nowMs)
{
    // Due status updates go first; the cap keeps the queue bounded even if nothing falls due.
    const std::size_t cap = stays_.size() * 4 + 64;
    if (!pending_.empty() && (pending_.front().dueStep <= step_ || pending_.size() >= cap))
        return publishUpdate(popPending(), nowMs);
    return newResult(nowMs);
}

SimulationStep HospitalSimulator::newResult(std::int64_t nowMs)
{
    const int index = randomAdmittedStay();
    Stay &stay = stays_[static_cast<std::size_t>(index)];
    PendingResult result;
    result.stay = index;
    result.observation = nextObservation_++;

    // A rare rising creatinine series (KDIGO: >= 0.3 mg/dL within 48 h) exercises the delta rules downstream.
    if (stay.kidneyInjurySteps == 0 && random_.chance(kKidneyInjuryShare)) {
        stay.kidneyInjurySteps = 4;
        stay.creatinineMgDl = random_.uniform(0.8, 1.1);
    }
    if (stay.kidneyInjurySteps > 0) {
        --stay.kidneyInjurySteps;
        result.analyte = kCreatinine;
        result.variant = 0;
        result.value = roundTo(stay.creatinineMgDl, kAnalytes[kCreatinine].variants[0].decimals);
        stay.creatinineMgDl += random_.uniform(0.35, 0.6);
    } else {
        result.analyte = pickAnalyte(random_.below(static_cast<std::uint32_t>(totalAnalyteWeight())));
        const Analyte &analyte = kAnalytes[result.analyte];
        result.variant = pickVariant(analyte, random_.below(static_cast<std::uint32_t>(totalVariantWeight(analyte))));
        result.value = drawValue(result.analyte, result.variant);
    }

    const auto collectedAgo = static_cast<std::int64_t>(random_.uniform(4.0, 25.0) * kMinuteMs);
    result.effectiveMs = std::max(stay.admittedMs, nowMs - collectedAgo);
    result.nextStatus = Final;
    SimulationStep step{{observationEvent(result, statusName(Preliminary), nowMs)}};
    result.dueStep = step_ + 3 + random_.below(10);
    schedule(result);
    return step;
}

double HospitalSimulator::drawValue(std::uint8_t analyteIndex, std::uint8_t variantIndex)
{
    const Analyte &analyte = kAnalytes[analyteIndex];
    const Variant &variant = analyte.variants[variantIndex];
    const double roll = random_.uniform();
    const bool high = analyte.critLow == kNone || random_.chance(analyte.highShare);
    double value = 0.0;
    if (roll < kCriticalShare) {
        // Skewed towards the limit: most critical values are just beyond it, a few are extreme.
        const double spread = random_.uniform();
        value = high ? analyte.critHigh + (analyte.ceiling - analyte.critHigh) * spread * spread
                     : analyte.critLow - (analyte.critLow - analyte.floor) * spread * spread;
    } else if (roll < kCriticalShare + kAbnormalShare) {
        const double lowBound = analyte.critLow == kNone ? analyte.floor : analyte.critLow;
        value = high ? random_.uniform(analyte.refHigh, analyte.critHigh) : random_.uniform(lowBound, analyte.refLow);
    } else {
        const double middle = (analyte.refLow + analyte.refHigh) / 2.0;
        const double halfWidth = (analyte.refHigh - analyte.refLow) / 2.0;
        value = std::clamp(middle + halfWidth * 0.4 * random_.normal(), analyte.refLow, analyte.refHigh);
    }
    double reported = roundTo(value * variant.factor, variant.decimals);
    // Rounding must not pull an intended critical value back inside the limit.
    if (roll < kCriticalShare) {
        while (!isCritical(interpret(analyte, variant, reported)))
            reported = roundTo(reported + (high ? stepOf(variant) : -stepOf(variant)), variant.decimals);
    }
    return std::max(reported, stepOf(variant));
}

SimulationStep HospitalSimulator::publishUpdate(PendingResult pending, std::int64_t nowMs)
{
    --stays_[static_cast<std::size_t>(pending.stay)].pendingResults;
    const Analyte &analyte = kAnalytes[pending.analyte];
    const Variant &variant = analyte.variants[pending.variant];
    const std::uint8_t status = pending.nextStatus;

    if (status == Final && random_.chance(0.1)) {
        // The verified value differs by one reporting step now and then.
        pending.value += random_.chance(0.5) ? stepOf(variant) : -stepOf(variant);
        pending.value = std::max(roundTo(pending.value, variant.decimals), stepOf(variant));
    } else if (status == Amended) {
        const double halfWidth = (analyte.refHigh - analyte.refLow) / 2.0 * variant.factor;
        const double shift = random_.uniform(0.3, 1.0) * halfWidth * (random_.chance(0.5) ? 1.0 : -1.0);
        double amended = roundTo(pending.value + shift, variant.decimals);
        if (amended == pending.value)
            amended += stepOf(variant);
        pending.value = std::max(roundTo(amended, variant.decimals), stepOf(variant));
    }
    SimulationStep step{{observationEvent(pending, statusName(status), nowMs)}};

    if (status == Final) {
        const double roll = random_.uniform();
        if (roll < kAmendShare + kErrorShare) {
            pending.nextStatus = roll < kAmendShare ? Amended : EnteredInError;
            pending.dueStep = step_ + 5 + random_.below(30);
            schedule(pending);
        }
    }
    return step;
}

// ---- beds, stays, queue ------------------------------------------------------------------------------

int HospitalSimulator::randomFreeBed(int excludedUnit, bool adultOnly)
{
    const auto fits = [&](const Bed &bed) {
        return bed.stay == kFree && bed.unit != excludedUnit
            && (!adultOnly || units_[static_cast<std::size_t>(bed.unit)].band == AgeBand::Adult);
    };
    const auto count = static_cast<std::uint32_t>(bedList_.size());
    for (int attempt = 0; attempt < 48; ++attempt) {
        const std::uint32_t bed = random_.below(count);
        if (fits(bedList_[bed]))
            return static_cast<int>(bed);
    }
    // A nearly full hospital: scan once from a random start instead of sampling forever.
    const std::uint32_t start = random_.below(count);
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::uint32_t bed = (start + i) % count;
        if (fits(bedList_[bed]))
            return static_cast<int>(bed);
    }
    return -1;
}

int HospitalSimulator::randomAdmittedStay()
{
    return admitted_[random_.below(static_cast<std::uint32_t>(admitted_.size()))];
}

int HospitalSimulator::allocateStay()
{
    const int index = freeStays_.back();
    freeStays_.pop_back();
    return index;
}

void HospitalSimulator::releaseStay(int stay)
{
    stays_[static_cast<std::size_t>(stay)].listPosition = -1;
    stays_[static_cast<std::size_t>(stay)].bed = -1;
    freeStays_.push_back(stay);
}

HospitalSimulator::Person HospitalSimulator::newPerson(AgeBand band, std::int64_t nowMs)
{
    Person person;
    person.number = nextPatient_++;
    // An affine map modulo 90,000,000 (48271 is coprime to it): distinct 8-digit MRNs that do not follow the ids.
    const std::uint64_t scrambled = ((person.number % 90000000u) * 48271u + mrnOffset_) % 90000000u;
    person.mrn = 10000000u + static_cast<std::uint32_t>(scrambled);
    person.band = band;
    int age = 0;
    switch (band) {
    case AgeBand::Child:
        age = static_cast<int>(random_.below(18));
        person.female = random_.chance(0.5);
        break;
    case AgeBand::Maternal:
        age = 18 + static_cast<int>(random_.below(27));
        person.female = true;
        break;
    case AgeBand::Adult:
        // Inpatients skew old: the square root of a uniform leans towards the top of 18..95.
        age = 18 + static_cast<int>(77.0 * std::sqrt(random_.uniform()));
        person.female = random_.chance(0.5);
        break;
    }
    const std::int64_t today = floorDiv(nowMs, kDayMs);
    person.birthDay = static_cast<std::int32_t>(today - age * 365 - age / 4 - random_.below(365));
    person.family = static_cast<std::uint16_t>(random_.below(kFamilyNames.size()));
    person.given = static_cast<std::uint16_t>(random_.below(person.female ? kFemaleNames.size() : kMaleNames.size()));
    return person;
}

bool HospitalSimulator::takeReadmission(AgeBand band, Person &person)
{
    const auto size = static_cast<std::uint32_t>(discharged_.size());
    const std::uint32_t start = random_.below(size);
    for (std::uint32_t i = 0; i < 8; ++i) {
        Person &candidate = discharged_[(start + i) % size];
        if (candidate.number != 0 && candidate.band == band) {
            person = candidate;
            candidate = Person{}; // a person is admitted at most once at a time
            return true;
        }
    }
    return false;
}

namespace {
bool dueLater(const auto &a, const auto &b)
{
    return std::tie(a.dueStep, a.sequence) > std::tie(b.dueStep, b.sequence);
}
} // namespace

void HospitalSimulator::schedule(PendingResult pending)
{
    pending.sequence = sequence_++;
    ++stays_[static_cast<std::size_t>(pending.stay)].pendingResults;
    pending_.push_back(pending);
    std::push_heap(pending_.begin(), pending_.end(), [](const auto &a, const auto &b) { return dueLater(a, b); });
}

HospitalSimulator::PendingResult HospitalSimulator::popPending()
{
    std::pop_heap(pending_.begin(), pending_.end(), [](const auto &a, const auto &b) { return dueLater(a, b); });
    const PendingResult pending = pending_.back();
    pending_.pop_back();
    return pending;
}

HospitalSimulator::PendingResult HospitalSimulator::takeEarliestPending(int stay)
{
    std::size_t earliest = pending_.size();
    for (std::size_t i = 0; i < pending_.size(); ++i) {
        if (pending_[i].stay == stay && (earliest == pending_.size() || dueLater(pending_[earliest], pending_[i])))
            earliest = i;
    }
    const PendingResult pending = pending_[earliest];
    pending_[earliest] = pending_.back();
    pending_.pop_back();
    std::make_heap(pending_.begin(), pending_.end(), [](const auto &a, const auto &b) { return dueLater(a, b); });
    return pending;
}

// ---- FHIR resources --------------------------------------------------------------------------------

struct HospitalSimulator::Documents {
    PatientDocument patient;
    EncounterDocument inProgress{false};
    EncounterDocument finished{true};
    MedicationDocument medication;
    ObservationDocument observation;
};

HospitalSimulator::DocumentCache::DocumentCache() = default;
HospitalSimulator::DocumentCache::DocumentCache(const DocumentCache &) {}
HospitalSimulator::DocumentCache::DocumentCache(DocumentCache &&) noexcept = default;
HospitalSimulator::DocumentCache &HospitalSimulator::DocumentCache::operator=(const DocumentCache &) { return *this; }
HospitalSimulator::DocumentCache &HospitalSimulator::DocumentCache::operator=(DocumentCache &&) noexcept = default;
HospitalSimulator::DocumentCache::~DocumentCache() = default;

HospitalSimulator::Documents &HospitalSimulator::DocumentCache::get()
{
    if (!documents_)
        documents_ = std::make_unique<Documents>();
    return *documents_;
}

SimulatedEvent HospitalSimulator::patientEvent(const Person &person, std::int64_t nowMs)
{
    PatientDocument &document = documents_.get().patient;
    const std::string id = patientId(person.number);
    *document.id = id;
    *document.mrn = std::to_string(person.mrn);
    document.family->assign(kFamilyNames[person.family]);
    document.given->assign(person.female ? kFemaleNames[person.given] : kMaleNames[person.given]);
    document.gender->assign(person.female ? "female" : "male");
    *document.birthDate = isoDate(person.birthDay);
    return document.envelope.publish("patient_registered", id, id, nowMs);
}

SimulatedEvent HospitalSimulator::encounterEvent(const Stay &stay, const char *eventType, bool finished,
                                                 std::int64_t nowMs)
{
    EncounterDocument &document = finished ? documents_.get().finished : documents_.get().inProgress;
    const Bed &bed = bedList_[static_cast<std::size_t>(stay.bed)];
    const std::string id = encounterId(stay.encounter);
    const std::string patient = patientId(stay.person.number);
    *document.id = id;
    setReference(*document.subject, "Patient", patient);
    writeTimestamp(*document.start, stay.admittedMs);
    if (document.end)
        writeTimestamp(*document.end, nowMs);
    *document.ward = units_[static_cast<std::size_t>(bed.unit)].name;
    *document.room = std::to_string(bed.room);
    *document.bed = *document.room + '-' + bed.letter;
    return document.envelope.publish(eventType, id, patient, nowMs);
}

SimulatedEvent HospitalSimulator::medicationEvent(const Stay &stay, std::int64_t nowMs)
{
    const bool child = stay.person.band == AgeBand::Child;
    std::size_t pick = random_.below(kDrugs.size());
    // Pediatric orders come only from drugs with a weight-based dose; walk on to the next one that has it.
    while (child && kDrugs[pick].childDose == nullptr)
        pick = (pick + 1) % kDrugs.size();
    const Drug &drug = kDrugs[pick];

    MedicationDocument &document = documents_.get().medication;
    const std::string id = medicationId(nextMedication_++);
    const std::string patient = patientId(stay.person.number);
    *document.id = id;
    document.code->assign(drug.code);
    document.display->assign(drug.name);
    document.text->assign(drug.name);
    setReference(*document.subject, "Patient", patient);
    setReference(*document.encounter, "Encounter", encounterId(stay.encounter));
    writeTimestamp(*document.authoredOn, nowMs);
    document.dosage->assign(child ? drug.childDose : drug.adultDose);
    return document.envelope.publish("medication_order", id, patient, nowMs);
}

SimulatedEvent HospitalSimulator::observationEvent(const PendingResult &result, const char *status,
                                                   std::int64_t nowMs)
{
    const Stay &stay = stays_[static_cast<std::size_t>(result.stay)];
    const Analyte &analyte = kAnalytes[result.analyte];
    const Variant &variant = analyte.variants[result.variant];
    const char *flag = interpret(analyte, variant, result.value);

    ObservationDocument &document = documents_.get().observation;
    const std::string id = observationId(result.observation);
    const std::string patient = patientId(stay.person.number);
    *document.id = id;
    document.status->assign(status);
    document.loinc->assign(variant.code);
    document.loincDisplay->assign(variant.display);
    document.codeText->assign(analyte.name);
    setReference(*document.subject, "Patient", patient);
    setReference(*document.encounter, "Encounter", encounterId(stay.encounter));
    writeTimestamp(*document.effective, result.effectiveMs);
    writeTimestamp(*document.issued, nowMs); // each status update is issued when it is published
    *document.value = result.value;
    document.unit->assign(variant.unit);
    document.unitCode->assign(variant.unit);
    document.flag->assign(flag);
    document.flagDisplay->assign(interpretationDisplay(flag));
    return document.envelope.publish("lab_result", id, patient, nowMs);
}
