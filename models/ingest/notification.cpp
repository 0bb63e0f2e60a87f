#include "ingest/notification.h"

#include "ingest/jsonfields.h"

#include <algorithm>
#include <cctype>

namespace {

using nlohmann::json;
using JsonFields::stringAt;

// FHIR R4 Backport carries event numbers as strings ("5"), R5 as integer64; both are read.
std::optional<long long> numberOf(const json &value)
{
    if (value.is_number_integer())
        return value.get<long long>();
    if (value.is_string()) {
        const std::string text = value.get<std::string>();
        if (text.empty() || !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); }))
            return std::nullopt;
        try {
            return std::stoll(text);
        } catch (const std::exception &) {
            return std::nullopt;
        }
    }
    return std::nullopt;
}

// A Parameters parameter's value, whatever its value[x] type.
const json *parameterValue(const json &parameter)
{
    for (auto it = parameter.begin(); it != parameter.end(); ++it) {
        if (it.key().rfind("value", 0) == 0)
            return &it.value();
    }
    return nullptr;
}

std::string referenceOf(const json *value)
{
    if (!value)
        return {};
    if (value->is_object())
        return stringAt(*value, "reference");
    return value->is_string() ? value->get<std::string>() : std::string();
}

NotificationType typeOfCode(const std::string &code)
{
    if (code == "handshake")
        return NotificationType::Handshake;
    if (code == "heartbeat")
        return NotificationType::Heartbeat;
    if (code == "event-notification")
        return NotificationType::EventNotification;
    if (code == "query-status")
        return NotificationType::QueryStatus;
    if (code == "query-event")
        return NotificationType::QueryEvent;
    throw NotificationError("bad-status", "the SubscriptionStatus type \"" + code + "\" is not one of handshake, "
                                          "heartbeat, event-notification, query-status, query-event");
}

// The R4 Backport's Parameters: subscription, type, events-since-subscription-start, notification-event.
void readParameters(const json &status, SubscriptionNotification &out)
{
    const auto parameters = status.find("parameter");
    if (parameters == status.end() || !parameters->is_array())
        throw NotificationError("bad-status", "the SubscriptionStatus Parameters has no parameter list");
    bool typed = false;
    for (const json &parameter : *parameters) {
        if (!parameter.is_object())
            continue;
        const std::string name = stringAt(parameter, "name");
        const json *value = parameterValue(parameter);
        if (name == "subscription") {
            out.subscription = referenceOf(value);
        } else if (name == "type" && value && value->is_string()) {
            out.type = typeOfCode(value->get<std::string>());
            typed = true;
        } else if (name == "events-since-subscription-start" && value) {
            out.eventsSinceStart = numberOf(*value);
        } else if (name == "notification-event") {
            NotifiedEvent event;
            const auto parts = parameter.find("part");
            if (parts != parameter.end() && parts->is_array()) {
                for (const json &part : *parts) {
                    const std::string partName = part.is_object() ? stringAt(part, "name") : std::string();
                    const json *partValue = part.is_object() ? parameterValue(part) : nullptr;
                    if (partName == "event-number" && partValue)
                        event.eventNumber = numberOf(*partValue);
                    else if (partName == "focus")
                        event.focus = referenceOf(partValue);
                }
            }
            out.events.push_back(std::move(event));
        }
    }
    if (!typed)
        throw NotificationError("bad-status", "the SubscriptionStatus names no notification type");
}

// R4B's (and R5's) SubscriptionStatus resource.
void readSubscriptionStatus(const json &status, SubscriptionNotification &out)
{
    const std::string type = stringAt(status, "type");
    if (type.empty())
        throw NotificationError("bad-status", "the SubscriptionStatus names no notification type");
    out.type = typeOfCode(type);
    if (const auto it = status.find("subscription"); it != status.end())
        out.subscription = referenceOf(&*it);
    if (const auto it = status.find("eventsSinceSubscriptionStart"); it != status.end())
        out.eventsSinceStart = numberOf(*it);
    if (const auto events = status.find("notificationEvent"); events != status.end() && events->is_array()) {
        for (const json &item : *events) {
            if (!item.is_object())
                continue;
            NotifiedEvent event;
            if (const auto number = item.find("eventNumber"); number != item.end())
                event.eventNumber = numberOf(*number);
            if (const auto focus = item.find("focus"); focus != item.end())
                event.focus = referenceOf(&*focus);
            out.events.push_back(std::move(event));
        }
    }
}

// What one Bundle entry names: its resource's "Type/id", else its fullUrl's, else its request.url's.
std::string entryReference(const json &entry)
{
    if (const auto resource = entry.find("resource"); resource != entry.end() && resource->is_object()) {
        const std::string type = stringAt(*resource, "resourceType");
        const std::string id = stringAt(*resource, "id");
        if (!type.empty() && !id.empty())
            return type + '/' + id;
    }
    if (std::string reference = relativeReference(stringAt(entry, "fullUrl")); !reference.empty())
        return reference;
    if (const auto request = entry.find("request"); request != entry.end() && request->is_object())
        return relativeReference(stringAt(*request, "url"));
    return {};
}

// W/"4" -> 4
std::string versionOfEtag(std::string etag)
{
    if (etag.rfind("W/", 0) == 0)
        etag.erase(0, 2);
    etag.erase(std::remove(etag.begin(), etag.end(), '"'), etag.end());
    return etag;
}

NotifiedEvent eventOfEntry(const json &entry)
{
    NotifiedEvent event;
    if (const auto resource = entry.find("resource"); resource != entry.end() && resource->is_object())
        event.resource = *resource;
    if (const auto request = entry.find("request"); request != entry.end() && request->is_object()) {
        event.method = stringAt(*request, "method");
        event.version = versionOfEtag(stringAt(*request, "ifMatch"));
    }
    if (const auto response = entry.find("response"); response != entry.end() && response->is_object()) {
        if (const std::string etag = versionOfEtag(stringAt(*response, "etag")); !etag.empty())
            event.version = etag;
    }
    if (std::string fromUrl; !relativeReference(stringAt(entry, "fullUrl"), &fromUrl).empty() && !fromUrl.empty())
        event.version = fromUrl;
    event.focus = stringAt(entry, "fullUrl");
    if (event.focus.empty())
        event.focus = entryReference(entry);
    return event;
}

void readBackportEntries(const json &entries, SubscriptionNotification &out)
{
    // Entries after the status carry the events' focus resources (full-resource) or just their
    // fullUrl and request (id-only), and perhaps additional context. Each is matched to the
    // notification-event that names it; an entry no event names is an event of its own.
    for (std::size_t i = 1; i < entries.size(); ++i) {
        if (!entries[i].is_object())
            continue;
        NotifiedEvent carried = eventOfEntry(entries[i]);
        const std::string reference = entryReference(entries[i]);
        const auto named = std::find_if(out.events.begin(), out.events.end(), [&](const NotifiedEvent &event) {
            return !reference.empty() && relativeReference(event.focus) == reference && !event.carriesResource()
                && event.method.empty();
        });
        if (named == out.events.end()) {
            out.events.push_back(std::move(carried));
            continue;
        }
        named->resource = std::move(carried.resource);
        named->method = std::move(carried.method);
        if (named->focus.empty())
            named->focus = std::move(carried.focus);
    }
}

} // namespace

std::string relativeReference(std::string_view reference, std::string *version)
{
    if (version)
        version->clear();
    std::string text(reference);
    if (const auto history = text.find("/_history/"); history != std::string::npos) {
        if (version)
            *version = text.substr(history + 10);
        text.erase(history);
    }
    while (!text.empty() && text.back() == '/')
        text.pop_back();
    const auto idSlash = text.rfind('/');
    if (idSlash == std::string::npos || idSlash == 0 || idSlash + 1 == text.size())
        return {};
    const auto typeSlash = text.rfind('/', idSlash - 1);
    const std::string type = text.substr(typeSlash == std::string::npos ? 0 : typeSlash + 1,
                                         idSlash - (typeSlash == std::string::npos ? 0 : typeSlash + 1));
    if (type.empty() || !std::isupper(static_cast<unsigned char>(type.front())))
        return {};
    return type + '/' + text.substr(idSlash + 1);
}

std::string_view typeName(NotificationType type)
{
    switch (type) {
    case NotificationType::Ping: return "ping";
    case NotificationType::Handshake: return "handshake";
    case NotificationType::Heartbeat: return "heartbeat";
    case NotificationType::EventNotification: return "event-notification";
    case NotificationType::QueryStatus: return "query-status";
    case NotificationType::QueryEvent: return "query-event";
    }
    return "unknown";
}

SubscriptionNotification SubscriptionNotification::parse(std::string_view body)
{
    SubscriptionNotification out;
    if (std::all_of(body.begin(), body.end(), [](unsigned char c) { return std::isspace(c); }))
        return out; // an R4 rest-hook without payload: a ping
    json document = json::parse(body, nullptr, false);
    if (document.is_discarded())
        throw NotificationError("not-json", "the body is not JSON");
    const std::string resourceType = document.is_object() ? stringAt(document, "resourceType") : std::string();
    if (resourceType.empty())
        throw NotificationError("not-fhir", "the body is not a FHIR resource (no resourceType)");

    out.type = NotificationType::EventNotification;
    if (resourceType != "Bundle") { // R4 rest-hook with the changed resource as its payload
        NotifiedEvent event;
        event.focus = stringAt(document, "resourceType") + '/' + stringAt(document, "id");
        event.resource = std::move(document);
        out.events.push_back(std::move(event));
        return out;
    }

    const auto entries = document.find("entry");
    const bool hasEntries = entries != document.end() && entries->is_array();
    const json *status = nullptr;
    if (stringAt(document, "type") == "history" && hasEntries && !entries->empty() && (*entries)[0].is_object()) {
        const auto resource = (*entries)[0].find("resource");
        if (resource != (*entries)[0].end() && resource->is_object()) {
            const std::string first = stringAt(*resource, "resourceType");
            if (first == "Parameters" || first == "SubscriptionStatus")
                status = &*resource;
        }
    }
    if (!status) { // an R4 rest-hook Bundle: every entry is a changed resource
        if (hasEntries) {
            for (const json &entry : *entries) {
                if (entry.is_object())
                    out.events.push_back(eventOfEntry(entry));
            }
        }
        return out;
    }
    out.backport = true;
    if (stringAt(*status, "resourceType") == "Parameters")
        readParameters(*status, out);
    else
        readSubscriptionStatus(*status, out);
    readBackportEntries(*entries, out);
    return out;
}
