#include "cluster/clusterstatus.h"

ClusterStatus::ClusterStatus(QString clusterName, QObject *parent)
    : QObject(parent), m_clusterName(std::move(clusterName))
{
}

void ClusterStatus::updateStatistics(const ClientStatistics &statistics)
{
    const qint64 elapsedUs = statistics.timestampUs - m_latest.timestampUs;
    if (hasStatistics() && statistics.client == m_latest.client && elapsedUs > 0) {
        const qint64 received = statistics.receivedMessages - m_latest.receivedMessages;
        m_eventsPerSecond = double(qMax<qint64>(0, received)) * 1e6 / double(elapsedUs);
    }
    m_latest = statistics;
    Q_EMIT changed();
}

void ClusterStatus::recordError(const ClientError &error)
{
    ++m_errorCount;
    m_lastError = error.message;
    Q_EMIT changed();
}

void ClusterStatus::setClusterName(const QString &name)
{
    m_clusterName = name;
    Q_EMIT changed();
}
