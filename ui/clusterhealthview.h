#pragma once

#include "cluster/clienthealth.h"
#include "cluster/clustersnapshot.h"
#include "cluster/lagrule.h"

#include <QWidget>

class QListWidget;

// Folds alert changes into `firing` and lists what fires, red; `none` when nothing does.
void showFiringAlerts(QList<ConsoleAlert> &firing, const QList<ConsoleAlert> &changes, QListWidget *list,
                      const QString &none);

class QLabel;
class QListWidget;
class QTableWidget;

// The cluster at a glance: brokers up or down, the under-replicated partitions (the seed's rule, as
// a console alert), Vigil's own clients from their librdkafka statistics (produce error rate with the
// seed's rule, request latency, queue depth), and the alerts of the other rules passed in. Fed by
// ClusterInspector::snapshotReady -> showSnapshot, every worker's statisticsUpdated ->
// showClientStatistics, and ConsumerLagView::alertsChanged -> showAlerts.
class ClusterHealthView final : public QWidget {
    Q_OBJECT
public:
    explicit ClusterHealthView(QWidget *parent = nullptr);

    ClusterRules &rules() { return m_rules; }
    ClientHealth &clients() { return m_clientHealth; }
    QList<ConsoleAlert> firingAlerts() const { return m_firing; }
    int brokersShown() const;
    int underReplicatedShown() const;
    int clientsShown() const;
    // Below the summary: the failure drill, for the cluster Vigil runs itself only. Takes ownership.
    void setDrill(QWidget *drill);

public Q_SLOTS:
    void showSnapshot(const ClusterSnapshot &snapshot);
    void showAlerts(const QList<ConsoleAlert> &changes);
    void showClientStatistics(const ClientStatistics &statistics);

Q_SIGNALS:
    // The under-replication and produce-error rules' fired and cleared alerts.
    void alertsChanged(const QList<ConsoleAlert> &changes);

private:
    ClusterRules m_rules;
    QLabel *m_summary;
    class QVBoxLayout *m_layout;
    QTableWidget *m_brokers;
    QTableWidget *m_partitions;
    QListWidget *m_alerts;
    ClientHealth m_clientHealth;
    QTableWidget *m_clients;
    QList<ConsoleAlert> m_firing;
};
