#pragma once

#include <QMainWindow>

class ClusterStatus;
class DashboardView;
class FeedModel;
class QListWidget;
class QStackedWidget;

// The console: a navigation list on the left, one area at a time on the right, the cluster
// summary in the status bar. Only areas that exist are listed.
class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    MainWindow(FeedModel *feed, ClusterStatus *status, const QString &clusterNotice, QWidget *parent = nullptr);

    DashboardView *dashboard() const { return m_dashboard; }
    // Adds an area to the navigation; the window takes ownership.
    void addArea(const QString &name, QWidget *area);

private:
    QListWidget *m_navigation;
    QStackedWidget *m_areas;
    DashboardView *m_dashboard;
};
