#include "ingest/seenversions.h"

void SeenVersions::insert(const std::string &key)
{
    if (key.empty() || m_capacity == 0)
        return;
    if (const auto it = m_index.find(key); it != m_index.end()) {
        m_order.splice(m_order.begin(), m_order, it->second);
        return;
    }
    m_order.push_front(key);
    m_index.emplace(key, m_order.begin());
    if (m_index.size() > m_capacity) {
        m_index.erase(m_order.back());
        m_order.pop_back();
    }
}
