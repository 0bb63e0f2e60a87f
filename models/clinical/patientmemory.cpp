#include "clinical/patientmemory.h"

#include <nlohmann/json.hpp>

#include <cinttypes>
#include <cstdio>

std::string PatientMemory::toJson() const
{
    nlohmann::json values = nlohmann::json::array();
    for (const auto &sample : creatinine) {
        char observation[17];
        std::snprintf(observation, sizeof observation, "%016" PRIx64, sample.observation);
        values.push_back({{"at_ms", sample.atMs}, {"mg_dl", sample.mgPerDl}, {"observation", observation}});
    }
    return nlohmann::json{{"patient_id", patientId}, {"creatinine", std::move(values)}}.dump();
}

std::optional<PatientMemory> PatientMemory::parse(std::string_view text, std::string *error)
{
    const auto refuse = [error](const char *why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    const nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object() || !json.contains("patient_id") || !json["patient_id"].is_string())
        return refuse("not a patient's memory: no patient_id");
    PatientMemory memory;
    memory.patientId = json["patient_id"].get<std::string>();
    const auto found = json.find("creatinine");
    if (found == json.end() || !found->is_array())
        return refuse("creatinine is not a list");
    for (const auto &value : *found) {
        if (!value.is_object() || !value.value("at_ms", nlohmann::json()).is_number_integer()
            || !value.value("mg_dl", nlohmann::json()).is_number() || !value.value("observation", nlohmann::json()).is_string())
            return refuse("a creatinine value lacks at_ms, mg_dl or observation");
        CreatinineDelta::Sample sample;
        sample.atMs = value["at_ms"].get<std::int64_t>();
        sample.mgPerDl = value["mg_dl"].get<double>();
        sample.observation = std::strtoull(value["observation"].get<std::string>().c_str(), nullptr, 16);
        memory.creatinine.push_back(sample);
    }
    return memory;
}
