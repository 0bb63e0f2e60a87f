#pragma once

#include "client/clientconfig.h"
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
    enum class Mode { Console, Wall, Broker, Evaluate, Provision, ListProperties, Help, Version };

    Mode mode = Mode::Console;
    ClientConfig config;       // without bootstrap.servers when the embedded cluster is used
    bool embedded = true;      // no --bootstrap: start the embedded cluster
    bool simulate = false;     // run the simulated hospital
    bool evaluate = false;
    bool checkOnly = false;    // provision --check: compare with the layout, change nothing
    QString thresholdsPath = QStringLiteral(":/thresholds/adult-critical-values.json");
    double eventsPerMinute = 5000;
    quint64 seed = 1;
    int brokers = 3;
    QUrl schemaRegistry;       // a Confluent-compatible registry; empty: the bundled schemas

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
    } wall;

    // Throws UsageError or ConfigError with a message for the user.
    static CommandLine parse(const QStringList &arguments);
    static QString helpText();

    // What the workers asked for get, on the cluster `cluster` (this line's config plus the
    // embedded cluster's bootstrap when there is one). Throws ThresholdError for a bad file.
    SimulatorSettings simulatorSettings(const ClientConfig &cluster) const;
    EvaluatorSettings evaluatorSettings(const ClientConfig &cluster) const;
};
