#include "brokerdrillbar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

BrokerDrillBar::BrokerDrillBar(QWidget *parent) : QWidget(parent), m_state(new QLabel(this)), m_buttons(new QHBoxLayout)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Failure drill on the local cluster:"), this));
    layout->addLayout(m_buttons);
    layout->addWidget(m_state, 1);
}

QPushButton *BrokerDrillBar::button(int id) const
{
    return m_nodes.value(id - 1);
}

void BrokerDrillBar::showNodes(const QList<int> &running, int total)
{
    m_running = running;
    while (m_nodes.size() < total) {
        const int id = int(m_nodes.size()) + 1;
        auto *button = new QPushButton(this);
        button->setObjectName(QStringLiteral("drillBroker%1").arg(id));
        connect(button, &QPushButton::clicked, this, [this, id] { request(id); });
        m_buttons->addWidget(button);
        m_nodes.append(button);
    }
    for (int id = 1; id <= m_nodes.size(); ++id) {
        QPushButton *button = m_nodes[id - 1];
        button->setText(running.contains(id) ? tr("Stop broker %1").arg(id) : tr("Start broker %1").arg(id));
        button->setEnabled(true);
    }
    m_state->setText(tr("%1 of %2 broker(s) running").arg(running.size()).arg(total));
}

void BrokerDrillBar::request(int id)
{
    const bool stop = m_running.contains(id);
    for (QPushButton *button : m_nodes)
        button->setEnabled(false);
    m_state->setText(stop ? tr("Stopping broker %1…").arg(id) : tr("Starting broker %1…").arg(id));
    if (stop)
        Q_EMIT stopRequested(id);
    else
        Q_EMIT startRequested(id);
}
