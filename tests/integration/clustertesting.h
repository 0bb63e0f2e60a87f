#pragma once

// What the cross-cluster integration tests share: the cluster under test (the embedded one, or the
// real broker of the RealKafka ctest fixture), client configs, watermarks, and reading to the end.
#include "client/consumer.h"
#include "base/text.h"
#include "local/mockcluster.h"
#include "client/kafkaerror.h"
#include "client/producer.h"
#include "jobs/topicprovisioner.h"
#include "base/topics.h"
#include "fhir/fhirdatetime.h"

#include <QProcess>
#include <QUuid>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace ClusterTesting {

using PartitionKey = QPair<QString, int>; // topic, partition
using Offsets = QMap<PartitionKey, qint64>;

constexpr int ReadDeadlineMs = 40'000;

inline QString describePartition(const PartitionKey &partition)
{
    return partition.first + u'[' + QString::number(partition.second) + u']';
}

inline QString readStateFile(const char *name)
{
    QFile file(QStringLiteral(VIGIL_REALKAFKA_STATE_DIR "/") + QLatin1String(name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).trimmed();
}

// Unique per test process: names of topics, groups and transactional ids never collide between runs.
inline const QString &runId()
{
    static const QString id = QUuid::createUuid().toString(QUuid::Id128).left(12);
    return id;
}

inline RdMetadataPtr clusterMetadata(rd_kafka_t *client)
{
    const rd_kafka_metadata_t *raw = nullptr;
    throwIfError(rd_kafka_metadata(client, 1, nullptr, &raw, 10'000), QStringLiteral("metadata"));
    return RdMetadataPtr(raw);
}

// Waits until the cluster's metadata shows the topic with its partitions (any number when 0), each
// with a leader. Throws.
inline void waitForTopic(rd_kafka_t *client, const QString &name, int partitions = 0)
{
    QDeadlineTimer deadline(30'000);
    for (;;) {
        const RdMetadataPtr md = clusterMetadata(client);
        for (int t = 0; t < md->topic_cnt; ++t) {
            const auto &meta = md->topics[t];
            if (name != QString::fromUtf8(meta.topic) || meta.err || (partitions > 0 && meta.partition_cnt != partitions))
                continue;
            bool led = true;
            for (int p = 0; p < meta.partition_cnt; ++p)
                led = led && meta.partitions[p].leader >= 0 && !meta.partitions[p].err;
            if (led)
                return;
        }
        if (deadline.hasExpired())
            throw std::runtime_error("topic " + name.toStdString() + " has no leader for every partition");
        QThread::msleep(100);
    }
}

// The cluster of one data row.
class TestCluster {
public:
    // Empty when the cluster is ready; else why not, and whether that is a reason to skip.
    QString open(const QString &row, bool *skip)
    {
        *skip = false;
        if (row == u"embedded") {
            m_embedded = std::make_unique<MockCluster>(3);
            m_bootstrap = m_embedded->bootstrapServers();
            return {};
        }
        m_bootstrap = readStateFile("bootstrap");
        if (m_bootstrap.isEmpty()) {
            *skip = true;
            return QStringLiteral("no real Kafka broker: " VIGIL_REALKAFKA_STATE_DIR "/bootstrap is absent (the "
                                  "RealKafka fixture did not start one: Java 17 or Maven missing?)");
        }
        m_version = readStateFile("version");
        // The seed's topic layout, once per process; idempotent, other tests provision it too.
        static QString provisioningError = [this] {
            try {
                for (const auto &result : TopicProvisioner(config()).provision()) {
                    if (result.outcome == TopicProvisioner::Outcome::Failed)
                        return result.topic + QStringLiteral(": ") + result.error;
                }
                // Created is not yet led: wait for every partition's leader.
                Producer client(config());
                for (const auto &spec : Topics::recommendedLayout())
                    waitForTopic(client.handle(), Text::toQString(spec.name));
            } catch (const std::exception &e) {
                return QString::fromUtf8(e.what());
            }
            return QString();
        }();
        if (!provisioningError.isEmpty())
            return QStringLiteral("provisioning the topic layout on %1 failed: %2").arg(m_bootstrap, provisioningError);
        return {};
    }

    // A real cluster the test runs itself (a LocalCluster of its own), as it is.
    void adopt(const QString &bootstrap) { m_bootstrap = bootstrap; }

    bool isReal() const { return !m_embedded; }
    MockCluster *embedded() const { return m_embedded.get(); } // null for the real broker

    QString description() const
    {
        if (m_embedded)
            return QStringLiteral("embedded cluster (librdkafka %1 mock, %2 brokers at %3)")
                .arg(QString::fromUtf8(rd_kafka_version_str()))
                .arg(m_embedded->brokerCount())
                .arg(m_bootstrap);
        return QStringLiteral("real broker (Apache Kafka %1 at %2)")
            .arg(m_version.isEmpty() ? QStringLiteral("of unknown version") : m_version, m_bootstrap);
    }

    QString bootstrap() const { return m_bootstrap; }
    ClientConfig config() const
    {
        ClientConfig config;
        config.setBootstrapServers(m_bootstrap);
        return config;
    }

    // A topic of our own, ready for producing and consuming when this returns. Throws. The
    // embedded cluster ignores configs (it cannot be told any).
    void createTopic(const QString &name, int partitions, const QMap<QString, QString> &configs = {})
    {
        if (m_embedded) {
            m_embedded->createTopic(name, partitions, m_embedded->brokerCount());
            return;
        }
        Producer client(config()); // any client sends admin requests
        const int replication = qMin(3, clusterMetadata(client.handle())->broker_cnt);
        char errstr[512];
        rd_kafka_NewTopic_t *topic =
            rd_kafka_NewTopic_new(name.toUtf8().constData(), partitions, replication, errstr, sizeof errstr);
        if (!topic)
            throw std::runtime_error(errstr);
        for (auto it = configs.begin(); it != configs.end(); ++it)
            rd_kafka_NewTopic_set_config(topic, it.key().toUtf8().constData(), it.value().toUtf8().constData());
        RdQueuePtr queue(rd_kafka_queue_new(client.handle()));
        rd_kafka_CreateTopics(client.handle(), &topic, 1, nullptr, queue.get());
        rd_kafka_NewTopic_destroy(topic);
        rd_kafka_event_t *event = rd_kafka_queue_poll(queue.get(), 30'000);
        if (!event)
            throw std::runtime_error("CreateTopics: no answer");
        std::unique_ptr<rd_kafka_event_t, void (*)(rd_kafka_event_t *)> owned(event, rd_kafka_event_destroy);
        throwIfError(rd_kafka_event_error(event), QStringLiteral("CreateTopics"));
        size_t count = 0;
        const rd_kafka_topic_result_t **results =
            rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count);
        for (size_t i = 0; i < count; ++i)
            throwIfError(rd_kafka_topic_result_error(results[i]), QStringLiteral("create topic ") + name);
        waitForTopic(client.handle(), name, partitions);
    }

private:
    std::unique_ptr<MockCluster> m_embedded;
    QString m_bootstrap;
    QString m_version;
};

// Vigil's producer as the simulator publisher configures it: idempotent, acks=all, lz4.
inline ClientConfig producerConfig(const TestCluster &cluster, const QString &transactionalId = {})
{
    ClientConfig config = cluster.config();
    config.set("enable.idempotence", "true");
    config.set("acks", "all");
    config.set("compression.type", "lz4");
    config.set("linger.ms", "5");
    if (!transactionalId.isEmpty())
        config.set("transactional.id", transactionalId);
    return config;
}

inline ClientConfig consumerConfig(const TestCluster &cluster, const QString &group, const QString &isolation)
{
    ClientConfig config = cluster.config();
    config.set("group.id", group);
    config.set("auto.offset.reset", "earliest");
    config.set("enable.auto.commit", "false");
    config.set("enable.partition.eof", "true");
    config.set("isolation.level", isolation);
    return config;
}

// Every partition of the topics with its high watermark (the offset the next record gets).
inline Offsets highWatermarks(rd_kafka_t *client, const QStringList &topics)
{
    Offsets offsets;
    const RdMetadataPtr md = clusterMetadata(client);
    for (int t = 0; t < md->topic_cnt; ++t) {
        const QString topic = QString::fromUtf8(md->topics[t].topic);
        if (!topics.contains(topic))
            continue;
        for (int p = 0; p < md->topics[t].partition_cnt; ++p) {
            int64_t low = 0;
            int64_t high = 0;
            QDeadlineTimer deadline(30'000);
            rd_kafka_resp_err_t error;
            // A partition just created or moved answers "not leader" for a moment.
            while ((error = rd_kafka_query_watermark_offsets(client, md->topics[t].topic, md->topics[t].partitions[p].id,
                                                             &low, &high, 10'000))
                       != RD_KAFKA_RESP_ERR_NO_ERROR
                   && (error == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION
                       || error == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE
                       || error == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
                   && !deadline.hasExpired())
                QThread::msleep(100);
            throwIfError(error, QStringLiteral("watermarks of ") + topic);
            offsets.insert({topic, md->topics[t].partitions[p].id}, high);
        }
    }
    for (const auto &topic : topics) {
        if (std::none_of(offsets.keyBegin(), offsets.keyEnd(), [&](const PartitionKey &k) { return k.first == topic; }))
            throw std::runtime_error("no partitions for " + topic.toStdString());
    }
    return offsets;
}

inline void assignFrom(Consumer &consumer, const Offsets &start)
{
    RdPartitionListPtr list(rd_kafka_topic_partition_list_new(int(start.size())));
    for (auto it = start.begin(); it != start.end(); ++it)
        rd_kafka_topic_partition_list_add(list.get(), it.key().first.toUtf8().constData(), it.key().second)->offset =
            it.value();
    throwIfError(rd_kafka_assign(consumer.handle(), list.get()), QStringLiteral("assign"));
}

struct ReadResult {
    QList<KafkaRecord> records;
    bool reachedEnd = false;
    QString lastError;
    QString missing; // partitions whose end was not reached
};

// Polls until every partition in `ends` reported its end (enable.partition.eof) at or past the
// given offset, or the deadline passed. Control records (transaction markers) count as read.
inline ReadResult readToEnd(Consumer &consumer, const Offsets &ends, int deadlineMs = ReadDeadlineMs)
{
    ReadResult result;
    Offsets reached;
    const auto done = [&] {
        for (auto it = ends.begin(); it != ends.end(); ++it) {
            if (reached.value(it.key(), -1) < it.value())
                return false;
        }
        return true;
    };
    QDeadlineTimer deadline(deadlineMs);
    while (!(result.reachedEnd = done()) && !deadline.hasExpired()) {
        RdMessagePtr message = consumer.poll(100);
        if (!message)
            continue;
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            reached[{QString::fromUtf8(rd_kafka_topic_name(message->rkt)), message->partition}] = message->offset;
        } else if (message->err) {
            result.lastError = QString::fromUtf8(rd_kafka_message_errstr(message.get()));
        } else {
            KafkaRecord record = Consumer::toRecord(*message);
            const PartitionKey key{record.topic, record.partition};
            reached[key] = qMax(reached.value(key, -1), record.offset); // not the end yet: EOF says so
            result.records.append(std::move(record));
        }
    }
    for (auto it = ends.begin(); it != ends.end(); ++it) {
        if (reached.value(it.key(), -1) < it.value())
            result.missing += QStringLiteral(" %1 at %2 of %3")
                                  .arg(describePartition(it.key()))
                                  .arg(reached.value(it.key(), -1))
                                  .arg(it.value());
    }
    return result;
}

// Every committed record of a topic, read from its beginning to its current end (read_committed).
inline QList<KafkaRecord> readTopic(const TestCluster &cluster, const QString &topic)
{
    Consumer consumer(consumerConfig(cluster, "reader-" + runId() + topic, "read_committed"));
    Producer probe(cluster.config());
    const Offsets ends = highWatermarks(probe.handle(), {topic});
    Offsets start;
    for (auto it = ends.begin(); it != ends.end(); ++it)
        start.insert(it.key(), 0);
    assignFrom(consumer, start);
    const ReadResult read = readToEnd(consumer, ends);
    if (!read.reachedEnd)
        qWarning() << "did not reach the end of" << topic << read.missing << read.lastError;
    return read.records;
}

inline QByteArray header(const KafkaRecord &record, const char *name)
{
    for (const auto &h : record.headers) {
        if (h.name == name)
            return h.value;
    }
    return {};
}

// A lab result with a known verdict: every tenth is not JSON (a dead letter), every seventh of the
// others a critically high potassium (7.1 mmol/L), the rest normal. Each carries `prefix`, so a test
// on a shared broker tells its records (and their outputs, which carry the input's bytes) from others'.
inline std::string knownLabResult(int i, const std::string &prefix = "obs-")
{
    if (i % 10 == 9)
        return "{broken json " + prefix + std::to_string(i);
    const double value = i % 7 == 0 ? 7.1 : 4.2;
    return R"({"resourceType":"Observation","id":")" + prefix + std::to_string(i)
           + R"(","status":"final","subject":{"reference":"Patient/pat-)" + std::to_string(i % 50)
           + R"("},"code":{"coding":[{"system":"http://loinc.org","code":"2823-3"}]},"valueQuantity":{"value":)"
           + std::to_string(value) + R"(,"system":"http://unitsofmeasure.org","code":"mmol/L"}})";
}

inline int expectedAlerts(int count)
{
    int alerts = 0;
    for (int i = 0; i < count; ++i)
        alerts += i % 10 != 9 && i % 7 == 0;
    return alerts;
}

// Committed records of `topics` from their beginning, until `expected` arrived or the deadline
// passed, then settleMs more so that anything duplicated shows up too.
inline QList<KafkaRecord> readCommitted(const QString &bootstrap, const QStringList &topics, int expected, int deadlineMs,
                                        int settleMs = 0, const std::function<bool(const KafkaRecord &)> &ours = {})
{
    ClientConfig config;
    config.setBootstrapServers(bootstrap);
    config.set("group.id", "committed-reader-" + QUuid::createUuid().toString(QUuid::Id128).left(12));
    config.set("auto.offset.reset", "earliest");
    config.set("isolation.level", "read_committed");
    config.set("enable.auto.commit", "false");
    Consumer consumer(config);
    consumer.subscribe(topics);
    QList<KafkaRecord> records;
    const auto take = [&](int timeoutMs) {
        RdMessagePtr message = consumer.poll(timeoutMs);
        if (message && !message->err) {
            KafkaRecord record = Consumer::toRecord(*message);
            if (!ours || ours(record))
                records.append(std::move(record));
        }
    };
    QDeadlineTimer deadline(deadlineMs);
    while (!deadline.hasExpired() && records.size() < expected)
        take(100);
    QDeadlineTimer settle(settleMs);
    while (!settle.hasExpired())
        take(100);
    return records;
}

// Whether an evaluator output (processed or dead letter, both carry the input's bytes) is of a
// knownLabResult() with this prefix.
inline bool outputOf(const KafkaRecord &output, const std::string &prefix)
{
    return output.value.contains(QByteArray::fromStdString(prefix));
}

// Whether an alert is for one of the knownLabResult() observations with this id prefix.
inline bool alertFor(const KafkaRecord &alert, const std::string &prefix)
{
    return QByteArray(alert.value).contains(QByteArray("\"observation_id\":\"") + QByteArray::fromStdString(prefix));
}

// The evaluator's outputs (processed + dead letters) and alerts for `total` knownLabResult()
// inputs: empty when every input appears exactly once and every expected alert once; else what is wrong.
inline QString exactlyOnceProblem(const QList<KafkaRecord> &outputs, const QList<KafkaRecord> &alerts, int total)
{
    QSet<QString> sources;
    int deadLetters = 0;
    for (const auto &record : outputs) {
        const QString source = QString::fromUtf8(header(record, "vigil.source.topic") + '/'
                                                 + header(record, "vigil.source.partition") + '@'
                                                 + header(record, "vigil.source.offset"));
        if (sources.contains(source))
            return QStringLiteral("input %1 has two outputs").arg(source);
        sources.insert(source);
        deadLetters += record.topic == u"healthcare.dlq";
    }
    QSet<QByteArray> alertIds;
    for (const auto &record : alerts)
        alertIds.insert(record.key);
    if (outputs.size() != total || deadLetters != total / 10 || alerts.size() != expectedAlerts(total)
        || alertIds.size() != alerts.size())
        return QStringLiteral("%1 outputs (%2 dead letters) for %3 inputs (%4 expected); %5 alerts, %6 distinct, %7 expected")
            .arg(outputs.size()).arg(deadLetters).arg(total).arg(total / 10).arg(alerts.size()).arg(alertIds.size())
            .arg(expectedAlerts(total));
    return {};
}

// Opens the current data row's cluster ("embedded" or "real") and says which one the row ran on,
// with `clients` describing the clients; false when the test must return (already skipped or failed).
// `vigil evaluate` as several instances of the group on `bootstrap`'s healthcare topics: three
// processes share 100,000 results, one is killed with SIGKILL mid-stream and started again under its
// name, a fourth joins. Every input offset is then in processed + dlq exactly once, every alert once,
// and the work was shared (the header vigil.evaluator names who did it). How much the fourth gets is
// timing: it joins the group once it has read the census and the alerts, and the others may have
// finished by then. Fails the calling test.
inline void instancesShareTheInputAndAKilledOneLosesNothing(const QString &bootstrap, const std::string &prefix)
{
    ClientConfig config;
    config.setBootstrapServers(bootstrap);
    Producer producer(config);
    constexpr int firstPart = 60'000;
    constexpr int total = 100'000;
    const auto ours = [&](const KafkaRecord &output) { return outputOf(output, prefix); };
    const auto ourAlert = [&](const KafkaRecord &alert) { return alertFor(alert, prefix); };
    const auto produce = [&](int from, int to) {
        for (int i = from; i < to; ++i)
            producer.produce("healthcare.labs.results", "pat-" + std::to_string(i % 50), knownLabResult(i, prefix));
        QCOMPARE(producer.flush(30'000), 0);
    };
    produce(0, firstPart);

    std::map<QString, std::unique_ptr<QProcess>> instances;
    const auto start = [&](const QString &name) {
        auto &process = instances[name];
        process = std::make_unique<QProcess>();
        process->setProgram(QStringLiteral(VIGIL_BINARY_DIR "/vigil"));
        process->setArguments({"evaluate", "--bootstrap", bootstrap, "--instance", name});
        process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process->start();
        QVERIFY(process->waitForStarted());
    };
    const QString run = QString::fromStdString(prefix);
    for (const char *name : {"a", "b", "c"})
        start(run + name);
    QVERIFY(readCommitted(bootstrap, {"healthcare.labs.processed"}, 5000, 60'000, 0, ours).size() >= 5000);
    instances[run + "b"]->kill(); // SIGKILL: a transaction may be open
    QVERIFY(instances[run + "b"]->waitForFinished(10'000));
    start(run + "b");
    start(run + "d");
    produce(firstPart, total);

    const auto outputs = readCommitted(bootstrap, {"healthcare.labs.processed", "healthcare.dlq"}, total, 240'000, 3'000, ours);
    const auto alerts = readCommitted(bootstrap, {"healthcare.alerts.critical"}, expectedAlerts(total), 30'000, 3'000, ourAlert);
    for (auto &[name, process] : instances) {
        process->terminate();
        QVERIFY(process->waitForFinished(15'000));
        QCOMPARE(process->exitCode(), 0);
    }
    const QString problem = exactlyOnceProblem(outputs, alerts, total);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QMap<QString, int> perInstance;
    for (const auto &record : outputs)
        ++perInstance[QString::fromUtf8(header(record, "vigil.evaluator"))];
    qInfo() << "outputs per instance:" << perInstance;
    QVERIFY2(!perInstance.contains(QString()), "an output without its instance");
    int sharing = 0;
    for (const char *name : {"a", "b", "c", "d"})
        sharing += perInstance.value(run + name) > 0;
    QVERIFY2(sharing >= 3, "the work was not shared among the instances");
}

// Opens the cluster of `kind` ("embedded" or "real"); false after the test was skipped or failed, saying why.
inline bool openClusterOrSkip(TestCluster &cluster, const QString &kind)
{
    bool skip = false;
    const QString why = cluster.open(kind, &skip);
    if (why.isEmpty())
        return true;
    if (skip)
        QTest::qSkip(qPrintable(why), __FILE__, __LINE__);
    else
        QTest::qFail(qPrintable(why), __FILE__, __LINE__);
    return false;
}

// What only a real broker does (compaction, configs): the RealKafka fixture's broker, else skipped.
inline bool openRealCluster(TestCluster &cluster)
{
    return openClusterOrSkip(cluster, QStringLiteral("real"));
}

// The topic read whole (read_committed) again and again until `compacted` says the log cleaner has
// run, for at most two minutes: false when it did not (*records then holds the last read).
inline bool waitForCompaction(const TestCluster &cluster, const QString &topic,
                              const std::function<bool(const QList<KafkaRecord> &)> &compacted, QList<KafkaRecord> *records)
{
    QDeadlineTimer deadline(120'000);
    while (!compacted(*records = readTopic(cluster, topic))) {
        if (deadline.hasExpired())
            return false;
        QTest::qWait(1000);
    }
    return true;
}

// A Patient's Encounter in progress on `ward` and `bed`, as the simulator publishes it on the ADT topic.
inline std::string admissionEnvelope(const std::string &patient, const std::string &ward, const std::string &bed, qint64 atMs)
{
    const auto place = [](const std::string &name, const char *type) {
        return nlohmann::json{{"location", {{"display", name}}}, {"physicalType", {{"coding", {{{"code", type}}}}}}};
    };
    return nlohmann::json{{"event_type", "admission"},
                          {"resource_type", "Encounter"},
                          {"resource_id", "enc-" + patient},
                          {"patient_id", patient},
                          {"timestamp", msToFhirInstant(atMs)},
                          {"fhir_resource",
                           {{"resourceType", "Encounter"},
                            {"id", "enc-" + patient},
                            {"status", "in-progress"},
                            {"subject", {{"reference", "Patient/" + patient}}},
                            {"location", {place(ward, "wa"), place(bed, "bd")}}}}}
        .dump();
}

inline bool openRowCluster(TestCluster &cluster, const QString &clients)
{
    QFETCH(QString, cluster_kind);
    if (!openClusterOrSkip(cluster, cluster_kind))
        return false;
    qInfo().noquote() << QTest::currentTestFunction() << "row" << cluster_kind << "ran on the"
                      << cluster.description() << "- clients:" << clients;
    return true;
}

} // namespace ClusterTesting
