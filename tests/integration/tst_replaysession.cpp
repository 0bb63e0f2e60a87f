// Replays against the embedded cluster and the real broker ("embedded" and "real" rows): what-if counts
// against a hand-computed expectation with no alerts and no offsets committed, timestamp and offset
// seeks, re-publish preserving keys, headers and timestamps exactly once, dead-letter redrive, cancel
// mid-run, and export.
#include "clustertesting.h"
#include "jobs/replaysession.h"
#include "clinical/thresholdset.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>

using namespace ClusterTesting;

namespace {

const char *liveJson = "{\"name\":\"Live\",\"version\":1,\"rules\":[{\"loinc\":[\"2823-3\",\"6298-4\"],\"display\":\"Potassium\",\"unit\":\"mmol/L\",\"low\":2.8,\"high\":6.2}]}";
const char *candidateJson = "{\"name\":\"Live\",\"version\":2,\"rules\":[{\"loinc\":[\"2823-3\",\"6298-4\"],\"display\":\"Potassium\",\"unit\":\"mmol/L\",\"low\":2.8,\"high\":5.5}]}";

constexpr qint64 T0 = 1'795'000'000'000;

std::string potassium(int n, double value)
{
    return "{\"resourceType\":\"Observation\",\"id\":\"obs-" + std::to_string(n)
           + "\",\"status\":\"final\",\"subject\":{\"reference\":\"Patient/pat-" + std::to_string(n % 17)
           + "\"},\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"2823-3\"}]},\"issued\":\"2026-11-18T10:00:00Z\",\"valueQuantity\":{\"value\":"
           + std::to_string(value) + ",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mmol/L\"}}";
}

void addRows()
{
    QTest::addColumn<QString>("cluster_kind");
    QTest::newRow("embedded") << QStringLiteral("embedded");
    QTest::newRow("real") << QStringLiteral("real");
}

QString topicName(const char *what)
{
    return QStringLiteral("vigil.test.replay.%1.%2").arg(QLatin1String(what), runId());
}

ReplayResult runReplay(const TestCluster &cluster, const ReplayRequest &request, QList<ReplayProgress> *progress = nullptr)
{
    KafkaReplayControl control(cluster.config());
    QSignalSpy finished(&control, &ReplayControl::finished);
    QList<ReplayProgress> seen;
    QObject context;
    QObject::connect(&control, &ReplayControl::progressed, &context, [&](const ReplayProgress &p) { seen.append(p); });
    control.start(request);
    if (!finished.wait(90'000) && finished.isEmpty()) {
        ReplayResult timedOut;
        timedOut.status = ReplayResult::Status::Failed;
        timedOut.message = QStringLiteral("no result within 90 s");
        return timedOut;
    }
    if (progress)
        *progress = seen;
    return finished.first().first().value<ReplayResult>();
}

ReplayRequest rangeOf(const QString &topic)
{
    ReplayRequest request;
    request.range.topics = {topic};
    return request;
}

// The committed offsets of `group` for the topic's partitions; -1001 (none) where nothing was committed.
QList<qint64> committed(const TestCluster &cluster, const QString &group, const QString &topic, int partitions)
{
    ClientConfig config = cluster.config();
    config.set("group.id", group);
    Consumer consumer(config);
    RdPartitionListPtr list(rd_kafka_topic_partition_list_new(partitions));
    for (int p = 0; p < partitions; ++p)
        rd_kafka_topic_partition_list_add(list.get(), topic.toUtf8().constData(), p);
    throwIfError(rd_kafka_committed(consumer.handle(), list.get(), 10'000), "committed");
    QList<qint64> offsets;
    for (int i = 0; i < list->cnt; ++i)
        offsets.append(list->elems[i].offset);
    return offsets;
}


} // namespace

class TestReplaySession final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void whatIfCountsWithoutSideEffects_data() { addRows(); }
    void whatIfCountsWithoutSideEffects()
    {
        TestCluster cluster;
        if (!openRowCluster(cluster, "KafkaReplayControl what-if, Producer"))
            return;
        const QString topic = topicName("whatif");
        cluster.createTopic(topic, 3);
        // 60 potassium results: value cycles 4.0, 5.8, 6.5, 2.0, 3.0 (12 of each) plus 3 records no rule
        // applies to. Live 2.8-6.2, candidate 2.8-5.5. Per cycle: live critical 2 (6.5 high, 2.0 low),
        // candidate critical 3 (5.8 high too): 24 live, 36 candidate, 12 appear, none vanish.
        const double values[] = {4.0, 5.8, 6.5, 2.0, 3.0};
        Producer producer(producerConfig(cluster));
        for (int n = 0; n < 60; ++n)
            producer.produce(topic.toStdString(), "pat-" + std::to_string(n % 17), potassium(n, values[n % 5]), {}, T0 + n * 60'000);
        for (int n = 0; n < 3; ++n)
            producer.produce(topic.toStdString(), "pat-x", "{\"resourceType\":\"Patient\",\"id\":\"pat-x\"}");
        QCOMPARE(producer.flush(10'000), 0);

        const QStringList outputs = {"healthcare.alerts.critical", "healthcare.labs.processed", "healthcare.dlq"};
        const Offsets before = highWatermarks(producer.handle(), outputs);

        ReplayRequest request = rangeOf(topic);
        request.mode = ReplayMode::WhatIf;
        request.live = ThresholdSet::fromJson(liveJson);
        request.candidate = ThresholdSet::fromJson(candidateJson);
        QList<ReplayProgress> progress;
        const ReplayResult result = runReplay(cluster, request, &progress);
        QVERIFY2(result.status == ReplayResult::Status::Completed, qPrintable(result.message));
        QCOMPARE(result.progress.records, 63);
        QVERIFY(result.progress.bytes > 63 * 100);
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().records, 63);

        const WhatIfComparison &c = result.comparison;
        QCOMPARE(c.records(), 63);
        QCOMPARE(c.evaluated(), 60);
        QCOMPARE(c.liveAlerts(), 24);
        QCOMPARE(c.candidateAlerts(), 36);
        QCOMPARE(c.added(), 12);
        QCOMPARE(c.removed(), 0);
        QCOMPARE(c.rules().size(), 1);
        QCOMPARE(c.rules()[0].liveCriticalHigh, 12);
        QCOMPARE(c.rules()[0].candidateCriticalHigh, 24);
        QCOMPARE(c.rules()[0].liveCriticalLow, 12);
        QCOMPARE(c.changes().size(), 12);
        for (const WhatIfChange &change : c.changes())
            QCOMPARE(change.value, 5.8);
        qint64 hourly = 0;
        for (const auto &hour : c.alertsPerHour())
            hourly += hour.candidate;
        QCOMPARE(hourly, 36);

        // No side effects: nothing written to the evaluator's outputs, no offsets for the replay's group.
        QCOMPARE(highWatermarks(producer.handle(), outputs), before);
        QVERIFY(result.groupId.startsWith("vigil-replay-"));
        for (const qint64 offset : committed(cluster, result.groupId, topic, 3))
            QCOMPARE(offset, qint64(RD_KAFKA_OFFSET_INVALID));
    }

    void seeksByTimestampAndOffset_data() { addRows(); }
    void seeksByTimestampAndOffset()
    {
        TestCluster cluster;
        if (!openRowCluster(cluster, "KafkaReplayControl export, Producer"))
            return;
        const QString topic = topicName("seek");
        cluster.createTopic(topic, 1);
        Producer producer(producerConfig(cluster));
        for (int n = 0; n < 20; ++n)
            producer.produce(topic.toStdString(), "k" + std::to_string(n), potassium(n, 4.0), {}, T0 + n * 1000);
        QCOMPARE(producer.flush(10'000), 0);
        QTemporaryDir dir;

        ReplayResult result;
        auto exportRange = [&](ReplayBound from, ReplayBound to) {
            ReplayRequest request = rangeOf(topic);
            request.mode = ReplayMode::Export;
            request.exportFormat = ExportFormat::JsonLines;
            request.exportPath = dir.filePath("seek.jsonl");
            request.range.from = from;
            request.range.to = to;
            result = runReplay(cluster, request);
            QList<qint64> offsets;
            QFile file(request.exportPath);
            if (result.status != ReplayResult::Status::Completed || !file.open(QIODevice::ReadOnly))
                return QList<qint64>{-1};
            for (const QByteArray &line : file.readAll().split('\n')) {
                if (!line.isEmpty())
                    offsets.append(nlohmann::json::parse(line.toStdString())["offset"].get<qint64>());
            }
            return offsets;
        };
        using Kind = ReplayBound::Kind;
        QList<qint64> expected;
        for (qint64 o = 5; o < 15; ++o)
            expected.append(o);
        // [T0 + 5 s, T0 + 15 s): the records stamped 5..14 s.
        QCOMPARE(exportRange({Kind::Timestamp, T0 + 5000}, {Kind::Timestamp, T0 + 15'000}), expected);
        if (cluster.isReal()) {
            // A real broker looks the times up (offsets-for-times): only the range is read, nothing
            // before or after it. The mock answers -1 and is read whole, filtered by time.
            QCOMPARE(result.spans, (QList<ReplaySpan>{{topic, 0, 5, 15}}));
            QCOMPARE(result.progress.records, qint64(10));
        }
        // A time between two records starts at the next one.
        QCOMPARE(exportRange({Kind::Timestamp, T0 + 4500}, {Kind::Offset, 15}), expected);
        QCOMPARE(exportRange({Kind::Offset, 5}, {Kind::Offset, 15}), expected);
        QCOMPARE(exportRange({Kind::Timestamp, T0 + 18'000}, {}), (QList<qint64>{18, 19}));
        QCOMPARE(exportRange({Kind::Timestamp, T0 + 60'000}, {}), QList<qint64>{}); // after the last record
        QCOMPARE(exportRange({}, {Kind::Offset, 2}), (QList<qint64>{0, 1}));
    }

    void republishKeepsKeysHeadersTimestampsExactlyOnce_data() { addRows(); }
    void republishKeepsKeysHeadersTimestampsExactlyOnce()
    {
        TestCluster cluster;
        if (!openRowCluster(cluster, "KafkaReplayControl re-publish (transactional), Producer, read_committed reader"))
            return;
        const QString source = topicName("copy-src");
        const QString target = topicName("copy-dst");
        cluster.createTopic(source, 3);
        cluster.createTopic(target, 2);
        Producer producer(producerConfig(cluster));
        constexpr int Count = 250;
        for (int n = 0; n < Count; ++n)
            producer.produce(source.toStdString(), "key-" + std::to_string(n), potassium(n, 4.0),
                             {{"origin", "test"}, {"n", QByteArray::number(n)}}, T0 + n);
        QCOMPARE(producer.flush(10'000), 0);

        ReplayRequest request = rangeOf(source);
        request.mode = ReplayMode::Republish;
        request.targetTopic = target;
        request.name = "replay-test";

        // Into the source topic: refused unless confirmed.
        ReplayRequest intoSource = request;
        intoSource.targetTopic = source;
        const ReplayResult refused = runReplay(cluster, intoSource);
        QCOMPARE(refused.status, ReplayResult::Status::Failed);
        QVERIFY2(refused.message.contains("Refused"), qPrintable(refused.message));

        // The dry run counts and writes nothing.
        request.dryRun = true;
        const ReplayResult dry = runReplay(cluster, request);
        QVERIFY2(dry.status == ReplayResult::Status::Completed, qPrintable(dry.message));
        QCOMPARE(dry.perTarget.value(target), Count);
        const Offsets empty = highWatermarks(producer.handle(), {target});
        for (const qint64 high : empty)
            QCOMPARE(high, 0);

        // Records that arrive after the dry run are not written: the write replays the counted offsets.
        for (int n = Count; n < Count + 5; ++n)
            producer.produce(source.toStdString(), "key-" + std::to_string(n), potassium(n, 4.0),
                             {{"origin", "test"}, {"n", QByteArray::number(n)}}, T0 + n);
        QCOMPARE(producer.flush(10'000), 0);
        request.dryRun = false;
        request.pinned = dry.spans;
        QCOMPARE(dry.spans.size(), 3);
        const ReplayResult copied = runReplay(cluster, request);
        QVERIFY2(copied.status == ReplayResult::Status::Completed, qPrintable(copied.message));
        QCOMPARE(copied.perTarget.value(target), Count);
        QCOMPARE(copied.progress.written, Count);

        // Kafka 4 writes a committed transaction's markers after the commit returns: read until they are there.
        QList<KafkaRecord> records;
        QTRY_COMPARE_WITH_TIMEOUT((records = readTopic(cluster, target)).size(), Count, 60'000);
        QSet<int> seen;
        for (const KafkaRecord &record : records) {
            const int n = header(record, "n").toInt();
            QVERIFY2(!seen.contains(n), "a record was written twice");
            seen.insert(n);
            QCOMPARE(record.key, QByteArray("key-") + QByteArray::number(n));
            QCOMPARE(record.value, QByteArray::fromStdString(potassium(n, 4.0)));
            QCOMPARE(record.timestampMs, T0 + n);
            QCOMPARE(header(record, "origin"), QByteArray("test"));
            QCOMPARE(header(record, ReplayHeaders::Replay), QByteArray("replay-test"));
            QVERIFY(header(record, ReplayHeaders::Origin).startsWith(source.toUtf8() + '/'));
            QCOMPARE(record.headers.size(), 4);
        }
    }

    void deadLettersAreRedrivenToTheirSourceTopic_data() { addRows(); }
    void deadLettersAreRedrivenToTheirSourceTopic()
    {
        TestCluster cluster;
        if (!openRowCluster(cluster, "KafkaReplayControl redrive (transactional), Producer"))
            return;
        const QString dlq = topicName("dlq");
        const QString original = topicName("dlq-origin");
        cluster.createTopic(dlq, 1);
        cluster.createTopic(original, 2);
        Producer producer(producerConfig(cluster));
        // As EvaluatorJob writes them: the original headers, then vigil.source.* and vigil.dlq.*.
        for (int n = 0; n < 10; ++n)
            producer.produce(dlq.toStdString(), "pat-" + std::to_string(n), "{fixed later " + std::to_string(n) + "}",
                             {{"origin", "ehr"},
                              {"vigil.source.topic", original.toUtf8()},
                              {"vigil.source.partition", "0"},
                              {"vigil.source.offset", QByteArray::number(n)},
                              {"vigil.dlq.reason", "unknown-unit"},
                              {"vigil.dlq.message", "unit furlongs"}},
                             T0 + n);
        producer.produce(dlq.toStdString(), "pat-x", "no source", {{"origin", "ehr"}}, T0 + 99);
        QCOMPARE(producer.flush(10'000), 0);

        ReplayRequest request = rangeOf(dlq);
        request.mode = ReplayMode::Redrive;
        request.dryRun = true;
        const ReplayResult dry = runReplay(cluster, request);
        QVERIFY2(dry.status == ReplayResult::Status::Completed, qPrintable(dry.message));
        QCOMPARE(dry.perTarget.value(original), 10);
        QCOMPARE(dry.skipped.size(), 1);
        QVERIFY(dry.message.contains("vigil.source.topic"));

        request.dryRun = false;
        const ReplayResult redriven = runReplay(cluster, request);
        QVERIFY2(redriven.status == ReplayResult::Status::Completed, qPrintable(redriven.message));
        QCOMPARE(redriven.perTarget.value(original), 10);
        QList<KafkaRecord> records;
        QTRY_COMPARE_WITH_TIMEOUT((records = readTopic(cluster, original)).size(), 10, 60'000);
        for (const KafkaRecord &record : records) {
            QVERIFY(record.value.startsWith("{fixed later "));
            QCOMPARE(header(record, "origin"), QByteArray("ehr"));
            QVERIFY(header(record, "vigil.source.topic").isEmpty());
            QVERIFY(header(record, "vigil.dlq.reason").isEmpty());
            QVERIFY(!header(record, ReplayHeaders::Replay).isEmpty());
            QVERIFY(header(record, ReplayHeaders::Origin).startsWith(dlq.toUtf8()));
            QVERIFY(record.timestampMs >= T0 && record.timestampMs < T0 + 10);
        }
    }

    void cancelStopsMidRun()
    {
        TestCluster cluster;
        bool skip = false;
        QVERIFY(cluster.open("embedded", &skip).isEmpty());
        const QString topic = topicName("cancel");
        cluster.createTopic(topic, 2);
        Producer producer(producerConfig(cluster));
        for (int n = 0; n < 2000; ++n)
            producer.produce(topic.toStdString(), "k", potassium(n, 4.0));
        QCOMPARE(producer.flush(10'000), 0);

        QTemporaryDir dir;
        ReplayRequest request = rangeOf(topic);
        request.mode = ReplayMode::Export;
        request.exportPath = dir.filePath("cancelled.csv");
        request.exportFormat = ExportFormat::Csv;
        request.maxRecordsPerSecond = 100; // slow enough to be cancelled long before the end
        KafkaReplayControl control(cluster.config());
        QSignalSpy progressed(&control, &ReplayControl::progressed);
        QSignalSpy finished(&control, &ReplayControl::finished);
        control.start(request);
        QVERIFY(control.isRunning());
        control.start(request); // one at a time
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.takeFirst().first().value<ReplayResult>().status, ReplayResult::Status::Failed);
        QTRY_VERIFY_WITH_TIMEOUT(!progressed.isEmpty() && progressed.last().first().value<ReplayProgress>().records > 0,
                                 30'000);
        control.cancel();
        QVERIFY(finished.wait(30'000));
        const auto result = finished.first().first().value<ReplayResult>();
        QCOMPARE(result.status, ReplayResult::Status::Cancelled);
        QVERIFY(result.progress.records > 0);
        QVERIFY(result.progress.records < 2000);
        QVERIFY(!control.isRunning());
        QVERIFY(!QFile::exists(request.exportPath)); // a cancelled export leaves no file
    }

    void exportWritesOneRowPerRecord()
    {
        TestCluster cluster;
        bool skip = false;
        QVERIFY(cluster.open("embedded", &skip).isEmpty());
        const QString topic = topicName("export");
        cluster.createTopic(topic, 2);
        Producer producer(producerConfig(cluster));
        for (int n = 0; n < 7; ++n)
            producer.produce(topic.toStdString(), "pat-000" + std::to_string(n), potassium(n, 6.9));
        QCOMPARE(producer.flush(10'000), 0);
        QTemporaryDir dir;
        ReplayRequest request = rangeOf(topic);
        request.mode = ReplayMode::Export;
        request.exportFormat = ExportFormat::Csv;
        request.exportPath = dir.filePath("range.csv");
        const ReplayResult result = runReplay(cluster, request);
        QVERIFY2(result.status == ReplayResult::Status::Completed, qPrintable(result.message));
        QFile file(request.exportPath);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QCOMPARE(lines.size(), 1 + 7 + 1); // header, rows, nothing after the last line break
        QVERIFY(lines[0].startsWith("topic,partition,offset,timestamp,key,"));
        for (int i = 1; i <= 7; ++i) {
            QVERIFY(lines[i].startsWith(topic.toUtf8() + ','));
            QVERIFY(lines[i].contains(",2823-3,"));
            QVERIFY(lines[i].contains(",6.9,mmol/L,"));
            QVERIFY(!lines[i].contains("pat-000")); // masked
        }
    }
};

QTEST_GUILESS_MAIN(TestReplaySession)
#include "tst_replaysession.moc"
