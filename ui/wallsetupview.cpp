#include "wallsetupview.h"

#include "items/unitoverviewmodel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

WallSetupView::WallSetupView(UnitOverviewModel *overview, QWidget *parent)
    : QWidget(parent), m_overview(overview), m_unit(new QComboBox(this)), m_commands(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    auto *title = new QLabel(tr("Nurse-station wall displays"), this);
    title->setStyleSheet(QStringLiteral("font-size: 13pt; font-weight: 600"));
    layout->addWidget(title);

    auto *open = new QHBoxLayout;
    open->addWidget(new QLabel(tr("Wall display for"), this));
    m_unit->setObjectName(QStringLiteral("wallUnit"));
    m_unit->setMinimumContentsLength(18);
    open->addWidget(m_unit);
    auto *button = new QPushButton(tr("Open here"), this);
    open->addWidget(button);
    open->addStretch(1);
    layout->addLayout(open);

    m_commands->setObjectName(QStringLiteral("wallCommands"));
    m_commands->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_commands->setWordWrap(true);
    layout->addWidget(m_commands);
    layout->addStretch(1);

    connect(button, &QPushButton::clicked, this, [this] {
        if (!m_unit->currentText().isEmpty())
            Q_EMIT openRequested(m_unit->currentText());
    });
    connect(m_unit, &QComboBox::currentTextChanged, this, &WallSetupView::updateCommands);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(overview, signal, this, &WallSetupView::updateUnits);
    updateUnits();
}

UnitOverviewView::UnitOverviewView(UnitOverviewModel *overview, QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *title = new QLabel(tr("Units: open critical results"), this);
    title->setStyleSheet(QStringLiteral("font-size: 13pt; font-weight: 600"));
    layout->addWidget(title);
    auto *table = new QTableView(this);
    table->setObjectName(QStringLiteral("unitOverview"));
    table->setModel(overview);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setMaximumHeight(200);
    layout->addWidget(table);
}

void WallSetupView::setFeed(const QString &feedUrl, const QString &token, const QString &feedProblem)
{
    m_feedUrl = feedUrl;
    m_token = token;
    m_feedProblem = feedProblem;
    updateCommands();
}

void WallSetupView::addSection(QWidget *section)
{
    auto *box = static_cast<QVBoxLayout *>(layout());
    box->insertWidget(box->count() - 1, section); // above the stretch
}

void WallSetupView::setBootstrap(const QString &bootstrapServers)
{
    m_bootstrap = bootstrapServers;
    updateCommands();
}

void WallSetupView::updateUnits()
{
    const QString current = m_unit->currentText();
    QStringList units;
    for (int row = 0; row < m_overview->rowCount(); ++row) {
        const std::string &unit = m_overview->summaryAt(row).unit;
        if (!unit.empty())
            units.append(QString::fromStdString(unit));
    }
    m_unit->clear();
    m_unit->addItems(units);
    m_unit->setCurrentText(current);
}

void WallSetupView::updateCommands()
{
    const QString unit = m_unit->currentText().isEmpty() ? QStringLiteral("UNIT") : m_unit->currentText();
    const QString quoted = unit.contains(u' ') ? u'"' + unit + u'"' : unit;
    QString text = tr("<b>A display on another machine</b> (no Kafka credentials there):<br>");
    text += m_feedUrl.isEmpty() ? m_feedProblem.toHtmlEscaped()
                                : QStringLiteral("<code>vigil --wall --unit %1 --feed %2 --token %3</code>")
                                      .arg(quoted.toHtmlEscaped(), m_feedUrl.toHtmlEscaped(), m_token.toHtmlEscaped());
    text += tr("<br><b>A display that reads Kafka itself:</b><br>");
    text += QStringLiteral("<code>vigil --wall --unit %1 --bootstrap %2</code>").arg(quoted.toHtmlEscaped(), m_bootstrap.toHtmlEscaped());
    m_commands->setText(text);
}
