#include "ingest/eventnumbers.h"

#include <algorithm>

EventNumbers::Range EventNumbers::openGap(Subscription &s, long long upTo)
{
    Range gap{s.counts.highest + 1, upTo};
    if (gap.empty())
        return gap;
    // A jump past MaxMissing keeps only its latest numbers (a counter reset must not loop for ever).
    const long long kept = std::min<long long>(gap.size(), static_cast<long long>(MaxMissing));
    s.counts.givenUp += gap.size() - kept;
    for (long long n = gap.last - kept + 1; n <= gap.last; ++n) {
        s.missing.insert(n);
        if (s.missing.size() > MaxMissing) {
            s.missing.erase(s.missing.begin());
            ++s.counts.givenUp;
        }
    }
    s.counts.missed += gap.size();
    s.counts.highest = upTo;
    return gap;
}

EventNumbers::Verdict EventNumbers::observe(const std::string &subscription, long long number, Range *gap)
{
    Subscription &s = m_subscriptions[subscription];
    if (gap)
        *gap = {};
    if (!s.started) { // the first number this bridge hears: what came before it is not its to know
        s.started = true;
        s.counts.highest = number;
        return Verdict::New;
    }
    if (number > s.counts.highest) {
        const Range opened = openGap(s, number - 1);
        if (gap)
            *gap = opened;
        s.counts.highest = number;
        return Verdict::New;
    }
    if (s.missing.erase(number) > 0)
        return Verdict::Late;
    ++s.counts.duplicates;
    return Verdict::Duplicate;
}

EventNumbers::Range EventNumbers::observeTotal(const std::string &subscription, long long eventsSinceStart)
{
    Subscription &s = m_subscriptions[subscription];
    if (!s.started) { // a handshake (0) or the first heartbeat: the count to go on from
        s.started = true;
        s.counts.highest = eventsSinceStart;
        return {};
    }
    return eventsSinceStart > s.counts.highest ? openGap(s, eventsSinceStart) : Range{};
}

void EventNumbers::mended(const std::string &subscription, Range range)
{
    const auto it = m_subscriptions.find(subscription);
    if (it == m_subscriptions.end())
        return;
    for (long long n = range.first; n <= range.last; ++n)
        it->second.missing.erase(n);
}

EventNumbers::Counts EventNumbers::counts(const std::string &subscription) const
{
    const auto it = m_subscriptions.find(subscription);
    if (it == m_subscriptions.end())
        return {};
    Counts counts = it->second.counts;
    counts.missing = static_cast<long long>(it->second.missing.size());
    return counts;
}
