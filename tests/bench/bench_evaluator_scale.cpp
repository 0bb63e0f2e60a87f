// The exactly-once evaluator as shipped (EvaluatorJob with EvaluatorSettings' defaults, what `vigil evaluate`
// runs with no -X), on a real broker, beside kcat reading the same records in the same run. Prints figures and
// one table; asserts nothing. Not a test.
//
//  1. kcat -C -e: the raw read of N simulated lab results (HospitalSimulator seed 7, creatinine series among
//     them) from an 8-partition topic of their own.
//  2. 1, 2 and 3 evaluator instances (one thread each, one group per count) evaluating the same N records:
//     start to the first committed batch, start to the last, and records/s over the whole run.
//  3. Restore: an instance starting on a state topic that holds the memory of P patients (each with
//     creatinine values), against one on an empty state topic: the difference is the restore.
//
//   build/bin/bench_evaluator_scale [--records N] [--patients P] [--bootstrap host:port] [-X key=value ...]
//   VIGIL_REALKAFKA_STATE_DIR=/tmp/benchkafka build/bin/bench_evaluator_scale
//
// Its topics are named bench.scale.<pid>.* and deleted afterwards.
#include "base/text.h"
#include "benchsupport.h"
#include "client/clientconfig.h"
#include "client/producer.h"
#include "client/workerthread.h"
#include "clinical/patientmemory.h"
#include "clinical/thresholdset.h"
#include "jobs/evaluatorjob.h"
#include "simulatedlabs.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStringList>

#include <atomic>
#include <cmath>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int Partitions = 8; // healthcare.labs.results' and healthcare.evaluator.state's count in the layout

struct Row {
    std::string what;
    std::string records;
    std::string rate;
    std::string start;
    std::string peer;
};

std::string thousands(double value)
{
    if (!std::isfinite(value))
        return "-";
    std::string digits = std::to_string(static_cast<long long>(std::llround(value)));
    for (int i = int(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(digits.begin() + i, ',');
    return digits;
}

std::string seconds(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.2f s", value);
    return text;
}

void printTable(const std::vector<Row> &rows)
{
    std::printf("\n| %-44s | %9s | %10s | %-28s | %-22s |\n", "what", "records", "records/s", "first output / last", "vs. kcat");
    std::printf("|%s|%s|%s|%s|%s|\n", std::string(46, '-').c_str(), std::string(11, '-').c_str(),
                std::string(12, '-').c_str(), std::string(30, '-').c_str(), std::string(24, '-').c_str());
    for (const Row &row : rows)
        std::printf("| %-44s | %9s | %10s | %-28s | %-22s |\n", row.what.c_str(), row.records.c_str(), row.rate.c_str(),
                    row.start.c_str(), row.peer.c_str());
    std::fflush(stdout);
}

class BenchTopics {
public:
    BenchTopics(ClientConfig config, std::string prefix) : m_config(std::move(config)), m_prefix(std::move(prefix)) {}
    ~BenchTopics()
    {
        for (const std::string &topic : m_created)
            deleteRealTopic(m_config, Text::toQString(topic));
    }

    // Creates prefix + name; empty if it could not (said on stderr).
    std::string make(const std::string &name, int partitions)
    {
        const std::string topic = m_prefix + name;
        if (const QString error = createRealTopic(m_config, Text::toQString(topic), partitions); !error.isEmpty()) {
            std::fprintf(stderr, "cannot create %s: %s\n", topic.c_str(), qPrintable(error));
            return {};
        }
        m_created.push_back(topic);
        return topic;
    }

    EvaluatorTopics evaluatorTopics(const std::string &input, const std::string &run)
    {
        EvaluatorTopics topics;
        topics.input = input;
        topics.processed = make(run + ".processed", Partitions);
        topics.alerts = make(run + ".alerts", Partitions);
        topics.deadLetters = make(run + ".dlq", 1);
        topics.adt = make(run + ".adt", 1);
        topics.state = make(run + ".state", Partitions);
        return topics;
    }

private:
    ClientConfig m_config;
    std::string m_prefix;
    std::vector<std::string> m_created;
};

std::size_t fill(const ClientConfig &config, const std::string &topic, const std::vector<LabRecord> &records)
{
    Producer producer(config);
    for (const LabRecord &record : records)
        producer.produce(topic, record.key, record.value);
    return producer.flush(120'000) == 0 ? records.size() : 0;
}

struct Run {
    std::size_t committed = 0;
    double firstOutputS = NAN; // start to the first committed batch
    double lastOutputS = NAN;  // start to the batch that completed the records
    double rate() const { return std::isfinite(lastOutputS) ? double(committed) / lastOutputS : NAN; }
};

// `instances` EvaluatorJobs with the shipped settings in one new group, until `expected` inputs are committed.
Run evaluate(const ClientConfig &config, const EvaluatorTopics &topics, std::shared_ptr<const ThresholdSet> thresholds,
             int instances, std::size_t expected, const std::string &group)
{
    std::atomic<std::size_t> committed{0};
    std::atomic<qint64> firstNs{-1};
    std::atomic<qint64> lastNs{-1};
    QElapsedTimer clock;
    clock.start();
    std::vector<std::unique_ptr<WorkerThread>> threads;
    for (int i = 0; i < instances; ++i) {
        EvaluatorSettings settings;
        settings.config = config;
        settings.topics = topics;
        settings.thresholds = thresholds;
        settings.groupId = Text::toQString(group);
        settings.instance = QStringLiteral("%1-%2").arg(Text::toQString(group)).arg(i);
        auto *job = new EvaluatorJob(settings);
        QObject::connect(job, &EvaluatorJob::batchCommitted, job, [&, expected](const EvaluatorReport &report) {
            qint64 unset = -1;
            firstNs.compare_exchange_strong(unset, clock.nsecsElapsed());
            if (committed.fetch_add(std::size_t(report.records)) + std::size_t(report.records) >= expected)
                lastNs.store(clock.nsecsElapsed());
        }, Qt::DirectConnection);
        QObject::connect(job, &KafkaWorker::errorOccurred, job, [](const ClientError &error) {
            std::fprintf(stderr, "    evaluator: %s%s\n", error.fatal ? "FATAL: " : "", qPrintable(error.message));
        }, Qt::DirectConnection);
        threads.push_back(std::make_unique<WorkerThread>(job, QStringLiteral("evaluator")));
    }
    while (lastNs.load() < 0 && clock.elapsed() < 600'000)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::vector<WorkerThread *> all;
    for (const auto &thread : threads)
        all.push_back(thread.get());
    WorkerThread::stopAll(all, 30'000);
    Run run;
    run.committed = committed.load();
    if (firstNs.load() >= 0)
        run.firstOutputS = double(firstNs.load()) / 1e9;
    if (lastNs.load() >= 0)
        run.lastOutputS = double(lastNs.load()) / 1e9;
    return run;
}

// The state of `patients` patients, each with four creatinine values a day apart, into `topic`'s partitions
// as the evaluator writes them (the input partition its patient's results come from).
std::size_t fillState(const ClientConfig &config, const std::string &topic, int patients)
{
    Producer producer(config);
    for (int i = 0; i < patients; ++i) {
        PatientMemory memory;
        memory.patientId = "bench-patient-" + std::to_string(i);
        for (int day = 0; day < 4; ++day)
            memory.creatinine.push_back({1'790'000'000'000 + day * 86'400'000LL, 0.9 + 0.05 * day, std::uint64_t(i * 4 + day + 1)});
        producer.produce(topic, memory.patientId, memory.toJson(), {}, 0,
                         EvaluatorJob::partitionForPatient(memory.patientId, Partitions));
    }
    return producer.flush(120'000) == 0 ? std::size_t(patients) : 0;
}

QString option(const QStringList &arguments, const QString &name, const QString &fallback)
{
    const qsizetype at = arguments.indexOf(name);
    return at >= 0 && at + 1 < arguments.size() ? arguments.at(at + 1) : fallback;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = app.arguments();
    const std::size_t count = std::max<qulonglong>(1000, option(arguments, QStringLiteral("--records"), QStringLiteral("100000")).toULongLong());
    const int patients = std::max(1, option(arguments, QStringLiteral("--patients"), QStringLiteral("50000")).toInt());
    QString bootstrap = option(arguments, QStringLiteral("--bootstrap"), {});
    if (bootstrap.isEmpty()) {
        QFile file(qEnvironmentVariable("VIGIL_REALKAFKA_STATE_DIR") + QStringLiteral("/bootstrap"));
        if (file.open(QIODevice::ReadOnly))
            bootstrap = QString::fromUtf8(file.readAll()).trimmed();
    }
    if (bootstrap.isEmpty() || arguments.contains(QStringLiteral("--help"))) {
        std::fprintf(stderr, "usage: bench_evaluator_scale [--records N] [--patients P] [--bootstrap host:port] [-X key=value ...]\n"
                             "  (or VIGIL_REALKAFKA_STATE_DIR naming tests/realkafka/start-kafka's directory)\n");
        return 2;
    }
    ClientConfig config;
    config.setBootstrapServers(bootstrap);
    QStringList extra;
    for (qsizetype i = 0; i + 1 < arguments.size(); ++i) {
        if (arguments.at(i) == QStringLiteral("-X")) {
            config.setAssignment(arguments.at(i + 1));
            extra.append(arguments.at(i + 1));
        }
    }
    const auto thresholds = ThresholdSet::loadFile(QStringLiteral(VIGIL_DEFAULT_THRESHOLDS));
    const std::string configuration = extra.isEmpty() ? "as shipped" : "-X " + extra.join(QStringLiteral(" -X ")).toStdString();
    const std::string load = loadAverage();
    std::printf("bench_evaluator_scale: %zu simulated lab results, broker %s, %d cores, load average %s\n", count,
                qPrintable(bootstrap), QThread::idealThreadCount(), load.c_str());

    const std::string pid = std::to_string(QCoreApplication::applicationPid());
    BenchTopics topics(config, "bench.scale." + pid + ".");
    const std::string input = topics.make("labs", Partitions);
    if (input.empty())
        return 1;
    // Every run's topics made before anything is measured: a topic created a moment ago stalls its first
    // transactions for seconds while its partitions settle, which no running hospital sees.
    std::vector<EvaluatorTopics> runs;
    for (int instances = 1; instances <= 3; ++instances)
        runs.push_back(topics.evaluatorTopics(input, "run" + std::to_string(instances)));
    const std::string restoreInput = topics.make("restore.labs", Partitions);
    const EvaluatorTopics restoreEmpty = topics.evaluatorTopics(restoreInput, "restore.empty");
    const EvaluatorTopics restoreFull = topics.evaluatorTopics(restoreInput, "restore.full");
    const std::vector<LabRecord> records = simulatedLabResults(count);
    if (fill(config, input, records) != count) {
        std::fprintf(stderr, "cannot fill %s\n", input.c_str());
        return 1;
    }
    std::vector<Row> rows;

    // 1. kcat, best of two.
    double kcatRate = 0;
    for (int round = 0; round < 2; ++round) {
        QProcess kcat;
        QElapsedTimer timer;
        timer.start();
        kcat.start(QStringLiteral("/bin/bash"),
                   {QStringLiteral("-c"), QStringLiteral("set -o pipefail; kcat -C -b '%1' -t '%2' -o beginning -e -q | wc -l")
                                              .arg(bootstrap, Text::toQString(input))});
        if (!kcat.waitForFinished(120'000) || kcat.exitCode() != 0) {
            std::fprintf(stderr, "kcat: %s\n", kcat.readAllStandardError().constData());
            break;
        }
        const double secondsTaken = double(timer.nsecsElapsed()) / 1e9;
        const double lines = kcat.readAllStandardOutput().trimmed().toDouble();
        std::printf("  kcat -C -e (round %d): %.0f records in %.2f s = %s/s\n", round + 1, lines, secondsTaken,
                    thousands(lines / secondsTaken).c_str());
        kcatRate = std::max(kcatRate, lines / secondsTaken);
    }
    rows.push_back({"kcat -C -e, raw read", thousands(double(count)), thousands(kcatRate), "-", "1.00x"});

    // 2. 1, 2, 3 instances.
    for (int instances = 1; instances <= 3; ++instances) {
        const std::string run = "run" + std::to_string(instances);
        const Run result = evaluate(config, runs[std::size_t(instances - 1)], thresholds, instances, count, "bench-scale-" + pid + "-" + run);
        std::printf("  %d instance%s: %zu committed, first output %.2f s, all %.2f s after start = %s/s\n", instances,
                    instances == 1 ? "" : "s", result.committed, result.firstOutputS, result.lastOutputS,
                    thousands(result.rate()).c_str());
        char peer[32];
        std::snprintf(peer, sizeof peer, "%.2fx", result.rate() / kcatRate);
        rows.push_back({"vigil evaluate, " + std::to_string(instances) + " instance" + (instances == 1 ? ", " : "s, ")
                            + configuration,
                        thousands(double(result.committed)), thousands(result.rate()),
                        seconds(result.firstOutputS) + " / " + seconds(result.lastOutputS), peer});
    }

    // 3. Restore of P patients' state, against none: 64 results to evaluate.
    std::vector<LabRecord> probes(records.begin(), records.begin() + 64);
    if (!restoreInput.empty() && fill(config, restoreInput, probes) == probes.size()) {
        Run empty;
        Run full;
        for (const bool withState : {false, true}) {
            const std::string run = withState ? "restore.full" : "restore.empty";
            const EvaluatorTopics &outputs = withState ? restoreFull : restoreEmpty;
            if (withState && fillState(config, outputs.state, patients) != std::size_t(patients)) {
                std::fprintf(stderr, "cannot fill %s\n", outputs.state.c_str());
                break;
            }
            (withState ? full : empty) = evaluate(config, outputs, thresholds, 1, probes.size(), "bench-scale-" + pid + "-" + run);
        }
        std::printf("  first output with an empty state topic %.2f s, with %d patients' state %.2f s\n", empty.firstOutputS,
                    patients, full.firstOutputS);
        rows.push_back({"start, empty state", "-", "-", seconds(empty.firstOutputS), "-"});
        rows.push_back({"start, state of " + thousands(patients) + " patients", thousands(patients), "-",
                        seconds(full.firstOutputS), "restore " + seconds(full.firstOutputS - empty.firstOutputS)});
    }
    std::printf("\nAll figures from this one run (load average %s at start, %s at the end).\n", load.c_str(),
                loadAverage().c_str());
    printTable(rows);
    return 0;
}
