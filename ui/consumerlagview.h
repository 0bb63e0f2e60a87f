#pragma once

#include "cluster/clustersnapshot.h"
#include "cluster/lagrule.h"

#include <QWidget>

class ConsumerLagModel;
class GroupPartitionsModel;
class LagChart;
class QLabel;
class QLineEdit;
class QListWidget;
class QSpinBox;
class QTableView;

// Consumer groups and their lag: one row per group with its Burrow-style status in colour, the chosen
// group's partitions, the lag trend, and the lag rule (editable: pattern, threshold, duration) with
// its alerts as they fire and clear. Groups the
// cluster cannot list are added by id here and asked for from the inspector.
// Fed by ClusterInspector::snapshotReady -> showSnapshot; asks back with groupAdded -> addGroup,
// groupRemoved -> removeGroup, refreshIntervalChanged -> setRefreshInterval.
class ConsumerLagView final : public QWidget {
    Q_OBJECT
public:
    explicit ConsumerLagView(QWidget *parent = nullptr);

    ConsumerLagModel *lagModel() const { return m_groups; }
    GroupPartitionsModel *partitionsModel() const { return m_partitions; }
    LagChart *chart() const { return m_chart; }
    QString selectedGroup() const { return m_selected; }
    // The alerts now firing, as shown.
    QList<ConsoleAlert> firingAlerts() const { return m_firing; }

public Q_SLOTS:
    void showSnapshot(const ClusterSnapshot &snapshot);
    void selectGroup(const QString &group);
    // Adds a group as if typed into the field.
    void addGroup(const QString &group);
    void setRefreshIntervalShown(int ms);

Q_SIGNALS:
    void groupAdded(const QString &group);
    void groupRemoved(const QString &group);
    void refreshIntervalChanged(int ms);
    // The lag rule's fired and cleared alerts, for a console-wide alert strip.
    void alertsChanged(const QList<ConsoleAlert> &changes);

private:
    void showAlerts(const QList<ConsoleAlert> &changes);
    void showDetails();
    void applyLagRule();

    ConsumerLagModel *m_groups;
    GroupPartitionsModel *m_partitions;
    QTableView *m_groupTable;
    QTableView *m_partitionTable;
    LagChart *m_chart;
    QLineEdit *m_newGroup;
    QSpinBox *m_interval;
    QLineEdit *m_rulePattern;
    QSpinBox *m_ruleThreshold;
    QSpinBox *m_ruleMinutes;
    QLabel *m_ruleState;
    QListWidget *m_alerts;
    QLabel *m_members;
    QLabel *m_status;
    QList<ConsoleAlert> m_firing;
    QString m_selected;
};
