#pragma once

#include "clinical/alert.h"
#include "client/clientconfig.h"
#include "wall/unitcensus.h"

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <utility>

class Consumer;

// What every evaluator instance knows whole, whichever input partitions it has (Kafka Streams calls
// these global tables): the ADT census, every partition of the ADT topic read from its beginning into
// a UnitCensus (bounded by its caps), and the alerts topic's records, each handed to `onAlert` (the
// lifecycle a display gave an alert reaches the evaluator so). read_committed. Owned by one
// worker's thread, polled by it.
class GlobalTables {
public:
    GlobalTables(const ClientConfig &config, std::string adtTopic, std::string alertsTopic,
                 std::function<void(const Alert &)> onAlert);
    ~GlobalTables();
    GlobalTables(const GlobalTables &) = delete;
    GlobalTables &operator=(const GlobalTables &) = delete;

    // Reads until every partition's end as it was at the start, or the deadline. Returns whether it
    // got there (false: the tables are partial and are completed by later reads).
    bool restore(int deadlineMs);
    // What arrived since: takes the records already fetched, never waits.
    void follow();

    // The patient's current encounter, when the census has one.
    std::optional<CensusEntry> placementOf(const std::string &patientId) const { return m_census.placementOf(patientId); }
    // "4 West, room 412, bed B": the parts the encounter names.
    static std::string locationOf(const CensusEntry &placement);

    int unreadable() const { return m_unreadable; }

private:
    void read(int timeoutMs, int maxRecords);

    std::string m_adtTopic;
    std::string m_alertsTopic;
    std::function<void(const Alert &)> m_onAlert;
    std::unique_ptr<Consumer> m_consumer;
    UnitCensus m_census;
    std::set<std::pair<std::string, int>> m_atEnd;
    int m_partitions = 0;
    int m_unreadable = 0;
};
