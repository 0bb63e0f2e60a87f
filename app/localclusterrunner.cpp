#include "localclusterrunner.h"

#include "client/clientconfig.h"
#include "jobs/topicprovisioner.h"

LocalClusterRunner::LocalClusterRunner(LocalClusterOptions options, QObject *parent)
    : QObject(parent), m_options(std::move(options))
{
}

LocalClusterRunner::~LocalClusterRunner() = default;

QStringList LocalClusterRunner::provisionTopics(const QString &bootstrap)
{
    ClientConfig config;
    config.setBootstrapServers(bootstrap);
    QStringList failures;
    try {
        for (const TopicProvisioner::Result &result : TopicProvisioner(config).provision())
            if (result.outcome == TopicProvisioner::Outcome::Failed)
                failures << tr("topic %1 could not be created: %2").arg(result.topic, result.error);
    } catch (const std::exception &error) {
        failures << tr("Vigil's topics could not be created: %1").arg(QString::fromUtf8(error.what()));
    }
    return failures;
}

QString LocalClusterRunner::describe(const LocalCluster &cluster)
{
    const int nodes = cluster.options().nodes;
    const QString size = nodes == 1 ? tr("1 node") : tr("%1 nodes").arg(nodes);
    return tr("local Kafka %1 (%2, %3)").arg(cluster.kafka().version, size, cluster.options().dataDir);
}

int LocalClusterRunner::runningNodeCount(int fallback)
{
    for (int nodes = 1; nodes <= 9; ++nodes)
        if (!LocalCluster::runningBootstrap(LocalCluster::defaultDataDir(nodes)).isEmpty())
            return nodes;
    return fallback;
}

void LocalClusterRunner::start()
{
    try {
        m_cluster = std::make_unique<LocalCluster>(KafkaDistribution::find(), m_options);
        m_cluster->open([this](const QString &step) { Q_EMIT progress(step); });
        QStringList warnings;
        if (m_cluster->startedHere()) {
            Q_EMIT progress(tr("Creating Vigil's topics…"));
            warnings = provisionTopics(m_cluster->bootstrapServers());
        }
        Q_EMIT ready(m_cluster->bootstrapServers(), describe(*m_cluster), warnings);
        reportNodes();
    } catch (const LocalClusterError &error) {
        m_cluster.reset();
        if (error.kind() == LocalClusterError::Kind::Failed)
            Q_EMIT failed(QString::fromStdString(error.what()));
        else
            Q_EMIT unavailable(QString::fromStdString(error.what()), error.fix());
    }
}

void LocalClusterRunner::stopNode(int id)
{
    drill([this, id] { m_cluster->stopNode(id); });
}

void LocalClusterRunner::startNode(int id)
{
    drill([this, id] { m_cluster->startNode(id); });
}

void LocalClusterRunner::drill(const std::function<void()> &step)
{
    if (!m_cluster)
        return;
    try {
        step();
    } catch (const LocalClusterError &error) {
        Q_EMIT failed(QString::fromStdString(error.what()));
    }
    reportNodes();
}

void LocalClusterRunner::reportNodes()
{
    Q_EMIT nodesChanged(m_cluster->runningNodes(), m_cluster->options().nodes);
}
