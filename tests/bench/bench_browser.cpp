// The message browser on one partition of 1,000,000 lab results, beside kcat doing the same in the same
// run: opening it, jumping to its middle offset, its end (end-200) and a timestamp in the middle, each a
// page of 200 from the request to the page on the GUI thread (kcat: `-o <offset> -c 200 -e`, process
// start included); and a case-insensitive text filter for a rare patient id over the whole partition
// (kcat: `-o beginning -e | grep -ciF`), time and MB/s. Then the GUI event loop's lateness (a 10 ms
// precise timer) while a ClusterInspector refreshes 50 lagging consumer groups every second into a shown
// ConsumerLagView (and, as the console wires them, the topic, message and cluster health views), beside
// the same views with no inspector, with the CPU each uses. On the embedded cluster (which keeps only the
// last ~5 MB of a partition: the figures say how many records it held) and, when
// $VIGIL_REALKAFKA_STATE_DIR/bootstrap (default build/realkafka) names one, a real broker, whose topic and
// groups are deleted at the end. Prints figures; asserts nothing. Not a test.
//
//   QT_QPA_PLATFORM=offscreen build/bin/bench_browser [--records N] [--lag-seconds S]
#include "benchsupport.h"
#include "clusterhealthview.h"
#include "jobs/clusterinspector.h"
#include "client/consumer.h"
#include "consumerlagview.h"
#include "local/mockcluster.h"
#include "client/kafkaerror.h"
#include "jobs/messagebrowser.h"
#include "messagebrowserview.h"
#include "client/producer.h"
#include "topicbrowser.h"
#include "client/topicmetadata.h"
#include "client/workerthread.h"

#include <QApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QProcess>
#include <QSet>
#include <QThread>
#include <QTimer>
#include <QUuid>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr int PageSize = 200;
constexpr int SeekRounds = 3;
constexpr int FilterRounds = 2;
constexpr qint64 RecordSpacingMs = 10;   // record n is stamped first + n * 10 ms
constexpr int NeedleEvery = 100'000;     // one record in this many belongs to the rare patient
const QString RarePatient = QStringLiteral("pat-90210"); // the others are pat-0 .. pat-4999
constexpr int LagGroups = 50;
constexpr int LagRefreshMs = 1000;
constexpr int TickMs = 10;

const std::string LoincSystem = "http" "://loinc.org";
const std::string UcumSystem = "http" "://unitsofmeasure.org";

std::string isoTime(qint64 ms)
{
    const std::time_t seconds = std::time_t(ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

std::string patientOf(int n)
{
    return n % NeedleEvery == NeedleEvery / 2 ? RarePatient.toStdString() : "pat-" + std::to_string(n % 5000);
}

// About 530 bytes of FHIR-looking JSON, like the feed's lab results.
std::string observation(int n, qint64 timestampMs, std::mt19937 &random)
{
    const BenchAnalyte &analyte = analyteOf(n);
    const std::string number = drawnValue(analyte, random);
    const std::string id = "obs-" + std::to_string(n);
    const std::string patient = patientOf(n);
    const std::string when = isoTime(timestampMs);
    return "{\"event_type\":\"lab_result\",\"resource_type\":\"Observation\",\"resource_id\":\"" + id + "\",\"patient_id\":\""
           + patient + "\",\"timestamp\":\"" + when + "\",\"fhir_resource\":{\"resourceType\":\"Observation\",\"id\":\"" + id
           + "\",\"status\":\"final\",\"subject\":{\"reference\":\"Patient/" + patient + "\"},\"code\":{\"coding\":[{\"system\":\""
           + LoincSystem + "\",\"code\":\"" + analyte.loinc + "\",\"display\":\"" + analyte.display + "\"}]},\"issued\":\"" + when
           + "\",\"valueQuantity\":{\"value\":" + number + ",\"unit\":\"" + analyte.unit + "\",\"system\":\"" + UcumSystem
           + "\",\"code\":\"" + analyte.unit + "\"}}}";
}


// CPU seconds (user and system) of this process (RUSAGE_SELF) or of its waited-for children (RUSAGE_CHILDREN).
double cpuSeconds(int who)
{
    rusage usage{};
    getrusage(who, &usage);
    const auto seconds = [](const timeval &t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double ratio(double vigil, double peer)
{
    return vigil > 0 && peer > 0 ? vigil / peer : 0.0;
}

// ---- The partition ---------------------------------------------------------------------------------

struct Partition {
    QString bootstrap;
    QString topic;
    qint64 low = 0;
    qint64 high = 0;
    qint64 firstTimestampMs = 0;
    qint64 bytes = 0;          // keys and values of the records kept, as the filter counts them
    qint64 rareRecords = 0;    // kept records of the rare patient

    qint64 count() const { return high - low; }
    qint64 middle() const { return low + count() / 2; }
    // A fresh topic: record n is at offset n.
    qint64 timestampOf(qint64 offset) const { return firstTimestampMs + offset * RecordSpacingMs; }
};

ClientConfig configFor(const QString &bootstrap)
{
    ClientConfig config;
    config.setBootstrapServers(bootstrap);
    return config;
}

// One partition, records stamped 10 ms apart ending a minute ago, lz4 batches of up to 10,000.
Partition fill(const QString &bootstrap, const QString &topic, int records)
{
    ClientConfig config = configFor(bootstrap);
    config.set(QStringLiteral("compression.type"), QStringLiteral("lz4"));
    config.set(QStringLiteral("linger.ms"), QStringLiteral("100"));
    config.set(QStringLiteral("batch.num.messages"), QStringLiteral("10000"));
    Partition partition;
    partition.bootstrap = bootstrap;
    partition.topic = topic;
    partition.firstTimestampMs = QDateTime::currentMSecsSinceEpoch() - 60'000 - qint64(records) * RecordSpacingMs;
    Producer producer(config);
    std::mt19937 random(7);
    const std::string name = topic.toStdString();
    std::vector<qint64> sizes; // by offset
    sizes.reserve(size_t(records));
    QElapsedTimer timer;
    timer.start();
    for (int n = 0; n < records; ++n) {
        const std::string key = patientOf(n);
        const std::string value = observation(n, partition.timestampOf(n), random);
        producer.produce(name, key, value, {}, partition.timestampOf(n), 0);
        sizes.push_back(qint64(key.size() + value.size()));
    }
    const int unsent = producer.flush(300'000);
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    int64_t low = 0;
    int64_t high = 0;
    queryWatermarks(producer.handle(), name.c_str(), 0, &low, &high, 10'000);
    partition.low = low;
    partition.high = high;
    for (qint64 offset = qMax<qint64>(0, low); offset < qMin<qint64>(high, records); ++offset) {
        partition.bytes += sizes[size_t(offset)];
        partition.rareRecords += offset % NeedleEvery == NeedleEvery / 2 ? 1 : 0;
    }
    std::printf("  produced %d records (%.0f MB of keys and values, lz4) in %.1f s = %.0f records/s; %d unsent, %lld failed; "
                "watermarks %lld..%lld\n",
                records, double(std::accumulate(sizes.begin(), sizes.end(), qint64(0))) / 1e6, seconds, records / seconds, unsent,
                producer.deliveries().failed, partition.low, partition.high);
    if (partition.count() < records)
        std::printf("  the cluster keeps only %lld of the %d records (%.0f MB), from offset %lld; the figures below are for those\n",
                    partition.count(), records, double(partition.bytes) / 1e6, partition.low);
    return partition;
}


// ---- Seeks and filters: Vigil's message browser and kcat --------------------------------------------

struct PageRun {
    double ms = -1;
    qint64 records = 0;
    qint64 firstOffset = -1;
    QString error;
};

struct Seek {
    QString what;
    qint64 expectedFirst = -1;
    BrowseRequest request;
    QString kcatOffset; // kcat's -o
    PageRun vigil;      // the median round
    PageRun kcat;
};

PageRun medianRun(std::vector<PageRun> runs)
{
    std::sort(runs.begin(), runs.end(), [](const PageRun &a, const PageRun &b) { return a.ms < b.ms; });
    return runs.empty() ? PageRun{} : runs[runs.size() / 2];
}

PageRun browse(MessageBrowser *browser, quint64 requestId, const BrowseRequest &request)
{
    PageRun run;
    QEventLoop loop;
    QElapsedTimer timer;
    QObject::connect(browser, &MessageBrowser::pageReady, &loop, [&](const BrowsePage &page) {
        if (page.requestId != requestId)
            return;
        run.ms = double(timer.nsecsElapsed()) / 1e6;
        run.records = page.messages.size();
        run.firstOffset = page.messages.isEmpty() ? -1 : page.messages.first().record.offset;
        run.error = page.error;
        loop.quit();
    });
    timer.start();
    QMetaObject::invokeMethod(browser, [browser, requestId, request] { browser->browse(requestId, request); }, Qt::QueuedConnection);
    QTimer::singleShot(120'000, &loop, &QEventLoop::quit);
    loop.exec();
    if (run.ms < 0)
        run.error = QStringLiteral("no page within 120 s");
    return run;
}

PageRun kcatPage(const Partition &partition, const QString &offset)
{
    PageRun run;
    QProcess process;
    QElapsedTimer timer;
    timer.start();
    process.start(QStringLiteral("kcat"), {QStringLiteral("-C"), QStringLiteral("-b"), partition.bootstrap, QStringLiteral("-t"),
                                           partition.topic, QStringLiteral("-p"), QStringLiteral("0"), QStringLiteral("-o"), offset,
                                           QStringLiteral("-c"), QString::number(PageSize), QStringLiteral("-e"), QStringLiteral("-q"),
                                           QStringLiteral("-f"), QStringLiteral("%o\\n")});
    if (!process.waitForFinished(120'000)) {
        run.error = QStringLiteral("kcat did not finish");
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.ms = double(timer.nsecsElapsed()) / 1e6;
    const QList<QByteArray> lines = process.readAllStandardOutput().split('\n');
    for (const QByteArray &line : lines) {
        if (line.isEmpty())
            continue;
        if (run.records++ == 0)
            run.firstOffset = line.toLongLong();
    }
    if (process.exitCode() != 0 || run.records == 0)
        run.error = QString::fromUtf8(process.readAllStandardError()).simplified();
    return run;
}

QString describe(const PageRun &run)
{
    QString text = QStringLiteral("%1 ms, %2 records from offset %3").arg(run.ms, 0, 'f', 1).arg(run.records).arg(run.firstOffset);
    if (!run.error.isEmpty())
        text += QStringLiteral(" (%1)").arg(run.error);
    return text;
}

QList<Seek> seeksOf(const Partition &partition)
{
    BrowseRequest base;
    base.topic = partition.topic;
    base.partitions = {0};
    base.pageSize = PageSize;
    QList<Seek> seeks;
    Seek beginning{QStringLiteral("open at beginning"), partition.low, base, QStringLiteral("beginning"), {}, {}};
    Seek middle{QStringLiteral("jump to middle offset %1").arg(partition.middle()), partition.middle(), base,
                QString::number(partition.middle()), {}, {}};
    middle.request.start = BrowseRequest::Start::Offset;
    middle.request.offset = partition.middle();
    Seek end{QStringLiteral("jump to end (end-%1)").arg(PageSize), qMax(partition.low, partition.high - PageSize), base,
             QString::number(-PageSize), {}, {}};
    end.request.start = BrowseRequest::Start::EndMinusN;
    end.request.offset = PageSize;
    // Half a spacing before the middle record: its offset is the first at or after this time.
    const qint64 when = partition.timestampOf(partition.middle()) - RecordSpacingMs / 2;
    Seek timestamp{QStringLiteral("jump to timestamp (middle record's - 5 ms)"), partition.middle(), base,
                   QStringLiteral("s@%1").arg(when), {}, {}};
    timestamp.request.start = BrowseRequest::Start::Timestamp;
    timestamp.request.timestampMs = when;
    return {beginning, middle, end, timestamp};
}

// Each seek SeekRounds times in the browser, then with kcat; the median round of each.
void runSeeks(MessageBrowser *browser, const Partition &partition, QList<Seek> &seeks, quint64 &requestId)
{
    for (Seek &seek : seeks) {
        std::vector<PageRun> vigil;
        std::vector<PageRun> kcat;
        for (int round = 0; round < SeekRounds; ++round) {
            vigil.push_back(browse(browser, ++requestId, seek.request));
            std::printf("    %-44s MessageBrowser round %d: %s\n", qPrintable(seek.what), round + 1, qPrintable(describe(vigil.back())));
        }
        for (int round = 0; round < SeekRounds; ++round) {
            kcat.push_back(kcatPage(partition, seek.kcatOffset));
            std::printf("    %-44s kcat -o %s round %d: %s\n", qPrintable(seek.what), qPrintable(seek.kcatOffset), round + 1,
                        qPrintable(describe(kcat.back())));
        }
        seek.vigil = medianRun(vigil);
        seek.kcat = medianRun(kcat);
    }
}

struct FilterRun {
    double seconds = -1;
    qint64 scannedMessages = 0;
    qint64 scannedBytes = 0;
    qint64 matches = 0;
    int progressReports = 0;
    double cpuSeconds = 0; // Vigil: this process (with the embedded cluster's brokers); kcat: kcat, grep and bash
    QString outcome; // "done", "byte cap", "cancelled", an error
    double megabytesPerSecond() const { return seconds > 0 ? double(scannedBytes) / 1e6 / seconds : 0; }
};

FilterRun filter(MessageBrowser *browser, quint64 requestId, const FilterRequest &request)
{
    FilterRun run;
    QEventLoop loop;
    QElapsedTimer timer;
    const double cpuBefore = cpuSeconds(RUSAGE_SELF);
    QObject::connect(browser, &MessageBrowser::filterProgress, &loop, [&](const FilterProgress &progress) {
        if (progress.requestId != requestId)
            return;
        ++run.progressReports;
        run.matches += progress.matches.size();
        if (!progress.finished)
            return;
        run.seconds = double(timer.nsecsElapsed()) / 1e9;
        run.cpuSeconds = cpuSeconds(RUSAGE_SELF) - cpuBefore;
        run.scannedMessages = progress.scannedMessages;
        run.scannedBytes = progress.scannedBytes;
        run.outcome = !progress.error.isEmpty() ? progress.error
                      : progress.byteCapReached ? QStringLiteral("byte cap reached")
                      : progress.cancelled      ? QStringLiteral("cancelled")
                                                : QStringLiteral("done");
        loop.quit();
    });
    timer.start();
    QMetaObject::invokeMethod(browser, [browser, requestId, request] { browser->filter(requestId, request); }, Qt::QueuedConnection);
    QTimer::singleShot(900'000, &loop, &QEventLoop::quit);
    loop.exec();
    if (run.seconds < 0)
        run.outcome = QStringLiteral("not finished within 900 s");
    return run;
}

FilterRun kcatGrep(const Partition &partition)
{
    FilterRun run;
    QProcess process;
    QElapsedTimer timer;
    const double cpuBefore = cpuSeconds(RUSAGE_CHILDREN);
    timer.start();
    process.start(QStringLiteral("/bin/bash"),
                  {QStringLiteral("-c"), QStringLiteral("set -o pipefail; kcat -C -b '%1' -t '%2' -p 0 -o beginning -e -q | grep -ciF '%3'")
                                             .arg(partition.bootstrap, partition.topic, RarePatient)});
    // grep -c exits 1 when nothing matched; anything above that is a failure.
    if (!process.waitForFinished(900'000) || process.exitCode() > 1) {
        run.outcome = QStringLiteral("kcat | grep failed: ") + QString::fromUtf8(process.readAllStandardError()).trimmed();
        return run;
    }
    run.seconds = double(timer.nsecsElapsed()) / 1e9;
    run.cpuSeconds = cpuSeconds(RUSAGE_CHILDREN) - cpuBefore;
    run.matches = QString::fromUtf8(process.readAllStandardOutput()).trimmed().toLongLong();
    run.scannedMessages = partition.count();
    run.scannedBytes = partition.bytes;
    run.outcome = QStringLiteral("done");
    return run;
}

struct FilterComparison {
    FilterRun vigil; // the fastest round
    FilterRun kcat;
};

FilterComparison runFilters(MessageBrowser *browser, const Partition &partition, quint64 &requestId)
{
    FilterRequest request;
    request.topic = partition.topic;
    request.partitions = {0};
    request.text = RarePatient.toUpper(); // case-insensitive, as typed in the console
    // The console's default cap (512 MiB) may stop short of the whole partition; this asks for all of it.
    request.maxBytes = std::numeric_limits<qint64>::max();
    FilterComparison best;
    for (int round = 0; round < FilterRounds; ++round) {
        const FilterRun run = filter(browser, ++requestId, request);
        std::printf("    filter \"%s\" MessageBrowser round %d: %s, %lld messages, %.0f MB in %.2f s = %.1f MB/s, %lld matches, "
                    "%d progress reports; %.2f CPU s in this process\n",
                    qPrintable(request.text), round + 1, qPrintable(run.outcome), run.scannedMessages, double(run.scannedBytes) / 1e6,
                    run.seconds, run.megabytesPerSecond(), run.matches, run.progressReports, run.cpuSeconds);
        if (best.vigil.seconds < 0 || (run.seconds > 0 && run.seconds < best.vigil.seconds))
            best.vigil = run;
    }
    for (int round = 0; round < FilterRounds; ++round) {
        const FilterRun run = kcatGrep(partition);
        std::printf("    kcat -o beginning -e | grep -ciF round %d: %s, %.0f MB in %.2f s = %.1f MB/s, %lld matches; %.2f CPU s in kcat, "
                    "grep and bash\n", round + 1, qPrintable(run.outcome), double(run.scannedBytes) / 1e6, run.seconds,
                    run.megabytesPerSecond(), run.matches, run.cpuSeconds);
        if (best.kcat.seconds < 0 || (run.seconds > 0 && run.seconds < best.kcat.seconds))
            best.kcat = run;
    }
    return best;
}

// ---- The lag view: GUI event-loop lateness -------------------------------------------------------------

struct Lateness {
    std::vector<double> ms; // how late each 10 ms timeout fired
    double cores = 0;       // this process's CPU over the window, in cores (the embedded cluster's brokers included)
    double at(double quantile) const
    {
        if (ms.empty())
            return -1;
        std::vector<double> sorted = ms;
        std::sort(sorted.begin(), sorted.end());
        return sorted[std::min(sorted.size() - 1, size_t(quantile * double(sorted.size())))];
    }
    double max() const { return ms.empty() ? -1 : *std::max_element(ms.begin(), ms.end()); }
    int over(double limitMs) const { return int(std::count_if(ms.begin(), ms.end(), [=](double m) { return m > limitMs; })); }
};

// Re-arms a 10 ms precise single-shot timer for `seconds`, noting how late each one fires.
Lateness measureLateness(int seconds)
{
    Lateness lateness;
    QEventLoop loop;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setSingleShot(true);
    tick.setInterval(TickMs);
    QElapsedTimer armed;
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        lateness.ms.push_back(double(armed.nsecsElapsed()) / 1e6 - TickMs);
        armed.start();
        tick.start();
    });
    const double cpuBefore = cpuSeconds(RUSAGE_SELF);
    armed.start();
    tick.start();
    QTimer::singleShot(seconds * 1000, &loop, &QEventLoop::quit);
    loop.exec();
    lateness.cores = (cpuSeconds(RUSAGE_SELF) - cpuBefore) / seconds;
    return lateness;
}

// The console's views that ClusterInspector::snapshotReady feeds (app/console.cpp); the lag view is shown.
struct ConsoleViews {
    ConsumerLagView lag;
    TopicBrowser topics;
    MessageBrowserView messages;
    ClusterHealthView health;
    std::vector<double> showMs; // GUI time to hand each snapshot to the four views

    ConsoleViews()
    {
        lag.resize(1280, 800);
        lag.show();
    }
    void show(const ClusterSnapshot &snapshot)
    {
        QElapsedTimer timer;
        timer.start();
        topics.showSnapshot(snapshot);
        messages.showSnapshot(snapshot);
        lag.showSnapshot(snapshot);
        health.showSnapshot(snapshot);
        showMs.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
};

QStringList groupIds()
{
    const QString run = QUuid::createUuid().toString(QUuid::Id128).left(6);
    QStringList ids;
    for (int i = 0; i < LagGroups; ++i)
        ids.append(QStringLiteral("clinical-bench-%1-%2").arg(run).arg(i, 2, 10, QLatin1Char('0')));
    return ids;
}

// Group i has committed (i+1)/(groups+1) of the partition: every group lags, each at its own offset.
QString commitGroups(const Partition &partition, const QStringList &groups)
{
    const QByteArray topic = partition.topic.toUtf8();
    for (int i = 0; i < groups.size(); ++i) {
        ClientConfig config = configFor(partition.bootstrap);
        config.set(QStringLiteral("group.id"), groups[i]);
        config.set(QStringLiteral("enable.auto.commit"), QStringLiteral("false"));
        try {
            Consumer consumer(config);
            RdPartitionListPtr list(rd_kafka_topic_partition_list_new(1));
            rd_kafka_topic_partition_list_add(list.get(), topic.constData(), 0)->offset =
                partition.low + partition.count() * (i + 1) / (groups.size() + 1);
            throwIfError(rd_kafka_commit(consumer.handle(), list.get(), 0), QStringLiteral("commit for %1").arg(groups[i]));
        } catch (const std::exception &error) {
            return QString::fromUtf8(error.what());
        }
    }
    return {};
}

struct LagRun {
    QStringList groups;
    Lateness idle;
    Lateness refreshing;
    int snapshots = 0;
    std::vector<double> refreshMs;
    std::vector<double> showMs;
    ClusterSnapshot last;
    QMap<QString, int> groupErrors; // error -> snapshots with a group showing it (beyond "not supported")
    QString error;
};

void measureLagView(const Partition &partition, int seconds, LagRun &run)
{
    const QStringList groups = groupIds();
    run.groups = groups;
    QElapsedTimer timer;
    timer.start();
    if (const QString error = commitGroups(partition, groups); !error.isEmpty()) {
        run.error = error;
        return;
    }
    std::printf("    committed offsets for %lld groups in %.1f s\n", qint64(groups.size()), double(timer.nsecsElapsed()) / 1e9);

    ConsoleViews views;
    run.idle = measureLateness(seconds);

    InspectorSettings settings;
    settings.config = configFor(partition.bootstrap);
    settings.refreshMs = LagRefreshMs;
    settings.groups = groups;
    auto *inspector = new ClusterInspector(settings);
    bool measuring = false;
    QObject::connect(inspector, &ClusterInspector::snapshotReady, &views.lag, [&](const ClusterSnapshot &snapshot) {
        views.show(snapshot);
        run.last = snapshot;
        if (!measuring)
            return;
        ++run.snapshots;
        run.refreshMs.push_back(double(snapshot.refreshMs));
        run.showMs.push_back(views.showMs.back());
        QSet<QString> errors;
        for (const auto &group : snapshot.groups) {
            if (!group.error.isEmpty() && !group.error.startsWith(notSupportedByThisCluster()))
                errors.insert(group.error);
        }
        for (const auto &error : std::as_const(errors))
            ++run.groupErrors[error];
    });
    QObject::connect(inspector, &KafkaWorker::statisticsUpdated, &views.health, &ClusterHealthView::showClientStatistics);
    QObject::connect(&views.lag, &ConsumerLagView::alertsChanged, &views.health, &ClusterHealthView::showAlerts);
    WorkerThread thread(inspector, QStringLiteral("cluster inspector"));

    // The measure starts once the first snapshot is shown and a group is selected (its partitions and chart).
    QEventLoop first;
    QObject::connect(inspector, &ClusterInspector::snapshotReady, &first, &QEventLoop::quit);
    QTimer::singleShot(60'000, &first, &QEventLoop::quit);
    first.exec();
    views.lag.selectGroup(groups.first());
    measuring = true;
    run.refreshing = measureLateness(seconds);
    measuring = false;
    thread.stop(30'000);
}

QString describe(const char *what, const Lateness &lateness)
{
    return QStringLiteral("  %1 %2 %3 %4 %5 %6 %7")
        .arg(QLatin1String(what), -48)
        .arg(lateness.at(0.5), 8, 'f', 2)
        .arg(lateness.at(0.99), 8, 'f', 2)
        .arg(lateness.max(), 8, 'f', 1)
        .arg(lateness.over(16), 9)
        .arg(lateness.ms.size(), 9)
        .arg(lateness.cores, 9, 'f', 2);
}

double mean(const std::vector<double> &values)
{
    if (values.empty())
        return -1;
    double sum = 0;
    for (double v : values)
        sum += v;
    return sum / double(values.size());
}

void printLagRun(const LagRun &run, const QString &topic, int seconds)
{
    if (!run.error.isEmpty()) {
        std::printf("  lag view: not measured: %s\n", qPrintable(run.error));
        return;
    }
    std::printf("  %-48s %8s %8s %8s %9s %9s %9s\n", qPrintable(QStringLiteral("GUI event loop, 10 ms timer, %1 s: lateness").arg(seconds)),
                "p50 ms", "p99 ms", "max ms", ">16 ms", "timeouts", "CPU cores");
    std::printf("%s\n", qPrintable(describe("lag view shown, no inspector (baseline)", run.idle)));
    std::printf("%s\n", qPrintable(describe("inspector refreshing 50 groups every 1000 ms", run.refreshing)));
    int withCommits = 0;
    int lagging = 0;
    int estimated = 0;
    int unknown = 0;
    for (const auto &group : run.last.groups) {
        for (const auto &p : group.partitions) {
            if (p.topic != topic)
                continue;
            ++withCommits;
            lagging += p.lag > 0 ? 1 : 0;
            estimated += p.lagSecondsEstimated ? 1 : 0;
            unknown += p.lagSeconds < 0 ? 1 : 0;
        }
    }
    std::vector<double> refreshes = run.refreshMs;
    std::sort(refreshes.begin(), refreshes.end());
    const auto largest = [](const std::vector<double> &values) { return values.empty() ? -1.0 : *std::max_element(values.begin(), values.end()); };
    std::printf("    %d snapshots in %d s; refresh (ClusterSnapshot::refreshMs) median %.0f ms, mean %.0f ms, max %.0f ms, %d over "
                "the %d ms interval; GUI time to show one in the four views mean %.1f ms, max %.1f ms\n",
                run.snapshots, seconds, refreshes.empty() ? -1.0 : refreshes[refreshes.size() / 2], mean(refreshes), largest(refreshes),
                int(std::count_if(refreshes.begin(), refreshes.end(), [](double ms) { return ms > LagRefreshMs; })), LagRefreshMs,
                mean(run.showMs), largest(run.showMs));
    for (auto it = run.groupErrors.cbegin(); it != run.groupErrors.cend(); ++it)
        std::printf("    %d of the snapshots had a group with: %s\n", it.value(), qPrintable(it.key()));
    std::printf("    last snapshot: %lld groups, %d group partitions with commits (%d lagging), lag seconds read from a record "
                "for %d, estimated for %d, unknown for %d%s%s\n",
                qint64(run.last.groups.size()), withCommits, lagging, withCommits - estimated - unknown, estimated, unknown,
                run.last.groupsNote.isEmpty() ? "" : qPrintable(QStringLiteral("; groups: ") + run.last.groupsNote),
                run.last.error.isEmpty() ? "" : qPrintable(QStringLiteral("; error: ") + run.last.error));
}

// ---- One cluster ---------------------------------------------------------------------------------------

void printTable(const char *cluster, const Partition &partition, const QList<Seek> &seeks, const PageRun &firstOpen,
                const FilterComparison &filters)
{
    std::printf("\n  [%s] %lld records in %s[0], pages of %d (median of %d rounds; kcat includes its process start)\n", cluster,
                partition.count(), qPrintable(partition.topic), PageSize, SeekRounds);
    std::printf("  %-46s %10s %10s %8s   %-22s %-22s\n", "", "Vigil ms", "kcat ms", "ratio", "Vigil first/records", "kcat first/records");
    const auto row = [](const QString &what, const PageRun &vigil, const PageRun &kcat, qint64 expected) {
        const QString mine = QStringLiteral("%1/%2").arg(vigil.firstOffset).arg(vigil.records);
        const QString theirs = kcat.ms < 0 ? QStringLiteral("-") : QStringLiteral("%1/%2").arg(kcat.firstOffset).arg(kcat.records);
        // Times of an empty page are not comparable with a full one.
        const bool comparable = kcat.ms > 0 && vigil.records > 0 && kcat.records > 0;
        std::printf("  %-46s %10.1f %10s %8s   %-22s %-22s (expected first %lld)\n", qPrintable(what), vigil.ms,
                    kcat.ms < 0 ? "-" : qPrintable(QString::number(kcat.ms, 'f', 1)),
                    comparable ? qPrintable(QStringLiteral("%1x").arg(ratio(vigil.ms, kcat.ms), 0, 'f', 2)) : "-", qPrintable(mine),
                    qPrintable(theirs), expected);
    };
    row(QStringLiteral("open at beginning (first request)"), firstOpen, seeks.first().kcat, partition.low);
    for (const Seek &seek : seeks)
        row(seek.what, seek.vigil, seek.kcat, seek.expectedFirst);
    std::printf("  %-46s %10s %10s %8s   %s\n", "", "Vigil s", "kcat s", "ratio", "MB/s Vigil / kcat, CPU s Vigil / kcat, matches");
    std::printf("  %-46s %10.2f %10.2f %8s   %.1f / %.1f MB/s, %.2f / %.2f CPU s, %lld / %lld matches (%lld in the partition); Vigil: %s\n",
                qPrintable(QStringLiteral("filter \"%1\" over the partition").arg(RarePatient.toUpper())), filters.vigil.seconds,
                filters.kcat.seconds, qPrintable(QStringLiteral("%1x").arg(ratio(filters.vigil.seconds, filters.kcat.seconds), 0, 'f', 2)),
                filters.vigil.megabytesPerSecond(), filters.kcat.megabytesPerSecond(), filters.vigil.cpuSeconds, filters.kcat.cpuSeconds,
                filters.vigil.matches, filters.kcat.matches,
                partition.rareRecords, qPrintable(filters.vigil.outcome));
    const qint64 defaultCap = FilterRequest().maxBytes;
    if (partition.bytes > defaultCap)
        std::printf("  (the console's default filter cap of %lld MiB would stop at %.0f%% of this partition)\n", defaultCap >> 20,
                    100.0 * double(defaultCap) / double(partition.bytes));
}

// Returns the consumer groups it made.
QStringList benchmark(const char *cluster, const Partition &partition, int lagSeconds)
{
    std::printf("\n[%s] %s, %lld records (load average %s)\n", cluster, qPrintable(partition.bootstrap), partition.count(),
                loadAverage().c_str());
    BrowserSettings settings; // the console's defaults
    settings.config = configFor(partition.bootstrap);
    auto *browser = new MessageBrowser(settings);
    WorkerThread thread(browser, QStringLiteral("message browser"));
    quint64 requestId = 0;
    QList<Seek> seeks = seeksOf(partition);
    const PageRun firstOpen = browse(browser, ++requestId, seeks.first().request);
    std::printf("    open at beginning, the browser's first request: %s\n", qPrintable(describe(firstOpen)));
    runSeeks(browser, partition, seeks, requestId);
    const FilterComparison filters = runFilters(browser, partition, requestId);
    thread.stop(30'000);

    LagRun lag;
    measureLagView(partition, lagSeconds, lag);

    printTable(cluster, partition, seeks, firstOpen, filters);
    printLagRun(lag, partition.topic, lagSeconds);
    return lag.groups;
}

// The real broker outlives the bench: its groups and topic go, so a second run watches 50 groups, not 100.
void dropFromRealBroker(const QString &bootstrap, const QString &topic, const QStringList &groups)
{
    Producer client(configFor(bootstrap));
    std::vector<rd_kafka_DeleteGroup_t *> deleteGroups;
    for (const auto &group : groups)
        deleteGroups.push_back(rd_kafka_DeleteGroup_new(group.toUtf8().constData()));
    rd_kafka_DeleteTopic_t *deleteTopic = rd_kafka_DeleteTopic_new(topic.toUtf8().constData());
    RdQueuePtr queue(rd_kafka_queue_new(client.handle()));
    rd_kafka_DeleteGroups(client.handle(), deleteGroups.data(), deleteGroups.size(), nullptr, queue.get());
    rd_kafka_DeleteTopics(client.handle(), &deleteTopic, 1, nullptr, queue.get());
    rd_kafka_DeleteGroup_destroy_array(deleteGroups.data(), deleteGroups.size());
    rd_kafka_DeleteTopic_destroy(deleteTopic);
    QStringList outcomes;
    for (int answer = 0; answer < 2; ++answer) {
        rd_kafka_event_t *event = rd_kafka_queue_poll(queue.get(), 30'000);
        if (!event) {
            outcomes.append(QStringLiteral("no answer"));
            continue;
        }
        outcomes.append(QStringLiteral("%1: %2").arg(QString::fromUtf8(rd_kafka_event_name(event)),
                                                    rd_kafka_event_error(event) ? QString::fromUtf8(rd_kafka_event_error_string(event))
                                                                                : QStringLiteral("done")));
        rd_kafka_event_destroy(event);
    }
    std::printf("\n[real] removed the bench's %lld groups and topic %s (%s)\n", qint64(groups.size()), qPrintable(topic),
                qPrintable(outcomes.join(QStringLiteral("; "))));
}

QString realBootstrap()
{
    QString stateDir = qEnvironmentVariable("VIGIL_REALKAFKA_STATE_DIR");
    if (stateDir.isEmpty())
        stateDir = QFileInfo(QString::fromUtf8(__FILE__)).absolutePath() + QStringLiteral("/../../build/realkafka");
    QFile file(stateDir + QStringLiteral("/bootstrap"));
    if (!file.open(QIODevice::ReadOnly)) {
        std::printf("\n[real] skipped: no %s/bootstrap (tests/realkafka/start-kafka starts a broker)\n", qPrintable(stateDir));
        return {};
    }
    return QString::fromUtf8(file.readAll()).trimmed();
}

int optionValue(const QStringList &args, const QString &name, int fallback)
{
    const qsizetype i = args.indexOf(name);
    return i > 0 && i + 1 < args.size() ? args[i + 1].toInt() : fallback;
}

} // namespace

int main(int argc, char **argv)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("vigil.*.debug=false")); // the inspector's per-phase timings
    const int records = optionValue(app.arguments(), QStringLiteral("--records"), 1'000'000);
    const int lagSeconds = optionValue(app.arguments(), QStringLiteral("--lag-seconds"), 20);
    std::printf("bench_browser: %d lab results in one partition, 10 ms apart, one in %d for patient %s; librdkafka %s\n", records,
                NeedleEvery, qPrintable(RarePatient), rd_kafka_version_str());
    const QString topic = QStringLiteral("bench.browser.") + QUuid::createUuid().toString(QUuid::Id128).left(8);
    {
        MockCluster cluster(3);
        cluster.createTopic(topic, 1, 1);
        std::printf("\n[embedded] filling %s\n", qPrintable(topic));
        benchmark("embedded", fill(cluster.bootstrapServers(), topic, records), lagSeconds);
    }
    const QString bootstrap = realBootstrap();
    if (bootstrap.isEmpty())
        return 0;
    if (const QString error = createRealTopic(configFor(bootstrap), topic, 1); !error.isEmpty()) {
        std::printf("\n[real] cannot create %s: %s\n", qPrintable(topic), qPrintable(error));
        return 0;
    }
    std::printf("\n[real] filling %s\n", qPrintable(topic));
    const QStringList groups = benchmark("real", fill(bootstrap, topic, records), lagSeconds);
    dropFromRealBroker(bootstrap, topic, groups);
    return 0;
}
