#pragma once

#include "client/clientconfig.h"
#include "base/clientstatus.h"
#include "ingest/ingeststatus.h"
#include "network/fhirpoller.h"
#include "network/webhookbridge.h"

#include <QObject>
#include <QThread>

#include <memory>
#include <optional>

class WorkerThread;

// What `vigil ingest` (and the console, with --listen or --poll) takes from a hospital's FHIR server.
struct IngestSettings {
    std::optional<WebhookSettings> webhook;
    std::optional<PollerSettings> poller;
    bool any() const { return webhook || poller; }
};

// The FHIR ingest sources of one process, wired: the webhook bridge and the REST poller, each on a
// thread of its own, each with its own transactional publisher (its transactional id names the
// source, so a restarted source fences the one it replaces). Their rows come out as one list.
class IngestSources final : public QObject {
    Q_OBJECT
public:
    IngestSources(const IngestSettings &settings, const ClientConfig &cluster, QObject *parent = nullptr);
    ~IngestSources() override;

Q_SIGNALS:
    void statusesChanged(const IngestStatuses &statuses);
    // The webhook listens (port, TLS), or cannot.
    void webhookListening(quint16 port, bool tls);
    void webhookFailed(const QString &error);
    void errorOccurred(const QString &source, const ClientError &error);

private:
    void merge(const QString &source, const IngestStatuses &statuses);

    QThread m_httpThread; // the bridge and the poller (Qt Network, no Kafka)
    WebhookBridge *m_bridge = nullptr;
    FhirPoller *m_poller = nullptr;
    std::unique_ptr<WorkerThread> m_webhookPublisher;
    std::unique_ptr<WorkerThread> m_pollerPublisher;
    IngestStatuses m_webhookRows;
    IngestStatuses m_pollerRows;
};
