#include "brokerservice.h"
#include "commandline.h"
#include "console.h"
#include "mainwindow.h"
#include "signalwatcher.h"

#include <QApplication>
#include <QTextStream>

#include <librdkafka/rdkafka.h>

#include <cstdio>

namespace {

bool hasDisplay()
{
    return qEnvironmentVariableIsSet("QT_QPA_PLATFORM") || qEnvironmentVariableIsSet("DISPLAY")
           || qEnvironmentVariableIsSet("WAYLAND_DISPLAY");
}

int runBroker(int argc, char **argv, const CommandLine &line)
{
    QCoreApplication app(argc, argv);
    BrokerService broker(line);
    // The first line on stdout is the bootstrap list, for scripts and tests to read.
    QTextStream(stdout) << broker.bootstrapServers() << Qt::endl;
    QTextStream(stderr) << "vigil broker: " << line.brokers << " brokers on loopback"
                        << (line.simulate ? QStringLiteral("; simulating %1 events/min, seed %2")
                                                .arg(line.eventsPerMinute).arg(line.seed)
                                          : QString())
                        << ". Stop with Ctrl-C." << Qt::endl;
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &app, &QCoreApplication::quit);
    return app.exec();
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
        case CommandLine::Mode::Broker:
            return runBroker(argc, argv, line);
        case CommandLine::Mode::Console:
            return runConsole(argc, argv, line);
        }
    } catch (const std::exception &error) {
        QTextStream(stderr) << "vigil: " << error.what() << Qt::endl;
        return 2;
    }
    return 0;
}
