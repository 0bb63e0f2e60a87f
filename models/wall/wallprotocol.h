#pragma once

#include "clinical/alert.h"
#include "wall/wallfeed.h"

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
// The display names its unit as `?unit=…` in the URL (`vigil --wall --unit ICU --feed ws://…`); a
// unit name longer than MaxNameLength is refused with "unit name too long".
//
// What a display receives (DESIGN.md rule 6, minimum necessary; WallFeedView in models/ does it):
//   with a unit      that unit's census rows, and the alerts whose unit (AlertBoard::unitOf: the
//                    patient's ward on the census, else the ward the alert's location names) is it;
//                    MRN cut to the last --mrn-digits characters, patient and encounter ids
//                    replaced by pseudonyms stable for the console's run that keep what the board's
//                    label shows ("id …123") and still join alerts to rows, no observation id and no
//                    source coordinates. A console started with --wall-full-identifiers sends the
//                    records unmasked, still only the unit's.
//   without a unit   the overview only: snapshots with no alerts and no census rows, heartbeats.
// Actions carry the real alert_id (an alert id is a hash, not an identifier).
//
// Server -> client, the first message always a snapshot:
//   {"type":"snapshot","alerts":[Alert…],"census":[CensusEntry…],"health":FeedHealth}
//   {"type":"alerts","alerts":[Alert…]}              alerts that changed, each in its latest state;
//                                                    also alerts that came to the unit with a
//                                                    transfer, after the census that placed them
//   {"type":"census","census":[CensusEntry…]}        the unit's whole census, whenever it changes
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
//   Rate limit: a token bucket per connection, ActionBurst actions at once, then one a second
//   (ActionRefillMs); an action over it is answered ok false "too many actions from this display:
//   at most 10 in a burst, then one a second" and goes no further. At most 64 actions of one
//   display wait for their answer (WallFeedServerOptions). A second acknowledgement, also of an
//   alert whose first is still on its way to Kafka, is answered ok false "already acknowledged by
//   NAME at HH:MM" (the console's local time), and nothing more is published.
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
inline constexpr std::size_t MaxNameLength = 200; // alert_id, by and the unit
inline constexpr std::string_view UnitTooLong = "unit name too long";
// The action rate limit's defaults: a nurse acknowledges a few alerts in a row, never ten a second.
inline constexpr int ActionBurst = 10;
inline constexpr int ActionRefillMs = 1000;

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
