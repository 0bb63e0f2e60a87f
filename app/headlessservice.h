#pragma once

#include "commandline.h"

#include <memory>

class EmbeddedCluster;
class WorkerThread;

// `vigil broker` and `vigil evaluate`: the embedded cluster (broker only) without a window, and
// optionally the simulated hospital and the critical-value evaluator. Progress goes to stderr.
// A worker that stops for good ends the process with exit status 1 and the reason on stderr, so
// that a supervisor (systemd, Kubernetes) restarts it instead of keeping a service that does nothing.
class HeadlessService {
public:
    // Throws std::runtime_error (the cluster cannot start) or ThresholdError (bad threshold file).
    explicit HeadlessService(const CommandLine &line);
    ~HeadlessService();

    QString bootstrapServers() const { return m_config.bootstrapServers(); }

private:
    ClientConfig m_config;
    std::unique_ptr<EmbeddedCluster> m_cluster;
    std::unique_ptr<WorkerThread> m_simulatorThread;
    std::unique_ptr<WorkerThread> m_evaluatorThread;
};
