#include "schemas/schemaenforcer.h"
#include "base/text.h"

#include "fhir/fhirdatetime.h"
#include "schemas/avrocodec.h"
#include "fhir/fhirenvelope.h"
#include "base/topics.h"

#include <initializer_list>
#include <map>
#include <optional>

using Json = nlohmann::json;

namespace {

const Json *member(const Json &object, const char *key)
{
    if (!object.is_object())
        return nullptr;
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

// A non-empty string at a JSON path, else nullopt: the simulator leaves unused slots empty.
std::optional<std::string> text(const Json &object, std::initializer_list<const char *> path)
{
    const Json *at = &object;
    for (const char *key : path) {
        at = member(*at, key);
        if (!at)
            return std::nullopt;
    }
    if (!at->is_string() || at->get_ref<const std::string &>().empty())
        return std::nullopt;
    return at->get<std::string>();
}

void put(Json &datum, const char *key, const std::optional<std::string> &value)
{
    if (value)
        datum[key] = *value;
}

std::optional<std::string> idOfReference(const Json &resource, const char *key, const char *type)
{
    const auto reference = text(resource, {key, "reference"});
    const std::string prefix = std::string(type) + '/';
    if (!reference || reference->rfind(prefix, 0) != 0 || reference->size() == prefix.size())
        return std::nullopt;
    return reference->substr(prefix.size());
}

// The first coding of a CodeableConcept from `system` (any system when empty) with a code.
const Json *coding(const Json &codeable, const std::string &codeSystem)
{
    const Json *codings = member(codeable, "coding");
    if (!codings || !codings->is_array())
        return nullptr;
    for (const Json &c : *codings) {
        if ((codeSystem.empty() || text(c, {"system"}) == codeSystem) && text(c, {"code"}))
            return &c;
    }
    return nullptr;
}

// The envelope's fields every clinical-event schema shares.
Json common(const FhirEnvelope &event)
{
    Json datum = Json::object();
    datum["event_type"] = event.eventType.empty() ? event.resourceType : event.eventType;
    if (!event.resourceId.empty())
        datum["resource_id"] = event.resourceId;
    else
        put(datum, "resource_id", text(event.resource, {"id"}));
    if (!event.patientId.empty())
        datum["patient_id"] = event.patientId;
    std::optional<std::int64_t> ms = fhirDateTimeToMs(event.timestamp);
    for (const char *key : {"issued", "effectiveDateTime", "authoredOn", "period"}) {
        if (ms)
            break;
        if (const auto value = text(event.resource, {key}))
            ms = fhirDateTimeToMs(*value);
    }
    if (ms)
        datum["timestamp"] = *ms;
    datum["fhir_resource"] = event.resource.dump();
    return datum;
}

Json observation(const FhirEnvelope &event)
{
    Json datum = common(event);
    const Json &r = event.resource;
    put(datum, "encounter_id", idOfReference(r, "encounter", "Encounter"));
    if (auto status = text(r, {"status"})) {
        for (char &c : *status)
            c = c == '-' ? '_' : c;
        datum["status"] = *status;
    }
    if (const Json *code = member(r, "code")) {
        if (const Json *loinc = coding(*code, "http://loinc.org")) {
            datum["loinc_code"] = loinc->at("code");
            put(datum, "display", text(*loinc, {"display"}));
        }
    }
    if (const Json *quantity = member(r, "valueQuantity")) {
        if (const Json *value = member(*quantity, "value"); value && value->is_number())
            datum["value"] = value->get<double>();
        put(datum, "unit", text(*quantity, {"unit"}));
        put(datum, "unit_code", text(*quantity, {"code"}));
    }
    if (const Json *interpretation = member(r, "interpretation"); interpretation && interpretation->is_array()
        && !interpretation->empty()) {
        if (const Json *flag = coding(interpretation->front(), {}))
            datum["interpretation"] = flag->at("code");
    }
    put(datum, "effective", text(r, {"effectiveDateTime"}));
    put(datum, "issued", text(r, {"issued"}));
    return datum;
}

Json adt(const FhirEnvelope &event)
{
    Json datum = common(event);
    datum["resource_type"] = event.resourceType;
    const Json &r = event.resource;
    if (event.resourceType == "Encounter") {
        put(datum, "encounter_status", text(r, {"status"}));
        std::string location;
        if (const Json *locations = member(r, "location"); locations && locations->is_array()) {
            for (const Json &l : *locations) {
                if (const auto display = text(l, {"location", "display"}))
                    location += (location.empty() ? "" : " / ") + *display;
            }
        }
        if (!location.empty())
            datum["location"] = location;
    }
    return datum;
}

Json medication(const FhirEnvelope &event)
{
    Json datum = common(event);
    const Json &r = event.resource;
    put(datum, "encounter_id", idOfReference(r, "encounter", "Encounter"));
    put(datum, "status", text(r, {"status"}));
    put(datum, "intent", text(r, {"intent"}));
    if (const Json *codeable = member(r, "medicationCodeableConcept")) {
        if (const Json *code = coding(*codeable, {})) {
            datum["medication_code"] = code->at("code");
            put(datum, "medication_display", text(*code, {"display"}));
        }
    }
    put(datum, "authored_on", text(r, {"authoredOn"}));
    return datum;
}

// What a missing mandatory field means to the person who produced the event.
std::string plainWords(const std::string &problem)
{
    static const std::map<std::string, std::string> meaning{
        {"`patient_id`", "names no patient"},    {"`loinc_code`", "has no LOINC code"},
        {"`value`", "has no value"},             {"`medication_code`", "names no medication"},
        {"`timestamp`", "has no time"},          {"`resource_id`", "has no id"},
    };
    for (const auto &[field, words] : meaning) {
        if (problem.rfind(field + " is missing", 0) == 0)
            return "the event " + words + " (" + problem + ')';
    }
    return problem;
}

} // namespace

SchemaEnforcer::SchemaEnforcer(SchemaCatalog catalog) : m_catalog(std::move(catalog)) {}

std::shared_ptr<const SchemaEnforcer> SchemaEnforcer::bundled()
{
    static const auto enforcer = std::make_shared<const SchemaEnforcer>(SchemaCatalog::bundled());
    return enforcer;
}

bool SchemaEnforcer::covers(std::string_view topic) const
{
    return m_catalog.find(SchemaCatalog::valueSubject(Text::toQString(topic)));
}

SchemaEnforcer::Projection SchemaEnforcer::project(std::string_view topic, std::string_view jsonValue) const
{
    Projection projection;
    const QString topicName = Text::toQString(topic);
    projection.entry = m_catalog.find(SchemaCatalog::valueSubject(topicName));
    if (!projection.entry)
        return projection;
    const std::string prefix = std::string(topic) + " (" + projection.entry->schema.root().name + " v"
        + std::to_string(projection.entry->version) + "): ";
    try {
        if (topic == Topics::CriticalAlerts) {
            projection.datum = Json::parse(jsonValue);
            if (!projection.datum.is_object())
                throw EnvelopeError("not-object", "the alert is not a JSON object");
        } else {
            const FhirEnvelope event = FhirEnvelope::parse(jsonValue);
            if (topic == Topics::LabResults) {
                if (event.resourceType == "DiagnosticReport") {
                    projection.entry = nullptr; // no bundled schema for reports yet
                    return projection;
                }
                if (event.resourceType != "Observation")
                    throw EnvelopeError("wrong-resource", "a " + event.resourceType + " is not a lab Observation");
                projection.datum = observation(event);
            } else if (topic == Topics::Adt) {
                if (event.resourceType != "Patient" && event.resourceType != "Encounter")
                    throw EnvelopeError("wrong-resource", "a " + event.resourceType + " is not a Patient or Encounter");
                projection.datum = adt(event);
            } else if (topic == Topics::MedicationOrders) {
                if (event.resourceType != "MedicationRequest")
                    throw EnvelopeError("wrong-resource", "a " + event.resourceType + " is not a MedicationRequest");
                projection.datum = medication(event);
            } else {
                projection.datum = Json::parse(jsonValue); // a subject of someone else's: the value as it is
            }
        }
    } catch (const std::exception &e) {
        projection.refusal = prefix + e.what();
        return projection;
    }
    const auto problems = projection.entry->schema.validate(projection.datum);
    for (std::size_t i = 0; i < problems.size(); ++i)
        projection.refusal += (i ? "; " : prefix) + plainWords(problems[i]);
    return projection;
}

std::optional<std::string> SchemaEnforcer::refusal(std::string_view topic, std::string_view value) const
{
    if (AvroCodec::looksLikeWireFormat(value))
        return wireFormatRefusal(topic, value);
    Projection projection = project(topic, value);
    if (projection.refusal.empty())
        return std::nullopt;
    return std::move(projection.refusal);
}

std::optional<std::string> SchemaEnforcer::wireFormatRefusal(std::string_view topic, std::string_view value) const
{
    const QString subject = SchemaCatalog::valueSubject(Text::toQString(topic));
    if (!m_catalog.find(subject))
        return std::nullopt;
    const auto lookup = [this](int id) -> std::optional<std::string> {
        if (const CatalogEntry *entry = m_catalog.byId(id))
            return entry->schemaText.toStdString();
        return std::nullopt;
    };
    try {
        const AvroCodec::Decoded decoded = AvroCodec::decode(value, lookup);
        if (m_catalog.byId(decoded.schemaId)->subject != subject)
            return std::string(topic) + ": the Avro value is written with schema id " + std::to_string(decoded.schemaId)
                + ", which is not a version of " + subject.toStdString();
    } catch (const AvroCodecError &error) {
        return std::string(topic) + ": " + error.what();
    }
    return std::nullopt;
}
