#include "commandline.h"

#include "thresholdset.h"

#include <QCommandLineParser>
#include <QMap>

namespace {

struct Options {
    QCommandLineOption bootstrap{{QStringLiteral("b"), QStringLiteral("bootstrap")},
                                 QStringLiteral("Connect to this Kafka cluster instead of the embedded one."),
                                 QStringLiteral("host:port[,...]")};
    QCommandLineOption property{QStringLiteral("X"),
                                QStringLiteral("Set a librdkafka client property, as kcat does. Repeatable. "
                                               "'-X list' lists them all."),
                                QStringLiteral("key=value")};
    QCommandLineOption config{QStringLiteral("config"),
                              QStringLiteral("Read client properties from a file, as the Kafka CLI tools do."),
                              QStringLiteral("client.properties")};
    QCommandLineOption simulate{QStringLiteral("simulate"),
                                QStringLiteral("Publish the simulated 500-bed hospital (always on in the "
                                               "console with the embedded cluster).")};
    QCommandLineOption evaluate{QStringLiteral("evaluate"),
                                QStringLiteral("Run the critical-value evaluator (always on in the console with "
                                               "the embedded cluster).")};
    QCommandLineOption thresholds{QStringLiteral("thresholds"),
                                  QStringLiteral("Critical-value threshold set (JSON); default: the bundled adult set."),
                                  QStringLiteral("file")};
    QCommandLineOption check{QStringLiteral("check"),
                             QStringLiteral("With provision: compare existing topics with the recommended layout and "
                                            "change nothing (exit 0: no drift, 1: drift, 2: cluster unreachable).")};
    QCommandLineOption rate{QStringLiteral("rate"), QStringLiteral("Simulated events per minute (default 5000)."),
                            QStringLiteral("events-per-min")};
    QCommandLineOption seed{QStringLiteral("seed"), QStringLiteral("Seed of the simulated hospital (default 1)."),
                            QStringLiteral("N")};
    QCommandLineOption brokers{QStringLiteral("brokers"), QStringLiteral("Brokers in the embedded cluster (default 3)."),
                               QStringLiteral("N")};
    QCommandLineOption help{{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help.")};
    QCommandLineOption version{QStringLiteral("version"), QStringLiteral("Show the version.")};

    void addTo(QCommandLineParser &parser)
    {
        parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsCompactedShortOptions);
        parser.addOptions({bootstrap, property, config, simulate, evaluate, thresholds, check, rate, seed, brokers, help, version});
        parser.addPositionalArgument(QStringLiteral("command"),
                                     QStringLiteral("'broker' runs the embedded cluster headless; 'evaluate' runs "
                                                    "the evaluator against --bootstrap; none opens the console."),
                                     QStringLiteral("[broker|evaluate|provision]"));
    }
};

double positiveNumber(const QString &text, const char *what)
{
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || value <= 0)
        throw UsageError(std::string(what) + " must be a positive number, got \"" + text.toStdString() + '"');
    return value;
}

} // namespace

CommandLine CommandLine::parse(const QStringList &arguments)
{
    QCommandLineParser parser;
    Options options;
    options.addTo(parser);
    if (!parser.parse(arguments))
        throw UsageError(parser.errorText().toStdString());

    CommandLine line;
    if (parser.isSet(options.help)) {
        line.mode = Mode::Help;
        return line;
    }
    if (parser.isSet(options.version)) {
        line.mode = Mode::Version;
        return line;
    }

    const QStringList positional = parser.positionalArguments();
    const QString command = positional.value(0);
    static const QMap<QString, Mode> commands = {{QStringLiteral("broker"), Mode::Broker},
                                                 {QStringLiteral("evaluate"), Mode::Evaluate},
                                                 {QStringLiteral("provision"), Mode::Provision}};
    if (positional.size() > 1 || (!command.isEmpty() && !commands.contains(command)))
        throw UsageError("unknown command \"" + positional.join(u' ').toStdString() + "\" (try --help)");
    line.mode = commands.value(command, Mode::Console);

    // Properties file first, then -X in order, then --bootstrap: the most specific wins, as in kcat.
    if (parser.isSet(options.config))
        line.config.loadPropertiesFile(parser.value(options.config));
    for (const QString &property : parser.values(options.property)) {
        if (property == QLatin1String("list")) {
            line.mode = Mode::ListProperties;
            return line;
        }
        line.config.setAssignment(property);
    }
    if (parser.isSet(options.bootstrap))
        line.config.setBootstrapServers(parser.value(options.bootstrap));
    line.embedded = line.config.bootstrapServers().isEmpty();
    if (line.mode == Mode::Broker && !line.embedded)
        throw UsageError("'broker' runs the embedded cluster; it takes no --bootstrap");
    if (line.mode == Mode::Evaluate && line.embedded)
        throw UsageError("'evaluate' needs --bootstrap (or 'vigil broker --evaluate' for the embedded cluster)");
    if (line.mode == Mode::Provision && line.embedded)
        throw UsageError("'provision' needs --bootstrap (the embedded cluster has the layout already)");
    line.config.validate();

    line.evaluate = parser.isSet(options.evaluate) || line.mode == Mode::Evaluate
                    || (line.mode == Mode::Console && line.embedded);
    line.checkOnly = parser.isSet(options.check);
    if (line.checkOnly && line.mode != Mode::Provision)
        throw UsageError("--check goes with provision");
    if (parser.isSet(options.thresholds))
        line.thresholdsPath = parser.value(options.thresholds);

    line.simulate = parser.isSet(options.simulate) || (line.mode == Mode::Console && line.embedded);
    if (parser.isSet(options.rate))
        line.eventsPerMinute = positiveNumber(parser.value(options.rate), "--rate");
    if (parser.isSet(options.seed)) {
        bool ok = false;
        line.seed = parser.value(options.seed).toULongLong(&ok);
        if (!ok)
            throw UsageError("--seed must be a whole number, got \"" + parser.value(options.seed).toStdString() + '"');
    }
    if (parser.isSet(options.brokers)) {
        line.brokers = int(positiveNumber(parser.value(options.brokers), "--brokers"));
        if (line.brokers > 9)
            throw UsageError("--brokers takes 1 to 9");
    }
    return line;
}

QString CommandLine::helpText()
{
    QCommandLineParser parser;
    Options options;
    options.addTo(parser);
    parser.setApplicationDescription(QStringLiteral(
        "Vigil — operations console for clinical event streams on Kafka.\n\n"
        "  vigil                          console on the embedded cluster with the simulated hospital\n"
        "  vigil --bootstrap host:9092    console on a real cluster (-X / --config for SASL, SSL)\n"
        "  vigil broker [--simulate] [--evaluate]   embedded cluster without a window; prints its bootstrap list\n"
        "  vigil evaluate --bootstrap host:9092     the critical-value evaluator as a service\n"
        "  vigil provision --bootstrap host:9092    create the recommended topic layout (existing topics are left alone)"));
    return parser.helpText();
}

SimulatorSettings CommandLine::simulatorSettings(const ClientConfig &cluster) const
{
    SimulatorSettings settings;
    settings.config = cluster;
    settings.seed = seed;
    settings.eventsPerMinute = eventsPerMinute;
    return settings;
}

EvaluatorSettings CommandLine::evaluatorSettings(const ClientConfig &cluster) const
{
    EvaluatorSettings settings;
    settings.config = cluster;
    settings.thresholds = ThresholdSet::loadFile(thresholdsPath);
    return settings;
}
