// The local Apache Kafka cluster's figures for the README, with the configuration a user gets (no
// flags) first: cold start (first format) and warm start to "answering", with 1 and 3 nodes side by
// side; the JVMs' resident memory idle and after 100,000 records; a clean stop; and the console's
// time from construction to a filling feed, on the local cluster beside the mock.
//
//   build/bin/bench_localcluster [records]      (benchmarks target; needs Java 17+ and the jars)
#include "commandline.h"
#include "console.h"
#include "items/feedmodel.h"
#include "local/localcluster.h"
#include "client/producer.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QThread>

#include <cstdio>

namespace {

double residentMb(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0;
    return -1;
}

QString residentOf(const QString &dataDir)
{
    QStringList figures;
    for (qint64 pid : LocalCluster::runningNodePids(dataDir))
        figures << QString::number(residentMb(pid), 'f', 0);
    return figures.join(u'/') + QStringLiteral(" MB");
}

struct ClusterFigures {
    double coldS = 0, warmS = 0, stopS = 0;
    QString idle, loaded;
};

ClusterFigures measure(const KafkaDistribution &kafka, int nodes, int records)
{
    QTemporaryDir dir;
    LocalClusterOptions options;
    options.dataDir = dir.path();
    options.nodes = nodes;
    ClusterFigures figures;
    QElapsedTimer clock;
    {
        LocalCluster cluster(kafka, options);
        clock.start();
        cluster.open();
        figures.coldS = clock.elapsed() / 1000.0;
        clock.start();
        cluster.release();
        figures.stopS = clock.elapsed() / 1000.0;
    }
    LocalCluster cluster(kafka, options);
    clock.start();
    cluster.open();
    figures.warmS = clock.elapsed() / 1000.0;
    QThread::sleep(5);
    figures.idle = residentOf(dir.path());
    ClientConfig config;
    config.setBootstrapServers(cluster.bootstrapServers());
    config.set(QStringLiteral("enable.idempotence"), QStringLiteral("true"));
    config.set(QStringLiteral("acks"), QStringLiteral("all"));
    Producer producer(config);
    const std::string value(1000, 'x');
    for (int i = 0; i < records; ++i)
        producer.produce("bench.local", std::to_string(i % 97), value);
    producer.flush(120'000);
    figures.loaded = residentOf(dir.path());
    cluster.release();
    return figures;
}

// Construction of the console to the first row in its feed, on a cluster given by `arguments`.
double secondsToFeed(const QStringList &arguments)
{
    QElapsedTimer clock;
    clock.start();
    Console console(CommandLine::parse(arguments));
    while (console.feed()->rowCount() == 0 && clock.elapsed() < 180'000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    return clock.elapsed() / 1000.0;
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int records = argc > 1 ? std::atoi(argv[1]) : 100'000;
    KafkaDistribution kafka;
    try {
        kafka = KafkaDistribution::find();
    } catch (const LocalClusterError &error) {
        std::fprintf(stderr, "bench_localcluster: %s (%s)\n", error.what(), qPrintable(error.fix()));
        return 2;
    }
    std::printf("Local Apache Kafka %s, Java %d, %d CPU(s); defaults (no flags): heap %d MB per node\n\n",
                qPrintable(kafka.version), kafka.javaMajor, QThread::idealThreadCount(), LocalClusterOptions().heapMb);
    std::printf("%-8s %12s %12s %10s %20s %26s\n", "nodes", "cold start", "warm start", "stop", "RSS idle",
                qPrintable(QStringLiteral("RSS after %1 x 1 kB").arg(records)));
    for (int nodes : {1, 3}) {
        const ClusterFigures f = measure(kafka, nodes, records);
        std::printf("%-8d %10.1f s %10.1f s %8.1f s %20s %26s\n", nodes, f.coldS, f.warmS, f.stopS, qPrintable(f.idle),
                    qPrintable(f.loaded));
        std::fflush(stdout);
    }

    QTemporaryDir data;
    const QStringList local{QStringLiteral("vigil"), QStringLiteral("--data-dir"), data.path(), QStringLiteral("--serve-wall"),
                            QStringLiteral("off")};
    const double localCold = secondsToFeed(local);
    const double localWarm = secondsToFeed(local);
    const double mock = secondsToFeed({QStringLiteral("vigil"), QStringLiteral("--embedded"), QStringLiteral("mock"),
                                       QStringLiteral("--serve-wall"), QStringLiteral("off")});
    std::printf("\nconsole to a filling feed: local cluster %.1f s (first start), %.1f s (warm); mock %.1f s\n",
                localCold, localWarm, mock);
    return 0;
}
