#include "clusterstatusbar.h"

#include "cluster/clusterstatus.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>

ClusterStatusBar::ClusterStatusBar(ClusterStatus *status, QWidget *parent)
    : QWidget(parent), m_status(status), m_cluster(new QLabel(this)), m_brokers(new QLabel(this)),
      m_rate(new QLabel(this)), m_errors(new QLabel(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(18);
    for (QLabel *label : {m_cluster, m_brokers, m_rate, m_errors})
        layout->addWidget(label);
    m_cluster->setObjectName(QStringLiteral("clusterName"));
    m_brokers->setObjectName(QStringLiteral("brokers"));
    m_rate->setObjectName(QStringLiteral("eventRate"));
    m_errors->setObjectName(QStringLiteral("errors"));
    connect(status, &ClusterStatus::changed, this, &ClusterStatusBar::refresh);
    refresh();
}

void ClusterStatusBar::refresh()
{
    const QLocale locale;
    m_cluster->setText(m_status->clusterName());
    if (m_status->hasStatistics()) {
        const bool allUp = m_status->brokersUp() == m_status->brokersTotal() && m_status->brokersTotal() > 0;
        m_brokers->setText(tr("brokers %1/%2").arg(m_status->brokersUp()).arg(m_status->brokersTotal()));
        m_brokers->setStyleSheet(allUp ? QString() : QStringLiteral("color: #c62828; font-weight: bold"));
    } else {
        m_brokers->setText(tr("brokers …"));
    }
    m_rate->setText(tr("%1 events/s in").arg(locale.toString(m_status->eventsPerSecondIn(), 'f', 0)));
    m_errors->setText(tr("%n client error(s)", nullptr, int(qMin<qint64>(m_status->errorCount(), INT_MAX))));
    m_errors->setToolTip(m_status->lastError());
    m_errors->setStyleSheet(m_status->errorCount() ? QStringLiteral("color: #c62828") : QString());
}
