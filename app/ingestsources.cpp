#include "ingestsources.h"

#include "base/topics.h"
#include "client/workerthread.h"
#include "jobs/ingestpublisher.h"

#include <QCryptographicHash>

namespace {

// Stable per source, so that a restart fences the run it replaces and ends its open transaction.
QString transactionalIdOf(const QString &kind, const QString &what)
{
    return QStringLiteral("vigil-ingest-%1-%2")
        .arg(kind, QString::fromLatin1(QCryptographicHash::hash(what.toUtf8(), QCryptographicHash::Sha256).toHex().left(12)));
}

} // namespace

IngestSources::IngestSources(const IngestSettings &settings, const ClientConfig &cluster, QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<IngestBatch>();
    qRegisterMetaType<IngestOutcome>();
    qRegisterMetaType<IngestStatuses>();
    m_httpThread.setObjectName(QStringLiteral("fhir ingest"));
    if (settings.webhook) {
        m_bridge = new WebhookBridge(*settings.webhook);
        m_bridge->moveToThread(&m_httpThread);
        auto *publisher = new IngestPublisher(
            cluster, transactionalIdOf(QStringLiteral("webhook"), QString::number(settings.webhook->port)));
        connect(m_bridge, &WebhookBridge::batchReady, publisher, &IngestPublisher::publish);
        connect(publisher, &IngestPublisher::outcome, m_bridge, &WebhookBridge::takeOutcome);
        connect(publisher, &IngestPublisher::availabilityChanged, m_bridge, &WebhookBridge::setKafkaAvailable);
        connect(publisher, &KafkaWorker::errorOccurred, this,
                [this](const ClientError &error) { Q_EMIT errorOccurred(QStringLiteral("webhook"), error); });
        connect(m_bridge, &WebhookBridge::statusesChanged, this,
                [this](const IngestStatuses &rows) { merge(QStringLiteral("webhook"), rows); });
        connect(m_bridge, &WebhookBridge::listening, this, &IngestSources::webhookListening);
        connect(m_bridge, &WebhookBridge::listenFailed, this, &IngestSources::webhookFailed);
        connect(&m_httpThread, &QThread::started, m_bridge, &WebhookBridge::start);
        connect(&m_httpThread, &QThread::finished, m_bridge, &QObject::deleteLater);
        m_webhookPublisher = std::make_unique<WorkerThread>(publisher, QStringLiteral("webhook publisher"));
    }
    if (settings.poller) {
        m_poller = new FhirPoller(*settings.poller);
        m_poller->moveToThread(&m_httpThread);
        auto *publisher = new IngestPublisher(
            cluster, transactionalIdOf(QStringLiteral("poll"), QString::fromStdString(m_poller->cursorBase())));
        publisher->readCursorsOf(m_poller->cursorBase(), std::string(Topics::IngestCursors));
        connect(m_poller, &FhirPoller::batchReady, publisher, &IngestPublisher::publish);
        connect(publisher, &IngestPublisher::outcome, m_poller, &FhirPoller::takeOutcome);
        connect(publisher, &IngestPublisher::cursorsRead, m_poller, &FhirPoller::start);
        connect(publisher, &KafkaWorker::errorOccurred, this,
                [this](const ClientError &error) { Q_EMIT errorOccurred(QStringLiteral("poller"), error); });
        connect(m_poller, &FhirPoller::statusesChanged, this,
                [this](const IngestStatuses &rows) { merge(QStringLiteral("poller"), rows); });
        connect(&m_httpThread, &QThread::finished, m_poller, &QObject::deleteLater);
        m_pollerPublisher = std::make_unique<WorkerThread>(publisher, QStringLiteral("poller publisher"));
    }
    m_httpThread.start();
}

IngestSources::~IngestSources()
{
    m_httpThread.quit(); // the bridge and the poller first: nothing new is handed to the publishers
    m_httpThread.wait(5000);
    WorkerThread::stopAll({m_webhookPublisher.get(), m_pollerPublisher.get()});
}

void IngestSources::merge(const QString &source, const IngestStatuses &statuses)
{
    (source == u"webhook" ? m_webhookRows : m_pollerRows) = statuses;
    Q_EMIT statusesChanged(m_webhookRows + m_pollerRows);
}
