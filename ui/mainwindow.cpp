#include "mainwindow.h"

#include "cluster/clusterstatus.h"
#include "clusterstatusbar.h"
#include "dashboardview.h"

#include <QHBoxLayout>
#include <QListWidget>
#include <QStackedWidget>
#include <QStatusBar>

MainWindow::MainWindow(FeedModel *feed, ClusterStatus *status, const QString &clusterNotice, QWidget *parent)
    : QMainWindow(parent), m_navigation(new QListWidget), m_areas(new QStackedWidget),
      m_dashboard(new DashboardView(feed, clusterNotice))
{
    setWindowTitle(tr("Vigil — %1").arg(status->clusterName()));
    resize(1280, 800);

    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setFixedWidth(170);
    m_navigation->setStyleSheet(QStringLiteral(
        "QListWidget { background: #263238; color: #eceff1; border: none; font-size: 12pt; padding-top: 8px }"
        "QListWidget::item { padding: 10px 14px }"
        "QListWidget::item:selected { background: #37474f; border-left: 4px solid #4fc3f7 }"));
    layout->addWidget(m_navigation);
    layout->addWidget(m_areas, 1);
    setCentralWidget(central);

    addArea(tr("Dashboard"), m_dashboard);
    connect(m_navigation, &QListWidget::currentRowChanged, m_areas, &QStackedWidget::setCurrentIndex);
    m_navigation->setCurrentRow(0);

    statusBar()->addWidget(new ClusterStatusBar(status, this));
}

void MainWindow::addArea(const QString &name, QWidget *area)
{
    m_navigation->addItem(name);
    m_areas->addWidget(area);
}
