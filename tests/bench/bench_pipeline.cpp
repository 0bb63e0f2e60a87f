// The evaluator pipeline beside its peers, in one run on the same synthetic lab results (HospitalSimulator,
// seed 7, healthcare.labs.results events only). Prints figures and one table; asserts nothing (DESIGN.md,
// "Performance, measured, never guessed"). Not a test.
//
//  1. CriticalValueEvaluator::evaluate on one thread, with each parser the build has, beside simdjson's bare
//     parse (goal: 1,000,000 records/s on one core).
//  2. Produce-to-alert latency through EvaluatorJob (exactly-once, on a WorkerThread): from the moment a lab
//     result is handed to the producer until a consumer with a wall display's settings (WallSource::readerConfig:
//     read_committed, assigned) holds its alert, at the seed's 5,000 events/min and at 20x that, one result in
//     ten a potassium of 7.0 mmol/L with a unique observation id (goal: p99 <= 50 ms; next, 10 ms). On the
//     embedded cluster and, when $VIGIL_REALKAFKA_STATE_DIR/bootstrap names one (tests/realkafka/start-kafka
//     DIR), a real broker; each as shipped first, then with two librdkafka settings lowered further
//     (fetch.wait.max.ms, retry.backoff.ms) to show what they cost.
//  3. Consume rate of the same records: kcat, Vigil's Consumer, and Vigil's Consumer with the evaluator, and
//  4. the seed article's Python consumer and is_critical check (seed_is_critical.py under /usr/bin/python3),
//     on the embedded cluster and on the real broker when there is one.
//
//   build/bin/bench_pipeline [--records N] [--seconds S] [--parts 1234] [--thresholds FILE] [--python FILE]
//                            [--no-real] [--no-tuned] [-X key=value ...]
//   VIGIL_REALKAFKA_STATE_DIR=/tmp/benchkafka build/bin/bench_pipeline
//
// -X sets a librdkafka property on the evaluator job and the alert reader (for experiments, e.g. -X debug=eos
// with QT_LOGGING_RULES=vigil.kafka.debug=true). No moc needed here.
#include "clinical/alert.h"
#include "base/text.h"
#include "client/clientconfig.h"
#include "client/consumer.h"
#include "client/kafkaerror.h"
#include "clinical/criticalvalueevaluator.h"
#include "local/mockcluster.h"
#include "jobs/evaluatorjob.h"
#include "simulator/hospitalsimulator.h"
#include "client/producer.h"
#include "clinical/thresholdset.h"
#include "jobs/topicprovisioner.h"
#include "jobs/wallsource.h"
#include "base/topics.h"
#include "simulatedlabs.h"
#include "client/workerthread.h"

#include <nlohmann/json.hpp>

#ifdef VIGIL_WITH_SIMDJSON
#include <simdjson.h>
#endif

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>
#include <QThread>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>

namespace {

using Clock = std::chrono::steady_clock;

const std::string LabsTopic(Topics::LabResults);
const std::string AlertsTopic(Topics::CriticalAlerts);
constexpr double EvaluatorGoal = 1'000'000.0; // records/s on one core
constexpr double LatencyGoalMs = 50.0;        // p99, produce to alert visible, at the seed's 5,000 events/min
constexpr double LatencyPathMs = 10.0;        // where it should go next (README, "Latency")
constexpr int CriticalEvery = 10;             // one lab result in ten is a critical potassium

std::int64_t nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

double threadCpuSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) / 1e9;
}

__attribute__((format(printf, 1, 2))) void say(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    std::vprintf(format, arguments);
    va_end(arguments);
    std::fflush(stdout);
}

// The 1-, 5- and 15-minute load averages: on a shared machine they say how much to trust a figure.
std::string loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return "?";
    const QList<QByteArray> fields = file.readLine().split(' ');
    return fields.size() >= 3 ? (fields[0] + ' ' + fields[1] + ' ' + fields[2]).toStdString() : "?";
}

std::string thousands(double value)
{
    if (!std::isfinite(value))
        return "-";
    std::string digits = std::to_string(static_cast<long long>(std::llround(value)));
    for (int i = int(digits.size()) - 3; i > (digits[0] == '-' ? 1 : 0); i -= 3)
        digits.insert(std::size_t(i), ",");
    return digits;
}

std::string fixed(double value, int decimals = 1)
{
    if (!std::isfinite(value))
        return "-";
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

// ---------------------------------------------------------------------------------------------------------------
// The table printed at the end.

struct Row {
    std::string what;
    std::string cluster;
    std::string records;
    std::string figure; // records/s, or latency p50/p99/max
    std::string peer;   // compared with
};

std::vector<Row> g_rows;

void printTable()
{
    const std::array<std::string, 5> heads = {"what", "cluster", "records", "records/s, or latency p50 / p99 / max",
                                              "vs. peer"};
    std::array<std::size_t, 5> widths{};
    for (std::size_t i = 0; i < heads.size(); ++i)
        widths[i] = heads[i].size();
    for (const Row &row : g_rows) {
        const std::array<const std::string *, 5> cells = {&row.what, &row.cluster, &row.records, &row.figure, &row.peer};
        for (std::size_t i = 0; i < cells.size(); ++i)
            widths[i] = std::max(widths[i], cells[i]->size());
    }
    auto line = [&](const std::array<const std::string *, 5> &cells) {
        std::string text = "|";
        for (std::size_t i = 0; i < cells.size(); ++i) {
            const bool right = i == 2 || i == 3;
            const std::string pad(widths[i] - cells[i]->size(), ' ');
            text += " " + (right ? pad + *cells[i] : *cells[i] + pad) + " |";
        }
        std::printf("%s\n", text.c_str());
    };
    line({&heads[0], &heads[1], &heads[2], &heads[3], &heads[4]});
    std::string rule = "|";
    for (std::size_t width : widths)
        rule += std::string(width + 2, '-') + "|";
    std::printf("%s\n", rule.c_str());
    for (const Row &row : g_rows)
        line({&row.what, &row.cluster, &row.records, &row.figure, &row.peer});
    std::fflush(stdout);
}

// A critical potassium (7.0 mmol/L, final) in the shape of a simulated one: same envelope and fields, with an
// observation id the latency probe recognises.
class CriticalResultFactory {
    // Kept out of any call's parentheses: Qt 6.4's moc misreads raw strings holding "//" there.
    static constexpr std::string_view MinimalPotassium =
        R"({"event_type":"lab_result","resource_type":"Observation","fhir_resource":{)"
        R"("resourceType":"Observation","status":"final","code":{"coding":[{"system":)"
        R"("http://loinc.org","code":"2823-3"}]},"valueQuantity":{"value":7.0,"unit":)"
        R"("mmol/L","system":"http://unitsofmeasure.org","code":"mmol/L"}}})";

public:
    explicit CriticalResultFactory(const std::vector<LabRecord> &records)
    {
        for (const LabRecord &record : records) {
            nlohmann::json event = nlohmann::json::parse(record.value, nullptr, false);
            if (!event.is_object() || !event.contains("fhir_resource"))
                continue;
            using Pointer = nlohmann::json::json_pointer;
            if (event.value(Pointer("/fhir_resource/status"), std::string()) == "final"
                && event.value(Pointer("/fhir_resource/code/coding/0/code"), std::string()) == "2823-3"
                && event.contains(Pointer("/fhir_resource/valueQuantity"))) {
                m_template = std::move(event);
                break;
            }
        }
        if (m_template.is_null()) // no simulated potassium to copy: a minimal seed envelope
            m_template = nlohmann::json::parse(MinimalPotassium);
        nlohmann::json &resource = m_template["fhir_resource"];
        resource["status"] = "final";
        resource["valueQuantity"]["value"] = 7.0;
        resource["valueQuantity"]["unit"] = "mmol/L";
        resource["valueQuantity"]["code"] = "mmol/L";
        resource["valueQuantity"]["system"] = "http://unitsofmeasure.org";
    }

    // Value of the record for observation `observationId`, issued at wallMs.
    std::string make(const std::string &observationId, const std::string &patientId, std::int64_t wallMs)
    {
        nlohmann::json &resource = m_template["fhir_resource"];
        const std::string instant = msToFhirInstant(wallMs);
        m_template["resource_id"] = observationId;
        m_template["patient_id"] = patientId;
        m_template["timestamp"] = instant;
        resource["id"] = observationId;
        resource["subject"] = {{"reference", "Patient/" + patientId}};
        resource["effectiveDateTime"] = instant;
        resource["issued"] = instant;
        return m_template.dump();
    }

private:
    nlohmann::json m_template;
};

// ---------------------------------------------------------------------------------------------------------------
// Part 1: the evaluator on one thread.

struct EvaluatorRate {
    double wall = 0.0; // records per second of wall clock, best round
    double cpu = 0.0;  // records per second of this thread's CPU time, best round
    std::size_t alerts = 0;
    std::size_t deadLetters = 0;
};

EvaluatorRate measureEvaluator(const std::vector<LabRecord> &records, const std::shared_ptr<const ThresholdSet> &set,
                               EvaluatorOptions::Parser parser, int rounds)
{
    EvaluatorRate best;
    for (int round = 0; round < rounds; ++round) {
        // A fresh evaluator per round: every round sees the same history and memory.
        EvaluatorOptions options;
        options.parser = parser;
        CriticalValueEvaluator evaluator(set, options);
        const RecordSource source{LabsTopic, 0, 0};
        std::size_t alerts = 0;
        std::size_t deadLetters = 0;
        const auto wallStart = Clock::now();
        const double cpuStart = threadCpuSeconds();
        for (std::size_t i = 0; i < records.size(); ++i) {
            const Evaluation evaluation = evaluator.evaluate(records[i].value, source, 1'790'000'000'000 + std::int64_t(i));
            alerts += evaluation.alerts.size();
            deadLetters += evaluation.verdict == Verdict::DeadLetter ? 1 : 0;
        }
        const double wall = std::chrono::duration<double>(Clock::now() - wallStart).count();
        const double cpu = threadCpuSeconds() - cpuStart;
        best.wall = std::max(best.wall, double(records.size()) / wall);
        best.cpu = std::max(best.cpu, double(records.size()) / cpu);
        best.alerts = alerts;
        best.deadLetters = deadLetters;
    }
    return best;
}

void partEvaluator(const std::vector<LabRecord> &records, const std::shared_ptr<const ThresholdSet> &set)
{
    say("\n[1] CriticalValueEvaluator::evaluate, one thread, over %zu records (best of 3 rounds; 2 for the reference)\n",
        records.size());
    struct Variant {
        const char *name;
        EvaluatorOptions::Parser parser;
    };
    std::vector<Variant> variants;
    if (CriticalValueEvaluator::fastParserAvailable())
        variants.push_back({"fast (simdjson)", EvaluatorOptions::Parser::Fast});
    variants.push_back({"reference (nlohmann)", EvaluatorOptions::Parser::Reference});
    if (!CriticalValueEvaluator::fastParserAvailable())
        say("    fast parser: not in this build (Parser::Fast falls back to the reference reader)\n");
#ifdef VIGIL_WITH_SIMDJSON
    {
        // The ceiling for the fast reader: simdjson's DOM parse alone, which the evaluator does for every record.
        simdjson::dom::parser parser;
        double best = 0.0;
        for (int round = 0; round < 3; ++round) {
            std::size_t parsed = 0;
            const double cpuStart = threadCpuSeconds();
            for (const LabRecord &record : records) {
                simdjson::dom::element root;
                parsed += parser.parse(record.value).get(root) ? 0 : 1;
            }
            best = std::max(best, double(parsed) / (threadCpuSeconds() - cpuStart));
        }
        say("    %-22s %12s records/s CPU  (parse only: the fast reader's ceiling)\n", "simdjson DOM parse", thousands(best).c_str());
        g_rows.push_back({"simdjson::dom::parser::parse alone (ceiling)", "-", thousands(double(records.size())),
                          thousands(best) + " CPU", fixed(100.0 * best / EvaluatorGoal, 0) + " % of 1,000,000/s goal (CPU)"});
    }
#endif
    for (const Variant &variant : variants) {
        const int rounds = variant.parser == EvaluatorOptions::Parser::Fast ? 3 : 2;
        const EvaluatorRate rate = measureEvaluator(records, set, variant.parser, rounds);
        say("    %-22s %12s records/s CPU  %12s records/s wall  (%zu alerts, %zu dead letters)\n", variant.name,
            thousands(rate.cpu).c_str(), thousands(rate.wall).c_str(), rate.alerts, rate.deadLetters);
        g_rows.push_back({std::string("evaluate(), ") + variant.name + ", 1 thread", "-", thousands(double(records.size())),
                          thousands(rate.cpu) + " CPU / " + thousands(rate.wall) + " wall",
                          fixed(100.0 * rate.cpu / EvaluatorGoal, 0) + " % of 1,000,000/s goal (CPU)"});
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Part 2: produce-to-alert latency through the evaluator job.

struct LatencyFigures {
    std::size_t produced = 0;
    double achievedPerMinute = 0.0;
    std::size_t critical = 0;
    std::size_t seen = 0;
    std::size_t duplicates = 0;
    double p50 = NAN;
    double p99 = NAN;
    double max = NAN;
};

class LatencyRig {
public:
    LatencyRig(ClientConfig config, std::string runId, const std::vector<LabRecord> &records,
               std::shared_ptr<const ThresholdSet> thresholds, QStringList tuning)
        : m_config(std::move(config)), m_runId(std::move(runId)), m_records(records),
          m_thresholds(std::move(thresholds)), m_tuning(std::move(tuning)), m_critical(records),
          m_producedAt(new std::atomic<std::int64_t>[Capacity]()), m_latencyNs(new std::atomic<std::int64_t>[Capacity]())
    {
        for (std::size_t i = 0; i < Capacity; ++i)
            m_latencyNs[i] = -1;
    }

    ~LatencyRig() { stop(); }

    // Starts the job and the alert reader, then waits until a critical result comes out as an alert.
    bool start(QString &error)
    {
        const QString group = QStringLiteral("bench-evaluator-%1").arg(Text::toQString(m_runId));
        try {
            startGroupAtEnd(group); // a real broker may hold results from earlier runs: evaluate only new ones
        } catch (const std::exception &e) {
            error = QStringLiteral("cannot set the job's group to the end of %1: %2").arg(Text::toQString(LabsTopic), QString::fromUtf8(e.what()));
            return false;
        }

        EvaluatorSettings settings;
        settings.config = m_config;
        for (const QString &assignment : m_tuning)
            settings.config.setAssignment(assignment);
        settings.thresholds = m_thresholds;
        settings.groupId = group;
        settings.instance = group;
        auto *job = new EvaluatorJob(settings);
        QObject::connect(job, &EvaluatorJob::batchCommitted, &m_context, [this](const EvaluatorReport &report) {
            ++m_transactions;
            m_evaluated += report.records;
        }, Qt::DirectConnection);
        QObject::connect(job, &KafkaWorker::errorOccurred, &m_context, [this](const ClientError &clientError) {
            const std::lock_guard lock(m_errorMutex);
            if (clientError.fatal)
                m_fatal = clientError.message;
            if (m_errorsShown++ < 5)
                std::fprintf(stderr, "    evaluator job: %s%s\n", clientError.fatal ? "FATAL: " : "",
                             qPrintable(clientError.message));
        }, Qt::DirectConnection);
        m_job = std::make_unique<WorkerThread>(job, QStringLiteral("evaluator"));

        m_reader = std::thread([this] { readAlerts(); });
        m_producer = std::make_unique<Producer>(inputProducerConfig());

        // Warm-up: the job's group, its first transaction and the reader's assignment all take a moment.
        const auto deadline = Clock::now() + std::chrono::seconds(45);
        const std::size_t first = m_nextSeq;
        while (Clock::now() < deadline) {
            produceCritical();
            m_producer->poll(0);
            for (int i = 0; i < 10; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(30));
                for (std::size_t seq = first; seq < m_nextSeq; ++seq) {
                    if (m_latencyNs[seq] >= 0)
                        return true;
                }
            }
            const std::lock_guard lock(m_errorMutex);
            if (!m_fatal.isEmpty()) {
                error = m_fatal;
                return false;
            }
        }
        error = QStringLiteral("no alert came out of the evaluator within 45 s");
        return false;
    }

    LatencyFigures run(int perMinute, int seconds)
    {
        LatencyFigures figures;
        const std::size_t first = m_nextSeq;
        const long total = long(perMinute) * seconds / 60;
        const auto interval = std::chrono::nanoseconds(60'000'000'000LL / perMinute);
        const auto start = Clock::now();
        for (long i = 0; i < total; ++i) {
            std::this_thread::sleep_until(start + i * interval);
            if (i % CriticalEvery == 0) {
                produceCritical();
            } else {
                const LabRecord &record = m_records[m_nextRecord++ % m_records.size()];
                m_producer->produce(LabsTopic, record.key, record.value);
            }
        }
        const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
        m_producer->flush(10'000);
        figures.produced = std::size_t(total);
        figures.achievedPerMinute = double(total) / elapsed * 60.0;
        const std::size_t end = m_nextSeq;
        figures.critical = end - first;

        // Wait for the stragglers, at most 10 s after the last one was produced.
        const auto deadline = Clock::now() + std::chrono::seconds(10);
        std::vector<double> latencies;
        for (;;) {
            latencies.clear();
            for (std::size_t seq = first; seq < end; ++seq) {
                if (const std::int64_t ns = m_latencyNs[seq]; ns >= 0)
                    latencies.push_back(double(ns) / 1e6);
            }
            if (latencies.size() == figures.critical || Clock::now() > deadline)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        figures.seen = latencies.size();
        figures.duplicates = m_duplicates.exchange(0);
        if (!latencies.empty()) {
            std::sort(latencies.begin(), latencies.end());
            auto at = [&](double q) {
                return latencies[std::min(latencies.size() - 1, std::size_t(std::ceil(q * double(latencies.size())) - 1))];
            };
            figures.p50 = at(0.50);
            figures.p99 = at(0.99);
            figures.max = latencies.back();
        }
        return figures;
    }

    int transactions() const { return m_transactions; }
    long long evaluated() const { return m_evaluated; }

    void stop()
    {
        if (m_producer) {
            m_producer->flush(5000);
            m_producer.reset();
        }
        if (m_job) {
            m_job->stop(10'000);
            m_job.reset();
        }
        m_stopReader = true;
        if (m_reader.joinable())
            m_reader.join();
    }

private:
    static constexpr std::size_t Capacity = 1 << 20; // critical results per rig

    ClientConfig inputProducerConfig() const
    {
        // The EHR bridge's part, kept out of the way: idempotent, acks=all, sent at once.
        ClientConfig config = m_config;
        config.set(QStringLiteral("enable.idempotence"), QStringLiteral("true"));
        config.set(QStringLiteral("acks"), QStringLiteral("all"));
        config.set(QStringLiteral("linger.ms"), QStringLiteral("0"));
        return config;
    }

    void startGroupAtEnd(const QString &group)
    {
        ClientConfig config = m_config;
        config.set(QStringLiteral("group.id"), group);
        config.set(QStringLiteral("enable.auto.commit"), QStringLiteral("false"));
        Consumer consumer(config);
        // A freshly provisioned topic or a fresh broker may not have its leaders and coordinators yet: retry.
        const auto deadline = Clock::now() + std::chrono::seconds(30);
        auto retry = [&](auto call) {
            for (;;) {
                const rd_kafka_resp_err_t error = call();
                if (!error)
                    return;
                if (Clock::now() > deadline)
                    throw std::runtime_error(rd_kafka_err2str(error));
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
            }
        };
        const int partitions = partitionCount(consumer.handle(), LabsTopic);
        RdPartitionListPtr offsets(rd_kafka_topic_partition_list_new(partitions));
        for (int p = 0; p < partitions; ++p) {
            int64_t low = 0;
            int64_t high = 0;
            retry([&] {
                return rd_kafka_query_watermark_offsets(consumer.handle(), LabsTopic.c_str(), p, &low, &high, 10'000);
            });
            rd_kafka_topic_partition_list_add(offsets.get(), LabsTopic.c_str(), p)->offset = high;
        }
        retry([&] { return rd_kafka_commit(consumer.handle(), offsets.get(), 0); });
        consumer.close(3000);
    }

    void produceCritical()
    {
        const std::size_t seq = m_nextSeq++;
        const std::string observation = m_runId + "-" + std::to_string(seq);
        const std::string patient = "bench-patient-" + std::to_string(seq % 500);
        const std::string value = m_critical.make(observation, patient, QDateTime::currentMSecsSinceEpoch());
        m_producedAt[seq] = nowNs();
        m_producer->produce(LabsTopic, patient, value);
    }

    // The ward's view: a read_committed consumer of the alert topic, on a thread of its own.
    void readAlerts()
    {
        // A wall display's consumer, as it is configured (read_committed, assigned, no group), from the end.
        ClientConfig config = WallSource::readerConfig(m_config);
        for (const QString &assignment : m_tuning)
            config.setAssignment(assignment);
        try {
            Consumer consumer(config);
            const int partitions = partitionCount(consumer.handle(), AlertsTopic);
            RdPartitionListPtr assignment(rd_kafka_topic_partition_list_new(partitions));
            for (int partition = 0; partition < partitions; ++partition)
                rd_kafka_topic_partition_list_add(assignment.get(), AlertsTopic.c_str(), partition)->offset = RD_KAFKA_OFFSET_END;
            throwIfError(rd_kafka_assign(consumer.handle(), assignment.get()), QStringLiteral("assign the alerts"));
            const std::string prefix = m_runId + "-";
            while (!m_stopReader) {
                RdMessagePtr message = consumer.poll(50);
                if (!message || message->err)
                    continue;
                const std::int64_t arrived = nowNs();
                const nlohmann::json alert = nlohmann::json::parse(
                    std::string_view(static_cast<const char *>(message->payload), message->len), nullptr, false);
                if (!alert.is_object() || !alert.contains("observation_id") || !alert["observation_id"].is_string())
                    continue;
                const std::string id = alert["observation_id"].get<std::string>();
                if (id.compare(0, prefix.size(), prefix) != 0)
                    continue; // a simulated result that happened to be critical, or another run's
                const std::size_t seq = std::stoull(id.substr(prefix.size()));
                if (seq >= Capacity || m_producedAt[seq] == 0)
                    continue;
                std::int64_t unseen = -1;
                if (!m_latencyNs[seq].compare_exchange_strong(unseen, arrived - m_producedAt[seq]))
                    ++m_duplicates; // exactly-once says this never happens
            }
            consumer.close(3000);
        } catch (const std::exception &e) {
            std::fprintf(stderr, "    alert reader: %s\n", e.what());
        }
    }

public:
    static int partitionCount(rd_kafka_t *client, const std::string &topic)
    {
        rd_kafka_topic_t *handle = rd_kafka_topic_new(client, topic.c_str(), nullptr);
        const rd_kafka_metadata_t *raw = nullptr;
        const auto error = rd_kafka_metadata(client, 0, handle, &raw, 10'000);
        rd_kafka_topic_destroy(handle);
        if (error)
            throw std::runtime_error("metadata of " + topic + ": " + rd_kafka_err2str(error));
        RdMetadataPtr metadata(raw);
        if (metadata->topic_cnt != 1 || metadata->topics[0].err || metadata->topics[0].partition_cnt < 1)
            throw std::runtime_error(topic + " does not exist");
        return metadata->topics[0].partition_cnt;
    }

private:
    ClientConfig m_config;
    std::string m_runId;
    const std::vector<LabRecord> &m_records;
    std::shared_ptr<const ThresholdSet> m_thresholds;
    QStringList m_tuning; // -X key=value for the job and the alert reader
    CriticalResultFactory m_critical;

    QObject m_context;
    std::unique_ptr<WorkerThread> m_job;
    std::unique_ptr<Producer> m_producer;
    std::thread m_reader;
    std::atomic<bool> m_stopReader{false};

    std::unique_ptr<std::atomic<std::int64_t>[]> m_producedAt; // steady-clock ns, by critical sequence number
    std::unique_ptr<std::atomic<std::int64_t>[]> m_latencyNs;  // -1 until its alert arrives
    std::atomic<std::size_t> m_duplicates{0};
    std::size_t m_nextSeq = 1;
    std::size_t m_nextRecord = 0;

    std::atomic<int> m_transactions{0};
    std::atomic<long long> m_evaluated{0};
    std::mutex m_errorMutex;
    QString m_fatal;
    int m_errorsShown = 0;
};

struct LatencyRun {
    std::string cluster;
    std::string peer; // the cluster whose row at the same rate this one is compared with
    int perMinute = 0;
    LatencyFigures figures;
};

std::string latencyCell(const LatencyFigures &f)
{
    return fixed(f.p50) + " / " + fixed(f.p99) + " / " + fixed(f.max) + " ms";
}

// Runs both rates against one cluster. Returns false (with a row saying why) when the rig cannot start.
bool measureLatency(const std::string &cluster, const std::string &peer, const ClientConfig &config, const std::vector<LabRecord> &records,
                    const std::shared_ptr<const ThresholdSet> &set, const QStringList &tuning,
                    const std::vector<int> &rates, int seconds, std::vector<LatencyRun> &runs)
{
    static int rigNumber = 0;
    const std::string runId = "bench-" + std::to_string(QCoreApplication::applicationPid()) + "-"
                              + std::to_string(QDateTime::currentMSecsSinceEpoch()) + "-" + std::to_string(++rigNumber);
    say("    %s: starting the evaluator job and the alert reader ...\n", cluster.c_str());
    const auto started = Clock::now();
    LatencyRig rig(config, runId, records, set, tuning);
    QString error;
    if (!rig.start(error)) {
        say("    %s: %s\n", cluster.c_str(), qPrintable(error));
        g_rows.push_back({"produce -> alert (read_committed)", cluster, "-", "not measured", error.toStdString()});
        return false;
    }
    say("    %s: first alert after %.1f s; measuring\n", cluster.c_str(),
        std::chrono::duration<double>(Clock::now() - started).count());
    for (const int perMinute : rates) {
        const int transactionsBefore = rig.transactions();
        const long long evaluatedBefore = rig.evaluated();
        const LatencyFigures f = rig.run(perMinute, seconds);
        const int transactions = rig.transactions() - transactionsBefore;
        const long long evaluated = rig.evaluated() - evaluatedBefore;
        say("    %-28s %7d/min (achieved %.0f/min) %zu critical, %zu alerts seen%s, p50 %s p99 %s max %s ms; "
            "%d transactions, %.1f records each; load %s\n",
            cluster.c_str(), perMinute, f.achievedPerMinute, f.critical, f.seen,
            f.duplicates ? (", " + std::to_string(f.duplicates) + " DUPLICATES").c_str() : "", fixed(f.p50).c_str(),
            fixed(f.p99).c_str(), fixed(f.max).c_str(), transactions,
            transactions ? double(evaluated) / transactions : 0.0, loadAverage().c_str());
        runs.push_back({cluster, peer, perMinute, f});
    }
    rig.stop();
    return true;
}

void addLatencyRows(const std::vector<LatencyRun> &runs)
{
    for (const LatencyRun &run : runs) {
        const LatencyFigures &f = run.figures;
        std::string peer = f.p99 <= LatencyPathMs ? "p99 within 10 ms"
                           : f.p99 <= LatencyGoalMs ? "p99 within the 50 ms goal, " + fixed(f.p99 / LatencyPathMs, 1) + "x 10 ms"
                                                    : "p99 " + fixed(f.p99 / LatencyGoalMs, 1) + "x the 50 ms goal";
        for (const LatencyRun &other : runs) {
            if (!run.peer.empty() && other.cluster == run.peer && other.perMinute == run.perMinute)
                peer += "; p99 " + fixed(f.p99 / other.figures.p99, 2) + "x " + other.cluster;
        }
        if (f.seen < f.critical)
            peer += "; " + std::to_string(f.critical - f.seen) + " alerts missing after 10 s";
        if (f.duplicates)
            peer += "; " + std::to_string(f.duplicates) + " duplicates";
        g_rows.push_back({"produce -> alert, " + thousands(run.perMinute) + "/min", run.cluster,
                          thousands(double(f.produced)) + " in, " + std::to_string(f.seen) + "/" + std::to_string(f.critical)
                              + " alerts",
                          latencyCell(f), peer});
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Parts 3 and 4: consume rates on the embedded cluster.

struct ConsumeRate {
    std::size_t records = 0;
    double seconds = 0.0;
    double evaluateSeconds = 0.0; // of which in evaluate()
    std::size_t alerts = 0;
    double rate() const { return seconds > 0 ? double(records) / seconds : 0.0; }
};

// Vigil's Consumer from the beginning of every partition to its end (assign, no group join, like kcat -C),
// each message turned into the KafkaRecord the workers hand on; with `evaluator`, evaluated too.
ConsumeRate consumeWithVigil(const QString &bootstrap, const std::string &topic, CriticalValueEvaluator *evaluator,
                             const QStringList &extra = {})
{
    ClientConfig config;
    config.setBootstrapServers(bootstrap);
    for (const QString &assignment : extra)
        config.setAssignment(assignment);
    config.set(QStringLiteral("group.id"), QStringLiteral("bench-vigil-consumer-%1").arg(QCoreApplication::applicationPid()));
    config.set(QStringLiteral("enable.auto.commit"), QStringLiteral("false"));
    config.set(QStringLiteral("enable.partition.eof"), QStringLiteral("true"));
    ConsumeRate result;
    const auto start = Clock::now();
    Consumer consumer(config);
    const int partitions = LatencyRig::partitionCount(consumer.handle(), topic);
    RdPartitionListPtr assignment(rd_kafka_topic_partition_list_new(partitions));
    for (int p = 0; p < partitions; ++p)
        rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(consumer.handle(), assignment.get());
    std::vector<bool> atEnd(std::size_t(partitions), false);
    int pending = partitions;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const auto deadline = start + std::chrono::seconds(120);
    while (pending > 0 && Clock::now() < deadline) {
        RdMessagePtr message = consumer.poll(1000);
        if (!message)
            continue;
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            if (!atEnd[std::size_t(message->partition)]) {
                atEnd[std::size_t(message->partition)] = true;
                --pending;
            }
            continue;
        }
        if (message->err)
            continue;
        const KafkaRecord record = Consumer::toRecord(*message);
        ++result.records;
        if (evaluator) {
            const auto before = Clock::now();
            const RecordSource source{topic, record.partition, record.offset};
            const Evaluation evaluation = evaluator->evaluate(
                Text::view(record.value), source, now);
            result.alerts += evaluation.alerts.size();
            result.evaluateSeconds += std::chrono::duration<double>(Clock::now() - before).count();
        }
    }
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    rd_kafka_assign(consumer.handle(), nullptr);
    consumer.close(3000);
    return result;
}

// librdkafka 2.0.2 stops fetching while its prefetch queue is over queued.min.messages (100,000) or
// queued.max.messages.kbytes (64 MB, about 70,000 of these records), and is slow to start again: a reader that
// falls behind the fetcher for a moment trips it. Readers are also run with both limits out of the way.
QStringList roomyQueueConfig()
{
    return {QStringLiteral("queued.max.messages.kbytes=1000000"), QStringLiteral("queued.min.messages=10000000")};
}

struct ProcessRun {
    bool ok = false;
    QString output;
    QString error;
    double seconds = 0.0;
};

ProcessRun runProcess(const QString &program, const QStringList &arguments, int timeoutMs)
{
    ProcessRun run;
    QProcess process;
    QElapsedTimer timer;
    timer.start();
    process.start(program, arguments);
    if (!process.waitForStarted(10'000)) {
        run.error = process.errorString();
        return run;
    }
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(3000);
        run.error = QStringLiteral("timed out");
        return run;
    }
    run.seconds = double(timer.nsecsElapsed()) / 1e9;
    run.output = QString::fromUtf8(process.readAllStandardOutput()).trimmed();
    const QString standardError = QString::fromUtf8(process.readAllStandardError()).trimmed();
    run.ok = process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    if (!run.ok)
        run.error = QStringLiteral("exit %1: %2").arg(process.exitCode()).arg(standardError.right(300));
    return run;
}

// Creates or deletes a topic through the Admin API (a real broker only; the mock does not answer it).
QString adminTopic(rd_kafka_t *client, const std::string &topic, int partitions, bool create)
{
    RdQueuePtr queue(rd_kafka_queue_new(client));
    rd_kafka_AdminOptions_t *options =
        rd_kafka_AdminOptions_new(client, create ? RD_KAFKA_ADMIN_OP_CREATETOPICS : RD_KAFKA_ADMIN_OP_DELETETOPICS);
    char errstr[512] = {};
    rd_kafka_AdminOptions_set_operation_timeout(options, 30'000, errstr, sizeof errstr);
    if (create) {
        rd_kafka_NewTopic_t *newTopic = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, errstr, sizeof errstr);
        if (!newTopic) {
            rd_kafka_AdminOptions_destroy(options);
            return QString::fromUtf8(errstr);
        }
        rd_kafka_CreateTopics(client, &newTopic, 1, options, queue.get());
        rd_kafka_NewTopic_destroy(newTopic);
    } else {
        rd_kafka_DeleteTopic_t *doomed = rd_kafka_DeleteTopic_new(topic.c_str());
        rd_kafka_DeleteTopics(client, &doomed, 1, options, queue.get());
        rd_kafka_DeleteTopic_destroy(doomed);
    }
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_event_t *event = rd_kafka_queue_poll(queue.get(), 40'000);
    if (!event)
        return QStringLiteral("no answer within 40 s");
    QString error;
    if (rd_kafka_event_error(event)) {
        error = QString::fromUtf8(rd_kafka_event_error_string(event));
    } else {
        std::size_t count = 0;
        const rd_kafka_topic_result_t **results =
            create ? rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
                   : rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event), &count);
        for (std::size_t i = 0; i < count; ++i) {
            if (rd_kafka_topic_result_error(results[i]))
                error = QString::fromUtf8(rd_kafka_topic_result_error_string(results[i]));
        }
    }
    rd_kafka_event_destroy(event);
    return error;
}

// Produces the records to `topic` in large lz4 batches, as a busy producer makes them; returns how many the
// topic then holds. The mock keeps about 5 MB per partition, so on it this may be fewer than produced.
std::size_t fillTopic(const QString &bootstrap, const std::string &topic, const std::vector<LabRecord> &records)
{
    ClientConfig config;
    config.setBootstrapServers(bootstrap);
    config.set(QStringLiteral("enable.idempotence"), QStringLiteral("true"));
    config.set(QStringLiteral("acks"), QStringLiteral("all"));
    config.set(QStringLiteral("compression.type"), QStringLiteral("lz4"));
    config.set(QStringLiteral("linger.ms"), QStringLiteral("50"));
    config.set(QStringLiteral("batch.num.messages"), QStringLiteral("10000"));
    const auto start = Clock::now();
    Producer producer(config);
    std::size_t bytes = 0;
    for (const LabRecord &record : records) {
        producer.produce(topic, record.key, record.value);
        bytes += record.value.size();
    }
    const int left = producer.flush(60'000);
    const int partitions = LatencyRig::partitionCount(producer.handle(), topic);
    std::size_t stored = 0;
    for (int p = 0; p < partitions; ++p) {
        int64_t low = 0;
        int64_t high = 0;
        if (!rd_kafka_query_watermark_offsets(producer.handle(), topic.c_str(), p, &low, &high, 10'000))
            stored += std::size_t(high - low);
    }
    say("    produced %zu records (%.1f MB of values) to %s in %.1f s%s; it holds %zu across %d partitions%s\n",
        records.size(), double(bytes) / 1e6, topic.c_str(), std::chrono::duration<double>(Clock::now() - start).count(),
        left ? (", " + std::to_string(left) + " NOT DELIVERED").c_str() : "", stored, partitions,
        stored < records.size() ? " (the oldest batches were dropped)" : "");
    return stored;
}

void measureConsumeRates(const std::string &cluster, const QString &bootstrap, const std::string &topic,
                         std::size_t stored, const std::shared_ptr<const ThresholdSet> &set, const QString &pythonScript)
{
    const QStringList roomyQueue = roomyQueueConfig();

    // kcat, piped into wc: its lines are records, its bytes the values plus newlines.
    auto runKcat = [&](const QStringList &extra) {
        QString command = QStringLiteral("set -o pipefail; kcat -C -b '%1' -t '%2' -o beginning -e -q").arg(bootstrap, Text::toQString(topic));
        for (const QString &assignment : extra)
            command += QStringLiteral(" -X '%1'").arg(assignment);
        command += QStringLiteral(" | wc -lc");
        ConsumeRate best;
        for (int round = 0; round < 2; ++round) {
            const ProcessRun run = runProcess(QStringLiteral("/bin/bash"), {QStringLiteral("-c"), command}, 120'000);
            if (!run.ok) {
                say("    kcat: %s\n", qPrintable(run.error));
                break;
            }
            const QStringList counts = run.output.split(QLatin1Char(' '), Qt::SkipEmptyParts);
            const ConsumeRate candidate{std::size_t(counts.value(0).toULongLong()), run.seconds, 0.0, 0};
            say("    kcat -C -e%s (round %d): %zu lines, %s bytes in %.2f s = %s records/s\n",
                extra.isEmpty() ? "" : qPrintable(QStringLiteral(" -X ") + extra.join(QStringLiteral(" -X "))), round + 1,
                candidate.records, qPrintable(counts.value(1)), run.seconds, thousands(candidate.rate()).c_str());
            if (candidate.rate() > best.rate())
                best = candidate;
        }
        return best;
    };
    const ConsumeRate kcat = runKcat({});
    const ConsumeRate kcatRoomy = runKcat(roomyQueue);

    ConsumeRate vigil;
    for (int round = 0; round < 2; ++round) {
        const ConsumeRate candidate = consumeWithVigil(bootstrap, topic, nullptr);
        say("    Vigil Consumer (round %d): %zu records in %.2f s = %s records/s\n", round + 1, candidate.records,
            candidate.seconds, thousands(candidate.rate()).c_str());
        if (candidate.rate() > vigil.rate())
            vigil = candidate;
    }

    ConsumeRate evaluated;
    for (int round = 0; round < 2; ++round) {
        CriticalValueEvaluator evaluator(set);
        const ConsumeRate candidate = consumeWithVigil(bootstrap, topic, &evaluator);
        say("    Vigil Consumer + evaluator (round %d): %zu records in %.2f s (%.2f s of it in evaluate()) = %s records/s\n",
            round + 1, candidate.records, candidate.seconds, candidate.evaluateSeconds, thousands(candidate.rate()).c_str());
        if (candidate.rate() > evaluated.rate())
            evaluated = candidate;
    }

    ConsumeRate roomy;
    for (int round = 0; round < 2; ++round) {
        CriticalValueEvaluator evaluator(set);
        const ConsumeRate candidate = consumeWithVigil(bootstrap, topic, &evaluator, roomyQueue);
        say("    Vigil Consumer + evaluator, -X %s (round %d): %zu records in %.2f s (%.2f s in evaluate()) = %s records/s\n",
            qPrintable(roomyQueue.join(QStringLiteral(" -X "))), round + 1, candidate.records, candidate.seconds,
            candidate.evaluateSeconds, thousands(candidate.rate()).c_str());
        if (candidate.rate() > roomy.rate())
            roomy = candidate;
    }

    ConsumeRate python;
    QString pythonNote;
    if (!QFileInfo::exists(pythonScript)) {
        pythonNote = QStringLiteral("script not found");
    } else {
        const ProcessRun run = runProcess(QStringLiteral("/usr/bin/python3"),
                                          {pythonScript, QStringLiteral("--bootstrap"), bootstrap,
                                           QStringLiteral("--topic"), Text::toQString(topic)},
                                          150'000);
        const QJsonObject figures = QJsonDocument::fromJson(run.output.toUtf8()).object();
        if (run.ok && !figures.isEmpty()) {
            python = {std::size_t(figures.value(QStringLiteral("records")).toDouble()),
                      figures.value(QStringLiteral("seconds")).toDouble(), 0.0, 0};
            say("    seed Python: %s (process wall %.2f s with interpreter start)\n", qPrintable(run.output), run.seconds);
        } else {
            pythonNote = run.error.isEmpty() ? run.output : run.error;
            say("    seed Python failed: %s\n", qPrintable(pythonNote));
        }
    }

    auto vs = [](const ConsumeRate &a, const ConsumeRate &b, const char *peer) {
        return b.rate() > 0 && a.rate() > 0 ? fixed(a.rate() / b.rate(), 2) + "x " + peer : std::string("-");
    };
    auto count = [](const ConsumeRate &rate) { return rate.records ? thousands(double(rate.records)) : std::string("-"); };
    g_rows.push_back({"kcat -C -o beginning -e (into wc)", cluster, count(kcat), thousands(kcat.rate()), "peer"});
    g_rows.push_back({"kcat, prefetch queue limits raised (*)", cluster, count(kcatRoomy), thousands(kcatRoomy.rate()),
                      vs(kcatRoomy, kcat, "kcat")});
    g_rows.push_back({"Vigil Consumer (poll + toRecord)", cluster, count(vigil), thousands(vigil.rate()),
                      vs(vigil, kcat, "kcat")});
    g_rows.push_back({"Vigil Consumer + evaluate()", cluster, count(evaluated), thousands(evaluated.rate()),
                      vs(evaluated, kcat, "kcat") + ", " + vs(evaluated, python, "seed Python")});
    g_rows.push_back({"Vigil Consumer + evaluate(), limits raised (*)", cluster, count(roomy), thousands(roomy.rate()),
                      vs(roomy, kcatRoomy, "kcat (*)") + ", " + vs(roomy, python, "seed Python")});
    g_rows.push_back({"seed Python (confluent-kafka, json.loads, is_critical)", cluster, count(python),
                      python.records ? thousands(python.rate()) : pythonNote.toStdString(), vs(python, kcat, "kcat")});
    for (const ConsumeRate *rate : std::initializer_list<const ConsumeRate *>{&kcat, &kcatRoomy, &vigil, &evaluated, &roomy, &python}) {
        if (rate->records && rate->records != stored)
            say("    NOTE: a reader saw %zu records of the %zu stored\n", rate->records, stored);
    }
}

QString sourceDir()
{
    return QFileInfo(QString::fromUtf8(__FILE__)).absolutePath();
}

QString defaultThresholds()
{
#ifdef VIGIL_DEFAULT_THRESHOLDS
    return QStringLiteral(VIGIL_DEFAULT_THRESHOLDS);
#else
    const QString beside = sourceDir() + QStringLiteral("/../../resources/thresholds/adult-critical-values.json");
    if (QFileInfo::exists(beside))
        return QFileInfo(beside).canonicalFilePath();
    return QStringLiteral(":/thresholds/adult-critical-values.json");
#endif
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = app.arguments();
    auto option = [&](const char *name, const QString &fallback) {
        const qsizetype at = arguments.indexOf(QString::fromUtf8(name));
        return at >= 0 && at + 1 < arguments.size() ? arguments.at(at + 1) : fallback;
    };
    const std::size_t count = std::max<qulonglong>(1000, option("--records", QStringLiteral("200000")).toULongLong());
    const int seconds = std::max(2, option("--seconds", QStringLiteral("10")).toInt());
    const QString thresholdsPath = option("--thresholds", defaultThresholds());
    const QString pythonScript = option("--python", sourceDir() + QStringLiteral("/seed_is_critical.py"));
    const QString parts = option("--parts", QStringLiteral("1234"));
    const bool withReal = !arguments.contains(QStringLiteral("--no-real"));
    const bool withTuned = !arguments.contains(QStringLiteral("--no-tuned"));
    QStringList extra; // -X key=value: client properties for the evaluator job and the alert reader, for experiments
    for (qsizetype i = 1; i + 1 < arguments.size(); ++i) {
        if (arguments.at(i) == QStringLiteral("-X"))
            extra.append(arguments.at(i + 1));
    }
    const std::string shipped = extra.isEmpty() ? ", as shipped" : ", -X " + extra.join(QStringLiteral(" -X ")).toStdString();
    // Two librdkafka defaults that the figures show to dominate: the mock holds an empty fetch for the whole
    // fetch.wait.max.ms (500 ms), and a transaction that follows a commit too closely is refused with
    // CONCURRENT_TRANSACTIONS and retried after retry.backoff.ms (100 ms).
    const QStringList tuned = {QStringLiteral("fetch.wait.max.ms=5"), QStringLiteral("retry.backoff.ms=5")};
    const std::string tunedName = ", -X " + tuned.join(QStringLiteral(" -X ")).toStdString();
    if (arguments.contains(QStringLiteral("--help")) || arguments.contains(QStringLiteral("-h"))) {
        std::printf("usage: %s [--records N] [--seconds S] [--parts 1234] [--thresholds FILE] [--python FILE] "
                    "[--no-real] [--no-tuned] [-X key=value ...]\n"
                    "A real broker is used when $VIGIL_REALKAFKA_STATE_DIR/bootstrap exists "
                    "(tests/realkafka/start-kafka DIR).\n",
                    argv[0]);
        return 0;
    }
    const auto benchStart = Clock::now();

    std::shared_ptr<const ThresholdSet> thresholds;
    try {
        thresholds = ThresholdSet::loadFile(thresholdsPath);
    } catch (const std::exception &error) {
        std::fprintf(stderr, "thresholds %s: %s\n", qPrintable(thresholdsPath), error.what());
        return 1;
    }

    const auto generated = Clock::now();
    const std::vector<LabRecord> records = simulatedLabResults(count);
    std::size_t bytes = 0;
    for (const LabRecord &record : records)
        bytes += record.value.size();
    const std::string loadAtStart = loadAverage();
    say("bench_pipeline: %zu simulated lab results (HospitalSimulator seed 7), %.0f bytes each on average, made in "
        "%.1f s\n  thresholds %s; %d cores; load average at start %s\n",
        records.size(), double(bytes) / double(records.size()),
        std::chrono::duration<double>(Clock::now() - generated).count(), qPrintable(thresholdsPath),
        QThread::idealThreadCount(), loadAtStart.c_str());

    // The real broker, when the test suite's start-kafka (or anyone) has left its address.
    struct RealBroker {
        QString bootstrap;
        std::string name;
    };
    std::optional<RealBroker> real;
    QString realMissing;
    const QString stateDir = qEnvironmentVariable("VIGIL_REALKAFKA_STATE_DIR");
    QFile bootstrapFile(stateDir + QStringLiteral("/bootstrap"));
    if (!withReal) {
        realMissing = QStringLiteral("--no-real");
    } else if (stateDir.isEmpty()) {
        realMissing = QStringLiteral("VIGIL_REALKAFKA_STATE_DIR not set");
    } else if (!bootstrapFile.open(QIODevice::ReadOnly)) {
        realMissing = QStringLiteral("no %1").arg(bootstrapFile.fileName());
    } else {
        QFile versionFile(stateDir + QStringLiteral("/version"));
        const QString version = versionFile.open(QIODevice::ReadOnly) ? QString::fromUtf8(versionFile.readAll()).trimmed()
                                                                      : QStringLiteral("?");
        real = RealBroker{QString::fromUtf8(bootstrapFile.readAll()).trimmed(),
                          "real Kafka " + version.toStdString() + ", 1 node"};
        say("  real broker: %s at %s\n", real->name.c_str(), qPrintable(real->bootstrap));
    }
    if (!real)
        say("  real broker: skipped (%s)\n", qPrintable(realMissing));

    if (parts.contains(QLatin1Char('1')))
        partEvaluator(records, thresholds);

    if (parts.contains(QLatin1Char('2'))) {
        const std::vector<int> rates = {5'000, 100'000};
        say("\n[2] produce -> alert visible to a read_committed consumer, %d s per rate, 1 in %d results critical\n",
            seconds, CriticalEvery);
        std::vector<LatencyRun> runs;
        const std::string embedded = "embedded (mock)" + shipped;
        // A fresh embedded cluster for each rig: the mock looks a fetch offset up by walking the partition's
        // batches from the oldest, so a cluster already holding the previous rig's small batches answers slower.
        for (const bool tunedRig : {false, true}) {
            if (tunedRig && !withTuned)
                continue;
            MockCluster cluster;
            ClientConfig config;
            config.setBootstrapServers(cluster.bootstrapServers());
            if (tunedRig)
                measureLatency("embedded" + tunedName, embedded, config, records, thresholds, extra + tuned, rates,
                               seconds, runs);
            else
                measureLatency(embedded, {}, config, records, thresholds, extra, rates, seconds, runs);
        }
        if (real) {
            ClientConfig config;
            config.setBootstrapServers(real->bootstrap);
            say("    %s: provisioning the topic layout\n", real->name.c_str());
            bool provisioned = true;
            for (const auto &result : TopicProvisioner(config, 30'000).provision()) {
                if (result.outcome == TopicProvisioner::Outcome::Failed) {
                    say("    cannot provision %s: %s\n", qPrintable(result.topic), qPrintable(result.error));
                    provisioned = false;
                }
            }
            if (provisioned) {
                measureLatency(real->name + shipped, embedded, config, records, thresholds, extra, rates, seconds, runs);
                if (withTuned)
                    measureLatency(real->name + tunedName, real->name + shipped, config, records, thresholds,
                                   extra + tuned, rates, seconds, runs);
            }
        }
        addLatencyRows(runs);
        if (!real)
            g_rows.push_back({"produce -> alert", "real Kafka", "-", "not measured", realMissing.toStdString()});
    }

    if (parts.contains(QLatin1Char('3')) || parts.contains(QLatin1Char('4'))) {
        say("\n[3][4] consume rates of the same %zu records: kcat, Vigil, and the seed's Python (%s)\n", records.size(),
            qPrintable(pythonScript));
        {
            MockCluster cluster;
            const QString bootstrap = cluster.bootstrapServers();
            const std::string name = "embedded (mock, 3 brokers)";
            say("    %s, %s:\n", name.c_str(), LabsTopic.c_str());
            const std::size_t stored = fillTopic(bootstrap, LabsTopic, records);
            measureConsumeRates(name, bootstrap, LabsTopic, stored, thresholds, pythonScript);
        }
        if (real) {
            // A topic of its own with the labs topic's 8 partitions: the real labs topic keeps earlier runs' records.
            const std::string topic = "bench.labs.results." + std::to_string(QCoreApplication::applicationPid());
            ClientConfig config;
            config.setBootstrapServers(real->bootstrap);
            Producer admin(config);
            say("    %s, %s (8 partitions, deleted afterwards):\n", real->name.c_str(), topic.c_str());
            if (const QString error = adminTopic(admin.handle(), topic, 8, true); !error.isEmpty()) {
                say("    cannot create %s: %s\n", topic.c_str(), qPrintable(error));
            } else {
                const std::size_t stored = fillTopic(real->bootstrap, topic, records);
                measureConsumeRates(real->name, real->bootstrap, topic, stored, thresholds, pythonScript);
                if (const QString error = adminTopic(admin.handle(), topic, 8, false); !error.isEmpty())
                    say("    cannot delete %s: %s\n", topic.c_str(), qPrintable(error));
            }
        } else {
            g_rows.push_back({"consume rates", "real Kafka", "-", "not measured", realMissing.toStdString()});
        }
    }

    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    say("\nAll figures from this one run (%.0f s wall; this process %.0f s user + %.0f s system CPU; load average %s at "
        "start, %s at the end, on %d cores). Rates are records per second, latencies milliseconds.\n\n",
        std::chrono::duration<double>(Clock::now() - benchStart).count(),
        double(usage.ru_utime.tv_sec) + double(usage.ru_utime.tv_usec) / 1e6,
        double(usage.ru_stime.tv_sec) + double(usage.ru_stime.tv_usec) / 1e6, loadAtStart.c_str(),
        loadAverage().c_str(), QThread::idealThreadCount());
    printTable();
    if (parts.contains(QLatin1Char('3')))
        say("(*) -X %s\n", qPrintable(roomyQueueConfig().join(QStringLiteral(" -X "))));
    return 0;
}
