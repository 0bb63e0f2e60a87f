#pragma once

#include "ingest/ingeststatus.h"

#include <QWidget>

class IngestSourcesModel;
class QLabel;
class QTableView;

// The Ingest area: where events come from the hospital's FHIR server. One row per webhook
// subscription or polled resource type (state, last event, events per minute, event-number gaps,
// duplicates dropped, errors with their HTTP status), and how to point an EHR at this console's
// webhook. Fed by IngestSources::statusesChanged -> showStatuses.
class IngestView final : public QWidget {
    Q_OBJECT
public:
    explicit IngestView(QWidget *parent = nullptr);

    IngestSourcesModel *model() const { return m_model; }
    QString guidance() const;

public Q_SLOTS:
    void showStatuses(const IngestStatuses &statuses);
    // The webhook listens (its URL is shown for the EHR's Subscription), or none is configured.
    void setWebhook(quint16 port, bool tls);
    void setPoller(const QString &base);
    void showProblem(const QString &problem);

private:
    void updateGuidance();

    IngestSourcesModel *m_model;
    QTableView *m_table;
    QLabel *m_guidance;
    QLabel *m_problem;
    QString m_webhookUrl;
    QString m_pollerBase;
};
