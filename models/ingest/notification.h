#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// A body that is not a FHIR notification. `reason` is a stable code: "not-json", "not-fhir",
// "bad-status" (a Backport status that cannot be read).
class NotificationError : public std::runtime_error {
public:
    NotificationError(std::string reason, const std::string &message)
        : std::runtime_error(message), m_reason(std::move(reason)) {}
    const std::string &reason() const { return m_reason; }

private:
    std::string m_reason;
};

enum class NotificationType { Ping, Handshake, Heartbeat, EventNotification, QueryStatus, QueryEvent };

// One notified change: the resource when the notification carries it (full-resource), else the
// reference to fetch it by (id-only; empty payloads may carry neither).
struct NotifiedEvent {
    std::optional<long long> eventNumber;
    std::string focus;       // "Observation/123", an absolute URL, or empty
    nlohmann::json resource; // null when not carried
    std::string method;      // the entry's request.method (POST, PUT, DELETE), empty when none
    std::string version;     // the version the entry names (response.etag W/"4", request.ifMatch, a _history URL)

    bool carriesResource() const { return resource.is_object(); }
};

// What a FHIR server posted to the webhook:
// - an R4 Subscription rest-hook: an empty body (a ping), a Bundle of changed resources, or one
//   resource;
// - an R4 Subscriptions Backport notification: a `history` Bundle whose first entry is a
//   SubscriptionStatus (a Parameters resource in R4, the SubscriptionStatus resource in R4B), with
//   empty, id-only or full-resource payloads.
struct SubscriptionNotification {
    NotificationType type = NotificationType::Ping;
    bool backport = false;
    std::string subscription; // the status's subscription reference; empty for a plain rest-hook
    std::optional<long long> eventsSinceStart;
    std::vector<NotifiedEvent> events;

    // Throws NotificationError.
    static SubscriptionNotification parse(std::string_view body);
    // Whether this notification's events are to be published (handshakes and heartbeats are not).
    bool carriesEvents() const
    {
        return type == NotificationType::EventNotification || type == NotificationType::QueryEvent;
    }
};

std::string_view typeName(NotificationType type);

// "Observation/123" from "Observation/123", "https://ehr/fhir/Observation/123" or
// "…/Observation/123/_history/4"; the version, when there is one, in *version. Empty when the
// reference names no resource.
std::string relativeReference(std::string_view reference, std::string *version = nullptr);
