#pragma once

#include "commandline.h"

#include <memory>
#include <vector>

class EvaluatorInstances;
class IngestSources;
class LocalCluster;
class MockCluster;
class WorkerThread;

// `vigil broker`, `vigil evaluate` and `vigil ingest`: the local cluster (or the mock) without a
// window, and optionally the simulated hospital, the critical-value evaluator and FHIR ingest. Progress goes to stderr.
// A worker that stops for good ends the process with exit status 1 and the reason on stderr, so
// that a supervisor (systemd, Kubernetes) restarts it instead of keeping a service that does nothing.
class HeadlessService {
public:
    // Starts or joins the local cluster first (progress on stderr); without Java or the jars it
    // says so and runs the mock. Throws std::runtime_error (the cluster cannot start) or
    // ThresholdError (bad threshold file).
    explicit HeadlessService(const CommandLine &line);
    ~HeadlessService();

    QString bootstrapServers() const { return m_config.bootstrapServers(); }
    // "local Kafka 4.1.2 (1 node, <dir>)", "mock cluster (3 brokers, in memory)", or the bootstrap list.
    QString clusterDescription() const { return m_description; }

private:
    ClientConfig m_config;
    QString m_description;
    std::unique_ptr<MockCluster> m_mock;
    std::unique_ptr<LocalCluster> m_local;
    std::unique_ptr<WorkerThread> m_simulatorThread;
    std::unique_ptr<EvaluatorInstances> m_instances;
    std::vector<std::unique_ptr<WorkerThread>> m_evaluatorThreads;
    std::unique_ptr<IngestSources> m_ingest;
};
