#pragma once

#include <map>
#include <set>
#include <string>

// The event numbers one FHIR server gave one subscription's notifications (R4 Backport:
// notification-event.event-number and events-since-subscription-start). A number past the next
// expected one leaves a gap, which is counted and kept until mended; a number already seen is a
// duplicate. Each subscription's missing numbers are bounded (MaxMissing): an older gap past it is
// given up and counted as such.
class EventNumbers {
public:
    static constexpr std::size_t MaxMissing = 10'000;

    struct Range {
        long long first = 0;
        long long last = -1; // empty when last < first
        bool empty() const { return last < first; }
        long long size() const { return empty() ? 0 : last - first + 1; }
    };

    enum class Verdict { New, Duplicate, Late /* fills a gap */ };
    // One notified event's number; the gap it reveals, if any, in *gap.
    Verdict observe(const std::string &subscription, long long number, Range *gap = nullptr);
    // A status's events-since-subscription-start: every number up to it should have arrived (a
    // heartbeat after a lost notification says so). Returns the gap it reveals.
    Range observeTotal(const std::string &subscription, long long eventsSinceStart);
    // Numbers fetched from the server another way ($events, a search): no longer missing.
    void mended(const std::string &subscription, Range range);

    struct Counts {
        long long highest = 0;     // the highest number seen (0 before any)
        long long missed = 0;      // numbers found missing, ever
        long long missing = 0;     // of those, not mended yet
        long long duplicates = 0;  // numbers seen again
        long long givenUp = 0;     // missing numbers forgotten past MaxMissing
    };
    Counts counts(const std::string &subscription) const;

private:
    struct Subscription {
        bool started = false;
        Counts counts;
        std::set<long long> missing;
    };
    Range openGap(Subscription &s, long long upTo);
    std::map<std::string, Subscription> m_subscriptions;
};
