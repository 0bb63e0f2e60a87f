#include "wall/wallprotocol.h"
#include "base/text.h"

#include <QCryptographicHash>
#include <QMetaType>

#include <limits>

Q_LOGGING_CATEGORY(lcWallFeed, "vigil.wallfeed", QtInfoMsg) // debug off unless asked for (QT_LOGGING_RULES)

namespace {

using Json = nlohmann::json;

[[noreturn]] void fail(const std::string &what, std::optional<int> request = std::nullopt)
{
    throw WallProtocolError(what, request);
}

const Json *member(const Json &object, const char *key)
{
    const auto found = object.find(key);
    return found == object.end() || found->is_null() ? nullptr : &*found;
}

std::string optionalText(const Json &object, const char *key)
{
    const Json *value = member(object, key);
    if (!value)
        return {};
    if (!value->is_string())
        fail(std::string(key) + " is not a string");
    return value->get<std::string>();
}

bool isBlank(std::string_view text)
{
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::int64_t wholeNumber(const Json &value, const char *key)
{
    if (value.is_number_unsigned()) {
        if (value.get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
            fail(std::string(key) + " is out of range");
        return std::int64_t(value.get<std::uint64_t>());
    }
    if (!value.is_number_integer())
        fail(std::string(key) + " is not a whole number");
    return value.get<std::int64_t>();
}

std::int64_t requiredWholeNumber(const Json &object, const char *key)
{
    const Json *value = member(object, key);
    if (!value)
        fail(std::string(key) + " is missing");
    return wholeNumber(*value, key);
}

bool optionalFlag(const Json &object, const char *key, bool otherwise)
{
    const Json *value = member(object, key);
    if (!value)
        return otherwise;
    if (!value->is_boolean())
        fail(std::string(key) + " is not true or false");
    return value->get<bool>();
}

const Json &requiredArray(const Json &object, const char *key)
{
    const Json *value = member(object, key);
    if (!value || !value->is_array())
        fail(std::string(key) + " is not an array");
    return *value;
}

const Json &requiredObject(const Json &object, const char *key)
{
    const Json *value = member(object, key);
    if (!value || !value->is_object())
        fail(std::string(key) + " is not an object");
    return *value;
}

Json parseObject(std::string_view frame)
{
    Json json = Json::parse(frame, nullptr, false);
    if (json.is_discarded())
        fail("the frame is not JSON");
    if (!json.is_object())
        fail("the frame is not a JSON object");
    return json;
}

std::string messageType(const Json &json)
{
    const Json *type = member(json, "type");
    if (!type || !type->is_string())
        fail("type is missing");
    return type->get<std::string>();
}

// Invalid UTF-8 in a text (it cannot come from a parsed record, but a record built in code could
// carry it) is replaced rather than thrown: the feed keeps running.
std::string dump(const Json &json)
{
    return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::vector<Alert> readAlerts(const Json &json)
{
    const Json &array = requiredArray(json, "alerts");
    std::vector<Alert> alerts;
    alerts.reserve(array.size());
    for (std::size_t i = 0; i < array.size(); ++i) {
        try {
            alerts.push_back(Alert::fromJson(array[i]));
        } catch (const AlertError &error) {
            fail("alerts[" + std::to_string(i) + "]: " + error.what());
        }
    }
    return alerts;
}

std::vector<CensusEntry> readCensus(const Json &json)
{
    const Json &array = requiredArray(json, "census");
    std::vector<CensusEntry> census;
    census.reserve(array.size());
    for (std::size_t i = 0; i < array.size(); ++i) {
        try {
            census.push_back(WallProtocol::censusEntryFromJson(array[i]));
        } catch (const WallProtocolError &error) {
            fail("census[" + std::to_string(i) + "]: " + error.what());
        }
    }
    return census;
}

FeedHealth readHealth(const Json &json)
{
    const Json &health = requiredObject(json, "health");
    try {
        return WallProtocol::feedHealthFromJson(health);
    } catch (const WallProtocolError &error) {
        fail(std::string("health: ") + error.what());
    }
}

Json alertsArray(const std::vector<Alert> &alerts)
{
    Json array = Json::array();
    for (const Alert &alert : alerts)
        array.push_back(alert.toJson());
    return array;
}

Json censusArray(const std::vector<CensusEntry> &census)
{
    Json array = Json::array();
    for (const CensusEntry &entry : census)
        array.push_back(WallProtocol::censusEntryToJson(entry));
    return array;
}

std::string requiredName(const Json &json, const char *key, int request)
{
    const Json *value = member(json, key);
    if (!value || !value->is_string())
        fail(std::string(key) + " is missing", request);
    std::string text = value->get<std::string>();
    if (isBlank(text))
        fail(std::string(key) + " is empty", request);
    if (text.size() > WallProtocol::MaxNameLength)
        fail(std::string(key) + " is longer than " + std::to_string(WallProtocol::MaxNameLength) + " bytes",
             request);
    return text;
}

} // namespace

namespace WallProtocol {

nlohmann::json censusEntryToJson(const CensusEntry &entry)
{
    return Json{{"patient_id", entry.patientId}, {"encounter_id", entry.encounterId},
                {"initials", entry.initials},    {"mrn", entry.mrn},
                {"ward", entry.ward},            {"room", entry.room},
                {"bed", entry.bed},              {"since_ms", entry.sinceMs}};
}

CensusEntry censusEntryFromJson(const nlohmann::json &json)
{
    if (!json.is_object())
        fail("not a JSON object");
    CensusEntry entry;
    entry.patientId = optionalText(json, "patient_id");
    if (entry.patientId.empty())
        fail("patient_id is missing");
    entry.encounterId = optionalText(json, "encounter_id");
    entry.initials = optionalText(json, "initials");
    entry.mrn = optionalText(json, "mrn");
    entry.ward = optionalText(json, "ward");
    entry.room = optionalText(json, "room");
    entry.bed = optionalText(json, "bed");
    if (const Json *since = member(json, "since_ms"))
        entry.sinceMs = wholeNumber(*since, "since_ms");
    return entry;
}

nlohmann::json feedHealthToJson(const FeedHealth &health)
{
    return Json{{"up", health.up},
                {"last_heard_ms", health.lastHeardMs},
                {"down_since_ms", health.downSinceMs ? Json(*health.downSinceMs) : Json(nullptr)},
                {"reason", health.reason}};
}

FeedHealth feedHealthFromJson(const nlohmann::json &json)
{
    if (!json.is_object())
        fail("not a JSON object");
    const Json *up = member(json, "up");
    if (!up || !up->is_boolean())
        fail("up is not true or false");
    FeedHealth health;
    health.up = up->get<bool>();
    if (const Json *heard = member(json, "last_heard_ms"))
        health.lastHeardMs = wholeNumber(*heard, "last_heard_ms");
    if (const Json *downSince = member(json, "down_since_ms"))
        health.downSinceMs = wholeNumber(*downSince, "down_since_ms");
    health.reason = optionalText(json, "reason");
    return health;
}

std::string encodeSnapshot(const WallSnapshot &snapshot)
{
    return dump(Json{{"type", "snapshot"},
                     {"alerts", alertsArray(snapshot.alerts)},
                     {"census", censusArray(snapshot.census)},
                     {"health", feedHealthToJson(snapshot.health)}});
}

std::string encodeAlerts(const std::vector<Alert> &alerts)
{
    return dump(Json{{"type", "alerts"}, {"alerts", alertsArray(alerts)}});
}

std::string encodeCensus(const std::vector<CensusEntry> &census)
{
    return dump(Json{{"type", "census"}, {"census", censusArray(census)}});
}

std::string encodeHeartbeat(std::int64_t atMs, const FeedHealth &health)
{
    return dump(Json{{"type", "heartbeat"}, {"at", atMs}, {"health", feedHealthToJson(health)}});
}

std::string encodeActionResult(int request, bool ok, std::string_view error)
{
    return dump(Json{{"type", "action-result"}, {"request", request}, {"ok", ok}, {"error", error}});
}

std::string encodeError(std::string_view error)
{
    return dump(Json{{"type", "error"}, {"error", error}});
}

std::string encodeAction(int request, const AlertAction &action)
{
    const char *kind = action.kind == AlertAction::Kind::Acknowledge ? "acknowledge" : "resolve";
    return dump(Json{{"type", "action"},
                     {"request", request},
                     {"action", kind},
                     {"alert_id", action.alertId},
                     {"by", action.by},
                     {"read_back", action.readBack}});
}

WallServerMessage decodeServerMessage(std::string_view frame)
{
    const Json json = parseObject(frame);
    const std::string type = messageType(json);
    if (type == "snapshot")
        return WallSnapshot{readAlerts(json), readCensus(json), readHealth(json)};
    if (type == "alerts")
        return WallAlertsMessage{readAlerts(json)};
    if (type == "census")
        return WallCensusMessage{readCensus(json)};
    if (type == "heartbeat")
        return WallHeartbeat{requiredWholeNumber(json, "at"), readHealth(json)};
    if (type == "action-result") {
        const std::int64_t request = requiredWholeNumber(json, "request");
        if (request < std::numeric_limits<int>::min() || request > std::numeric_limits<int>::max())
            fail("request is out of range");
        const Json *ok = member(json, "ok");
        if (!ok || !ok->is_boolean())
            fail("ok is not true or false");
        return WallActionResult{int(request), ok->get<bool>(), optionalText(json, "error")};
    }
    if (type == "error")
        return WallErrorMessage{optionalText(json, "error")};
    fail("unknown message type");
}

WallActionRequest decodeClientMessage(std::string_view frame)
{
    const Json json = parseObject(frame);
    if (messageType(json) != "action")
        fail("unknown message type");
    const std::int64_t number = requiredWholeNumber(json, "request");
    if (number < std::numeric_limits<int>::min() || number > std::numeric_limits<int>::max())
        fail("request is out of range");
    WallActionRequest request;
    request.request = int(number);

    const Json *action = member(json, "action");
    if (!action || !action->is_string())
        fail("action is missing", request.request);
    if (action->get_ref<const std::string &>() == "acknowledge")
        request.action.kind = AlertAction::Kind::Acknowledge;
    else if (action->get_ref<const std::string &>() == "resolve")
        request.action.kind = AlertAction::Kind::Resolve;
    else
        fail("action is neither acknowledge nor resolve", request.request);
    request.action.alertId = requiredName(json, "alert_id", request.request);
    request.action.by = requiredName(json, "by", request.request);
    try {
        request.action.readBack = optionalFlag(json, "read_back", false);
    } catch (const WallProtocolError &error) {
        fail(error.what(), request.request);
    }
    return request;
}

bool tokensMatch(std::string_view expected, std::string_view offered)
{
    // Comparing digests keeps the time independent of the lengths as well as of the contents.
    const auto digest = [](std::string_view text) {
        return QCryptographicHash::hash(Text::bytesView(text),
                                        QCryptographicHash::Sha256);
    };
    const QByteArray a = digest(expected);
    const QByteArray b = digest(offered);
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0 && !expected.empty();
}

void registerMetaTypes()
{
    qRegisterMetaType<WallSnapshot>();
    qRegisterMetaType<std::vector<Alert>>();
    qRegisterMetaType<std::vector<CensusEntry>>();
    qRegisterMetaType<FeedHealth>();
    qRegisterMetaType<AlertAction>();
}

} // namespace WallProtocol
