#include "ingest/ingeststatus.h"

void EventRate::add(std::int64_t nowMs, int count)
{
    const std::int64_t second = nowMs / 1000;
    const std::size_t slot = std::size_t(second % 60);
    if (m_second[slot] != second) {
        m_second[slot] = second;
        m_count[slot] = 0;
    }
    m_count[slot] += count;
}

int EventRate::perMinute(std::int64_t nowMs) const
{
    const std::int64_t second = nowMs / 1000;
    int total = 0;
    for (std::size_t i = 0; i < m_second.size(); ++i) {
        if (second - m_second[i] < 60)
            total += m_count[i];
    }
    return total;
}
