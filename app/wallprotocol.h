#pragma once

#include "alert.h"
#include "wallfeed.h"

#include <QLoggingCategory>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

// The wall feed: how a console serves its board to remote nurse-station displays that hold no Kafka
// credentials, and how those displays send acknowledge and resolve back. This header is the contract.
//
// Transport: WebSocket, ws://host:port/wall, JSON text frames (UTF-8), one message per frame.
// Authentication: the shared token as `?token=…` in the URL or as `Authorization: Bearer …`. A wrong
// or missing token, or another path, is closed with 1008 (policy violated) and the reason
// "wrong token" ("unknown path") before any data is sent. A refusal is a configuration error: a
// client stops retrying and says so.
//
// Server -> client, the first message always a snapshot:
//   {"type":"snapshot","alerts":[Alert…],"census":[CensusEntry…],"health":FeedHealth}
//   {"type":"alerts","alerts":[Alert…]}              alerts that changed, each in its latest state
//   {"type":"census","census":[CensusEntry…]}        the whole census, whenever it changes
//   {"type":"heartbeat","at":ms,"health":FeedHealth} every heartbeat interval, and at once when the
//                                                    upstream feed goes up or down
//   {"type":"action-result","request":n,"ok":bool,"error":"…"}  error is "" when ok
//   {"type":"error","error":"…"}                     a frame from the client could not be read; the
//                                                    connection stays open
// Client -> server:
//   {"type":"action","request":n,"action":"acknowledge"|"resolve","alert_id":"…","by":"…",
//    "read_back":bool}
//   n is the client's own whole number, echoed in the action-result. alert_id and by must be
//   non-blank (at most 200 characters); read_back is optional (false). An action that names its
//   request but is otherwise invalid is answered by an action-result with ok false; any other
//   unreadable frame (not JSON, unknown type, no request number) by an error message.
//
// Records:
//   Alert        the alert record of DESIGN.md ("Data contracts"), Alert::toJson / Alert::fromJson
//   CensusEntry  {"patient_id","encounter_id","initials","mrn","ward","room","bed","since_ms"}
//                patient_id required; the other texts may be missing or null (empty)
//   FeedHealth   {"up":bool,"last_heard_ms":ms,"down_since_ms":ms|null,"reason":"…"}
// Times are milliseconds since the epoch, whole numbers. Readers ignore keys they do not know, so a
// newer server can add fields.

Q_DECLARE_LOGGING_CATEGORY(lcWallFeed)

// What a display needs to draw the board from nothing; the first message on every connection.
struct WallSnapshot {
    std::vector<Alert> alerts;
    std::vector<CensusEntry> census;
    FeedHealth health;
};

struct WallAlertsMessage {
    std::vector<Alert> alerts;
};

struct WallCensusMessage {
    std::vector<CensusEntry> census;
};

struct WallHeartbeat {
    std::int64_t atMs = 0;
    FeedHealth health;
};

struct WallActionResult {
    int request = 0;
    bool ok = false;
    std::string error;
};

struct WallErrorMessage {
    std::string error;
};

using WallServerMessage = std::variant<WallSnapshot, WallAlertsMessage, WallCensusMessage, WallHeartbeat,
                                       WallActionResult, WallErrorMessage>;

struct WallActionRequest {
    int request = 0;
    AlertAction action;
};

// A frame that does not follow the contract. The message names the field, never its value (no PHI).
class WallProtocolError : public std::runtime_error {
public:
    explicit WallProtocolError(const std::string &what, std::optional<int> request = std::nullopt)
        : std::runtime_error(what), m_request(request)
    {
    }
    // The request number of an action frame that could be read that far.
    std::optional<int> request() const { return m_request; }

private:
    std::optional<int> m_request;
};

namespace WallProtocol {

inline constexpr std::string_view Path = "/wall";
inline constexpr std::string_view WrongToken = "wrong token";
inline constexpr std::string_view UnknownPath = "unknown path";
inline constexpr std::size_t MaxNameLength = 200; // alert_id and by

nlohmann::json censusEntryToJson(const CensusEntry &entry);
CensusEntry censusEntryFromJson(const nlohmann::json &json); // throws WallProtocolError
nlohmann::json feedHealthToJson(const FeedHealth &health);
FeedHealth feedHealthFromJson(const nlohmann::json &json);   // throws WallProtocolError

std::string encodeSnapshot(const WallSnapshot &snapshot);
std::string encodeAlerts(const std::vector<Alert> &alerts);
std::string encodeCensus(const std::vector<CensusEntry> &census);
std::string encodeHeartbeat(std::int64_t atMs, const FeedHealth &health);
std::string encodeActionResult(int request, bool ok, std::string_view error);
std::string encodeError(std::string_view error);
std::string encodeAction(int request, const AlertAction &action);

// Throw WallProtocolError for anything that is not a well-formed message of the direction.
WallServerMessage decodeServerMessage(std::string_view frame);
WallActionRequest decodeClientMessage(std::string_view frame);

// Whether `offered` is `expected`, in time that does not depend on where they differ or on their
// lengths. An empty expected token matches nothing.
bool tokensMatch(std::string_view expected, std::string_view offered);

// The types the feed's signals carry, for queued connections. Idempotent.
void registerMetaTypes();

} // namespace WallProtocol
