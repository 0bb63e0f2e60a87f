#include "clusterhealthview.h"

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace {
const QColor Down(0xdc, 0x35, 0x45);
const QColor Up(0x2e, 0x9d, 0x4f);

QString ids(const QList<int> &list)
{
    QStringList s;
    for (int id : list)
        s << QString::number(id);
    return s.join(u',');
}

QTableWidget *newTable(const QStringList &headers, QWidget *parent)
{
    auto *table = new QTableWidget(0, int(headers.size()), parent);
    table->setHorizontalHeaderLabels(headers);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

QTableWidgetItem *cell(const QString &text) { return new QTableWidgetItem(text); }
} // namespace

ClusterHealthView::ClusterHealthView(QWidget *parent)
    : QWidget(parent), m_summary(new QLabel(this)), m_layout(nullptr),
      m_brokers(newTable({tr("Broker"), tr("Address"), tr("State"), tr("Controller")}, this)),
      m_partitions(newTable({tr("Topic"), tr("Partition"), tr("Leader"), tr("Replicas"), tr("In sync"), tr("Replicas on down brokers")}, this)),
      m_alerts(new QListWidget(this)),
      m_clients(newTable({tr("Vigil's client"), tr("Type"), tr("Brokers up"), tr("Sent/s"), tr("Received/s"),
                          tr("Produce errors/s"), tr("Failed deliveries"), tr("Latency avg ms"), tr("Latency p99 ms"),
                          tr("Queued messages"), tr("Requests in flight")},
                         this))
{
    m_summary->setStyleSheet(QStringLiteral("font-size: 14pt; font-weight: bold;"));
    m_partitions->setColumnWidth(0, 260);
    m_alerts->setMaximumHeight(64);
    m_brokers->setColumnWidth(1, 220);
    m_clients->setColumnWidth(0, 300);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_brokers);
    split->addWidget(m_partitions);
    split->addWidget(m_clients);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    split->setStretchFactor(2, 1);
    split->setSizes({150, 300, 200});
    m_layout = new QVBoxLayout(this);
    m_layout->addWidget(m_summary);
    m_layout->addWidget(new QLabel(tr("Alerts"), this));
    m_layout->addWidget(m_alerts);
    m_layout->addWidget(split, 1);
    showAlerts({});
}

void ClusterHealthView::setDrill(QWidget *drill)
{
    m_layout->insertWidget(1, drill);
}

int ClusterHealthView::brokersShown() const { return m_brokers->rowCount(); }
int ClusterHealthView::underReplicatedShown() const { return m_partitions->rowCount(); }
int ClusterHealthView::clientsShown() const { return m_clients->rowCount(); }

void ClusterHealthView::showClientStatistics(const ClientStatistics &statistics)
{
    const auto changes = m_clientHealth.update(statistics, QDateTime::currentMSecsSinceEpoch());
    const QList<ClientHealthRow> rows = m_clientHealth.rows();
    m_clients->setRowCount(int(rows.size()));
    const auto number = [](double value, int decimals) { return cell(QString::number(value, 'f', decimals)); };
    for (int row = 0; row < rows.size(); ++row) {
        const ClientHealthRow &c = rows.at(row);
        m_clients->setItem(row, 0, cell(c.name));
        m_clients->setItem(row, 1, cell(c.type));
        m_clients->setItem(row, 2, cell(QStringLiteral("%1/%2").arg(c.brokersUp).arg(c.brokersTotal)));
        m_clients->setItem(row, 3, number(c.sentPerSecond, 1));
        m_clients->setItem(row, 4, number(c.receivedPerSecond, 1));
        auto *errors = number(c.produceErrorsPerSecond, 3);
        if (c.erring) {
            errors->setBackground(Down);
            errors->setForeground(Qt::white);
        }
        m_clients->setItem(row, 5, errors);
        m_clients->setItem(row, 6, cell(QString::number(c.failedDeliveries)));
        m_clients->setItem(row, 7, number(c.averageRttMs, 1));
        m_clients->setItem(row, 8, number(c.p99RttMs, 1));
        m_clients->setItem(row, 9, cell(QString::number(c.queuedMessages)));
        m_clients->setItem(row, 10, cell(QString::number(c.requestsInFlight)));
    }
    if (!changes.isEmpty()) {
        showAlerts(changes);
        Q_EMIT alertsChanged(changes);
    }
}

void ClusterHealthView::showSnapshot(const ClusterSnapshot &snapshot)
{
    m_brokers->setRowCount(int(snapshot.brokers.size()));
    for (int row = 0; row < snapshot.brokers.size(); ++row) {
        const BrokerInfo &b = snapshot.brokers.at(row);
        auto *state = cell(b.up ? tr("up") : tr("DOWN"));
        state->setBackground(b.up ? Up : Down);
        state->setForeground(Qt::white);
        if (!b.state.isEmpty())
            state->setToolTip(b.state);
        m_brokers->setItem(row, 0, cell(QString::number(b.id)));
        m_brokers->setItem(row, 1, cell(QStringLiteral("%1:%2").arg(b.host).arg(b.port)));
        m_brokers->setItem(row, 2, state);
        m_brokers->setItem(row, 3, cell(b.id == snapshot.controllerId ? tr("controller") : QString()));
    }
    int row = 0;
    m_partitions->setRowCount(snapshot.underReplicatedPartitions());
    for (const auto &t : snapshot.topics) {
        for (const auto &p : t.partitions) {
            if (!p.underReplicated())
                continue;
            m_partitions->setItem(row, 0, cell(t.name));
            m_partitions->setItem(row, 1, cell(QString::number(p.id)));
            m_partitions->setItem(row, 2, cell(QString::number(p.leader)));
            m_partitions->setItem(row, 3, cell(ids(p.replicas)));
            m_partitions->setItem(row, 4, cell(ids(p.isr)));
            auto *down = cell(ids(p.replicasOnDownBrokers));
            down->setBackground(Down.lighter(170));
            m_partitions->setItem(row, 5, down);
            ++row;
        }
    }
    const int urp = snapshot.underReplicatedPartitions();
    const bool healthy = snapshot.error.isEmpty() && snapshot.brokersDown() == 0 && urp == 0;
    m_summary->setText(snapshot.error.isEmpty()
                           ? tr("%1 of %2 brokers up · %3 under-replicated partitions · refreshed %4 in %5 ms")
                                 .arg(snapshot.brokers.size() - snapshot.brokersDown())
                                 .arg(snapshot.brokers.size())
                                 .arg(urp)
                                 .arg(QDateTime::fromMSecsSinceEpoch(snapshot.takenAtMs).toString(QStringLiteral("HH:mm:ss")))
                                 .arg(snapshot.refreshMs)
                           : tr("Cluster not reachable: %1").arg(snapshot.error));
    m_summary->setStyleSheet(healthy ? QStringLiteral("font-size: 14pt; font-weight: bold; color: #2e9d4f;")
                                     : QStringLiteral("font-size: 14pt; font-weight: bold; color: #b00020;"));
    if (snapshot.error.isEmpty()) {
        const auto changes = m_rules.observeUnderReplicated(urp, snapshot.takenAtMs);
        if (!changes.isEmpty()) {
            showAlerts(changes);
            Q_EMIT alertsChanged(changes);
        }
    }
}

void showFiringAlerts(QList<ConsoleAlert> &firing, const QList<ConsoleAlert> &changes, QListWidget *list,
                      const QString &none)
{
    for (const auto &change : changes) {
        firing.removeIf([&](const ConsoleAlert &a) { return a.rule == change.rule && a.subject == change.subject; });
        if (change.firing)
            firing.append(change);
    }
    list->clear();
    if (firing.isEmpty())
        list->addItem(none);
    for (const auto &a : firing) {
        auto *item = new QListWidgetItem(QStringLiteral("%1  %2 · %3: %4")
                                             .arg(QDateTime::fromMSecsSinceEpoch(a.atMs).toString(QStringLiteral("HH:mm:ss")),
                                                  a.rule, a.subject, a.message),
                                         list);
        item->setBackground(Down);
        item->setForeground(Qt::white);
    }
}

void ClusterHealthView::showAlerts(const QList<ConsoleAlert> &changes)
{
    showFiringAlerts(m_firing, changes, m_alerts, tr("No alert is firing"));
}
