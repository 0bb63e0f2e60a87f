#include "commandline.h"
#include "console.h"
#include "headlessservice.h"
#include "mainwindow.h"
#include "signalwatcher.h"
#include "jobs/topicprovisioner.h"
#include "local/localcluster.h"
#include "walldisplay.h"
#include "wallwindow.h"

#include <QApplication>
#include <QFileInfo>
#include <QScreen>
#include <QTextStream>

#include <librdkafka/rdkafka.h>

#include <cstdio>

namespace {

bool hasDisplay()
{
    return qEnvironmentVariableIsSet("QT_QPA_PLATFORM") || qEnvironmentVariableIsSet("DISPLAY")
           || qEnvironmentVariableIsSet("WAYLAND_DISPLAY");
}

int runHeadless(int argc, char **argv, const CommandLine &line)
{
    QCoreApplication app(argc, argv);
    HeadlessService service(line);
    if (line.mode == CommandLine::Mode::Broker) {
        // The first line on stdout is the bootstrap list, for scripts and tests to read.
        QTextStream(stdout) << service.bootstrapServers() << Qt::endl;
        QTextStream(stderr) << "vigil broker: " << service.clusterDescription() << " on " << service.bootstrapServers();
    } else {
        QTextStream(stderr) << (line.mode == CommandLine::Mode::Ingest ? "vigil ingest: " : "vigil evaluate: ")
                            << service.bootstrapServers();
    }
    if (line.simulate)
        QTextStream(stderr) << "; simulating " << line.eventsPerMinute << " events/min, seed " << line.seed;
    if (line.evaluate)
        QTextStream(stderr) << "; evaluating with " << line.thresholdsPath;
    QTextStream(stderr) << ". Stop with Ctrl-C." << Qt::endl;
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &app, &QCoreApplication::quit);
    return app.exec();
}

// Exit status: 0 without drift, 1 with drift, 2 when the cluster cannot be reached. Checks the
// cluster cannot answer are listed and do not count as drift.
int runDriftCheck(const CommandLine &line)
{
    QList<TopicProvisioner::Drift> drift;
    try {
        drift = TopicProvisioner(line.config).check();
    } catch (const std::exception &error) {
        QTextStream(stderr) << "vigil provision --check: " << error.what() << Qt::endl;
        return 2;
    }
    QTextStream out(stdout);
    int differences = 0;
    const auto row = [&out](const QString &a, const QString &b, const QString &c, const QString &d) {
        out << qSetFieldWidth(32) << Qt::left << a << qSetFieldWidth(24) << b << qSetFieldWidth(16) << c
            << qSetFieldWidth(0) << d << Qt::endl;
    };
    row(QStringLiteral("topic"), QStringLiteral("check"), QStringLiteral("recommended"), QStringLiteral("actual"));
    for (const auto &d : drift) {
        row(d.topic, d.check, d.expected, d.actual);
        differences += !d.unanswerable;
    }
    out << (differences ? QStringLiteral("%1 difference(s) from the recommended layout").arg(differences)
                        : QStringLiteral("no drift from the recommended layout"))
        << Qt::endl;
    return differences ? 1 : 0;
}

// Exit status: 0 when every topic exists afterwards, 1 when some could not be created,
// 2 when the cluster cannot be reached.
int runProvision(const CommandLine &line)
{
    if (line.checkOnly)
        return runDriftCheck(line);
    QList<TopicProvisioner::Result> results;
    try {
        results = TopicProvisioner(line.config).provision();
    } catch (const std::exception &error) {
        QTextStream(stderr) << "vigil provision: " << error.what() << Qt::endl;
        return 2;
    }
    int failed = 0;
    QTextStream out(stdout);
    for (const auto &result : results) {
        const char *what = result.outcome == TopicProvisioner::Outcome::Created   ? "created"
                           : result.outcome == TopicProvisioner::Outcome::Existed ? "exists, left alone"
                                                                                  : "FAILED";
        out << qSetFieldWidth(34) << Qt::left << result.topic << qSetFieldWidth(0) << what;
        if (!result.error.isEmpty())
            out << ": " << result.error;
        out << Qt::endl;
        failed += result.outcome == TopicProvisioner::Outcome::Failed;
    }
    return failed ? 1 : 0;
}

// `vigil broker --reset`: deletes the local cluster's data after a confirmation line on stdin.
int runReset(const CommandLine &line)
{
    const QString dir = line.dataDir.isEmpty() ? LocalCluster::defaultDataDir(line.brokerCount()) : line.dataDir;
    QTextStream out(stdout);
    if (!QFileInfo::exists(dir)) {
        out << "vigil broker --reset: " << dir << " does not exist; nothing to delete" << Qt::endl;
        return 0;
    }
    out << "Delete the local Kafka cluster in " << dir
        << " (every topic, consumer offset, acknowledgement and replay history)? Type yes to delete: " << Qt::flush;
    const QString answer = QTextStream(stdin).readLine().trimmed();
    if (answer != u"yes") {
        out << "Not deleted." << Qt::endl;
        return 1;
    }
    try {
        LocalCluster::reset(dir);
    } catch (const LocalClusterError &error) {
        QTextStream(stderr) << "vigil broker --reset: " << error.what() << Qt::endl;
        return 2;
    }
    out << "Deleted " << dir << Qt::endl;
    return 0;
}

int runConsole(int argc, char **argv, const CommandLine &line)
{
    if (!hasDisplay()) {
        QTextStream(stderr) << "vigil: no display (DISPLAY and WAYLAND_DISPLAY are unset), so the console "
                               "cannot open.\n  Headless:  vigil broker --simulate\n  Virtual display:  "
                               "xvfb-run -a vigil\n";
        return 2;
    }
    QApplication app(argc, argv);
    app.setApplicationName(QStringLiteral("Vigil"));
    Console console(line);
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &app, &QCoreApplication::quit);
    console.window()->show();
    return app.exec();
}

int runWall(int argc, char **argv, const CommandLine &line)
{
    if (!hasDisplay()) {
        QTextStream(stderr) << "vigil: no display (DISPLAY and WAYLAND_DISPLAY are unset), so the wall display "
                               "cannot open.\n";
        return 2;
    }
    QApplication app(argc, argv);
    app.setApplicationName(QStringLiteral("Vigil"));
    WallDisplay display(line);
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &app, &QCoreApplication::quit);
    QObject::connect(display.window(), &WallWindow::leaveRequested, &app, &QCoreApplication::quit);
    if (line.wall.kiosk) {
        display.window()->setGeometry(display.window()->screen()->geometry()); // without a window manager too
        display.window()->showFullScreen();
    }
    else
        display.window()->show();
    return app.exec();
}

} // namespace

int main(int argc, char **argv)
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));

    try {
        const CommandLine line = CommandLine::parse(arguments);
        switch (line.mode) {
        case CommandLine::Mode::Help:
            QTextStream(stdout) << CommandLine::helpText();
            return 0;
        case CommandLine::Mode::Version:
            QTextStream(stdout) << "vigil " << VIGIL_VERSION << " (librdkafka " << rd_kafka_version_str() << ", Qt "
                                << qVersion() << ")\n";
            return 0;
        case CommandLine::Mode::ListProperties:
            rd_kafka_conf_properties_show(stdout);
            return 0;
        case CommandLine::Mode::Provision:
            return runProvision(line);
        case CommandLine::Mode::Broker:
            if (line.reset)
                return runReset(line);
            [[fallthrough]];
        case CommandLine::Mode::Evaluate:
        case CommandLine::Mode::Ingest:
            return runHeadless(argc, argv, line);
        case CommandLine::Mode::Console:
            return runConsole(argc, argv, line);
        case CommandLine::Mode::Wall:
            return runWall(argc, argv, line);
        }
    } catch (const std::exception &error) {
        QTextStream(stderr) << "vigil: " << error.what() << Qt::endl;
        return 2;
    }
    return 0;
}
