#include "thresholdeditor.h"

#include "items/thresholdrulesmodel.h"
#include "clinical/thresholdset.h"

#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

ThresholdEditor::ThresholdEditor(std::shared_ptr<const ThresholdSet> live, AuditTrail audit, QWidget *parent)
    : QWidget(parent), m_rules(new ThresholdRulesModel(this)), m_audit(std::move(audit)),
      m_table(new QTableView(this)), m_live(new QLabel(this)), m_problems(new QLabel(this)),
      m_who(new QLineEdit(this)), m_reason(new QLineEdit(this)), m_apply(new QPushButton(tr("Apply to evaluator"), this)),
      m_revert(new QPushButton(tr("Discard edits"), this))
{
    m_rules->setApplied(std::move(live));

    auto *layout = new QVBoxLayout(this);
    auto *title = new QLabel(tr("Critical-value thresholds"), this);
    title->setStyleSheet(QStringLiteral("font-size: 15pt; font-weight: 600"));
    layout->addWidget(title);
    m_live->setObjectName(QStringLiteral("liveSet"));
    layout->addWidget(m_live);

    auto *rowButtons = new QHBoxLayout;
    auto *add = new QPushButton(tr("Add rule"), this);
    auto *remove = new QPushButton(tr("Remove rule"), this);
    auto *load = new QPushButton(tr("Load file…"), this);
    auto *save = new QPushButton(tr("Save file…"), this);
    for (QPushButton *button : {add, remove, load, save})
        rowButtons->addWidget(button);
    rowButtons->addStretch();
    layout->addLayout(rowButtons);

    m_table->setObjectName(QStringLiteral("rulesTable"));
    m_table->setModel(m_rules);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_table, 1);

    m_problems->setObjectName(QStringLiteral("problems"));
    m_problems->setStyleSheet(QStringLiteral("color: #b71c1c"));
    m_problems->setWordWrap(true);
    layout->addWidget(m_problems);

    auto *applyRow = new QHBoxLayout;
    m_who->setPlaceholderText(tr("Your name"));
    m_who->setObjectName(QStringLiteral("who"));
    m_reason->setPlaceholderText(tr("Reason for the change (recorded in the audit log)"));
    m_reason->setObjectName(QStringLiteral("reason"));
    m_apply->setObjectName(QStringLiteral("apply"));
    applyRow->addWidget(m_who, 1);
    applyRow->addWidget(m_reason, 3);
    applyRow->addWidget(m_revert);
    applyRow->addWidget(m_apply);
    layout->addLayout(applyRow);

    connect(add, &QPushButton::clicked, m_rules, &ThresholdRulesModel::addRule);
    connect(remove, &QPushButton::clicked, this, [this] {
        if (const QModelIndex current = m_table->currentIndex(); current.isValid())
            m_rules->removeRule(current.row());
    });
    connect(load, &QPushButton::clicked, this, &ThresholdEditor::loadFile);
    connect(save, &QPushButton::clicked, this, &ThresholdEditor::saveFile);
    connect(m_revert, &QPushButton::clicked, this, [this] { m_rules->setApplied(m_rules->applied()); });
    connect(m_apply, &QPushButton::clicked, this, [this] {
        if (const QString error = apply(m_who->text(), m_reason->text()); !error.isEmpty())
            m_problems->setText(error);
    });
    connect(m_rules, &ThresholdRulesModel::validityChanged, this, &ThresholdEditor::updateState);
    connect(m_rules, &QAbstractItemModel::dataChanged, this, &ThresholdEditor::updateState);
    connect(m_who, &QLineEdit::textChanged, this, &ThresholdEditor::updateState);
    connect(m_reason, &QLineEdit::textChanged, this, &ThresholdEditor::updateState);

    // Counting is per second, not per batch: it stays cheap at any rate of results.
    auto *timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, &ThresholdEditor::refreshCounts);
    timer->start(1000);
    updateState();
}

void ThresholdEditor::recordActivity(const EvaluatorReport &report)
{
    m_activity.record(report.values);
}

void ThresholdEditor::refreshCounts()
{
    m_activity.expire(QDateTime::currentMSecsSinceEpoch());
    m_rules->refreshCounts(m_activity);
}

void ThresholdEditor::updateState()
{
    const auto &live = m_rules->applied();
    m_live->setText(tr("Live in the evaluator: <b>%1</b> version %2 · %3 results counted in the last hour")
                        .arg(QString::fromStdString(live->name()).toHtmlEscaped())
                        .arg(live->version())
                        .arg(m_activity.size()));
    const QStringList problems = m_rules->errors();
    m_problems->setText(problems.join(u'\n'));
    const bool ready = m_rules->isModified() && problems.isEmpty() && !m_who->text().trimmed().isEmpty()
                       && !m_reason->text().trimmed().isEmpty();
    m_apply->setEnabled(ready);
    m_revert->setEnabled(m_rules->isModified());
    m_apply->setToolTip(ready ? tr("Record the change in the audit log and make it live")
                              : tr("Edit a rule, fix every red cell, and give your name and a reason"));
}

QString ThresholdEditor::apply(const QString &who, const QString &reason)
{
    if (who.trimmed().isEmpty() || reason.trimmed().isEmpty())
        return tr("Give your name and a reason: every change is audit-logged.");
    std::shared_ptr<const ThresholdSet> candidate;
    try {
        candidate = m_rules->candidate();
        m_audit.append(thresholdChange(who.trimmed(), reason.trimmed(), *m_rules->applied(), *candidate),
                       QDateTime::currentMSecsSinceEpoch());
    } catch (const std::exception &error) {
        return tr("Not applied: %1").arg(QString::fromUtf8(error.what()));
    }
    m_rules->setApplied(candidate);
    m_reason->clear();
    Q_EMIT thresholdsApplied(candidate);
    return {};
}

void ThresholdEditor::loadFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Load threshold set"), {}, tr("Threshold sets (*.json)"));
    if (path.isEmpty())
        return;
    try {
        m_rules->setRows(*ThresholdSet::loadFile(path));
    } catch (const std::exception &error) {
        m_problems->setText(tr("Cannot load %1: %2").arg(path, QString::fromUtf8(error.what())));
    }
}

void ThresholdEditor::saveFile()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Save threshold set"), {}, tr("Threshold sets (*.json)"));
    if (path.isEmpty())
        return;
    try {
        m_rules->candidate()->saveFile(path);
    } catch (const std::exception &error) {
        m_problems->setText(tr("Cannot save %1: %2").arg(path, QString::fromUtf8(error.what())));
    }
}
