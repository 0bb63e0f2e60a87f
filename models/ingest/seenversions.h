#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>

// The resource versions already published (versionKey()), so that a notification a FHIR server
// sends twice, or a poll page that overlaps the last, is published once. Bounded: past `capacity`
// the least recently seen is forgotten.
class SeenVersions {
public:
    static constexpr std::size_t DefaultCapacity = 200'000;
    explicit SeenVersions(std::size_t capacity = DefaultCapacity) : m_capacity(capacity) {}

    bool contains(const std::string &key) const { return m_index.count(key) > 0; }
    // Remembers key (as most recent). An empty key is never remembered.
    void insert(const std::string &key);
    std::size_t size() const { return m_index.size(); }

private:
    std::size_t m_capacity;
    std::list<std::string> m_order; // most recent first
    std::unordered_map<std::string, std::list<std::string>::iterator> m_index;
};
