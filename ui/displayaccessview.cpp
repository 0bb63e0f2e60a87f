#include "displayaccessview.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace {

QString when(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

} // namespace

DisplayAccessView::DisplayAccessView(QWidget *parent)
    : QWidget(parent), m_table(new QTableWidget(0, 3, this)), m_name(new QLineEdit(this)), m_token(new QLabel(this)),
      m_problem(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *title = new QLabel(tr("Displays with a token of their own"), this);
    title->setStyleSheet(QStringLiteral("font-size: 13pt; font-weight: 600"));
    layout->addWidget(title);

    m_table->setObjectName(QStringLiteral("displays"));
    m_table->setHorizontalHeaderLabels({tr("Display"), tr("Let in"), tr("Access")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setMaximumHeight(180);
    layout->addWidget(m_table);

    auto *row = new QHBoxLayout;
    m_name->setObjectName(QStringLiteral("displayName"));
    m_name->setPlaceholderText(tr("Name, e.g. ICU station 2"));
    row->addWidget(m_name, 1);
    auto *letIn = new QPushButton(tr("Let a display in"), this);
    letIn->setObjectName(QStringLiteral("letIn"));
    row->addWidget(letIn);
    auto *revoke = new QPushButton(tr("Revoke the selected display"), this);
    revoke->setObjectName(QStringLiteral("revoke"));
    row->addWidget(revoke);
    layout->addLayout(row);

    m_token->setObjectName(QStringLiteral("newToken"));
    m_token->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_token->setWordWrap(true);
    layout->addWidget(m_token);
    m_problem->setObjectName(QStringLiteral("displaysProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #b00020; font-weight: bold;"));
    m_problem->hide();
    layout->addWidget(m_problem);

    connect(letIn, &QPushButton::clicked, this, [this] {
        if (!m_name->text().trimmed().isEmpty())
            Q_EMIT letInRequested(m_name->text().trimmed());
    });
    connect(revoke, &QPushButton::clicked, this, [this] {
        const int row = m_table->currentRow();
        if (row >= 0 && m_table->item(row, 2)->data(Qt::UserRole).toBool())
            Q_EMIT revokeRequested(m_table->item(row, 0)->text());
    });
}

void DisplayAccessView::showDisplays(const QList<DisplayToken> &displays)
{
    m_table->setRowCount(int(displays.size()));
    for (int row = 0; row < displays.size(); ++row) {
        const DisplayToken &display = displays[row];
        m_table->setItem(row, 0, new QTableWidgetItem(display.name));
        m_table->setItem(row, 1, new QTableWidgetItem(when(display.createdAtMs)));
        auto *access = new QTableWidgetItem(display.revoked() ? tr("revoked %1").arg(when(display.revokedAtMs)) : tr("may connect"));
        access->setData(Qt::UserRole, !display.revoked());
        m_table->setItem(row, 2, access);
    }
    m_table->resizeColumnsToContents();
}

void DisplayAccessView::showNewToken(const QString &name, const QString &token, const QString &feedUrl)
{
    m_name->clear();
    m_token->setText(tr("<b>Token for %1</b> (shown only now; the console keeps its hash only):<br><tt>%2</tt><br>"
                        "On that display: <tt>vigil --wall --unit UNIT --feed %3 --token %2</tt>")
                         .arg(name.toHtmlEscaped(), token, feedUrl.toHtmlEscaped()));
}

void DisplayAccessView::setProblem(const QString &problem)
{
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    if (!problem.isEmpty())
        m_token->clear();
}
