#pragma once

#include "clustersnapshot.h"
#include "lagrule.h"

#include <QWidget>

class QListWidget;

// Folds alert changes into `firing` and lists what fires, red; `none` when nothing does.
void showFiringAlerts(QList<ConsoleAlert> &firing, const QList<ConsoleAlert> &changes, QListWidget *list,
                      const QString &none);

class QLabel;
class QListWidget;
class QTableWidget;

// The cluster at a glance: brokers up or down, the under-replicated partitions (the seed's rule, as
// a console alert), and the alerts of the other rules passed in. Fed by
// ClusterInspector::snapshotReady -> showSnapshot and ConsumerLagView::alertsChanged -> showAlerts.
class ClusterHealthView final : public QWidget {
    Q_OBJECT
public:
    explicit ClusterHealthView(QWidget *parent = nullptr);

    ClusterRules &rules() { return m_rules; }
    QList<ConsoleAlert> firingAlerts() const { return m_firing; }
    int brokersShown() const;
    int underReplicatedShown() const;

public Q_SLOTS:
    void showSnapshot(const ClusterSnapshot &snapshot);
    void showAlerts(const QList<ConsoleAlert> &changes);

Q_SIGNALS:
    // The under-replication rule's fired and cleared alerts.
    void alertsChanged(const QList<ConsoleAlert> &changes);

private:
    ClusterRules m_rules;
    QLabel *m_summary;
    QTableWidget *m_brokers;
    QTableWidget *m_partitions;
    QListWidget *m_alerts;
    QLabel *m_clients;
    QList<ConsoleAlert> m_firing;
};
