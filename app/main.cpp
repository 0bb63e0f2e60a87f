#include "commandline.h"
#include "console.h"
#include "headlessservice.h"
#include "mainwindow.h"
#include "signalwatcher.h"
#include "audit/audittrail.h"
#include "base/text.h"
#include "base/topics.h"
#include "jobs/auditshipper.h"
#include "jobs/topicprovisioner.h"
#include "profiles/connectionprofile.h"
#include "profiles/keychain.h"
#include "local/localcluster.h"
#include "walldisplay.h"
#include "wallwindow.h"

#include <QApplication>
#include <QDateTime>
#include <QFile>
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

// `vigil audit --verify [FILE]`: the local trail (default: this user's), or with --bootstrap the
// vigil.audit topic. Exit status: 0 intact, 1 broken (the first broken entry named), 2 unreadable.
int runAuditVerify(const CommandLine &line)
{
    AuditVerifier verifier;
    QString source;
    try {
        if (line.auditFile.isEmpty() && !line.ownsCluster()) {
            source = QStringLiteral("%1 on %2").arg(Text::toQString(Topics::Audit), line.config.bootstrapServers());
            AuditShipper::verifyTopic(line.config, std::string(Topics::Audit), verifier);
        } else {
            source = line.auditFile.isEmpty() ? AuditTrail::defaultPath() : line.auditFile;
            QFile file(source);
            if (!file.open(QIODevice::ReadOnly))
                throw std::runtime_error(QStringLiteral("cannot read %1: %2").arg(source, file.errorString()).toStdString());
            for (qint64 number = 1; !file.atEnd(); ++number) {
                QByteArray text = file.readLine();
                if (!text.endsWith('\n') && !text.isEmpty())
                    verifier.add(text, QStringLiteral("line %1 (not complete)").arg(number));
                else if (text.trimmed().size() > 0)
                    verifier.add(text.chopped(1), QStringLiteral("line %1").arg(number));
            }
        }
    } catch (const std::exception &error) {
        QTextStream(stderr) << "vigil audit --verify: " << error.what() << Qt::endl;
        return 2;
    }
    QTextStream out(stdout);
    if (!verifier.firstBroken().isEmpty()) {
        out << "BROKEN: " << source << ", " << verifier.firstBroken() << " (" << verifier.entries()
            << " entries before it are intact)" << Qt::endl;
        return 1;
    }
    out << "intact: " << source << ", " << verifier.entries() << " entries in " << verifier.chains() << " chain(s)";
    if (verifier.duplicates() > 0)
        out << ", " << verifier.duplicates() << " sent twice (counted once)";
    out << Qt::endl;
    return 0;
}

// The profile's secrets from the OS keychain, where the command line did not give them. False (said
// on stderr) when one is missing and the keychain cannot give it.
bool fillProfileSecrets(int argc, char **argv, CommandLine &line)
{
    const auto given = [&line](const QString &key) {
        if (key == u"vigil.wall.token")
            return !line.wall.token.isEmpty();
        if (key == u"vigil.schema.registry.password")
            return !line.schemaRegistry.password().isEmpty();
        return line.config.contains(key);
    };
    QStringList wanted;
    for (const QString &key : std::as_const(line.profileSecrets)) {
        if (!given(key))
            wanted.append(key);
    }
    if (wanted.isEmpty())
        return true;
    const QCoreApplication app(argc, argv); // the keychain answers over D-Bus, in an event loop; gone before the real one
    Keychain::Secrets secrets;
    const QString error = Keychain().readNow(line.profile, wanted, &secrets);
    for (const auto &[key, value] : std::as_const(secrets)) {
        if (key == u"vigil.wall.token")
            line.wall.token = value;
        else if (key == u"vigil.schema.registry.password")
            line.schemaRegistry.setPassword(value);
        else
            line.config.set(key, value);
    }
    for (const QString &key : std::as_const(wanted)) {
        if (!given(key)) {
            QTextStream(stderr) << "vigil --profile " << line.profile << ": " << key << " is kept in the OS keychain, "
                                << (error.isEmpty() ? QStringLiteral("which does not have it") : error)
                                << "\n  give it with -X " << key << "=... or import the profile again" << Qt::endl;
            return false;
        }
    }
    return true;
}

// `vigil profile list | import NAME FILE | show NAME | remove NAME`. Exit status 0, 1 when the
// secrets could not go to the keychain (the profile is saved without them), 2 on errors.
int runProfile(int argc, char **argv, const CommandLine &line)
{
    const ProfileStore store;
    const QString verb = line.profileCommand.value(0);
    QTextStream out(stdout);
    try {
        if (verb == u"list") {
            for (const QString &name : store.names())
                out << name << "  " << store.load(name).bootstrapServers() << Qt::endl;
            return 0;
        }
        const QString name = line.profileCommand.value(1);
        if (verb == u"show") {
            store.load(name); // says when it does not exist
            QFile file(store.pathOf(name));
            if (!file.open(QIODevice::ReadOnly))
                throw ProfileError(file.errorString());
            out << file.readAll();
            return 0;
        }
        const QCoreApplication app(argc, argv); // for the keychain's D-Bus calls
        AuditTrail audit;
        if (verb == u"remove") {
            const QStringList held = store.keychainHeld(name);
            audit.append({QStringLiteral("profile-remove"), {{"profile", name.toStdString()}}, {}, {}}, QDateTime::currentMSecsSinceEpoch());
            const QString error = Keychain().removeNow(name, held);
            store.remove(name);
            out << "removed " << name << (error.isEmpty() ? QString() : QStringLiteral(" (its secrets stay in the keychain: %1)").arg(error))
                << Qt::endl;
            return 0;
        }
        ConnectionProfile profile = ConnectionProfile::fromPropertiesFile(name, line.profileCommand.value(2));
        ProfileStore::checkName(name);
        audit.append({QStringLiteral("profile-import"),
                      {{"profile", name.toStdString()}, {"from", line.profileCommand.value(2).toStdString()},
                       {"bootstrap", profile.bootstrapServers().toStdString()}},
                      {}, {}},
                     QDateTime::currentMSecsSinceEpoch());
        const Keychain::Secrets secrets = store.save(profile);
        out << "saved " << store.pathOf(name) << Qt::endl;
        if (secrets.isEmpty())
            return 0;
        if (const QString error = Keychain().writeNow(name, secrets); !error.isEmpty()) {
            QTextStream(stderr) << "vigil profile import: saved without its secrets: " << error << Qt::endl;
            return 1;
        }
        QStringList keys;
        for (const auto &secret : secrets)
            keys.append(secret.first);
        out << keys.join(QStringLiteral(", ")) << " kept in the OS keychain" << Qt::endl;
        return 0;
    } catch (const std::exception &error) {
        QTextStream(stderr) << "vigil profile " << verb << ": " << error.what() << Qt::endl;
        return 2;
    }
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
        CommandLine line = CommandLine::parse(arguments);
        if (!fillProfileSecrets(argc, argv, line))
            return 2;
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
        case CommandLine::Mode::Audit:
            return runAuditVerify(line);
        case CommandLine::Mode::Profile:
            return runProfile(argc, argv, line);
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
