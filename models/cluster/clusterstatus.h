#pragma once

#include "base/clientstatus.h"

#include <QObject>

// What the status bar says about the cluster: brokers up out of total, events per second
// flowing in (from consecutive statistics of the feed's consumer) and errors seen so far.
class ClusterStatus final : public QObject {
    Q_OBJECT
public:
    explicit ClusterStatus(QString clusterName, QObject *parent = nullptr);

    QString clusterName() const { return m_clusterName; }
    int brokersUp() const { return m_latest.brokersUp; }
    int brokersTotal() const { return m_latest.brokersTotal; }
    double eventsPerSecondIn() const { return m_eventsPerSecond; }
    qint64 errorCount() const { return m_errorCount; }
    QString lastError() const { return m_lastError; }
    bool hasStatistics() const { return m_latest.timestampUs != 0; }

public Q_SLOTS:
    void updateStatistics(const ClientStatistics &statistics);
    void recordError(const ClientError &error);
    // The cluster is named once it is known (the local one answers seconds after the window opens).
    void setClusterName(const QString &name);

Q_SIGNALS:
    void changed();

private:
    QString m_clusterName;
    ClientStatistics m_latest;
    double m_eventsPerSecond = 0;
    qint64 m_errorCount = 0;
    QString m_lastError;
};
