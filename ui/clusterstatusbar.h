#pragma once

#include <QWidget>

class ClusterStatus;
class QLabel;

// The status bar's cluster summary: name, brokers up/total, events/s in, client errors.
class ClusterStatusBar final : public QWidget {
    Q_OBJECT
public:
    explicit ClusterStatusBar(ClusterStatus *status, QWidget *parent = nullptr);

private:
    void refresh();

    ClusterStatus *m_status;
    QLabel *m_cluster;
    QLabel *m_brokers;
    QLabel *m_rate;
    QLabel *m_errors;
};
