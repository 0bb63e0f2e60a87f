#pragma once

#include "commandline.h"

#include <memory>

class EmbeddedCluster;
class WorkerThread;

// `vigil broker`: the embedded cluster without a window, and optionally the simulated hospital.
class BrokerService {
public:
    explicit BrokerService(const CommandLine &line);
    ~BrokerService();

    QString bootstrapServers() const;

private:
    std::unique_ptr<EmbeddedCluster> m_cluster;
    std::unique_ptr<WorkerThread> m_simulatorThread;
};
