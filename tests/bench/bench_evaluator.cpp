// The critical-value evaluator on one core: simulated lab results (HospitalSimulator) evaluated
// against the default threshold set, with the simdjson reader and with the nlohmann/json reference,
// beside the bare parse rates of both parsers on the same records. Prints figures; asserts nothing.
// Rates are per second of wall clock and per second of this thread's CPU time: on a shared machine
// the second is the one that says what one core can do.
//
//   build/bin/bench_evaluator [records] [rounds] [thresholds.json]
//   taskset -c 0 build/bin/bench_evaluator 200000 5     # pinned to one core
#include "clinical/criticalvalueevaluator.h"
#include "fhir/fhirenvelope.h"
#include "simulator/hospitalsimulator.h"
#include "clinical/thresholdset.h"
#include "base/topics.h"

#include <nlohmann/json.hpp>

#ifdef VIGIL_WITH_SIMDJSON
#include <simdjson.h>
#endif

#include <QString>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double threadCpuSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) / 1e9;
}

// Records per second of wall clock and of CPU time; the best of several rounds.
struct Rate {
    double wall = 0.0;
    double cpu = 0.0;
};

class Stopwatch {
public:
    Stopwatch() : m_wall(Clock::now()), m_cpu(threadCpuSeconds()) {}

    void record(std::size_t count, Rate &best) const
    {
        const double wall = std::chrono::duration<double>(Clock::now() - m_wall).count();
        const double cpu = threadCpuSeconds() - m_cpu;
        best.wall = std::max(best.wall, double(count) / wall);
        best.cpu = std::max(best.cpu, double(count) / cpu);
    }

private:
    Clock::time_point m_wall;
    double m_cpu;
};

void printRate(const char *name, const Rate &rate)
{
    std::printf("  %-34s %10.0f records/s wall %10.0f records/s CPU\n", name, rate.wall, rate.cpu);
}

std::vector<std::string> simulatedLabResults(std::size_t count)
{
    HospitalSimulator hospital(7);
    std::vector<std::string> records;
    records.reserve(count);
    std::int64_t now = 1'790'000'000'000;
    while (records.size() < count) {
        for (auto &event : hospital.next(now += 20).events) {
            if (event.topic == Topics::LabResults && records.size() < count)
                records.push_back(std::move(event.value));
        }
    }
    return records;
}

// Runs `work` over all records `rounds` times; the best round is the least disturbed by whatever
// else shares the machine.
template<typename Work>
Rate bestRate(const std::vector<std::string> &records, int rounds, Work work)
{
    Rate best;
    for (int round = 0; round < rounds; ++round) {
        std::size_t checksum = 0;
        const Stopwatch stopwatch;
        for (std::size_t i = 0; i < records.size(); ++i)
            checksum += work(records[i], i);
        stopwatch.record(records.size(), best);
        if (checksum == 0)
            std::fprintf(stderr, "warning: empty checksum\n");
    }
    return best;
}

struct EvaluatorRun {
    Rate rate;
    std::array<std::size_t, 8> verdicts{};
    std::size_t alerts = 0;
};

EvaluatorRun runEvaluator(const std::vector<std::string> &records, int rounds,
                          const std::shared_ptr<const ThresholdSet> &thresholds, EvaluatorOptions::Parser parser)
{
    EvaluatorRun run;
    // A fresh evaluator per round so every round sees the same history and memory.
    for (int round = 0; round < rounds; ++round) {
        CriticalValueEvaluator evaluator(thresholds, {.parser = parser});
        std::array<std::size_t, 8> verdicts{};
        std::size_t alerts = 0;
        const RecordSource source{std::string(Topics::LabResults), 0, 0};
        const Stopwatch stopwatch;
        for (std::size_t i = 0; i < records.size(); ++i) {
            const Evaluation evaluation = evaluator.evaluate(records[i], source, 1'790'000'000'000 + std::int64_t(i));
            ++verdicts[static_cast<std::size_t>(evaluation.verdict)];
            alerts += evaluation.alerts.size();
        }
        stopwatch.record(records.size(), run.rate);
        run.verdicts = verdicts;
        run.alerts = alerts;
    }
    return run;
}

} // namespace

int main(int argc, char **argv)
{
    const std::size_t count = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 200'000;
    const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
    const QString thresholdsPath = argc > 3 ? QString::fromLocal8Bit(argv[3])
                                            : QStringLiteral(VIGIL_DEFAULT_THRESHOLDS);

    std::shared_ptr<const ThresholdSet> thresholds;
    try {
        thresholds = ThresholdSet::loadFile(thresholdsPath);
    } catch (const ThresholdError &error) {
        std::fprintf(stderr, "%s\n", error.what());
        return 1;
    }

    const std::vector<std::string> records = simulatedLabResults(count);
    std::size_t bytes = 0;
    for (const std::string &record : records)
        bytes += record.size();
    std::printf("%zu simulated lab results, %.0f bytes each on average, best of %d rounds, one thread\n\n",
                records.size(), double(bytes) / double(records.size()), rounds);

    std::printf("parse only (whole document):\n");
    printRate("nlohmann::json::parse", bestRate(records, rounds, [](const std::string &record, std::size_t) {
                  return nlohmann::json::parse(record, nullptr, false).size();
              }));
    printRate("FhirEnvelope::parse (nlohmann)", bestRate(records, rounds, [](const std::string &record, std::size_t) {
                  return FhirEnvelope::parse(record).resource.size();
              }));
#ifdef VIGIL_WITH_SIMDJSON
    simdjson::dom::parser parser;
    printRate("simdjson::dom::parser::parse", bestRate(records, rounds, [&](const std::string &record, std::size_t) {
                  simdjson::dom::element root;
                  return parser.parse(record).get(root) ? std::size_t(0) : std::size_t(1);
              }));
#endif

    std::printf("\nCriticalValueEvaluator::evaluate (parse, rules, units, delta, alerts):\n");
    const EvaluatorRun reference = runEvaluator(records, rounds, thresholds, EvaluatorOptions::Parser::Reference);
    printRate("reference reader (nlohmann)", reference.rate);
    if (CriticalValueEvaluator::fastParserAvailable()) {
        const EvaluatorRun fast = runEvaluator(records, rounds, thresholds, EvaluatorOptions::Parser::Fast);
        printRate("fast reader (simdjson)", fast.rate);
        if (fast.verdicts != reference.verdicts || fast.alerts != reference.alerts)
            std::printf("  WARNING: the two readers disagree on these records\n");
    } else {
        std::printf("  fast reader: not in this build (Vigil built without simdjson)\n");
    }

    std::printf("\nverdicts:");
    for (std::size_t i = 0; i < reference.verdicts.size(); ++i) {
        if (reference.verdicts[i] != 0)
            std::printf(" %s %zu,", verdictName(static_cast<Verdict>(i)).data(), reference.verdicts[i]);
    }
    std::printf(" alerts %zu\n", reference.alerts);
    return 0;
}
