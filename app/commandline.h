#pragma once

#include "client/clientconfig.h"
#include "ingestsources.h"
#include "jobs/evaluatorjob.h"
#include "jobs/simulatorpublisher.h"
#include "wall/wallstate.h"

#include <QHostAddress>
#include <QStringList>
#include <QUrl>

#include <map>

#include <stdexcept>

// Its message echoes what the user typed, so secrets in it are masked (SecretMask).
class UsageError : public std::runtime_error {
public:
    explicit UsageError(const std::string &what);
};

// What the user asked for on the command line. Cluster options follow kcat and the Kafka CLI
// tools: --bootstrap, repeated -X key=value, --config client.properties.
struct CommandLine {
    enum class Mode { Console, Wall, Broker, Evaluate, Provision, Ingest, Audit, Profile, ListProperties, Help, Version };

    // Without --bootstrap Vigil runs the cluster itself: a local Apache Kafka (the default) or,
    // with --embedded mock, librdkafka's in-memory mock cluster.
    enum class Cluster { Local, Mock, Remote };

    Mode mode = Mode::Console;
    ClientConfig config;       // without bootstrap.servers when Vigil runs the cluster
    Cluster cluster = Cluster::Local;
    bool simulate = false;     // run the simulated hospital
    bool evaluate = false;
    bool checkOnly = false;    // provision --check: compare with the layout, change nothing
    QString auditFile;         // audit --verify FILE; empty: the topic with --bootstrap, else this user's trail
    QString profile;           // --profile NAME: its properties come first, -X and --config override them
    QStringList profileSecrets; // what the profile's file says the OS keychain holds (filled in by main)
    QStringList profileCommand; // vigil profile list | import NAME FILE | show NAME | remove NAME
    QString thresholdsPath = QStringLiteral(":/thresholds/adult-critical-values.json");
    double eventsPerMinute = 5000;
    quint64 seed = 1;
    bool seedGiven = false;    // else a persistent local cluster gets a new hospital each start
    int brokers = 0;           // 0: one local node, three mock brokers (brokerCount())
    QString dataDir;           // --data-dir; empty: LocalCluster::defaultDataDir
    bool reset = false;        // broker --reset: delete the local cluster's data
    bool secured = false;      // broker --secured: SASL_SSL and mTLS listeners beside PLAINTEXT
    QUrl schemaRegistry;       // a Confluent-compatible registry; empty: the bundled schemas
    QString instance;          // --instance; empty: EvaluatorInstances picks <host>-<index>
    int threads = 1;           // evaluator instances in this process

    // Wall displays (--wall), and the console's feed for remote ones.
    struct Wall {
        std::string unit;                 // empty: the display asks which unit it stands in
        QUrl feed;                        // a console's WebSocket feed instead of Kafka
        QString token;                    // --token, else VIGIL_WALL_TOKEN
        bool kiosk = true;                // --windowed turns it off
        WallOptions options;
        EscalationPolicy defaultPolicy;
        std::map<std::string, EscalationPolicy> unitPolicies;
        bool serve = true;                // the console serves its board to remote displays
        QHostAddress serveAddress = QHostAddress::LocalHost;
        quint16 servePort = 8765;
        bool fullIdentifiers = false;     // --wall-full-identifiers: remote displays get unmasked records
        QString certificate;              // --wall-cert: the console serves wss:// with it and --wall-key
        QString key;
        QString caFile;                   // --wall-ca: a display trusts this CA for a wss:// feed
    } wall;

    // FHIR ingest (`vigil ingest`, or the console with --listen / --poll).
    IngestSettings ingest;

    bool ownsCluster() const { return cluster != Cluster::Remote; }
    int brokerCount() const { return brokers ? brokers : cluster == Cluster::Mock ? 3 : 1; }

    // Throws UsageError or ConfigError with a message for the user.
    static CommandLine parse(const QStringList &arguments);
    static QString helpText();

    // What the workers asked for get, on the cluster `cluster` (this line's config plus the
    // bootstrap of the cluster Vigil runs, when it does). Throws ThresholdError for a bad file.
    SimulatorSettings simulatorSettings(const ClientConfig &cluster) const;
    // `instance`: the evaluator instance's name (EvaluatorInstances).
    EvaluatorSettings evaluatorSettings(const ClientConfig &cluster, const QString &instance) const;
};
