#include "clinical/criticalvalueevaluator.h"

#include "fhir/fhirenvelope.h"
#include "clinical/ucumunits.h"

#include <nlohmann/json.hpp>

#ifdef VIGIL_WITH_SIMDJSON
#include <simdjson.h>
#endif

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace {

constexpr std::string_view kLoincSystem = "http://loinc.org";
constexpr std::string_view kUcumSystem = "http://unitsofmeasure.org";
constexpr std::string_view kCreatinineUnit = "mg/dL";
constexpr std::size_t kMaxQuotedUnit = 40; // a unit echoed into a message is cut here

constexpr std::array<std::string_view, 8> kVerdictNames = {
    "normal", "critical-low", "critical-high", "not-applicable", "not-final", "no-rule", "no-value", "dead-letter",
};

enum class ValueState : std::uint8_t { Absent, Number, Malformed };

bool isFinalStatus(std::string_view status)
{
    return status == "final" || status == "amended" || status == "corrected";
}

bool isWithdrawnStatus(std::string_view status)
{
    return status == "cancelled" || status == "entered-in-error";
}

bool isKnownComparator(std::string_view comparator)
{
    return comparator.empty() || comparator == "<" || comparator == "<=" || comparator == ">" || comparator == ">="
        || comparator == "ad";
}

std::string quoted(std::string_view text)
{
    if (text.size() > kMaxQuotedUnit)
        return "\"" + std::string(text.substr(0, kMaxQuotedUnit)) + "...\"";
    return "\"" + std::string(text) + "\"";
}

void deadLetter(Evaluation &evaluation, std::string_view reason, std::string message)
{
    evaluation.verdict = Verdict::DeadLetter;
    evaluation.deadLetterReason = reason;
    evaluation.deadLetterMessage = std::move(message);
}

using Comparison = CriticalValueEvaluator::Comparison;

// The limit a value crossed, if any. A reported bound ("<2.0") is critical only when every value it
// allows is beyond the limit; otherwise it cannot be called critical and reads as normal.
Comparison compare(const ThresholdRule &rule, std::string_view comparator, double value)
{
    const bool belowAll = comparator == "<" || comparator == "<=";
    const bool aboveAll = comparator == ">" || comparator == ">=";
    if (rule.low && !aboveAll) {
        const bool critical = comparator == "<" ? value <= *rule.low : value < *rule.low;
        if (critical)
            return {Verdict::CriticalLow, *rule.low};
    }
    if (rule.high && !belowAll) {
        const bool critical = comparator == ">" ? value >= *rule.high : value > *rule.high;
        if (critical)
            return {Verdict::CriticalHigh, *rule.high};
    }
    return {};
}

} // namespace

// What the evaluator reads from one record, whichever parser read it. Views point into the parser's
// document, which lives until the record has been decided.
struct CriticalValueEvaluator::Facts {
    std::string_view resourceType;
    std::string_view id;
    std::string patientId;
    std::string_view status;
    std::vector<std::string_view> loincCodes;
    ValueState valueState = ValueState::Absent;
    double value = 0.0;
    std::string_view valueProblem;
    std::string_view comparator;
    bool comparatorMalformed = false;
    std::string_view unitSystem;
    std::string_view unitCode;
    std::string_view unitText;
    std::string_view effective;
    std::string_view issued;
    std::string_view encounterReference;

    void clear()
    {
        auto codes = std::move(loincCodes);
        codes.clear();
        *this = Facts();
        loincCodes = std::move(codes); // keeps its capacity: no allocation per record
    }
};

namespace {

using Facts = CriticalValueEvaluator::Facts;

// ---- the reference reader: nlohmann/json through FhirEnvelope --------------------------------------

std::string_view stringAt(const nlohmann::json &object, const char *key)
{
    if (!object.is_object())
        return {};
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? std::string_view(found->get_ref<const std::string &>())
                                                       : std::string_view();
}

const nlohmann::json *objectAt(const nlohmann::json &object, const char *key)
{
    const auto found = object.find(key);
    return found != object.end() && found->is_object() ? &*found : nullptr;
}

void readCodings(const nlohmann::json &resource, Facts &facts)
{
    const nlohmann::json *code = objectAt(resource, "code");
    if (!code)
        return;
    const auto coding = code->find("coding");
    if (coding == code->end() || !coding->is_array())
        return;
    for (const nlohmann::json &entry : *coding) {
        const std::string_view loinc = stringAt(entry, "code");
        if (stringAt(entry, "system") == kLoincSystem && !loinc.empty())
            facts.loincCodes.push_back(loinc);
    }
}

void readQuantity(const nlohmann::json &resource, Facts &facts)
{
    const auto quantity = resource.find("valueQuantity");
    if (quantity == resource.end())
        return;
    if (!quantity->is_object()) {
        facts.valueState = ValueState::Malformed;
        facts.valueProblem = "valueQuantity is not an object";
        return;
    }
    if (const auto value = quantity->find("value"); value != quantity->end()) {
        const bool finite = value->is_number() && std::isfinite(value->get<double>());
        facts.valueState = finite ? ValueState::Number : ValueState::Malformed;
        facts.value = finite ? value->get<double>() : 0.0;
        facts.valueProblem = finite ? std::string_view() : "valueQuantity.value is not a finite JSON number";
    }
    if (const auto comparator = quantity->find("comparator"); comparator != quantity->end()) {
        facts.comparatorMalformed = !comparator->is_string();
        facts.comparator = stringAt(*quantity, "comparator");
    }
    facts.unitSystem = stringAt(*quantity, "system");
    facts.unitCode = stringAt(*quantity, "code");
    facts.unitText = stringAt(*quantity, "unit");
}

void readResource(const nlohmann::json &resource, Facts &facts)
{
    facts.id = stringAt(resource, "id");
    facts.status = stringAt(resource, "status");
    readCodings(resource, facts);
    readQuantity(resource, facts);
    facts.effective = stringAt(resource, "effectiveDateTime");
    if (facts.effective.empty())
        facts.effective = stringAt(resource, "effectiveInstant");
    if (const nlohmann::json *period = objectAt(resource, "effectivePeriod"); period && facts.effective.empty())
        facts.effective = stringAt(*period, "start");
    facts.issued = stringAt(resource, "issued");
    if (const nlohmann::json *encounter = objectAt(resource, "encounter"))
        facts.encounterReference = stringAt(*encounter, "reference");
}

// nlohmann rejects a number beyond the range of a double (1e999) as a parse error; that is a bad value,
// not broken JSON. Only called for records that already failed to parse.
bool overflowsDouble(std::string_view bytes)
{
    try {
        const nlohmann::json document = nlohmann::json::parse(bytes);
    } catch (const nlohmann::json::out_of_range &) {
        return true;
    } catch (const nlohmann::json::exception &) {
    }
    return false;
}

} // namespace

// ---- the fast reader: simdjson's DOM, which validates the whole document like nlohmann -------------
//
// It reads only records whose envelope is clean; anything it cannot read (broken JSON, numbers out of
// range, missing resources) goes to the reference reader, which decides the dead letter. Duplicate keys
// resolve to the last, as in nlohmann (whose objects keep the last), so both readers produce the same facts.

#ifdef VIGIL_WITH_SIMDJSON

class CriticalValueEvaluator::FastReader {
public:
    // Larger records (Kafka's default limit is 1 MB) go to the reference reader, so that one huge
    // record does not leave the parser and its buffer holding that much memory for good.
    static constexpr std::size_t kMaxBytes = 4 * 1024 * 1024;

    FastReader() : m_parser(kMaxBytes) {}

    bool read(std::string_view bytes, Facts &facts)
    {
        if (bytes.size() > kMaxBytes)
            return false;
        if (m_buffer.size() < bytes.size() + simdjson::SIMDJSON_PADDING)
            m_buffer.resize(bytes.size() + simdjson::SIMDJSON_PADDING);
        if (!bytes.empty())
            std::memcpy(m_buffer.data(), bytes.data(), bytes.size());
        simdjson::dom::object root;
        if (m_parser.parse(m_buffer.data(), bytes.size(), false).get_object().get(root))
            return false;
        return readEnvelope(root, facts);
    }

private:
    using Element = simdjson::dom::element;
    using Object = simdjson::dom::object;

    static std::string_view text(Element element)
    {
        std::string_view value;
        return element.get_string().get(value) ? std::string_view() : value;
    }

    static bool readEnvelope(Object root, Facts &facts)
    {
        Element wrapped;
        bool hasWrapped = false;
        bool bareType = false;
        std::string_view envelopePatient;
        for (const auto field : root) {
            if (field.key == "fhir_resource") {
                wrapped = field.value;
                hasWrapped = true;
            } else if (field.key == "resourceType") {
                bareType = true;
            } else if (field.key == "patient_id") {
                envelopePatient = text(field.value);
            }
        }
        Object resource = root;
        if (hasWrapped) {
            if (wrapped.get_object().get(resource))
                return false;
        } else if (!bareType) {
            return false;
        } else {
            envelopePatient = {};
        }
        return readResource(resource, envelopePatient, facts);
    }

    static bool readResource(Object resource, std::string_view envelopePatient, Facts &facts)
    {
        std::string_view subjectReference;
        std::string_view effectiveDateTime;
        std::string_view effectiveInstant;
        std::string_view effectivePeriodStart;
        std::optional<Element> code;
        std::optional<Element> quantity; // read after the loop: with duplicate keys only the last counts
        for (const auto field : resource) {
            const std::string_view key = field.key;
            if (key == "resourceType") {
                facts.resourceType = text(field.value);
            } else if (key == "id") {
                facts.id = text(field.value);
            } else if (key == "status") {
                facts.status = text(field.value);
            } else if (key == "subject") {
                subjectReference = referenceOf(field.value);
            } else if (key == "encounter") {
                facts.encounterReference = referenceOf(field.value);
            } else if (key == "code") {
                code = field.value;
            } else if (key == "valueQuantity") {
                quantity = field.value;
            } else if (key == "effectiveDateTime") {
                effectiveDateTime = text(field.value);
            } else if (key == "effectiveInstant") {
                effectiveInstant = text(field.value);
            } else if (key == "effectivePeriod") {
                effectivePeriodStart = memberText(field.value, "start");
            } else if (key == "issued") {
                facts.issued = text(field.value);
            }
        }
        if (facts.resourceType.empty())
            return false;
        if (code)
            readCodings(*code, facts);
        if (quantity)
            readQuantity(*quantity, facts);
        facts.effective = !effectiveDateTime.empty() ? effectiveDateTime
            : !effectiveInstant.empty()              ? effectiveInstant
                                                     : effectivePeriodStart;
        if (!envelopePatient.empty())
            facts.patientId = envelopePatient;
        else if (facts.resourceType == "Patient")
            facts.patientId = facts.id;
        else
            facts.patientId = patientIdOfReference(subjectReference);
        return true;
    }

    // The last string member `key` of an object, as nlohmann's lookup would find it.
    static std::string_view memberText(Element element, std::string_view key)
    {
        Object object;
        if (element.get_object().get(object))
            return {};
        std::string_view value;
        bool found = false;
        for (const auto field : object) {
            if (field.key == key) {
                value = text(field.value);
                found = true;
            }
        }
        return found ? value : std::string_view();
    }

    static std::string_view referenceOf(Element element) { return memberText(element, "reference"); }

    static void readCodings(Element code, Facts &facts)
    {
        Object object;
        if (code.get_object().get(object))
            return;
        simdjson::dom::array codings;
        bool found = false;
        for (const auto field : object) {
            if (field.key == "coding")
                found = !field.value.get_array().get(codings);
        }
        if (!found)
            return;
        for (const Element entry : codings) {
            const std::string_view loinc = memberText(entry, "code");
            if (memberText(entry, "system") == kLoincSystem && !loinc.empty())
                facts.loincCodes.push_back(loinc);
        }
    }

    static void readQuantity(Element quantity, Facts &facts)
    {
        Object object;
        if (quantity.get_object().get(object)) {
            facts.valueState = ValueState::Malformed;
            facts.valueProblem = "valueQuantity is not an object";
            return;
        }
        for (const auto field : object) {
            const std::string_view key = field.key;
            if (key == "value") {
                double value = 0.0;
                const bool number = field.value.is_number() && !field.value.get_double().get(value);
                const bool finite = number && std::isfinite(value);
                facts.valueState = finite ? ValueState::Number : ValueState::Malformed;
                facts.value = finite ? value : 0.0;
                facts.valueProblem = finite ? std::string_view() : "valueQuantity.value is not a finite JSON number";
            } else if (key == "comparator") {
                facts.comparatorMalformed = !field.value.is_string();
                facts.comparator = text(field.value);
            } else if (key == "system") {
                facts.unitSystem = text(field.value);
            } else if (key == "code") {
                facts.unitCode = text(field.value);
            } else if (key == "unit") {
                facts.unitText = text(field.value);
            }
        }
    }

    simdjson::dom::parser m_parser;
    std::vector<char> m_buffer; // the record copied with the padding simdjson reads past its end
};

bool CriticalValueEvaluator::fastParserAvailable()
{
    return true;
}

#else

class CriticalValueEvaluator::FastReader {
public:
    bool read(std::string_view, Facts &) { return false; }
};

bool CriticalValueEvaluator::fastParserAvailable()
{
    return false;
}

#endif

// ---- the evaluator ---------------------------------------------------------------------------------

std::string_view verdictName(Verdict verdict)
{
    return kVerdictNames[static_cast<std::size_t>(verdict)];
}

CriticalValueEvaluator::CriticalValueEvaluator(std::shared_ptr<const ThresholdSet> thresholds,
                                               EvaluatorOptions options)
    : m_options(options)
    , m_delta(options.deltaPatients, options.deltaValuesPerPatient)
    , m_facts(std::make_unique<Facts>())
{
    setThresholds(std::move(thresholds));
    m_options.openAlertCapacity = std::max<std::size_t>(m_options.openAlertCapacity, 1);
    if (options.parser == EvaluatorOptions::Parser::Fast && fastParserAvailable())
        m_fast = std::make_unique<FastReader>();
}

CriticalValueEvaluator::~CriticalValueEvaluator() = default;

void CriticalValueEvaluator::setThresholds(std::shared_ptr<const ThresholdSet> thresholds)
{
    if (!thresholds)
        throw std::invalid_argument("CriticalValueEvaluator needs a threshold set");
    m_thresholds = std::move(thresholds);
}

Evaluation CriticalValueEvaluator::evaluate(std::string_view recordValue, const RecordSource &source,
                                            std::int64_t nowMs)
{
    try {
        return evaluateRecord(recordValue, source, nowMs);
    } catch (const std::exception &error) {
        Evaluation evaluation;
        deadLetter(evaluation, DeadLetterReason::InternalError, std::string("evaluator failed: ") + error.what());
        return evaluation;
    } catch (...) {
        Evaluation evaluation;
        deadLetter(evaluation, DeadLetterReason::InternalError, "evaluator failed");
        return evaluation;
    }
}

Evaluation CriticalValueEvaluator::evaluateRecord(std::string_view recordValue, const RecordSource &source,
                                                  std::int64_t nowMs)
{
    Evaluation evaluation;
    Facts &facts = *m_facts;
    facts.clear();
    if (m_fast && m_fast->read(recordValue, facts)) {
        decide(facts, source, nowMs, evaluation);
        return evaluation;
    }
    facts.clear();
    FhirEnvelope envelope; // owns the document the facts point into
    if (readReference(recordValue, envelope, facts, evaluation))
        decide(facts, source, nowMs, evaluation);
    return evaluation;
}

bool CriticalValueEvaluator::readReference(std::string_view recordValue, FhirEnvelope &envelope, Facts &facts,
                                           Evaluation &evaluation)
{
    try {
        envelope = FhirEnvelope::parse(recordValue);
    } catch (const EnvelopeError &error) {
        if (error.reason() == DeadLetterReason::NotJson && overflowsDouble(recordValue))
            deadLetter(evaluation, DeadLetterReason::BadValue, "a number in the record is beyond the range of a double");
        else
            deadLetter(evaluation, error.reason(), error.what());
        return false;
    }
    facts.resourceType = envelope.resourceType;
    facts.patientId = envelope.patientId;
    readResource(envelope.resource, facts);
    return true;
}

void CriticalValueEvaluator::decide(const Facts &facts, const RecordSource &source, std::int64_t nowMs,
                                    Evaluation &evaluation)
{
    evaluation.resourceType = facts.resourceType;
    evaluation.observationId = facts.id;
    evaluation.patientId = facts.patientId;
    if (facts.resourceType != "Observation") {
        evaluation.verdict = Verdict::NotApplicable;
        return;
    }
    if (facts.patientId.empty()) {
        deadLetter(evaluation, DeadLetterReason::NoPatient,
                   "the Observation names no patient (no patient_id, no subject reference to Patient/{id})");
        return;
    }
    if (!isFinalStatus(facts.status)) {
        if (isWithdrawnStatus(facts.status))
            withdraw(facts, source, nowMs, evaluation);
        evaluation.verdict = Verdict::NotFinal;
        return;
    }

    const ThresholdRule *rule = matchRule(facts, evaluation);
    if (!rule) {
        checkDelta(facts, source, nowMs, evaluation); // KDIGO applies whether or not the set has a limit
        evaluation.verdict = Verdict::NoRule;
        return;
    }
    evaluation.unit = rule->unit;
    if (facts.valueState == ValueState::Absent) {
        evaluation.verdict = Verdict::NoValue;
        return;
    }
    evaluation.value = valueInRuleUnit(facts, *rule, evaluation);
    if (!evaluation.value)
        return;

    const Comparison comparison = compare(*rule, facts.comparator, *evaluation.value);
    evaluation.verdict = comparison.verdict;
    if (comparison.verdict != Verdict::Normal)
        evaluation.alerts.push_back(criticalAlert(facts, *rule, comparison, source, nowMs, evaluation));
    checkDelta(facts, source, nowMs, evaluation);
    if (!facts.id.empty())
        settle(std::string(facts.id), source, nowMs, evaluation);
    if (!evaluation.alerts.empty())
        remember(facts.id, evaluation.alerts);
}

void CriticalValueEvaluator::settle(const std::string &observationId, const RecordSource &source, std::int64_t nowMs,
                                    Evaluation &evaluation)
{
    const auto found = m_remembered.find(observationId);
    if (found == m_remembered.end())
        return;
    for (Alert &alert : evaluation.alerts) {
        const auto known = std::find_if(found->second.alerts.begin(), found->second.alerts.end(),
                                        [&](const Alert &earlier) { return earlier.alertId == alert.alertId; });
        if (known == found->second.alerts.end())
            continue;
        if (!known->corrected)
            alert.evaluatedAtMs = known->evaluatedAtMs; // waiting, and escalating, since it was raised
        if (known->value != alert.value || known->corrected) {
            alert.amended = true;
            alert.previousValue = known->value;
        } else {
            alert.amended = known->amended; // the same result again (a replay, a duplicate)
            alert.previousValue = known->previousValue;
        }
        alert = known->combinedWith(alert);
    }
    // A critical value that the new result no longer reaches: the correction is communicated too.
    if (!evaluation.value)
        return;
    for (const Alert &known : found->second.alerts) {
        const bool stillRaised = std::any_of(evaluation.alerts.begin(), evaluation.alerts.end(),
                                             [&](const Alert &alert) { return alert.alertId == known.alertId; });
        if (stillRaised || known.severity == AlertSeverity::Delta || known.corrected
            || known.state == AlertState::Retracted || known.loinc != evaluation.loinc)
            continue;
        Alert correction = known;
        correction.amended = true;
        correction.corrected = true;
        correction.previousValue = known.value;
        correction.value = *evaluation.value;
        correction.state = AlertState::Open;
        correction.ackedBy.clear();
        correction.ackedAtMs.reset();
        correction.readBack = false;
        correction.resolvedBy.clear();
        correction.resolvedAtMs.reset();
        correction.evaluatedAtMs = nowMs;
        correction.source = source;
        evaluation.alerts.push_back(std::move(correction));
    }
}

void CriticalValueEvaluator::observe(const Alert &published)
{
    if (published.observationId.empty())
        return;
    auto &kept = rememberedFor(published.observationId).alerts;
    const auto same = std::find_if(kept.begin(), kept.end(),
                                   [&](const Alert &known) { return known.alertId == published.alertId; });
    if (same != kept.end())
        *same = same->combinedWith(published);
    else
        kept.push_back(published);
}

std::vector<PatientMemory> CriticalValueEvaluator::takeChangedMemories()
{
    std::vector<PatientMemory> memories;
    for (std::string &patient : m_delta.takeChanged()) {
        std::vector<CreatinineDelta::Sample> samples = m_delta.samplesOf(patient);
        memories.push_back({std::move(patient), std::move(samples)});
    }
    return memories;
}

void CriticalValueEvaluator::restore(const PatientMemory &memory)
{
    m_delta.restore(memory.patientId, memory.creatinine);
}

const ThresholdRule *CriticalValueEvaluator::matchRule(const Facts &facts, Evaluation &evaluation) const
{
    for (const std::string_view code : facts.loincCodes) {
        if (const ThresholdRule *rule = m_thresholds->ruleFor(code)) {
            evaluation.loinc = code;
            return rule;
        }
    }
    return nullptr;
}

Alert CriticalValueEvaluator::criticalAlert(const Facts &facts, const ThresholdRule &rule, const Comparison &comparison,
                                            const RecordSource &source, std::int64_t nowMs,
                                            const Evaluation &evaluation) const
{
    Alert alert = alertFor(facts, source, nowMs, evaluation.loinc, false);
    alert.severity = comparison.verdict == Verdict::CriticalLow ? AlertSeverity::CriticalLow
                                                                : AlertSeverity::CriticalHigh;
    alert.display = rule.display;
    alert.value = *evaluation.value;
    alert.unit = rule.unit;
    alert.limit = comparison.limit;
    return alert;
}

std::optional<double> CriticalValueEvaluator::valueInRuleUnit(const Facts &facts, const ThresholdRule &rule,
                                                              Evaluation &evaluation) const
{
    if (facts.valueState == ValueState::Malformed) {
        deadLetter(evaluation, DeadLetterReason::BadValue, std::string(facts.valueProblem));
        return std::nullopt;
    }
    if (facts.comparatorMalformed || !isKnownComparator(facts.comparator)) {
        deadLetter(evaluation, DeadLetterReason::BadValue,
                   "valueQuantity.comparator " + quoted(facts.comparator) + " is not one of <, <=, >=, >, ad");
        return std::nullopt;
    }
    const UnitOfResult unit = unitOf(facts);
    if (!unit.reason.empty()) {
        deadLetter(evaluation, unit.reason, unit.problem + "; the " + rule.display + " rule compares in " + rule.unit);
        return std::nullopt;
    }
    const auto converted = UcumUnits::convert(facts.value, unit.code, rule.unit, evaluation.loinc);
    if (!converted) {
        deadLetter(evaluation, DeadLetterReason::UnitMismatch,
                   "no conversion from " + std::string(unit.code) + " to " + rule.unit + " for LOINC "
                       + evaluation.loinc + " (" + rule.display + ")");
    }
    return converted;
}

CriticalValueEvaluator::UnitOfResult CriticalValueEvaluator::unitOf(const Facts &facts)
{
    // A UCUM-coded unit is authoritative; other codes and free text count only when they are,
    // character for character, a UCUM code Vigil knows ("mmol/l" is not).
    if (facts.unitSystem == kUcumSystem && !facts.unitCode.empty()) {
        if (UcumUnits::isKnownUnit(facts.unitCode))
            return {facts.unitCode, {}, {}};
        return {{}, DeadLetterReason::UnknownUnit, "unit " + quoted(facts.unitCode) + " is not a UCUM code Vigil knows"};
    }
    if (UcumUnits::isKnownUnit(facts.unitCode))
        return {facts.unitCode, {}, {}};
    if (UcumUnits::isKnownUnit(facts.unitText))
        return {facts.unitText, {}, {}};
    if (facts.unitCode.empty() && facts.unitText.empty())
        return {{}, DeadLetterReason::MissingUnit, "the value has no unit (valueQuantity.code or unit)"};
    const std::string_view given = facts.unitCode.empty() ? facts.unitText : facts.unitCode;
    return {{}, DeadLetterReason::UnknownUnit, "unit " + quoted(given) + " is not a UCUM code Vigil knows"};
}

void CriticalValueEvaluator::checkDelta(const Facts &facts, const RecordSource &source, std::int64_t nowMs,
                                        Evaluation &evaluation)
{
    std::string_view code;
    for (const std::string_view candidate : facts.loincCodes) {
        if (CreatinineDelta::isCreatinine(candidate)) {
            code = candidate;
            break;
        }
    }
    // Only an exact value in a unit that converts can be part of a trend; a bound ("<0.2") cannot.
    if (code.empty() || facts.valueState != ValueState::Number || !facts.comparator.empty()
        || facts.comparatorMalformed)
        return;
    const UnitOfResult unit = unitOf(facts);
    if (!unit.reason.empty())
        return;
    const auto mgPerDl = UcumUnits::convert(facts.value, unit.code, kCreatinineUnit, code);
    auto atMs = fhirDateTimeToMs(facts.effective);
    if (!atMs)
        atMs = fhirDateTimeToMs(facts.issued);
    if (!mgPerDl || !atMs)
        return;
    const auto finding = m_delta.add(facts.patientId, facts.id, *atMs, *mgPerDl);
    if (!finding)
        return;

    Alert alert = alertFor(facts, source, nowMs, code, true);
    alert.severity = AlertSeverity::Delta;
    const ThresholdRule *rule = m_thresholds->ruleFor(code);
    alert.display = rule ? rule->display : "Creatinine";
    alert.value = *mgPerDl;
    alert.unit = kCreatinineUnit;
    alert.limit = finding->limitMgPerDl;
    alert.baseline = finding->baselineMgPerDl;
    alert.stage = finding->stage;
    evaluation.alerts.push_back(std::move(alert));
}

Alert CriticalValueEvaluator::alertFor(const Facts &facts, const RecordSource &source, std::int64_t nowMs,
                                       std::string_view loinc, bool delta) const
{
    Alert alert;
    // Without an Observation id the record's own coordinates are the stable identity.
    const std::string observationKey = !facts.id.empty()
        ? std::string(facts.id)
        : source.topic + "/" + std::to_string(source.partition) + "/" + std::to_string(source.offset);
    alert.alertId = Alert::makeId(observationKey, loinc, delta);
    alert.patientId = facts.patientId;
    alert.encounterId = idOfReference(facts.encounterReference, "Encounter");
    alert.observationId = facts.id;
    alert.loinc = loinc;
    alert.comparator = facts.comparator;
    alert.thresholdSetName = m_thresholds->name();
    alert.thresholdSetVersion = m_thresholds->version();
    alert.effective = facts.effective;
    alert.issued = facts.issued;
    alert.evaluatedAtMs = nowMs;
    alert.late = Alert::isLate(facts.issued, facts.effective, nowMs, m_options.lateHorizonMs);
    alert.source = source;
    return alert;
}

void CriticalValueEvaluator::withdraw(const Facts &facts, const RecordSource &source, std::int64_t nowMs,
                                      Evaluation &evaluation)
{
    m_delta.forget(facts.patientId, facts.id);
    const auto found = facts.id.empty() ? m_remembered.end() : m_remembered.find(std::string(facts.id));
    if (found == m_remembered.end())
        return;
    for (const Alert &alert : found->second.alerts) {
        if (auto change = alert.retract(facts.status, nowMs)) {
            change.alert->source = source; // the record that withdrew the result
            evaluation.alerts.push_back(std::move(*change.alert));
        }
    }
    m_rememberedAge.erase(found->second.age);
    m_remembered.erase(found);
}

void CriticalValueEvaluator::remember(std::string_view observationId, const std::vector<Alert> &alerts)
{
    if (observationId.empty())
        return;
    // An amendment re-raises the same ids: keep the latest value of each.
    auto &kept = rememberedFor(std::string(observationId)).alerts;
    for (const Alert &alert : alerts) {
        const auto same = std::find_if(kept.begin(), kept.end(),
                                       [&](const Alert &old) { return old.alertId == alert.alertId; });
        if (same != kept.end())
            *same = alert;
        else
            kept.push_back(alert);
    }
}

CriticalValueEvaluator::Remembered &CriticalValueEvaluator::rememberedFor(const std::string &observationId)
{
    auto found = m_remembered.find(observationId);
    if (found == m_remembered.end()) {
        if (m_remembered.size() >= m_options.openAlertCapacity) {
            m_remembered.erase(m_rememberedAge.back());
            m_rememberedAge.pop_back();
        }
        m_rememberedAge.push_front(observationId);
        found = m_remembered.emplace(observationId, Remembered{{}, m_rememberedAge.begin()}).first;
    } else {
        m_rememberedAge.splice(m_rememberedAge.begin(), m_rememberedAge, found->second.age);
    }
    return found->second;
}
