#include "alertpublisher.h"

#include "evaluatorjob.h"
#include "kafkaerror.h"
#include "producer.h"
#include "schemaenforcer.h"
#include "topicmetadata.h"
#include "topics.h"

namespace {
constexpr int MetadataTimeoutMs = 5000;
constexpr int DeliveryTimeoutMs = 10'000;
const std::string AlertsTopic(Topics::CriticalAlerts);
} // namespace

AlertPublisher::AlertPublisher(ClientConfig config, std::shared_ptr<const SchemaEnforcer> enforcer, QObject *parent)
    : KafkaWorker(parent), m_config(std::move(config)), m_enforcer(std::move(enforcer))
{
}

AlertPublisher::~AlertPublisher() = default;

void AlertPublisher::start()
{
    ClientConfig config = m_config;
    config.set(QStringLiteral("enable.idempotence"), QStringLiteral("true"));
    config.set(QStringLiteral("acks"), QStringLiteral("all"));
    config.set(QStringLiteral("linger.ms"), QStringLiteral("0"));
    config.set(QStringLiteral("message.timeout.ms"), QString::number(DeliveryTimeoutMs));
    try {
        m_producer = std::make_unique<Producer>(config);
        m_producer->callbacks().onError = [this](const ClientError &error) { Q_EMIT errorOccurred(error); };
    } catch (const std::exception &error) {
        Q_EMIT errorOccurred({RD_KAFKA_RESP_ERR__INVALID_ARG, QString::fromUtf8(error.what()), true, false});
    }
}

void AlertPublisher::publish(const Alert &alert)
{
    const QString id = QString::fromStdString(alert.alertId);
    if (!m_producer) {
        Q_EMIT published(id, false, tr("no connection to the cluster"));
        return;
    }
    const std::string value = alert.toJson().dump();
    if (const auto refusal = m_enforcer ? m_enforcer->refusal(AlertsTopic, value) : std::nullopt) {
        Q_EMIT published(id, false, tr("not sent, the alert breaks the topic's schema: %1").arg(QString::fromStdString(*refusal)));
        return;
    }
    try {
        if (m_partitions == 0) // asked on first use: the cluster may not have been up at start
            m_partitions = partitionCountOf(m_producer->handle(), AlertsTopic, MetadataTimeoutMs);
        const qint64 failedBefore = m_producer->deliveries().failed;
        m_producer->produce(AlertsTopic, alert.alertId, value, {}, 0,
                            EvaluatorJob::partitionForPatient(alert.patientId, m_partitions));
        if (m_producer->flush(DeliveryTimeoutMs + 1000) > 0)
            Q_EMIT published(id, false, tr("not confirmed by the cluster in time"));
        else if (m_producer->deliveries().failed > failedBefore)
            Q_EMIT published(id, false, m_producer->deliveries().lastFailure.message);
        else
            Q_EMIT published(id, true, {});
    } catch (const KafkaException &error) {
        Q_EMIT published(id, false, error.error().message);
    }
}

void AlertPublisher::releaseClients()
{
    if (m_producer) {
        m_producer->flush(2000);
        m_producer.reset();
    }
}
