// What-if replay throughput beside kcat reading the same range, in one run on the same records: the
// records/s a ReplaySession (its own consumer, read_committed, no group) evaluates through both the live
// and a candidate threshold set, against `kcat -C -o beginning -e` into wc. Goal: within 2x of kcat.
// On the embedded cluster and, when $VIGIL_REALKAFKA_STATE_DIR/bootstrap (default build/realkafka) names
// one, a real broker. Prints figures; asserts nothing. Not a test.
//
//   build/bin/bench_replay [--records N]
#include "benchsupport.h"
#include "client/clientconfig.h"
#include "local/mockcluster.h"
#include "client/kafkaerror.h"
#include "client/producer.h"
#include "jobs/replaysession.h"
#include "clinical/thresholdset.h"
#include "client/topicmetadata.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QThread>
#include <QTimer>
#include <QUuid>

#include <cstdio>
#include <random>
#include <string>

namespace {

const char *liveJson = "{\"name\":\"Bench\",\"version\":1,\"rules\":["
                       "{\"loinc\":[\"2823-3\",\"6298-4\"],\"display\":\"Potassium\",\"unit\":\"mmol/L\",\"low\":2.8,\"high\":6.2},"
                       "{\"loinc\":[\"2951-2\",\"2947-0\"],\"display\":\"Sodium\",\"unit\":\"mmol/L\",\"low\":120,\"high\":160},"
                       "{\"loinc\":[\"2345-7\",\"2339-0\"],\"display\":\"Glucose\",\"unit\":\"mg/dL\",\"low\":50,\"high\":450}]}";
const char *candidateJson = "{\"name\":\"Bench\",\"version\":2,\"rules\":["
                            "{\"loinc\":[\"2823-3\",\"6298-4\"],\"display\":\"Potassium\",\"unit\":\"mmol/L\",\"low\":2.8,\"high\":5.5},"
                            "{\"loinc\":[\"2951-2\",\"2947-0\"],\"display\":\"Sodium\",\"unit\":\"mmol/L\",\"low\":125,\"high\":155},"
                            "{\"loinc\":[\"2345-7\",\"2339-0\"],\"display\":\"Glucose\",\"unit\":\"mg/dL\",\"low\":50,\"high\":400}]}";

const std::string LoincSystem = "http" "://loinc.org";
const std::string UcumSystem = "http" "://unitsofmeasure.org";

std::string record(int n, std::mt19937 &random)
{
    const BenchAnalyte &analyte = analyteOf(n);
    const std::string number = drawnValue(analyte, random);
    return "{\"event_type\":\"lab_result\",\"resource_type\":\"Observation\",\"resource_id\":\"obs-" + std::to_string(n)
           + "\",\"patient_id\":\"pat-" + std::to_string(n % 5000) + "\",\"timestamp\":\"2026-11-27T10:00:00Z\","
           + "\"fhir_resource\":{\"resourceType\":\"Observation\",\"id\":\"obs-" + std::to_string(n)
           + "\",\"status\":\"final\",\"subject\":{\"reference\":\"Patient/pat-" + std::to_string(n % 5000)
           + "\"},\"code\":{\"coding\":[{\"system\":\"" + LoincSystem + "\",\"code\":\"" + analyte.loinc
           + "\"}]},\"issued\":\"2026-11-27T10:00:00Z\",\"valueQuantity\":{\"value\":" + number + ",\"unit\":\""
           + analyte.unit + "\",\"system\":\"" + UcumSystem + "\",\"code\":\"" + analyte.unit + "\"}}}";
}


struct Rate {
    qint64 records = 0;
    double seconds = 0;
    double perSecond() const { return seconds > 0 ? double(records) / seconds : 0; }
};

Rate kcat(const QString &bootstrap, const QString &topic)
{
    Rate best;
    for (int round = 0; round < 2; ++round) {
        QProcess process;
        QElapsedTimer timer;
        timer.start();
        process.start(QStringLiteral("/bin/bash"),
                      {QStringLiteral("-c"), QStringLiteral("set -o pipefail; kcat -C -b '%1' -t '%2' -o beginning -e -q "
                                                            "-X isolation.level=read_committed | wc -l")
                                                 .arg(bootstrap, topic)});
        if (!process.waitForFinished(180'000) || process.exitCode() != 0) {
            std::printf("    kcat failed: %s\n", process.readAllStandardError().constData());
            return best;
        }
        const Rate rate{QString::fromUtf8(process.readAllStandardOutput()).trimmed().toLongLong(),
                        double(timer.nsecsElapsed()) / 1e9};
        std::printf("    kcat -C -o beginning -e (round %d): %lld records in %.2f s = %.0f records/s\n", round + 1,
                    rate.records, rate.seconds, rate.perSecond());
        if (rate.perSecond() > best.perSecond())
            best = rate;
    }
    return best;
}

Rate whatIf(const ClientConfig &config, const QString &topic)
{
    Rate best;
    for (int round = 0; round < 2; ++round) {
        KafkaReplayControl control(config);
        ReplayRequest request;
        request.range.topics = {topic};
        request.mode = ReplayMode::WhatIf;
        request.live = ThresholdSet::fromJson(liveJson);
        request.candidate = ThresholdSet::fromJson(candidateJson);
        ReplayResult result;
        QEventLoop loop;
        QObject::connect(&control, &ReplayControl::finished, &loop, [&](const ReplayResult &r) {
            result = r;
            loop.quit();
        });
        QElapsedTimer timer;
        timer.start();
        control.start(request);
        QTimer::singleShot(300'000, &loop, &QEventLoop::quit);
        loop.exec();
        const Rate rate{result.progress.records, double(timer.nsecsElapsed()) / 1e9};
        std::printf("    ReplaySession what-if (round %d): %lld records in %.2f s = %.0f records/s; %lld evaluated, "
                    "%lld alerts live, %lld candidate, %lld appear, %lld vanish%s\n",
                    round + 1, rate.records, rate.seconds, rate.perSecond(), result.comparison.evaluated(),
                    result.comparison.liveAlerts(), result.comparison.candidateAlerts(), result.comparison.added(),
                    result.comparison.removed(),
                    result.status == ReplayResult::Status::Completed ? "" : qPrintable(QStringLiteral(" FAILED: ") + result.message));
        if (rate.perSecond() > best.perSecond())
            best = rate;
    }
    return best;
}

qint64 fill(const ClientConfig &base, const QString &topic, int records)
{
    ClientConfig config = base;
    config.set(QStringLiteral("enable.idempotence"), QStringLiteral("true"));
    config.set(QStringLiteral("compression.type"), QStringLiteral("lz4"));
    config.set(QStringLiteral("linger.ms"), QStringLiteral("50"));
    config.set(QStringLiteral("batch.num.messages"), QStringLiteral("10000"));
    Producer producer(config);
    std::mt19937 random(7);
    for (int n = 0; n < records; ++n)
        producer.produce(topic.toStdString(), "pat-" + std::to_string(n % 5000), record(n, random));
    producer.flush(120'000);
    const int partitions = partitionCountOf(producer.handle(), topic.toStdString(), 10'000);
    qint64 stored = 0;
    for (int p = 0; p < partitions; ++p) {
        int64_t low = 0;
        int64_t high = 0;
        if (!rd_kafka_query_watermark_offsets(producer.handle(), topic.toUtf8().constData(), p, &low, &high, 10'000))
            stored += high - low;
    }
    return stored;
}


void compare(const char *cluster, const QString &bootstrap, const QString &topic, qint64 stored)
{
    ClientConfig config;
    config.setBootstrapServers(bootstrap);
    std::printf("\n[%s] %lld records in %s (load average %s)\n", cluster, stored, qPrintable(topic), loadAverage().c_str());
    const Rate raw = kcat(bootstrap, topic);
    const Rate replay = whatIf(config, topic);
    std::printf("  => %s: kcat %.0f records/s, what-if through both sets %.0f records/s = %.2fx kcat's rate "
                "(goal: at least 0.5x)\n",
                cluster, raw.perSecond(), replay.perSecond(), raw.perSecond() > 0 ? replay.perSecond() / raw.perSecond() : 0.0);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int records = 100'000;
    const QStringList args = app.arguments();
    if (const qsizetype i = args.indexOf(QStringLiteral("--records")); i > 0 && i + 1 < args.size())
        records = args[i + 1].toInt();
    std::printf("bench_replay: %d lab results (potassium, sodium, glucose), librdkafka %s\n", records, rd_kafka_version_str());
    const QString topic = QStringLiteral("bench.replay.") + QUuid::createUuid().toString(QUuid::Id128).left(8);
    {
        MockCluster cluster(3);
        cluster.createTopic(topic, 12, 1);
        ClientConfig config;
        config.setBootstrapServers(cluster.bootstrapServers());
        const qint64 stored = fill(config, topic, records);
        compare("embedded", cluster.bootstrapServers(), topic, stored);
    }
    QString stateDir = qEnvironmentVariable("VIGIL_REALKAFKA_STATE_DIR");
    if (stateDir.isEmpty())
        stateDir = QFileInfo(QString::fromUtf8(__FILE__)).absolutePath() + QStringLiteral("/../../build/realkafka");
    QFile bootstrapFile(stateDir + QStringLiteral("/bootstrap"));
    if (!bootstrapFile.open(QIODevice::ReadOnly)) {
        std::printf("\n[real] skipped: no %s/bootstrap (tests/realkafka/start-kafka starts a broker)\n", qPrintable(stateDir));
        return 0;
    }
    const QString bootstrap = QString::fromUtf8(bootstrapFile.readAll()).trimmed();
    ClientConfig config;
    config.setBootstrapServers(bootstrap);
    if (const QString error = createRealTopic(config, topic, 12); !error.isEmpty()) {
        std::printf("\n[real] cannot create %s: %s\n", qPrintable(topic), qPrintable(error));
        return 0;
    }
    compare("real", bootstrap, topic, fill(config, topic, records));
    return 0;
}
