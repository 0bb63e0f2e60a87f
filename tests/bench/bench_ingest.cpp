// FHIR ingest as shipped (`vigil ingest` with no flags), on a real broker: the Subscription webhook's
// committed notifications per second and request latency with 1 and 100 resources per Bundle, beside
// the seed's Flask bridge (tests/integration/seed_webhook.py, confluent-kafka) taking the same
// notifications in the same run (its 200 comes before its records are durable: it answers faster for
// doing less); and the REST poller's resources per second against the test FHIR server (HAPI FHIR,
// tests/fhirserver), with its default page of 100 and a page of 1,000 beside it. Prints figures and
// one table; asserts nothing. Not a test.
//
//   build/bin/bench_ingest [--notifications N] [--bootstrap host:port] [--fhir http://host:port/fhir]
//   VIGIL_REALKAFKA_STATE_DIR=/tmp/benchkafka VIGIL_FHIRSERVER_STATE_DIR=/tmp/benchfhir build/bin/bench_ingest
#include "base/topics.h"
#include "benchsupport.h"
#include "ingestsources.h"
#include "client/workerthread.h"
#include "jobs/ingestpublisher.h"
#include "network/fhirpoller.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

QString option(const QStringList &arguments, const QString &name, const QString &fallback)
{
    const qsizetype at = arguments.indexOf(name);
    return at >= 0 && at + 1 < arguments.size() ? arguments.at(at + 1) : fallback;
}

QString stateFile(const char *variable, const char *name)
{
    QFile file(qEnvironmentVariable(variable) + u'/' + QLatin1String(name));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()).trimmed() : QString();
}

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost);
    return probe.serverPort();
}

// A rest-hook transaction Bundle of `resources` lab results, ids unique per run and notification.
QByteArray notification(const std::string &run, int n, int resources)
{
    json bundle = {{"resourceType", "Bundle"}, {"type", "transaction"}, {"entry", json::array()}};
    for (int r = 0; r < resources; ++r) {
        const std::string id = run + '-' + std::to_string(n) + '-' + std::to_string(r);
        bundle["entry"].push_back(
            {{"resource",
              {{"resourceType", "Observation"}, {"id", id}, {"meta", {{"versionId", "1"}}}, {"status", "final"},
               {"code", {{"coding", {{{"system", "http://loinc.org"}, {"code", "2823-3"}}}}}},
               {"subject", {{"reference", "Patient/bench-" + std::to_string((n * 7 + r) % 500)}}},
               {"valueQuantity", {{"value", 4.1}, {"unit", "mmol/L"}, {"system", "http://unitsofmeasure.org"}, {"code", "mmol/L"}}}}},
             {"request", {{"method", "POST"}, {"url", "Observation"}}}});
    }
    return QByteArray::fromStdString(bundle.dump());
}

struct Load {
    double perSecond = 0;
    double p50Ms = 0;
    double p99Ms = 0;
    int failed = 0;
};

// `count` notifications, `concurrency` at a time, as FHIR servers post them; each is timed to its answer.
Load post(const QUrl &url, const std::vector<QByteArray> &bodies, int concurrency)
{
    QNetworkAccessManager network;
    std::vector<double> latencies;
    Load load;
    std::size_t next = 0, done = 0;
    QEventLoop loop;
    QElapsedTimer clock;
    clock.start();
    std::function<void()> send = [&] {
        if (next >= bodies.size())
            return;
        QNetworkRequest request(url);
        request.setRawHeader("Content-Type", "application/fhir+json");
        const qint64 started = clock.nsecsElapsed();
        QNetworkReply *reply = network.post(request, bodies[next++]);
        QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply, started] {
            latencies.push_back(double(clock.nsecsElapsed() - started) / 1e6);
            load.failed += reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200;
            reply->deleteLater();
            if (++done == bodies.size())
                loop.quit();
            else
                send();
        });
    };
    for (int i = 0; i < concurrency; ++i)
        send();
    loop.exec();
    const double seconds = double(clock.nsecsElapsed()) / 1e9;
    std::sort(latencies.begin(), latencies.end());
    load.perSecond = double(bodies.size()) / seconds;
    load.p50Ms = latencies[latencies.size() / 2];
    load.p99Ms = latencies[std::min(latencies.size() - 1, std::size_t(std::ceil(latencies.size() * 0.99)) - 1)];
    return load;
}

struct Row {
    std::string what;
    std::string rate;
    std::string latency;
    std::string note;
};

std::string figure(double value, const char *format)
{
    char text[48];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = app.arguments();
    const int count = std::max(20, option(arguments, QStringLiteral("--notifications"), QStringLiteral("400")).toInt());
    const QString bootstrap = option(arguments, QStringLiteral("--bootstrap"), stateFile("VIGIL_REALKAFKA_STATE_DIR", "bootstrap"));
    const QString fhir = option(arguments, QStringLiteral("--fhir"), stateFile("VIGIL_FHIRSERVER_STATE_DIR", "baseurl"));
    if (bootstrap.isEmpty() || arguments.contains(QStringLiteral("--help"))) {
        std::fprintf(stderr, "usage: bench_ingest [--notifications N] [--bootstrap host:port] [--fhir URL]\n"
                             "  (or VIGIL_REALKAFKA_STATE_DIR / VIGIL_FHIRSERVER_STATE_DIR naming the start scripts' directories)\n");
        return 2;
    }
    ClientConfig config;
    config.setBootstrapServers(bootstrap);
    std::printf("bench_ingest: %d notifications per row, broker %s, FHIR server %s, %d cores, load average %s\n", count,
                qPrintable(bootstrap), fhir.isEmpty() ? "none" : qPrintable(fhir), QThread::idealThreadCount(),
                loadAverage().c_str());
    const std::string run = std::to_string(QCoreApplication::applicationPid());
    std::vector<Row> rows;

    // The webhook as `vigil ingest --listen` runs it: the bridge on its own thread, its publisher on another.
    IngestSettings settings;
    settings.webhook = WebhookSettings{};
    settings.webhook->address = QHostAddress::LocalHost;
    settings.webhook->port = freePort();
    bool ready = false;
    IngestSources sources(settings, config);
    QObject::connect(&sources, &IngestSources::statusesChanged, &app, [&](const IngestStatuses &statuses) {
        ready = ready || (!statuses.isEmpty() && statuses.front().state.startsWith(QLatin1String("listening")));
    });
    QDeadlineTimer deadline(60'000);
    while (!ready && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    const QUrl vigil(QStringLiteral("http://127.0.0.1:%1/fhir-webhook").arg(settings.webhook->port));
    post(vigil, {notification(run + "-warm", 0, 1)}, 1); // the topics' first transaction settles them

    QProcess seed;
    const quint16 seedPort = freePort();
    seed.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    seed.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral(VIGIL_SEED_WEBHOOK), QStringLiteral("--bootstrap"), bootstrap,
                                                    QStringLiteral("--port"), QString::number(seedPort)});
    const bool seedRuns = seed.waitForStarted() && seed.waitForReadyRead(20'000);
    const QUrl peer(QStringLiteral("http://127.0.0.1:%1/fhir-webhook").arg(seedPort));
    if (seedRuns)
        QThread::msleep(1000); // Flask listens a moment after it says so

    for (const int resources : {1, 100}) {
        for (const int concurrency : {1, 8}) {
            const int n = resources == 1 ? count : std::max(10, count / 10);
            std::vector<QByteArray> bodies;
            for (int i = 0; i < n; ++i)
                bodies.push_back(notification(run + "-v" + std::to_string(resources) + "c" + std::to_string(concurrency), i, resources));
            const Load ours = post(vigil, bodies, concurrency);
            const std::string what = std::to_string(resources) + (resources == 1 ? " resource" : " resources") + ", "
                + std::to_string(concurrency) + " at a time";
            rows.push_back({"Vigil webhook, " + what, figure(ours.perSecond, "%.0f notif/s") + figure(ours.perSecond * resources, " (%.0f res/s)"),
                            figure(ours.p50Ms, "p50 %.1f ms") + figure(ours.p99Ms, ", p99 %.1f ms"),
                            ours.failed ? std::to_string(ours.failed) + " not 200" : "200 once committed"});
            if (seedRuns) {
                const Load theirs = post(peer, bodies, concurrency);
                rows.push_back({"seed Flask bridge, " + what, figure(theirs.perSecond, "%.0f notif/s") + figure(theirs.perSecond * resources, " (%.0f res/s)"),
                                figure(theirs.p50Ms, "p50 %.1f ms") + figure(theirs.p99Ms, ", p99 %.1f ms"),
                                "200 before durable"});
            }
        }
    }
    seed.terminate();
    seed.waitForFinished(10'000);

    // The poller: N Conditions stored, then one round read to its end.
    if (!fhir.isEmpty()) {
        QNetworkAccessManager network;
        const int stored = 5000;
        for (int first = 0; first < stored; first += 100) {
            json bundle = {{"resourceType", "Bundle"}, {"type", "transaction"}, {"entry", json::array()}};
            for (int i = first; i < first + 100; ++i)
                bundle["entry"].push_back({{"resource", {{"resourceType", "Condition"}, {"subject", {{"reference", "Patient/bench-" + std::to_string(i % 500)}}}}},
                                           {"request", {{"method", "POST"}, {"url", "Condition"}}}});
            QNetworkRequest request{QUrl(fhir)};
            request.setRawHeader("Content-Type", "application/fhir+json");
            QNetworkReply *reply = network.post(request, QByteArray::fromStdString(bundle.dump()));
            QEventLoop wait;
            QObject::connect(reply, &QNetworkReply::finished, &wait, &QEventLoop::quit);
            wait.exec();
            reply->deleteLater();
        }
        for (const int page : {100, 1000}) {
            PollerSettings poller;
            poller.server.base = QUrl(fhir);
            poller.types = {QStringLiteral("Condition")};
            poller.pageSize = page;
            FhirPoller reader(poller);
            auto *publisher = new IngestPublisher(config, QStringLiteral("bench-ingest-poll-%1-%2").arg(QString::fromStdString(run)).arg(page));
            QObject::connect(&reader, &FhirPoller::batchReady, publisher, &IngestPublisher::publish);
            QObject::connect(publisher, &IngestPublisher::outcome, &reader, &FhirPoller::takeOutcome);
            qint64 events = 0;
            QObject::connect(&reader, &FhirPoller::statusesChanged, &app, [&](const IngestStatuses &s) { events = s.value(0).events; });
            bool finished = false;
            QObject::connect(&reader, &FhirPoller::roundFinished, &app, [&] { finished = true; });
            QElapsedTimer clock;
            QObject::connect(publisher, &IngestPublisher::availabilityChanged, &reader, [&](bool available) {
                if (available && !clock.isValid()) {
                    clock.start();
                    reader.start({}); // no cursor: every Condition from the beginning
                }
            });
            WorkerThread thread(publisher, QStringLiteral("bench poller publisher"));
            while (!finished)
                QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
            const double seconds = double(clock.elapsed()) / 1000.0;
            QCoreApplication::processEvents(QEventLoop::AllEvents, 300);
            QThread::msleep(300);
            QCoreApplication::processEvents();
            rows.push_back({"Vigil poller, _count=" + std::to_string(page) + (page == 100 ? " (as shipped)" : ""),
                            figure(double(stored) / seconds, "%.0f res/s"), figure(seconds, "%.2f s for the round"),
                            "every Condition on the server (" + std::to_string(events) + " published)"});
        }
    }

    std::printf("\n| %-46s | %-30s | %-26s | %-40s |\n", "what", "committed", "request latency", "note");
    std::printf("|%s|%s|%s|%s|\n", std::string(48, '-').c_str(), std::string(32, '-').c_str(), std::string(28, '-').c_str(),
                std::string(42, '-').c_str());
    for (const Row &row : rows)
        std::printf("| %-46s | %-30s | %-26s | %-40s |\n", row.what.c_str(), row.rate.c_str(), row.latency.c_str(), row.note.c_str());
    return 0;
}
