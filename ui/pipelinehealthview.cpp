#include "pipelinehealthview.h"

#include "cluster/pipelinehealth.h"
#include "items/deadlettermodel.h"

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

PipelineHealthView::PipelineHealthView(PipelineHealth *health, DeadLetterModel *deadLetters, QWidget *parent)
    : QWidget(parent), m_health(health), m_state(new QLabel(this)), m_figures(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *title = new QLabel(tr("Critical-value evaluator"), this);
    title->setStyleSheet(QStringLiteral("font-size: 13pt; font-weight: 600"));
    layout->addWidget(title);
    m_state->setObjectName(QStringLiteral("pipelineState"));
    m_state->setWordWrap(true);
    m_state->hide();
    layout->addWidget(m_state);
    m_figures->setObjectName(QStringLiteral("pipelineFigures"));
    m_figures->setTextFormat(Qt::RichText);
    layout->addWidget(m_figures);

    auto *table = new QTableView(this);
    table->setObjectName(QStringLiteral("deadLetters"));
    table->setModel(deadLetters);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->setColumnWidth(DeadLetterModel::Time, 80);
    table->setColumnWidth(DeadLetterModel::Reason, 120);
    table->setColumnWidth(DeadLetterModel::Message, 480);
    table->setMaximumHeight(110);
    layout->addWidget(table);

    auto *timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, &PipelineHealthView::refresh);
    timer->start(1000);
    refresh();
}

void PipelineHealthView::refresh()
{
    const QLocale locale;
    const EvaluatorStatus &status = m_health->status();
    const QString since = QDateTime::fromMSecsSinceEpoch(status.sinceMs).toString(QStringLiteral("HH:mm:ss"));
    switch (status.state) {
    case EvaluatorStatus::State::Stopped:
        m_state->setStyleSheet(QStringLiteral("background:#b71c1c; color:white; font-size:13pt; font-weight:600; padding:6px"));
        m_state->setText(tr("Critical-value evaluation STOPPED since %1: %2. No lab result is being checked; restart Vigil.")
                             .arg(since, status.reason));
        m_state->show();
        break;
    case EvaluatorStatus::State::Retrying:
        m_state->setStyleSheet(QStringLiteral("background:#ffe0b2; color:#4e2600; font-size:11pt; padding:6px"));
        m_state->setText(tr("Retrying a batch since %1 (%2 failed tries, next in %3 s): %4")
                             .arg(since, locale.toString(status.failedAttempts), locale.toString(status.retryInMs / 1000.0, 'f', 1),
                                  status.reason));
        m_state->show();
        break;
    case EvaluatorStatus::State::Starting:
    case EvaluatorStatus::State::Running:
        m_state->hide();
        break;
    }
    const auto minute = m_health->lastMinute(QDateTime::currentMSecsSinceEpoch());
    const auto cell = [&](const QString &label, qint64 value, const char *colour = "#263238") {
        return QStringLiteral("<td style='padding-right:28px'><span style='font-size:16pt; color:%1'>%2</span><br>%3</td>")
            .arg(QString::fromLatin1(colour), locale.toString(value), label);
    };
    QString html = QStringLiteral("<table><tr>");
    html += cell(tr("lab results in / min"), minute.records);
    html += cell(tr("processed / min"), minute.processed);
    html += cell(tr("alerts / min"), minute.alerts, minute.alerts ? "#b71c1c" : "#263238");
    html += cell(tr("dead letters / min"), minute.deadLetters, minute.deadLetters ? "#e65100" : "#263238");
    html += cell(tr("ms evaluator lag"), m_health->lagMs());
    html += QStringLiteral("</tr></table>");
    const auto totals = m_health->totals();
    html += tr("Since start: %1 results, %2 alerts, %3 dead letters · thresholds: %4")
                .arg(locale.toString(totals.records), locale.toString(totals.alerts), locale.toString(totals.deadLetters),
                     m_health->thresholdSet().isEmpty() ? tr("waiting for the first batch") : m_health->thresholdSet().toHtmlEscaped());
    if (m_health->stubbed())
        html += tr(" · %1 too large to copy, written as stubs").arg(locale.toString(m_health->stubbed()));
    if (m_health->undeliverable())
        html += QStringLiteral(" · <span style='color:#b71c1c'>%1</span>")
                    .arg(tr("%1 written nowhere (see the log)").arg(locale.toString(m_health->undeliverable())));
    m_figures->setText(html);
}
