#include "commandline.h"

#include "profiles/connectionprofile.h"

#include "schemas/schemaenforcer.h"
#include "base/secretmask.h"
#include "clinical/thresholdset.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QMap>

UsageError::UsageError(const std::string &what)
    : std::runtime_error(SecretMask::masked(QString::fromStdString(what)).toStdString())
{
}

namespace {

struct Options {
    QCommandLineOption bootstrap{{QStringLiteral("b"), QStringLiteral("bootstrap")},
                                 QStringLiteral("Connect to this Kafka cluster instead of running one here."),
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
                                               "console on its own cluster).")};
    QCommandLineOption evaluate{QStringLiteral("evaluate"),
                                QStringLiteral("Run the critical-value evaluator (always on in the console with "
                                               "its own cluster).")};
    QCommandLineOption thresholds{QStringLiteral("thresholds"),
                                  QStringLiteral("Critical-value threshold set (JSON); default: the bundled adult set."),
                                  QStringLiteral("file")};
    QCommandLineOption check{QStringLiteral("check"),
                             QStringLiteral("With provision: compare existing topics with the recommended layout and "
                                            "change nothing (exit 0: no drift, 1: drift, 2: cluster unreachable).")};
    QCommandLineOption profile{QStringLiteral("profile"),
                               QStringLiteral("Connect with a saved connection profile (~/.config/Vigil/profiles/NAME."
                                              "properties; secrets from the OS keychain). -X and --config override it."),
                               QStringLiteral("NAME")};
    QCommandLineOption verify{QStringLiteral("verify"),
                              QStringLiteral("With audit: check the audit trail's hash chain in FILE (default: this user's "
                                             "trail) or, with --bootstrap, in the vigil.audit topic (exit 0: intact, 1: "
                                             "broken, the first broken entry named; 2: unreadable).")};
    QCommandLineOption rate{QStringLiteral("rate"), QStringLiteral("Simulated events per minute (default 5000)."),
                            QStringLiteral("events-per-min")};
    QCommandLineOption seed{QStringLiteral("seed"), QStringLiteral("Seed of the simulated hospital (default 1)."),
                            QStringLiteral("N")};
    QCommandLineOption brokers{QStringLiteral("brokers"),
                               QStringLiteral("Nodes of the local cluster (default 1; 3 for replication drills), or "
                                              "brokers of the mock (default 3)."),
                               QStringLiteral("N")};
    QCommandLineOption embedded{QStringLiteral("embedded"),
                                QStringLiteral("The cluster Vigil runs without --bootstrap: 'kafka', a local Apache Kafka "
                                               "(default), or 'mock', librdkafka's in-memory test cluster."),
                                QStringLiteral("kafka|mock")};
    QCommandLineOption dataDir{QStringLiteral("data-dir"),
                               QStringLiteral("Where the local cluster keeps its data (default "
                                              "~/.local/share/Vigil/kafka/1-node)."),
                               QStringLiteral("DIR")};
    QCommandLineOption reset{QStringLiteral("reset"),
                             QStringLiteral("broker: delete the local cluster's data (asks first), then exit.")};
    QCommandLineOption secured{QStringLiteral("secured"),
                               QStringLiteral("broker: the local cluster also offers SASL_SSL (user vigil) and mTLS "
                                              "listeners, with certificates made for it (client properties files in "
                                              "its data directory's secured/).")};
    QCommandLineOption instance{QStringLiteral("instance"),
                                QStringLiteral("Evaluator: this instance's stable name in the group vigil-evaluator "
                                               "(its transactional and static member id; default <host>-<index>, "
                                               "the lowest free on this machine)."),
                                QStringLiteral("name")};
    QCommandLineOption threads{QStringLiteral("threads"),
                               QStringLiteral("Evaluator: instances in this process, one thread each (default 1)."),
                               QStringLiteral("N")};
    QCommandLineOption wall{QStringLiteral("wall"),
                            QStringLiteral("Open the nurse-station wall display, full screen (Ctrl+Shift+Q leaves).")};
    QCommandLineOption unit{QStringLiteral("unit"), QStringLiteral("The unit (ward) the wall display stands in."),
                            QStringLiteral("name")};
    QCommandLineOption feed{QStringLiteral("feed"),
                            QStringLiteral("Show a console's wall feed instead of reading Kafka (no Kafka credentials "
                                           "needed here)."),
                            QStringLiteral("ws://host:port")};
    QCommandLineOption token{QStringLiteral("token"),
                             QStringLiteral("Token of the console's wall feed (or set VIGIL_WALL_TOKEN)."),
                             QStringLiteral("token")};
    QCommandLineOption windowed{QStringLiteral("windowed"), QStringLiteral("Wall display in a normal window.")};
    QCommandLineOption staleAfter{QStringLiteral("stale-after"),
                                  QStringLiteral("Wall display: seconds without data before FEED DOWN (default 30)."),
                                  QStringLiteral("seconds")};
    QCommandLineOption escalate{QStringLiteral("escalate"),
                                QStringLiteral("Minutes unacknowledged before a row escalates, twice (default 15,30); "
                                               "UNIT=FIRST,SECOND for one unit. Repeatable."),
                                QStringLiteral("[unit=]first,second")};
    QCommandLineOption mrnDigits{QStringLiteral("mrn-digits"),
                                 QStringLiteral("Wall display: last digits of the MRN shown beside the initials "
                                                "(default 4)."),
                                 QStringLiteral("N")};
    QCommandLineOption linger{QStringLiteral("resolved-linger"),
                              QStringLiteral("Wall display: minutes a resolved alert stays on the board (default 2)."),
                              QStringLiteral("minutes")};
    QCommandLineOption serveWall{QStringLiteral("serve-wall"),
                                 QStringLiteral("Console: serve the wall feed on [address:]port (default "
                                                "127.0.0.1:8765; 0.0.0.0:8765 for other machines; 'off')."),
                                 QStringLiteral("[address:]port")};
    QCommandLineOption wallCert{QStringLiteral("wall-cert"),
                                QStringLiteral("Console: serve the wall feed as wss:// with this certificate (PEM; "
                                               "with --wall-key)."),
                                QStringLiteral("cert.pem")};
    QCommandLineOption wallKey{QStringLiteral("wall-key"), QStringLiteral("Console: the wall feed certificate's key (PEM)."),
                               QStringLiteral("key.pem")};
    QCommandLineOption wallCa{QStringLiteral("wall-ca"),
                              QStringLiteral("Wall display: trust the CA in this PEM file (a hospital CA) for a wss:// feed, "
                                             "besides the system's."),
                              QStringLiteral("ca.pem")};
    QCommandLineOption fullIdentifiers{QStringLiteral("wall-full-identifiers"),
                                       QStringLiteral("Console: send remote wall displays full MRNs and patient, "
                                                      "encounter and observation ids (default: masked as the board "
                                                      "shows them; each display still gets its own unit only).")};
    QCommandLineOption schemaRegistry{QStringLiteral("schema-registry"),
                                      QStringLiteral("A Confluent-compatible schema registry (credentials as "
                                                     "https://user:password@host)."),
                                      QStringLiteral("URL")};
    QCommandLineOption listen{QStringLiteral("listen"),
                              QStringLiteral("FHIR ingest: serve the Subscription webhook POST /fhir-webhook on "
                                             "[address:]port (all addresses when none is given)."),
                              QStringLiteral("[address:]port")};
    QCommandLineOption webhookToken{QStringLiteral("webhook-token"),
                                    QStringLiteral("The bearer token the FHIR server must send to the webhook (or set "
                                                   "VIGIL_WEBHOOK_TOKEN)."),
                                    QStringLiteral("token")};
    QCommandLineOption tlsCert{QStringLiteral("tls-cert"), QStringLiteral("The webhook's TLS certificate (PEM)."),
                               QStringLiteral("file")};
    QCommandLineOption tlsKey{QStringLiteral("tls-key"), QStringLiteral("The webhook's TLS private key (PEM)."),
                              QStringLiteral("file")};
    QCommandLineOption maxBody{QStringLiteral("max-body"),
                               QStringLiteral("The largest notification the webhook takes, in bytes (default 16 MiB)."),
                               QStringLiteral("bytes")};
    QCommandLineOption poll{QStringLiteral("poll"),
                            QStringLiteral("FHIR ingest: poll this FHIR server's REST API (incremental by _lastUpdated)."),
                            QStringLiteral("https://ehr/fhir")};
    QCommandLineOption types{QStringLiteral("types"),
                             QStringLiteral("Resource types the poller reads (default Observation,Encounter)."),
                             QStringLiteral("Type,...")};
    QCommandLineOption every{QStringLiteral("every"),
                             QStringLiteral("The poller's pause between rounds: 30s, 2m, 500ms (default 30s)."),
                             QStringLiteral("duration")};
    QCommandLineOption pageSize{QStringLiteral("page-size"),
                                QStringLiteral("The poller's _count per page (default 100)."), QStringLiteral("N")};
    QCommandLineOption fhirBase{QStringLiteral("fhir-base"),
                                QStringLiteral("The FHIR server the webhook fetches id-only notifications and gaps from "
                                               "(default: from the notification's absolute references)."),
                                QStringLiteral("https://ehr/fhir")};
    QCommandLineOption fhirToken{QStringLiteral("fhir-token"),
                                 QStringLiteral("Bearer token for the FHIR server's REST API (or set VIGIL_FHIR_TOKEN)."),
                                 QStringLiteral("token")};
    QCommandLineOption fhirUser{QStringLiteral("fhir-user"),
                                QStringLiteral("Basic authentication for the FHIR server's REST API."),
                                QStringLiteral("user:password")};
    QCommandLineOption help{{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help.")};
    QCommandLineOption version{QStringLiteral("version"), QStringLiteral("Show the version.")};

    void addTo(QCommandLineParser &parser)
    {
        parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsCompactedShortOptions);
        parser.addOptions({bootstrap, property, config, simulate, evaluate, thresholds, check, verify, profile, rate, seed, brokers, embedded,
                           dataDir, reset, secured, instance, threads, wall, unit,
                           feed, token, windowed, staleAfter, escalate, mrnDigits, linger, serveWall, wallCert, wallKey, wallCa, fullIdentifiers,
                           schemaRegistry, listen, webhookToken, tlsCert, tlsKey, maxBody, poll, types, every, pageSize,
                           fhirBase, fhirToken, fhirUser, help, version});
        parser.addPositionalArgument(QStringLiteral("command"),
                                     QStringLiteral("'broker' runs the local cluster headless; 'evaluate' runs "
                                                    "the evaluator against --bootstrap; 'ingest' takes events from a "
                                                    "FHIR server; 'audit --verify [FILE]' checks the audit trail; none "
                                                    "opens the console."),
                                     QStringLiteral("[broker|evaluate|provision|ingest|audit]"));
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

constexpr qint64 MinuteMs = 60'000;

// "15,30" or "ICU=5,10": a unit (or the default) and its two escalation steps in minutes.
std::pair<std::string, EscalationPolicy> escalationPolicy(const QString &text)
{
    const qsizetype equals = text.indexOf(u'=');
    const std::string unit = equals < 0 ? std::string() : text.left(equals).trimmed().toStdString();
    const QStringList steps = text.mid(equals + 1).split(u',');
    const auto fail = [&text] {
        return UsageError("--escalate takes [unit=]first,second in minutes with first < second, got \""
                          + text.toStdString() + '"');
    };
    if (steps.size() != 2)
        throw fail();
    bool firstOk = false, secondOk = false;
    const double first = steps[0].toDouble(&firstOk), second = steps[1].toDouble(&secondOk);
    if (!firstOk || !secondOk || first <= 0 || second <= first)
        throw fail();
    return {unit, EscalationPolicy{qint64(first * MinuteMs), qint64(second * MinuteMs)}};
}

void parseWall(const QCommandLineParser &parser, const Options &options, CommandLine::Wall &wall)
{
    wall.unit = parser.value(options.unit).toStdString();
    wall.kiosk = !parser.isSet(options.windowed);
    wall.token = parser.isSet(options.token) ? parser.value(options.token) : qEnvironmentVariable("VIGIL_WALL_TOKEN");
    if (parser.isSet(options.feed)) {
        wall.feed = QUrl(parser.value(options.feed), QUrl::StrictMode);
        if (!wall.feed.isValid() || (wall.feed.scheme() != u"ws" && wall.feed.scheme() != u"wss"))
            throw UsageError("--feed takes a ws:// or wss:// address, got \"" + parser.value(options.feed).toStdString() + '"');
        if (wall.token.isEmpty())
            throw UsageError("--feed needs a token: the display's own, or the console's shared one (--token or "
                             "VIGIL_WALL_TOKEN)");
    }
    if (parser.isSet(options.staleAfter))
        wall.options.staleAfterMs = qint64(positiveNumber(parser.value(options.staleAfter), "--stale-after") * 1000);
    for (const QString &text : parser.values(options.escalate)) {
        auto [unit, policy] = escalationPolicy(text);
        if (unit.empty())
            wall.defaultPolicy = policy;
        else
            wall.unitPolicies[unit] = policy;
    }
    if (parser.isSet(options.mrnDigits)) {
        bool ok = false;
        const int digits = parser.value(options.mrnDigits).toInt(&ok);
        if (!ok || digits < 0 || digits > 6)
            throw UsageError("--mrn-digits takes 0 to 6");
        wall.options.labels.mrnDigits = digits;
    }
    if (parser.isSet(options.linger))
        wall.options.limits.resolvedLingerMs = qint64(positiveNumber(parser.value(options.linger), "--resolved-linger") * MinuteMs);
    wall.fullIdentifiers = parser.isSet(options.fullIdentifiers);
    wall.certificate = parser.value(options.wallCert);
    wall.key = parser.value(options.wallKey);
    if (wall.certificate.isEmpty() != wall.key.isEmpty())
        throw UsageError("--wall-cert and --wall-key go together");
    wall.caFile = parser.value(options.wallCa);
    if (parser.isSet(options.serveWall)) {
        const QString text = parser.value(options.serveWall);
        if (text == u"off") {
            wall.serve = false;
        } else {
            const qsizetype colon = text.lastIndexOf(u':');
            bool ok = false;
            const uint port = text.mid(colon + 1).toUInt(&ok);
            if (colon >= 0)
                wall.serveAddress = QHostAddress(text.left(colon));
            if (!ok || port > 65535 || wall.serveAddress.isNull())
                throw UsageError("--serve-wall takes [address:]port or off, got \"" + text.toStdString() + '"');
            wall.servePort = quint16(port);
        }
    }
}

// "30s", "2m", "500ms", or plain seconds.
int durationMs(const QString &text, const char *what)
{
    QString number = text.trimmed();
    double scale = 1000;
    if (number.endsWith(QLatin1String("ms"))) {
        scale = 1;
        number.chop(2);
    } else if (number.endsWith(u's')) {
        number.chop(1);
    } else if (number.endsWith(u'm')) {
        scale = MinuteMs;
        number.chop(1);
    }
    const double value = positiveNumber(number, what) * scale;
    if (value > 24.0 * 60 * MinuteMs)
        throw UsageError(std::string(what) + " takes at most a day");
    return int(value);
}

FhirServerAccess fhirAccess(const QCommandLineParser &parser, const Options &options, const QUrl &base)
{
    FhirServerAccess access;
    access.base = base;
    const QString token = parser.isSet(options.fhirToken) ? parser.value(options.fhirToken)
                                                          : qEnvironmentVariable("VIGIL_FHIR_TOKEN");
    if (parser.isSet(options.fhirUser)) {
        const QString user = parser.value(options.fhirUser);
        const qsizetype colon = user.indexOf(u':');
        if (colon <= 0)
            throw UsageError("--fhir-user takes user:password");
        if (!token.isEmpty())
            throw UsageError("the FHIR server is logged in to with a token or with --fhir-user, not both");
        access.authorization = FhirServerAccess::basic(user.left(colon), user.mid(colon + 1));
    } else if (!token.isEmpty()) {
        access.authorization = FhirServerAccess::bearer(token);
    }
    return access;
}

QUrl httpUrl(const QString &text, const char *what)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") || url.host().isEmpty())
        throw UsageError(std::string(what) + " takes an http:// or https:// address, got \"" + text.toStdString() + '"');
    return url;
}

void parseIngest(const QCommandLineParser &parser, const Options &options, CommandLine &line)
{
    if (parser.isSet(options.listen)) {
        WebhookSettings webhook;
        const QString text = parser.value(options.listen);
        const qsizetype colon = text.lastIndexOf(u':');
        bool ok = false;
        const uint port = text.mid(colon + 1).toUInt(&ok);
        if (colon >= 0)
            webhook.address = QHostAddress(text.left(colon));
        if (!ok || port > 65535 || webhook.address.isNull())
            throw UsageError("--listen takes [address:]port, got \"" + text.toStdString() + '"');
        webhook.port = quint16(port);
        webhook.bearerToken = (parser.isSet(options.webhookToken) ? parser.value(options.webhookToken)
                                                                  : qEnvironmentVariable("VIGIL_WEBHOOK_TOKEN")).toUtf8();
        webhook.certificateFile = parser.value(options.tlsCert);
        webhook.keyFile = parser.value(options.tlsKey);
        if (webhook.certificateFile.isEmpty() != webhook.keyFile.isEmpty())
            throw UsageError("TLS needs both --tls-cert and --tls-key");
        if (parser.isSet(options.maxBody))
            webhook.maxBodyBytes = qint64(positiveNumber(parser.value(options.maxBody), "--max-body"));
        webhook.fhir = fhirAccess(parser, options,
                                  parser.isSet(options.fhirBase) ? httpUrl(parser.value(options.fhirBase), "--fhir-base") : QUrl());
        line.ingest.webhook = webhook;
    } else {
        for (const QCommandLineOption *option : {&options.webhookToken, &options.tlsCert, &options.tlsKey, &options.maxBody,
                                                 &options.fhirBase}) {
            if (parser.isSet(*option))
                throw UsageError("--" + option->names().constLast().toStdString() + " goes with --listen");
        }
    }
    if (parser.isSet(options.poll)) {
        PollerSettings poller;
        poller.server = fhirAccess(parser, options, httpUrl(parser.value(options.poll), "--poll"));
        if (parser.isSet(options.types)) {
            poller.types.clear();
            for (const QString &type : parser.value(options.types).split(u',', Qt::SkipEmptyParts)) {
                if (type.trimmed().isEmpty() || !type.trimmed().front().isUpper())
                    throw UsageError("--types takes FHIR resource types such as Observation,Encounter, got \""
                                     + parser.value(options.types).toStdString() + '"');
                poller.types.append(type.trimmed());
            }
        }
        if (parser.isSet(options.every))
            poller.everyMs = durationMs(parser.value(options.every), "--every");
        if (parser.isSet(options.pageSize)) {
            poller.pageSize = int(positiveNumber(parser.value(options.pageSize), "--page-size"));
            if (poller.pageSize > 1000)
                throw UsageError("--page-size takes 1 to 1000");
        }
        line.ingest.poller = poller;
    } else {
        for (const QCommandLineOption *option : {&options.types, &options.every, &options.pageSize}) {
            if (parser.isSet(*option))
                throw UsageError("--" + option->names().constLast().toStdString() + " goes with --poll");
        }
    }
    if (line.mode == CommandLine::Mode::Ingest && !line.ingest.any())
        throw UsageError("'ingest' needs a source: --listen [address:]port (the Subscription webhook) or --poll URL");
    if (line.ingest.any() && line.mode != CommandLine::Mode::Ingest && line.mode != CommandLine::Mode::Console)
        throw UsageError("--listen and --poll go with 'ingest' or the console");
}

// --bootstrap (a cluster elsewhere) or the cluster Vigil runs: --embedded, --brokers, --data-dir, --reset.
void parseCluster(const QCommandLineParser &parser, const Options &options, CommandLine &line)
{
    using Cluster = CommandLine::Cluster;
    using Mode = CommandLine::Mode;
    const bool remote = !line.config.bootstrapServers().isEmpty();
    if (remote && parser.isSet(options.embedded))
        throw UsageError("--embedded chooses the cluster Vigil runs; with --bootstrap it runs none");
    const QString embedded = parser.value(options.embedded);
    if (!embedded.isEmpty() && embedded != u"kafka" && embedded != u"mock")
        throw UsageError("--embedded takes kafka or mock, got \"" + embedded.toStdString() + '"');
    line.cluster = remote ? Cluster::Remote : embedded == u"mock" ? Cluster::Mock : Cluster::Local;

    if (parser.isSet(options.brokers)) {
        if (remote)
            throw UsageError("--brokers sizes the cluster Vigil runs; it goes without --bootstrap");
        line.brokers = int(positiveNumber(parser.value(options.brokers), "--brokers"));
        if (line.brokers > 9)
            throw UsageError("--brokers takes 1 to 9");
    }
    if (parser.isSet(options.dataDir)) {
        if (line.cluster != Cluster::Local)
            throw UsageError("--data-dir is where the local Kafka cluster keeps its data; it goes without --bootstrap "
                             "and --embedded mock");
        line.dataDir = parser.value(options.dataDir);
    }
    line.reset = parser.isSet(options.reset);
    line.secured = parser.isSet(options.secured);
    if (line.secured && (line.mode != Mode::Broker || line.cluster != Cluster::Local))
        throw UsageError("--secured goes with 'vigil broker' and the local cluster");
    if (line.reset && (line.mode != Mode::Broker || line.cluster != Cluster::Local))
        throw UsageError("--reset goes with 'vigil broker' and the local cluster");

    if (line.mode == Mode::Broker && remote)
        throw UsageError("'broker' runs a cluster on this machine; it takes no --bootstrap");
    if (line.mode == Mode::Evaluate && !remote)
        throw UsageError("'evaluate' needs --bootstrap (or 'vigil broker --evaluate' for the local cluster)");
    if (line.mode == Mode::Provision && !remote)
        throw UsageError("'provision' needs --bootstrap (Vigil's own cluster gets the layout when it starts)");
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
                                                 {QStringLiteral("provision"), Mode::Provision},
                                                 {QStringLiteral("ingest"), Mode::Ingest},
                                                 {QStringLiteral("audit"), Mode::Audit},
                                                 {QStringLiteral("profile"), Mode::Profile}};
    const int allowed = command == u"audit" ? 2 : command == u"profile" ? 4 : 1; // audit --verify FILE, profile import NAME FILE
    if (positional.size() > allowed || (!command.isEmpty() && !commands.contains(command)))
        throw UsageError("unknown command \"" + positional.join(u' ').toStdString() + "\" (try --help)");
    line.mode = commands.value(command, Mode::Console);
    if (parser.isSet(options.wall)) {
        if (line.mode != Mode::Console)
            throw UsageError("--wall opens a display; it goes with no command");
        line.mode = Mode::Wall;
    }
    parseWall(parser, options, line.wall);
    if (parser.isSet(options.schemaRegistry)) {
        line.schemaRegistry = QUrl(parser.value(options.schemaRegistry), QUrl::StrictMode);
        if (!line.schemaRegistry.isValid()
            || (line.schemaRegistry.scheme() != u"http" && line.schemaRegistry.scheme() != u"https"))
            throw UsageError("--schema-registry takes an http:// or https:// address, got \""
                             + parser.value(options.schemaRegistry).toStdString() + '"');
    }
    if (line.wall.feed.isValid() && line.mode != Mode::Wall)
        throw UsageError("--feed goes with --wall");
    if (line.wall.fullIdentifiers && line.mode != Mode::Console)
        throw UsageError("--wall-full-identifiers goes with the console, which serves the wall feed");
    if (line.wall.feed.isValid() && parser.isSet(options.bootstrap))
        throw UsageError("a wall display reads either a cluster (--bootstrap) or a console's feed (--feed), not both");

    if (line.mode == Mode::Profile) {
        line.profileCommand = positional.mid(1);
        static const QMap<QString, int> arguments = {{QStringLiteral("list"), 0}, {QStringLiteral("import"), 2},
                                                     {QStringLiteral("show"), 1}, {QStringLiteral("remove"), 1}};
        const QString verb = line.profileCommand.value(0);
        if (!arguments.contains(verb) || line.profileCommand.size() != arguments.value(verb) + 1)
            throw UsageError("vigil profile list | import NAME client.properties | show NAME | remove NAME");
        return line;
    }
    // A profile first, then the properties file, then -X in order, then --bootstrap: the most specific
    // wins, as in kcat.
    if (parser.isSet(options.profile)) {
        line.profile = parser.value(options.profile);
        const ProfileStore store;
        const ConnectionProfile profile = store.load(line.profile);
        for (const auto &[key, value] : profile.clientProperties())
            line.config.set(key, value);
        line.profileSecrets = store.keychainHeld(line.profile);
        if (!profile.schemaRegistry.isEmpty() && !parser.isSet(options.schemaRegistry))
            line.schemaRegistry = QUrl(profile.schemaRegistry, QUrl::StrictMode);
        if (!profile.wallFeed.isEmpty() && line.mode == Mode::Wall && !line.wall.feed.isValid() && !parser.isSet(options.bootstrap))
            line.wall.feed = QUrl(profile.wallFeed, QUrl::StrictMode);
    }
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
    parseCluster(parser, options, line);
    line.config.validate();
    parseIngest(parser, options, line);

    if (line.mode == Mode::Wall && line.ownsCluster() && !line.wall.feed.isValid())
        throw UsageError("a wall display reads a cluster (--bootstrap, e.g. the one 'vigil broker --simulate "
                         "--evaluate' prints) or a console's feed (--feed ws://host:port --token ...)");
    line.evaluate = parser.isSet(options.evaluate) || line.mode == Mode::Evaluate
                    || (line.mode == Mode::Console && line.ownsCluster());
    line.instance = parser.value(options.instance).trimmed();
    if (parser.isSet(options.threads)) {
        line.threads = int(positiveNumber(parser.value(options.threads), "--threads"));
        if (line.threads > 64)
            throw UsageError("--threads takes 1 to 64");
    }
    if ((parser.isSet(options.instance) || parser.isSet(options.threads)) && !line.evaluate)
        throw UsageError("--instance and --threads name and size the evaluator; they go with 'evaluate' or --evaluate");
    if (parser.isSet(options.instance) && line.instance.isEmpty())
        throw UsageError("--instance needs a name");
    if (line.threads > 1 && line.mode == Mode::Console)
        throw UsageError("--threads runs more evaluator instances headless ('vigil evaluate' or 'vigil broker --evaluate'); "
                         "the console runs one");
    if (line.mode == Mode::Audit) {
        if (!parser.isSet(options.verify))
            throw UsageError("'audit' takes --verify [FILE] (or --verify --bootstrap host:9092 for the vigil.audit topic)");
        line.auditFile = positional.value(1);
        if (!line.auditFile.isEmpty() && parser.isSet(options.bootstrap))
            throw UsageError("audit --verify checks a FILE or the topic on --bootstrap, not both");
    } else if (parser.isSet(options.verify)) {
        throw UsageError("--verify goes with audit");
    }
    line.checkOnly = parser.isSet(options.check);
    if (line.checkOnly && line.mode != Mode::Provision)
        throw UsageError("--check goes with provision");
    if (parser.isSet(options.thresholds))
        line.thresholdsPath = parser.value(options.thresholds);

    line.simulate = parser.isSet(options.simulate) || (line.mode == Mode::Console && line.ownsCluster());
    if (parser.isSet(options.rate))
        line.eventsPerMinute = positiveNumber(parser.value(options.rate), "--rate");
    if (parser.isSet(options.seed)) {
        bool ok = false;
        line.seed = parser.value(options.seed).toULongLong(&ok);
        if (!ok)
            throw UsageError("--seed must be a whole number, got \"" + parser.value(options.seed).toStdString() + '"');
        line.seedGiven = true;
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
        "  vigil                          console on a local Apache Kafka cluster with the simulated hospital\n"
        "  vigil --embedded mock          the same on librdkafka's in-memory mock cluster (no Java needed)\n"
        "  vigil --bootstrap host:9092    console on a real cluster (-X / --config for SASL, SSL)\n"
        "  vigil broker [--simulate] [--evaluate]   the local cluster without a window; prints its bootstrap list\n"
        "  vigil broker --reset                      delete the local cluster's data (asks first)\n"
        "  vigil evaluate --bootstrap host:9092     the critical-value evaluator as a service\n"
        "  vigil provision --bootstrap host:9092    create the recommended topic layout (existing topics are left alone)\n"
        "  vigil audit --verify [FILE]              check the audit trail's hash chain (--bootstrap: the vigil.audit topic)\n"
        "  vigil ingest --listen 8443 --tls-cert c.pem --tls-key k.pem   FHIR Subscription webhook into Kafka\n"
        "  vigil ingest --poll https://ehr/fhir --types Observation,Encounter --every 30s   FHIR REST poller\n"
        "  vigil --wall --unit ICU --bootstrap host:9092          nurse-station wall display reading Kafka\n"
        "  vigil --wall --unit ICU --feed ws://console:8765 --token T   wall display fed by a console"));
    return parser.helpText();
}

SimulatorSettings CommandLine::simulatorSettings(const ClientConfig &cluster) const
{
    SimulatorSettings settings;
    settings.config = cluster;
    // The local cluster keeps history: a restart with the same seed would resend the same ids.
    settings.seed = seedGiven || this->cluster != Cluster::Local ? seed : quint64(QDateTime::currentMSecsSinceEpoch());
    settings.eventsPerMinute = eventsPerMinute;
    settings.enforcer = SchemaEnforcer::bundled();
    return settings;
}

EvaluatorSettings CommandLine::evaluatorSettings(const ClientConfig &cluster, const QString &instance) const
{
    EvaluatorSettings settings;
    settings.config = cluster;
    settings.instance = instance;
    settings.thresholds = ThresholdSet::loadFile(thresholdsPath);
    settings.enforcer = SchemaEnforcer::bundled();
    return settings;
}
