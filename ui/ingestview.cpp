#include "ingestview.h"

#include "items/ingestsourcesmodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

IngestView::IngestView(QWidget *parent)
    : QWidget(parent), m_model(new IngestSourcesModel({}, this)), m_table(new QTableView(this)),
      m_guidance(new QLabel(this)), m_problem(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    auto *title = new QLabel(tr("FHIR ingest"), this);
    title->setStyleSheet(QStringLiteral("font-size: 13pt; font-weight: 600"));
    layout->addWidget(title);
    m_problem->setObjectName(QStringLiteral("ingestProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("background:#b71c1c; color:white; font-size:12pt; font-weight:600; padding:6px"));
    m_problem->hide();
    layout->addWidget(m_problem);
    m_guidance->setObjectName(QStringLiteral("ingestGuidance"));
    m_guidance->setWordWrap(true);
    m_guidance->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_guidance->setStyleSheet(QStringLiteral("background:#eceff1; padding:8px; font-size:10.5pt"));
    layout->addWidget(m_guidance);
    m_table->setObjectName(QStringLiteral("ingestSources"));
    m_table->setModel(m_model);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(true);
    const std::pair<int, int> widths[] = {{IngestSourcesModel::Source, 135}, {IngestSourcesModel::Name, 230},
                                          {IngestSourcesModel::State, 165}, {IngestSourcesModel::LastEvent, 80},
                                          {IngestSourcesModel::PerMinute, 80}, {IngestSourcesModel::Events, 65},
                                          {IngestSourcesModel::Gaps, 100}, {IngestSourcesModel::Duplicates, 85},
                                          {IngestSourcesModel::Errors, 55}};
    for (const auto &[column, width] : widths)
        m_table->setColumnWidth(column, width);
    layout->addWidget(m_table, 1);
    // "12 s ago" moves on without a new status.
    auto *tick = new QTimer(this);
    connect(tick, &QTimer::timeout, this, [this] { m_table->viewport()->update(); });
    tick->start(1000);
    updateGuidance();
}

void IngestView::showStatuses(const IngestStatuses &statuses)
{
    m_model->setStatuses(statuses);
}

void IngestView::setWebhook(quint16 port, bool tls)
{
    m_webhookUrl = QStringLiteral("%1://<this machine>:%2/fhir-webhook").arg(tls ? QStringLiteral("https") : QStringLiteral("http")).arg(port);
    updateGuidance();
}

void IngestView::setPoller(const QString &base)
{
    m_pollerBase = base;
    updateGuidance();
}

void IngestView::showProblem(const QString &problem)
{
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
}

QString IngestView::guidance() const
{
    return m_guidance->text();
}

void IngestView::updateGuidance()
{
    QStringList lines;
    if (!m_webhookUrl.isEmpty())
        lines << tr("Webhook: create a Subscription on the EHR's FHIR server with channel type rest-hook, endpoint "
                    "%1, payload application/fhir+json, and header \"Authorization: Bearer <the --webhook-token>\". "
                    "Each notification is answered 200 once its events are in Kafka.").arg(m_webhookUrl);
    if (!m_pollerBase.isEmpty())
        lines << tr("Polling %1 by _lastUpdated; where it is, per resource type, is kept in healthcare.ingest.cursors.")
                     .arg(m_pollerBase);
    if (lines.isEmpty())
        lines << tr("No FHIR source is configured. Start the console with --listen 8443 (the Subscription webhook, "
                    "add --tls-cert/--tls-key and --webhook-token) or --poll https://ehr.example.org/fhir --types "
                    "Observation,Encounter (the REST poller); 'vigil ingest' runs the same without a window.");
    m_guidance->setText(lines.join(QStringLiteral("\n")));
}
