#include "topicbrowser.h"

#include "items/partitionsmodel.h"
#include "items/topicsmodel.h"

#include <QCheckBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

TopicBrowser::TopicBrowser(QWidget *parent)
    : QWidget(parent), m_topics(new TopicsModel(this)), m_partitions(new PartitionsModel(this)), m_filter(new QLineEdit(this)),
      m_internal(new QCheckBox(tr("Show internal topics"), this)), m_topicTable(new QTableView(this)),
      m_partitionTable(new QTableView(this)), m_configs(new QPlainTextEdit(this)), m_status(new QLabel(this))
{
    m_filter->setPlaceholderText(tr("Filter topics by name"));
    m_filter->setClearButtonEnabled(true);
    for (QTableView *table : {m_topicTable, m_partitionTable}) {
        table->setSelectionBehavior(QAbstractItemView::SelectRows);
        table->setSelectionMode(QAbstractItemView::SingleSelection);
        table->verticalHeader()->hide();
        table->horizontalHeader()->setStretchLastSection(true);
    }
    m_topicTable->setModel(m_topics);
    m_partitionTable->setModel(m_partitions);
    m_topicTable->setColumnWidth(TopicsModel::Name, 280);
    m_configs->setReadOnly(true);
    m_configs->setPlaceholderText(tr("Choose a topic to see its configs"));

    auto *top = new QHBoxLayout;
    top->addWidget(m_filter, 1);
    top->addWidget(m_internal);
    auto *details = new QSplitter(Qt::Horizontal, this);
    details->addWidget(m_partitionTable);
    details->addWidget(m_configs);
    details->setStretchFactor(0, 3);
    details->setStretchFactor(1, 2);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_topicTable);
    split->addWidget(details);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);

    connect(m_filter, &QLineEdit::textChanged, m_topics, &TopicsModel::setNameFilter);
    connect(m_internal, &QCheckBox::toggled, m_topics, &TopicsModel::setShowInternal);
    connect(m_topicTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &current) {
        if (!current.isValid())
            return;
        m_selected = m_topics->topicAt(current.row()).name;
        showDetails();
        Q_EMIT topicSelected(m_selected);
    });
    connect(m_topics, &QAbstractItemModel::modelReset, this, [this] { selectTopic(m_selected); });
}

void TopicBrowser::showSnapshot(const ClusterSnapshot &snapshot)
{
    m_snapshot = snapshot;
    m_topics->setSnapshot(snapshot);
    showDetails();
    const int urp = snapshot.underReplicatedPartitions();
    QString status = snapshot.error.isEmpty()
        ? tr("%1 topics · %2 brokers (%3 down) · %4 under-replicated partitions · refreshed %5 in %6 ms")
              .arg(snapshot.topics.size())
              .arg(snapshot.brokers.size())
              .arg(snapshot.brokersDown())
              .arg(urp)
              .arg(QDateTime::fromMSecsSinceEpoch(snapshot.takenAtMs).toString(QStringLiteral("HH:mm:ss")))
              .arg(snapshot.refreshMs)
        : tr("Cluster not reachable: %1").arg(snapshot.error);
    if (!snapshot.accessNote.isEmpty())
        status += QStringLiteral(" · ") + snapshot.accessNote;
    m_status->setText(status);
    m_status->setStyleSheet(urp > 0 || !snapshot.error.isEmpty() || !snapshot.accessNote.isEmpty() ? QStringLiteral("color: #b00020; font-weight: bold;") : QString());
}

void TopicBrowser::selectTopic(const QString &topic)
{
    const int row = m_topics->rowOf(topic);
    if (row >= 0)
        m_topicTable->selectRow(row);
}

void TopicBrowser::showDetails()
{
    const TopicInfo *topic = m_snapshot.topic(m_selected);
    if (!topic) {
        m_partitions->clear();
        m_configs->clear();
        return;
    }
    m_partitions->setTopic(*topic);
    QStringList lines;
    if (topic->configsAnswered) {
        for (const auto &entry : topic->configs) {
            if (!entry.isDefault)
                lines.append(entry.name + QStringLiteral(" = ") + entry.value);
        }
        lines.append(tr("(%1 configs at their defaults)").arg(std::count_if(topic->configs.begin(), topic->configs.end(),
                                                                            [](const TopicConfigEntry &e) { return e.isDefault; })));
    } else {
        lines.append(tr("Configs: %1").arg(topic->configsNote.isEmpty() ? notSupportedByThisCluster() : topic->configsNote));
    }
    if (!topic->drift.isEmpty()) {
        lines.append(QString());
        lines.append(tr("Drift from the recommended layout:"));
        for (const auto &d : topic->drift)
            lines.append(QStringLiteral("  • ") + d);
    }
    const QString text = lines.join(u'\n');
    if (m_configs->toPlainText() != text)
        m_configs->setPlainText(text);
}
