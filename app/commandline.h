#pragma once

#include "clientconfig.h"
#include "evaluatorjob.h"
#include "simulatorpublisher.h"

#include <QStringList>

#include <stdexcept>

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// What the user asked for on the command line. Cluster options follow kcat and the Kafka CLI
// tools: --bootstrap, repeated -X key=value, --config client.properties.
struct CommandLine {
    enum class Mode { Console, Broker, Evaluate, Provision, ListProperties, Help, Version };

    Mode mode = Mode::Console;
    ClientConfig config;       // without bootstrap.servers when the embedded cluster is used
    bool embedded = true;      // no --bootstrap: start the embedded cluster
    bool simulate = false;     // run the simulated hospital
    bool evaluate = false;
    bool checkOnly = false;    // provision --check: compare with the layout, change nothing     // run the critical-value evaluator job
    QString thresholdsPath = QStringLiteral(":/thresholds/adult-critical-values.json");
    double eventsPerMinute = 5000;
    quint64 seed = 1;
    int brokers = 3;

    // Throws UsageError or ConfigError with a message for the user.
    static CommandLine parse(const QStringList &arguments);
    static QString helpText();

    // What the workers asked for get, on the cluster `cluster` (this line's config plus the
    // embedded cluster's bootstrap when there is one). Throws ThresholdError for a bad file.
    SimulatorSettings simulatorSettings(const ClientConfig &cluster) const;
    EvaluatorSettings evaluatorSettings(const ClientConfig &cluster) const;
};
