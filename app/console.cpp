#include "console.h"

#include "clusterstatus.h"
#include "embeddedcluster.h"
#include "feedconsumer.h"
#include "feedmodel.h"
#include "mainwindow.h"
#include "simulatorpublisher.h"
#include "topics.h"
#include "workerthread.h"

#include <QCoreApplication>

namespace {

QString topicName(std::string_view topic)
{
    return QString::fromUtf8(topic.data(), qsizetype(topic.size()));
}

} // namespace

Console::Console(const CommandLine &line) : m_config(line.config)
{
    QString clusterName;
    QString notice;
    if (line.embedded) {
        m_cluster = std::make_unique<EmbeddedCluster>(line.brokers);
        m_config.setBootstrapServers(m_cluster->bootstrapServers());
        clusterName = QObject::tr("embedded cluster (%1 brokers, in memory)").arg(line.brokers);
        notice = EmbeddedCluster::limitations();
    } else {
        clusterName = m_config.bootstrapServers();
    }

    m_feed = std::make_unique<FeedModel>();
    m_status = std::make_unique<ClusterStatus>(clusterName);
    m_window = std::make_unique<MainWindow>(m_feed.get(), m_status.get(), notice);

    ConsumerSettings feedSettings;
    feedSettings.config = m_config;
    feedSettings.topics = {topicName(Topics::Adt), topicName(Topics::LabResults),
                           topicName(Topics::MedicationOrders), topicName(Topics::FhirOther)};
    feedSettings.groupId = QStringLiteral("vigil-feed-%1").arg(QCoreApplication::applicationPid());
    feedSettings.offsetReset = line.embedded ? QStringLiteral("earliest") : QStringLiteral("latest");
    auto *feedConsumer = new FeedConsumer(feedSettings);
    QObject::connect(feedConsumer, &FeedConsumer::eventsReady, m_feed.get(), &FeedModel::appendBatch);
    QObject::connect(feedConsumer, &KafkaWorker::statisticsUpdated, m_status.get(), &ClusterStatus::updateStatistics);
    QObject::connect(feedConsumer, &KafkaWorker::errorOccurred, m_status.get(), &ClusterStatus::recordError);
    m_feedThread = std::make_unique<WorkerThread>(feedConsumer, QStringLiteral("feed consumer"));

    if (line.simulate) {
        SimulatorSettings simulatorSettings;
        simulatorSettings.config = m_config;
        simulatorSettings.seed = line.seed;
        simulatorSettings.eventsPerMinute = line.eventsPerMinute;
        auto *simulator = new SimulatorPublisher(simulatorSettings);
        QObject::connect(simulator, &KafkaWorker::errorOccurred, m_status.get(), &ClusterStatus::recordError);
        m_simulatorThread = std::make_unique<WorkerThread>(simulator, QStringLiteral("simulated hospital"));
    }
}

Console::~Console()
{
    // Producers first, so nothing is sent to a cluster that is going away; then the feed;
    // the window and models outlive the workers that post to them.
    if (m_simulatorThread)
        m_simulatorThread->stop();
    m_feedThread->stop();
}
