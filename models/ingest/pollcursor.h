#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

// Where the REST poller is in one resource type of one FHIR server: the latest meta.lastUpdated it
// published (as the server wrote it) and the versions published at exactly that instant, which the
// next search (`_lastUpdated=ge…`) returns again. Stored on the cursor topic in the same
// transaction as the events it covers.
struct PollCursor {
    std::string base;
    std::string resourceType;
    std::string lastUpdated;           // empty: nothing published yet
    std::vector<std::string> boundary; // versionKey()s published with lastUpdated

    // The cursor record's key: one per server and resource type.
    std::string key() const { return base + ' ' + resourceType; }
    std::string toJson() const;
    // nullopt for a value that is not a cursor.
    static std::optional<PollCursor> fromJson(std::string_view text);
    bool operator==(const PollCursor &) const = default;
};

// The search URL of one round's first page: `{base}/{type}?_lastUpdated=ge{cursor}&_sort=_lastUpdated&_count=N`
// (without `_lastUpdated` before anything was published).
std::string firstPageUrl(const PollCursor &cursor, int count);

class SearchError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One page of a FHIR search (Bundle.type searchset): its resources (search mode "match"; included
// ones are skipped), its link[next] and its total.
struct SearchPage {
    std::vector<nlohmann::json> resources;
    std::string next;
    std::optional<long long> total;

    // Throws SearchError for a body that is not a searchset Bundle.
    static SearchPage parse(std::string_view body);
};

// One round of polling one resource type: the pages in order, what of each to publish, and the
// cursor after it. A server that returns resources out of `_sort=_lastUpdated` order, or older
// than the cursor (it ignores `_lastUpdated`), or whose total changes between pages (it pages
// inconsistently) is noticed: the cursor then advances only when the round ends (out of order) or
// not at all (inconsistent paging: the next round starts where this one did).
class PollRound {
public:
    explicit PollRound(PollCursor start);

    struct PageResult {
        std::vector<nlohmann::json> fresh; // to publish
        long long repeated = 0;            // already published (the boundary, or earlier in this round)
        long long older = 0;               // before the cursor: the server ignored _lastUpdated
    };
    PageResult take(const SearchPage &page);
    // The cursor to store with the page just taken.
    const PollCursor &cursor() const { return m_stored; }
    // The round is over: the cursor for the next round (also the one to store last).
    const PollCursor &finish();

    bool outOfOrder() const { return m_outOfOrder; }
    bool ignoresLastUpdated() const { return m_older > 0; }
    bool inconsistentPaging() const { return m_inconsistent; }
    // What the server did wrong, in a sentence; empty when nothing.
    std::string complaint() const;

private:
    void advanceTo(const std::string &lastUpdated, std::int64_t ms, const std::string &key);

    PollCursor m_start;
    PollCursor m_latest; // the highest lastUpdated published so far, with its boundary
    PollCursor m_stored;
    std::int64_t m_startMs = INT64_MIN;
    std::int64_t m_latestMs = INT64_MIN;
    std::unordered_set<std::string> m_roundKeys; // versions published this round
    std::optional<long long> m_total;
    long long m_older = 0;
    bool m_outOfOrder = false;
    bool m_inconsistent = false;
};
