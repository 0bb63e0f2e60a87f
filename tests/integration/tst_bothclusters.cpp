// The same integration tests on both clusters Vigil speaks to: the embedded cluster (librdkafka's
// mock) and a real Apache Kafka broker (the RealKafka ctest fixture). Every test function has one
// row per cluster; the "real" row skips, with the reason, when the fixture started no broker.
//
//   roundTrip          seed envelopes from HospitalSimulator through Vigil's Producer and Consumer:
//                      bytes, keys, timestamps, per-key order within a topic, nothing lost or doubled
//   transactions       read_committed sees a committed transaction and, on a real broker, never an
//                      aborted one; on the embedded cluster the documented limitation (aborted
//                      records are delivered) is asserted, so this fails the day the mock changes
//   groupCommitResume  offsets committed by one consumer are where the next one in the group resumes
//
// The healthcare topics on the real broker are shared with other tests: records are read from the
// high watermarks taken before producing and told apart by a per-run header. Tests that need a
// clean topic create their own, named after the row and a per-run id, as are groups and
// transactional ids.
#include "consumer.h"
#include "embeddedcluster.h"
#include "hospitalsimulator.h"
#include "kafkaerror.h"
#include "producer.h"
#include "topicprovisioner.h"
#include "topics.h"

#include <QUuid>
#include <QtTest>

#include <algorithm>
#include <memory>
#include <vector>

namespace {

using PartitionKey = QPair<QString, int>; // topic, partition
using Offsets = QMap<PartitionKey, qint64>;

constexpr int ReadDeadlineMs = 40'000;

QString describePartition(const PartitionKey &partition)
{
    return partition.first + u'[' + QString::number(partition.second) + u']';
}

QString readStateFile(const char *name)
{
    QFile file(QStringLiteral(VIGIL_REALKAFKA_STATE_DIR "/") + QLatin1String(name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).trimmed();
}

// Unique per test process: names of topics, groups and transactional ids never collide between runs.
const QString &runId()
{
    static const QString id = QUuid::createUuid().toString(QUuid::Id128).left(12);
    return id;
}

RdMetadataPtr clusterMetadata(rd_kafka_t *client)
{
    const rd_kafka_metadata_t *raw = nullptr;
    throwIfError(rd_kafka_metadata(client, 1, nullptr, &raw, 10'000), QStringLiteral("metadata"));
    return RdMetadataPtr(raw);
}

// Waits until the cluster's metadata shows the topic with its partitions (any number when 0), each
// with a leader. Throws.
void waitForTopic(rd_kafka_t *client, const QString &name, int partitions = 0)
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
            m_embedded = std::make_unique<EmbeddedCluster>(3);
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
                    waitForTopic(client.handle(), QString::fromUtf8(spec.name.data(), qsizetype(spec.name.size())));
            } catch (const std::exception &e) {
                return QString::fromUtf8(e.what());
            }
            return QString();
        }();
        if (!provisioningError.isEmpty())
            return QStringLiteral("provisioning the topic layout on %1 failed: %2").arg(m_bootstrap, provisioningError);
        return {};
    }

    bool isReal() const { return !m_embedded; }

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

    ClientConfig config() const
    {
        ClientConfig config;
        config.setBootstrapServers(m_bootstrap);
        return config;
    }

    // A topic of our own, ready for producing and consuming when this returns. Throws.
    void createTopic(const QString &name, int partitions)
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
    std::unique_ptr<EmbeddedCluster> m_embedded;
    QString m_bootstrap;
    QString m_version;
};

// Vigil's producer as the simulator publisher configures it: idempotent, acks=all, lz4.
ClientConfig producerConfig(const TestCluster &cluster, const QString &transactionalId = {})
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

ClientConfig consumerConfig(const TestCluster &cluster, const QString &group, const QString &isolation)
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
Offsets highWatermarks(rd_kafka_t *client, const QStringList &topics)
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

void assignFrom(Consumer &consumer, const Offsets &start)
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
ReadResult readToEnd(Consumer &consumer, const Offsets &ends, int deadlineMs = ReadDeadlineMs)
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

QByteArray header(const KafkaRecord &record, const char *name)
{
    for (const auto &h : record.headers) {
        if (h.name == name)
            return h.value;
    }
    return {};
}

} // namespace

class TestBothClusters final : public QObject {
    Q_OBJECT

    // Opens the row's cluster; false when the test must return (skipped or failed, already said).
    bool openCluster(TestCluster &cluster)
    {
        QFETCH(QString, cluster_kind);
        bool skip = false;
        const QString why = cluster.open(cluster_kind, &skip);
        if (!why.isEmpty()) {
            if (skip)
                QTest::qSkip(qPrintable(why), __FILE__, __LINE__);
            else
                QTest::qFail(qPrintable(why), __FILE__, __LINE__);
            return false;
        }
        qInfo().noquote() << QTest::currentTestFunction() << "row" << cluster_kind << "ran on the"
                          << cluster.description() << "- client librdkafka" << rd_kafka_version_str();
        return true;
    }

    void clusterRows()
    {
        QTest::addColumn<QString>("cluster_kind");
        QTest::newRow("embedded") << QStringLiteral("embedded");
        QTest::newRow("real") << QStringLiteral("real");
    }

    static QString name(const char *what)
    {
        return QStringLiteral("vigil-test-both-%1-%2-%3").arg(QLatin1String(what), QLatin1String(QTest::currentDataTag()), runId());
    }

    void roundTripBody()
    {
        TestCluster cluster;
        if (!openCluster(cluster))
            return;

        // A few thousand seed envelopes, stamped over the last minutes (a real broker's retention and
        // timestamp checks see ordinary, current records).
        constexpr int Steps = 2500;
        constexpr qint64 StepMs = 50;
        HospitalSimulator simulator(20261127);
        std::vector<SimulatedEvent> events;
        const qint64 startMs = QDateTime::currentMSecsSinceEpoch() - Steps * StepMs;
        for (int step = 0; step < Steps; ++step) {
            for (auto &event : simulator.next(startMs + step * StepMs).events)
                events.push_back(std::move(event));
        }
        QStringList topics;
        for (const auto &event : events) {
            if (!topics.contains(QString::fromStdString(event.topic)))
                topics.append(QString::fromStdString(event.topic));
        }
        QVERIFY2(topics.size() >= 3, qPrintable(topics.join(u',')));

        // read_uncommitted: these records are not transactional, and an open transaction of another test
        // on a shared topic would hold a read_committed consumer back from the high watermark.
        Consumer reader(consumerConfig(cluster, name("roundtrip"), "read_uncommitted"));
        const Offsets start = highWatermarks(reader.handle(), topics);

        QElapsedTimer timer;
        timer.start();
        Producer producer(producerConfig(cluster));
        const QByteArray run = runId().toUtf8();
        for (size_t i = 0; i < events.size(); ++i)
            producer.produce(events[i].topic, events[i].key, events[i].value,
                             {{"vigil.test.run", run}, {"vigil.test.index", QByteArray::number(qulonglong(i))}},
                             events[i].timestampMs);
        QCOMPARE(producer.flush(30'000), 0);
        QCOMPARE(producer.deliveries().failed, 0);
        QCOMPARE(producer.deliveries().delivered, qint64(events.size()));
        const qint64 producedMs = timer.elapsed();

        const Offsets ends = highWatermarks(reader.handle(), topics);
        assignFrom(reader, start);
        const ReadResult read = readToEnd(reader, ends);
        QVERIFY(reader.close(10'000));
        QVERIFY2(read.reachedEnd, qPrintable("not read to the end:" + read.missing + "; last error: " + read.lastError));
        qInfo().noquote() << events.size() << "envelopes on" << topics.size() << "topics produced in" << producedMs
                          << "ms, read back in" << timer.elapsed() - producedMs << "ms";

        // Ours, once each, byte for byte, in each key's order within its topic, one partition per key.
        std::vector<int> seen(events.size(), 0);
        QHash<QString, qint64> lastIndexOfKey;   // topic + key -> index of the last record read
        QHash<QString, int> partitionOfKey;      // topic + key -> partition
        int ours = 0;
        for (const auto &record : read.records) {
            if (header(record, "vigil.test.run") != run)
                continue; // another test's record on a shared topic
            ++ours;
            bool ok = false;
            const qulonglong index = header(record, "vigil.test.index").toULongLong(&ok);
            const QString where = describePartition({record.topic, record.partition}) + u'@' + QString::number(record.offset);
            QVERIFY2(ok && index < events.size(), qPrintable("bad index header at " + where));
            const SimulatedEvent &event = events[index];
            QVERIFY2(++seen[index] == 1, qPrintable("delivered twice: event " + QString::number(index) + " at " + where));
            QCOMPARE(record.topic, QString::fromStdString(event.topic));
            QCOMPARE(record.key, QByteArray::fromStdString(event.key));
            QCOMPARE(record.value, QByteArray::fromStdString(event.value));
            QCOMPARE(record.timestampMs, event.timestampMs);
            QVERIFY2(record.offset >= start.value({record.topic, record.partition}), qPrintable(where));

            const QString topicKey = record.topic + u'\n' + QString::fromUtf8(record.key);
            const auto last = lastIndexOfKey.constFind(topicKey);
            QVERIFY2(last == lastIndexOfKey.cend() || *last < qint64(index),
                     qPrintable("out of order for its key at " + where));
            lastIndexOfKey.insert(topicKey, qint64(index));
            const auto partition = partitionOfKey.constFind(topicKey);
            QVERIFY2(partition == partitionOfKey.cend() || *partition == record.partition,
                     qPrintable("one key on two partitions at " + where));
            partitionOfKey.insert(topicKey, record.partition);
        }
        QCOMPARE(ours, int(events.size()));
        qInfo().noquote() << lastIndexOfKey.size() << "(topic, patient) sequences in order;" << read.records.size() - ours
                          << "records of other tests skipped";
    }

    void transactionsBody()
    {
        TestCluster cluster;
        if (!openCluster(cluster))
            return;
        const QString topicName = name("txn");
        const std::string topic = topicName.toStdString();
        cluster.createTopic(topicName, 1); // one partition: reading to its end sees everything before

        constexpr int PerTransaction = 5;
        const auto batch = [&](Producer &producer, const char *label, int first) {
            for (int i = first; i < first + PerTransaction; ++i)
                producer.produce(topic, "pat-txn-1", std::string(label) + '-' + std::to_string(i));
        };
        {
            Producer producer(producerConfig(cluster, name("txn")));
            producer.initTransactions(30'000);
            producer.beginTransaction();
            batch(producer, "committed", 0);
            producer.commitTransaction(30'000);

            producer.beginTransaction();
            batch(producer, "aborted", 0);
            // On the log before the abort: an abort drops records still queued in the client, and the
            // point is what consumers do with aborted records that the broker has.
            QCOMPARE(producer.flush(30'000), 0);
            producer.abortTransaction(30'000);

            producer.beginTransaction();
            batch(producer, "committed", PerTransaction);
            producer.commitTransaction(30'000);
            QCOMPARE(producer.deliveries().failed, 0);
        }

        const auto readAll = [&](const QString &isolation, ReadResult *read) {
            Consumer consumer(consumerConfig(cluster, name("txn-reader"), isolation));
            const Offsets ends = highWatermarks(consumer.handle(), {topicName});
            assignFrom(consumer, {{{topicName, 0}, RD_KAFKA_OFFSET_BEGINNING}});
            *read = readToEnd(consumer, ends);
            QVERIFY(consumer.close(10'000));
            QVERIFY2(read->reachedEnd,
                     qPrintable(isolation + ": not read to the end:" + read->missing + "; last error: " + read->lastError));
        };
        const auto values = [](const ReadResult &read, const char *prefix) {
            QStringList list;
            for (const auto &record : read.records) {
                if (record.value.startsWith(prefix))
                    list.append(QString::fromUtf8(record.value));
            }
            return list;
        };
        QStringList committed;
        for (int i = 0; i < 2 * PerTransaction; ++i)
            committed.append(QStringLiteral("committed-%1").arg(i));

        ReadResult uncommitted;
        readAll("read_uncommitted", &uncommitted);
        if (QTest::currentTestFailed())
            return;
        // The aborted records are on the log: what read_committed does with them is the broker's filtering.
        QCOMPARE(values(uncommitted, "aborted-").size(), PerTransaction);
        QCOMPARE(values(uncommitted, "committed-"), committed);

        ReadResult readCommitted;
        readAll("read_committed", &readCommitted);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(values(readCommitted, "committed-"), committed);
        const QStringList aborted = values(readCommitted, "aborted-");
        if (cluster.isReal()) {
            QVERIFY2(aborted.isEmpty(), qPrintable("a read_committed consumer received records of an aborted "
                                                   "transaction from the real broker: "
                                                   + aborted.join(u',')));
            qInfo("real broker: read_committed received the %d committed records and none of the %d aborted",
                  int(committed.size()), PerTransaction);
        } else {
            // The documented limitation of librdkafka 2.0.2's mock (README, "The embedded cluster").
            QVERIFY2(aborted.size() == PerTransaction,
                     qPrintable(QStringLiteral("the embedded cluster (librdkafka %1 mock) delivered %2 of %3 aborted "
                                               "records to a read_committed consumer; the README and "
                                               "EmbeddedCluster::limitations() say it delivers them all. If it now "
                                               "hides them, update both and this test.")
                                    .arg(QString::fromUtf8(rd_kafka_version_str()))
                                    .arg(aborted.size())
                                    .arg(PerTransaction)));
            qInfo("embedded cluster: read_committed received the %d committed records and, as documented, the %d "
                  "aborted ones too",
                  int(committed.size()), int(aborted.size()));
        }
    }

    void groupCommitResumeBody()
    {
        TestCluster cluster;
        if (!openCluster(cluster))
            return;
        const QString topicName = name("group");
        const std::string topic = topicName.toStdString();
        constexpr int Partitions = 3;
        constexpr int PerPartition = 20;
        constexpr int ReadFirst = 25; // not a multiple of PerPartition: some partition is left half read
        cluster.createTopic(topicName, Partitions);
        {
            Producer producer(producerConfig(cluster));
            for (int i = 0; i < Partitions * PerPartition; ++i)
                producer.produce(topic, "pat-" + std::to_string(i % 7), "record-" + std::to_string(i), {}, 0,
                                 i % Partitions);
            QCOMPARE(producer.flush(30'000), 0);
            QCOMPARE(producer.deliveries().delivered, Partitions * PerPartition);
        }

        const QString group = name("group");
        ClientConfig config = consumerConfig(cluster, group, "read_committed");
        // The least a real broker accepts by default (group.min.session.timeout.ms). The mock keeps a
        // group whose last member left in its joining state for session.timeout.ms - 1 s, so there the
        // second member waits about 5 s to be given its partitions; a real broker assigns at once.
        config.set("session.timeout.ms", "6000");
        QElapsedTimer timer;
        timer.start();

        // The first member reads part of the topic, commits what it read, and leaves.
        QList<KafkaRecord> firstRecords;
        Offsets committed;
        {
            Consumer first(config);
            first.subscribe({topicName});
            QDeadlineTimer deadline(ReadDeadlineMs);
            while (firstRecords.size() < ReadFirst && !deadline.hasExpired()) {
                RdMessagePtr message = first.poll(100);
                if (message && !message->err)
                    firstRecords.append(Consumer::toRecord(*message));
            }
            QCOMPARE(firstRecords.size(), ReadFirst);
            for (const auto &record : firstRecords)
                committed[{record.topic, record.partition}] = qMax(committed.value({record.topic, record.partition}),
                                                                   record.offset + 1);
            RdPartitionListPtr list(rd_kafka_topic_partition_list_new(int(committed.size())));
            for (auto it = committed.begin(); it != committed.end(); ++it)
                rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), it.key().second)->offset = it.value();
            QCOMPARE(rd_kafka_commit(first.handle(), list.get(), 0), RD_KAFKA_RESP_ERR_NO_ERROR);
            for (int i = 0; i < list->cnt; ++i)
                QCOMPARE(list->elems[i].err, RD_KAFKA_RESP_ERR_NO_ERROR);
            QVERIFY(first.close(15'000));
        }
        const qint64 firstMs = timer.restart();
        const bool someHalfRead = std::any_of(committed.cbegin(), committed.cend(),
                                              [](qint64 offset) { return offset > 0 && offset < PerPartition; });
        QVERIFY(someHalfRead);

        // A new member of the same group: the group's committed offsets are there, and it resumes at them.
        Consumer second(config);
        {
            RdPartitionListPtr list(rd_kafka_topic_partition_list_new(Partitions));
            for (int p = 0; p < Partitions; ++p)
                rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p);
            QCOMPARE(rd_kafka_committed(second.handle(), list.get(), 10'000), RD_KAFKA_RESP_ERR_NO_ERROR);
            for (int i = 0; i < list->cnt; ++i) {
                const PartitionKey key{topicName, list->elems[i].partition};
                QCOMPARE(list->elems[i].offset, committed.value(key, RD_KAFKA_OFFSET_INVALID));
            }
        }
        second.subscribe({topicName});
        const Offsets ends = highWatermarks(second.handle(), {topicName});
        const ReadResult rest = readToEnd(second, ends);
        QVERIFY(second.close(15'000));
        QVERIFY2(rest.reachedEnd, qPrintable("not read to the end:" + rest.missing + "; last error: " + rest.lastError));

        QMap<int, qint64> firstOffsetOfSecond;
        QMap<int, QSet<qint64>> offsets; // partition -> offsets read by either member
        for (const auto &record : firstRecords)
            offsets[record.partition].insert(record.offset);
        for (const auto &record : rest.records) {
            if (!firstOffsetOfSecond.contains(record.partition))
                firstOffsetOfSecond.insert(record.partition, record.offset);
            QVERIFY2(!offsets[record.partition].contains(record.offset),
                     qPrintable(QStringLiteral("partition %1 offset %2 read again after the commit")
                                    .arg(record.partition)
                                    .arg(record.offset)));
            offsets[record.partition].insert(record.offset);
        }
        for (int p = 0; p < Partitions; ++p) {
            const qint64 resumeAt = committed.value({topicName, p}, 0); // uncommitted: auto.offset.reset=earliest
            if (resumeAt < PerPartition)
                QCOMPARE(firstOffsetOfSecond.value(p, -1), resumeAt);
            else
                QVERIFY(!firstOffsetOfSecond.contains(p));
            QCOMPARE(offsets[p].size(), PerPartition);
        }
        QCOMPARE(firstRecords.size() + rest.records.size(), Partitions * PerPartition);
        QStringList resumed;
        for (auto it = committed.cbegin(); it != committed.cend(); ++it)
            resumed.append(QStringLiteral("p%1@%2").arg(it.key().second).arg(it.value()));
        qInfo().noquote() << "first member read" << ReadFirst << "records and committed" << resumed.join(u' ') << "in"
                          << firstMs << "ms; the second resumed there and read" << rest.records.size() << "in"
                          << timer.elapsed() << "ms";
    }

    // Qt Test does not survive an exception leaving a test function: turn it into a failure.
    template <typename Body>
    static void guarded(Body body)
    {
        try {
            body();
        } catch (const std::exception &e) {
            QTest::qFail(e.what(), __FILE__, __LINE__);
        }
    }

private Q_SLOTS:
    void roundTrip_data() { clusterRows(); }
    void roundTrip() { guarded([this] { roundTripBody(); }); }
    void transactions_data() { clusterRows(); }
    void transactions() { guarded([this] { transactionsBody(); }); }
    void groupCommitResume_data() { clusterRows(); }
    void groupCommitResume() { guarded([this] { groupCommitResumeBody(); }); }
};

QTEST_GUILESS_MAIN(TestBothClusters)
#include "tst_bothclusters.moc"
