#include "pipelinehealthview.h"

#include "pipelinehealth.h"

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

PipelineHealthView::PipelineHealthView(PipelineHealth *health, DeadLetterModel *deadLetters, QWidget *parent)
    : QWidget(parent), m_health(health), m_figures(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *title = new QLabel(tr("Critical-value evaluator"), this);
    title->setStyleSheet(QStringLiteral("font-size: 13pt; font-weight: 600"));
    layout->addWidget(title);
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
    m_figures->setText(html);
}
