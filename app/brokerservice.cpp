#include "brokerservice.h"

#include "embeddedcluster.h"
#include "simulatorpublisher.h"
#include "workerthread.h"

#include <QTextStream>

BrokerService::BrokerService(const CommandLine &line)
    : m_cluster(std::make_unique<EmbeddedCluster>(line.brokers))
{
    if (!line.simulate)
        return;
    SimulatorSettings settings;
    settings.config = line.config;
    settings.config.setBootstrapServers(m_cluster->bootstrapServers());
    settings.seed = line.seed;
    settings.eventsPerMinute = line.eventsPerMinute;
    auto *simulator = new SimulatorPublisher(settings);
    QObject::connect(simulator, &KafkaWorker::errorOccurred, simulator, [](const ClientError &error) {
        QTextStream(stderr) << "vigil broker: simulator: " << error.message << Qt::endl;
    });
    m_simulatorThread = std::make_unique<WorkerThread>(simulator, QStringLiteral("simulated hospital"));
}

BrokerService::~BrokerService()
{
    if (m_simulatorThread)
        m_simulatorThread->stop();
}

QString BrokerService::bootstrapServers() const
{
    return m_cluster->bootstrapServers();
}
