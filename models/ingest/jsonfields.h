#pragma once

#include <nlohmann/json.hpp>

#include <string>

// Reading one field of a FHIR resource without throwing: empty when it is absent or not a string.
namespace JsonFields {

inline std::string stringAt(const nlohmann::json &object, const char *name)
{
    const auto it = object.find(name);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// meta.versionId, meta.lastUpdated.
inline std::string metaAt(const nlohmann::json &resource, const char *name)
{
    const auto meta = resource.find("meta");
    return meta != resource.end() && meta->is_object() ? stringAt(*meta, name) : std::string();
}

} // namespace JsonFields
