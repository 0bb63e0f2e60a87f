#include "consumerlagview.h"

#include "clusterhealthview.h"

#include "items/consumerlagmodel.h"
#include "lagchart.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalBlocker>
#include <QRegularExpression>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

ConsumerLagView::ConsumerLagView(QWidget *parent)
    : QWidget(parent), m_groups(new ConsumerLagModel({}, this)), m_partitions(new GroupPartitionsModel(this)),
      m_groupTable(new QTableView(this)), m_partitionTable(new QTableView(this)), m_chart(new LagChart(this)),
      m_newGroup(new QLineEdit(this)), m_interval(new QSpinBox(this)), m_rulePattern(new QLineEdit(this)),
      m_ruleThreshold(new QSpinBox(this)), m_ruleMinutes(new QSpinBox(this)), m_ruleState(new QLabel(this)),
      m_alerts(new QListWidget(this)),
      m_members(new QLabel(this)), m_status(new QLabel(this))
{
    for (QTableView *table : {m_groupTable, m_partitionTable}) {
        table->setSelectionBehavior(QAbstractItemView::SelectRows);
        table->setSelectionMode(QAbstractItemView::SingleSelection);
        table->verticalHeader()->hide();
        table->horizontalHeader()->setStretchLastSection(true);
    }
    m_groupTable->setModel(m_groups);
    m_partitionTable->setModel(m_partitions);
    m_groupTable->setColumnWidth(ConsumerLagModel::Group, 260);
    m_partitionTable->horizontalHeader()->setDefaultSectionSize(76);
    m_partitionTable->setColumnWidth(GroupPartitionsModel::Topic, 150);
    m_newGroup->setObjectName(QStringLiteral("newGroup"));
    m_newGroup->setPlaceholderText(tr("Add a consumer group id (the mock cluster cannot list groups)"));
    auto *add = new QPushButton(tr("Add group"), this);
    add->setObjectName(QStringLiteral("addGroup"));
    auto *remove = new QPushButton(tr("Remove group"), this);
    m_interval->setObjectName(QStringLiteral("refreshInterval"));
    m_interval->setRange(1, 600);
    m_interval->setValue(5);
    m_interval->setSuffix(tr(" s"));
    m_interval->setPrefix(tr("Refresh every "));
    const LagRule::Settings rule = m_groups->lagRule().settings();
    m_rulePattern->setObjectName(QStringLiteral("lagRulePattern"));
    m_rulePattern->setText(rule.groupPattern);
    m_rulePattern->setToolTip(tr("A regular expression the whole group id must match"));
    m_ruleThreshold->setObjectName(QStringLiteral("lagRuleThreshold"));
    m_ruleThreshold->setRange(0, 2'000'000'000);
    m_ruleThreshold->setGroupSeparatorShown(true);
    m_ruleThreshold->setValue(int(rule.threshold));
    m_ruleThreshold->setSuffix(tr(" messages"));
    m_ruleMinutes->setObjectName(QStringLiteral("lagRuleMinutes"));
    m_ruleMinutes->setRange(0, 24 * 60);
    m_ruleMinutes->setValue(int(rule.durationMs / 60'000));
    m_ruleMinutes->setSuffix(tr(" min"));
    auto *applyRule = new QPushButton(tr("Apply rule"), this);
    applyRule->setObjectName(QStringLiteral("applyLagRule"));
    m_ruleState->setObjectName(QStringLiteral("lagRuleState"));
    m_alerts->setMaximumHeight(64);
    m_members->setWordWrap(true);
    m_members->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *top = new QHBoxLayout;
    top->addWidget(m_newGroup, 1);
    top->addWidget(add);
    top->addWidget(remove);
    top->addWidget(m_interval);
    auto *ruleRow = new QHBoxLayout;
    ruleRow->addWidget(new QLabel(tr("Lag alert for groups matching"), this));
    ruleRow->addWidget(m_rulePattern, 1);
    ruleRow->addWidget(new QLabel(tr("when lag is over"), this));
    ruleRow->addWidget(m_ruleThreshold);
    ruleRow->addWidget(new QLabel(tr("for"), this));
    ruleRow->addWidget(m_ruleMinutes);
    ruleRow->addWidget(applyRule);
    ruleRow->addWidget(m_ruleState);
    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_partitionTable, 1);
    detailLayout->addWidget(m_members);
    auto *lower = new QSplitter(Qt::Horizontal, this);
    lower->addWidget(detail);
    lower->addWidget(m_chart);
    lower->setStretchFactor(0, 1);
    lower->setStretchFactor(1, 1);
    lower->setSizes({600, 600});
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_groupTable);
    split->addWidget(lower);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    split->setSizes({200, 500});
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(ruleRow);
    layout->addWidget(new QLabel(tr("Lag alerts"), this));
    layout->addWidget(m_alerts);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);
    m_alerts->addItem(tr("No lag alert is firing"));

    m_chart->setModel(m_groups);
    connect(add, &QPushButton::clicked, this, [this] { addGroup(m_newGroup->text()); });
    connect(m_newGroup, &QLineEdit::returnPressed, this, [this] { addGroup(m_newGroup->text()); });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (!m_selected.isEmpty())
            Q_EMIT groupRemoved(m_selected);
    });
    connect(m_interval, &QSpinBox::valueChanged, this, [this](int seconds) { Q_EMIT refreshIntervalChanged(seconds * 1000); });
    connect(m_groups, &ConsumerLagModel::alertsChanged, this, &ConsumerLagView::showAlerts);
    connect(applyRule, &QPushButton::clicked, this, &ConsumerLagView::applyLagRule);
    connect(m_rulePattern, &QLineEdit::returnPressed, this, &ConsumerLagView::applyLagRule);
    connect(m_groupTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &current) {
        if (!current.isValid())
            return;
        m_selected = m_groups->groupAt(current.row()).id;
        m_chart->setGroup(m_selected);
        showDetails();
    });
    connect(m_groups, &QAbstractItemModel::modelReset, this, [this] { selectGroup(m_selected); });
}

void ConsumerLagView::applyLagRule()
{
    const QRegularExpression pattern(m_rulePattern->text());
    if (m_rulePattern->text().trimmed().isEmpty() || !pattern.isValid()) {
        m_ruleState->setStyleSheet(QStringLiteral("color: #b00020;"));
        m_ruleState->setText(m_rulePattern->text().trimmed().isEmpty()
                                 ? tr("Not applied: the group pattern is empty")
                                 : tr("Not applied: the group pattern is not a valid regular expression (%1)").arg(pattern.errorString()));
        return;
    }
    LagRule::Settings rule;
    rule.groupPattern = m_rulePattern->text();
    rule.threshold = m_ruleThreshold->value();
    rule.durationMs = qint64(m_ruleMinutes->value()) * 60'000;
    m_groups->setLagRule(rule);
    m_ruleState->setStyleSheet({});
    m_ruleState->setText(tr("Applied"));
}

void ConsumerLagView::addGroup(const QString &group)
{
    const QString id = group.trimmed();
    if (id.isEmpty())
        return;
    m_newGroup->clear();
    Q_EMIT groupAdded(id);
}

void ConsumerLagView::setRefreshIntervalShown(int ms)
{
    const QSignalBlocker block(m_interval);
    m_interval->setValue(qMax(1, ms / 1000));
}

void ConsumerLagView::showSnapshot(const ClusterSnapshot &snapshot)
{
    m_groups->setSnapshot(snapshot);
    showDetails();
    QString status = snapshot.error.isEmpty()
        ? tr("%1 groups · refreshed %2").arg(m_groups->rowCount()).arg(QDateTime::fromMSecsSinceEpoch(snapshot.takenAtMs).toString(QStringLiteral("HH:mm:ss")))
        : tr("Cluster not reachable: %1").arg(snapshot.error);
    if (!m_groups->groupsNote().isEmpty())
        status += tr(" · group listing: %1").arg(m_groups->groupsNote());
    m_status->setText(status);
}

void ConsumerLagView::selectGroup(const QString &group)
{
    const int row = m_groups->rowOf(group);
    if (row < 0) {
        m_partitions->clear();
        m_members->clear();
        return;
    }
    m_selected = group;
    m_groupTable->selectRow(row);
    showDetails();
}

void ConsumerLagView::showDetails()
{
    const int row = m_groups->rowOf(m_selected);
    if (row < 0) {
        m_partitions->clear();
        m_members->clear();
        return;
    }
    const ConsumerGroupInfo &g = m_groups->groupAt(row);
    m_partitions->setGroup(g, m_groups->evaluator());
    QStringList members;
    for (const auto &m : g.members)
        members << tr("%1 on %2: %3").arg(m.clientId, m.host, m.assignment.join(QStringLiteral(", ")));
    if (!g.error.isEmpty())
        m_members->setText(tr("%1: %2").arg(g.id, g.error));
    else if (!g.described)
        m_members->setText(tr("%1: state and members %2").arg(g.id, notSupportedByThisCluster()));
    else
        m_members->setText(tr("%1 (%2): %3").arg(g.id, g.state, members.isEmpty() ? tr("no members") : members.join(QStringLiteral("; "))));
}

void ConsumerLagView::showAlerts(const QList<ConsoleAlert> &changes)
{
    showFiringAlerts(m_firing, changes, m_alerts, tr("No lag alert is firing"));
    Q_EMIT alertsChanged(changes);
}
