#include "simulator/fhirdocuments.h"

#include "base/topics.h"
#include "fhir/fhirdatetime.h"

#include <nlohmann/json.hpp>

namespace {

// Insertion order keeps resourceType first and the envelope keys in the seed's order, which is easier to read in kcat.
using Json = nlohmann::ordered_json;

constexpr std::int64_t kDayMs = 24 * 60 * 60 * 1000;

constexpr const char *kLoinc = "http://loinc.org";
constexpr const char *kUcum = "http://unitsofmeasure.org";
constexpr const char *kRxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
constexpr const char *kMrnSystem = "http://hospital.example.org/mrn";
constexpr const char *kPhysicalType = "http://terminology.hl7.org/CodeSystem/location-physical-type";
constexpr const char *kInterpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

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

// fhir/fhirdatetime.h writes instants only; a FHIR date is the date part of the UTC instant.
std::string fhirDate(std::int32_t daysSinceEpoch)
{
    return msToFhirDate(daysSinceEpoch * kDayMs);
}

const char *eventTypeOf(EncounterEvent event)
{
    switch (event) {
    case EncounterEvent::Admission:
        return "admission";
    case EncounterEvent::Transfer:
        return "transfer";
    case EncounterEvent::Discharge:
        break;
    }
    return "discharge";
}

const char *statusCode(ObservationStatus status)
{
    switch (status) {
    case ObservationStatus::Preliminary:
        return "preliminary";
    case ObservationStatus::Final:
        return "final";
    case ObservationStatus::Amended:
        return "amended";
    case ObservationStatus::EnteredInError:
        break;
    }
    return "entered-in-error";
}

const char *interpretationCode(Interpretation interpretation)
{
    switch (interpretation) {
    case Interpretation::CriticalHigh:
        return "HH";
    case Interpretation::CriticalLow:
        return "LL";
    case Interpretation::High:
        return "H";
    case Interpretation::Low:
        return "L";
    case Interpretation::Normal:
        break;
    }
    return "N";
}

const char *interpretationDisplay(Interpretation interpretation)
{
    switch (interpretation) {
    case Interpretation::CriticalHigh:
        return "Critical high";
    case Interpretation::CriticalLow:
        return "Critical low";
    case Interpretation::High:
        return "High";
    case Interpretation::Low:
        return "Low";
    case Interpretation::Normal:
        break;
    }
    return "Normal";
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
        *timestamp_ = msToFhirInstant(nowMs);
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

} // namespace

struct FhirDocuments::Skeletons {
    PatientDocument patient;
    EncounterDocument inProgress{false};
    EncounterDocument finished{true};
    MedicationDocument medication;
    ObservationDocument observation;
};

FhirDocuments::FhirDocuments() = default;
FhirDocuments::FhirDocuments(const FhirDocuments &) {}
FhirDocuments::FhirDocuments(FhirDocuments &&) noexcept = default;
FhirDocuments &FhirDocuments::operator=(const FhirDocuments &) { return *this; }
FhirDocuments &FhirDocuments::operator=(FhirDocuments &&) noexcept = default;
FhirDocuments::~FhirDocuments() = default;

FhirDocuments::Skeletons &FhirDocuments::skeletons()
{
    if (!skeletons_)
        skeletons_ = std::make_unique<Skeletons>();
    return *skeletons_;
}

SimulatedEvent FhirDocuments::patient(const PatientDetails &details, std::int64_t nowMs)
{
    PatientDocument &document = skeletons().patient;
    const std::string id = patientId(details.patient);
    *document.id = id;
    *document.mrn = std::to_string(details.mrn);
    document.family->assign(details.family);
    document.given->assign(details.given);
    document.gender->assign(details.female ? "female" : "male");
    *document.birthDate = fhirDate(details.birthDay);
    return document.envelope.publish("patient_registered", id, id, nowMs);
}

SimulatedEvent FhirDocuments::encounter(EncounterEvent event, const EncounterDetails &details, std::int64_t nowMs)
{
    const bool finished = event == EncounterEvent::Discharge;
    EncounterDocument &document = finished ? skeletons().finished : skeletons().inProgress;
    const std::string id = encounterId(details.encounter);
    const std::string patient = patientId(details.patient);
    *document.id = id;
    setReference(*document.subject, "Patient", patient);
    *document.start = msToFhirInstant(details.admittedMs);
    if (document.end)
        *document.end = msToFhirInstant(nowMs);
    document.ward->assign(details.ward);
    *document.room = std::to_string(details.room);
    *document.bed = *document.room + '-' + details.bed;
    return document.envelope.publish(eventTypeOf(event), id, patient, nowMs);
}

SimulatedEvent FhirDocuments::medication(const MedicationDetails &details, std::int64_t nowMs)
{
    MedicationDocument &document = skeletons().medication;
    const std::string id = medicationId(details.order);
    const std::string patient = patientId(details.patient);
    *document.id = id;
    document.code->assign(details.rxNorm);
    document.display->assign(details.drug);
    document.text->assign(details.drug);
    setReference(*document.subject, "Patient", patient);
    setReference(*document.encounter, "Encounter", encounterId(details.encounter));
    *document.authoredOn = msToFhirInstant(nowMs);
    document.dosage->assign(details.dosage);
    return document.envelope.publish("medication_order", id, patient, nowMs);
}

SimulatedEvent FhirDocuments::observation(const ObservationDetails &details, std::int64_t nowMs)
{
    ObservationDocument &document = skeletons().observation;
    const std::string id = observationId(details.observation);
    const std::string patient = patientId(details.patient);
    *document.id = id;
    document.status->assign(statusCode(details.status));
    document.loinc->assign(details.loinc);
    document.loincDisplay->assign(details.loincDisplay);
    document.codeText->assign(details.analyte);
    setReference(*document.subject, "Patient", patient);
    setReference(*document.encounter, "Encounter", encounterId(details.encounter));
    *document.effective = msToFhirInstant(details.effectiveMs);
    *document.issued = msToFhirInstant(nowMs); // each status update is issued when it is published
    *document.value = details.value;
    document.unit->assign(details.unit);
    document.unitCode->assign(details.unit);
    document.flag->assign(interpretationCode(details.interpretation));
    document.flagDisplay->assign(interpretationDisplay(details.interpretation));
    return document.envelope.publish("lab_result", id, patient, nowMs);
}
