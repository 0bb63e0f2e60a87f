#include "jobs/alertpublisher.h"

#include "jobs/evaluatorjob.h"
#include "client/clientroles.h"
#include "client/kafkaerror.h"
#include "client/producer.h"
#include "schemas/schemaenforcer.h"
#include "client/topicmetadata.h"
#include "base/topics.h"

namespace {
constexpr int MetadataTimeoutMs = 5000;
constexpr int DeliveryTimeoutMs = 10'000;
// The schema an alert must fit is the alerts topic's, whatever the topic is called here.
const std::string AlertsSubjectTopic(Topics::CriticalAlerts);
} // namespace

AlertPublisher::AlertPublisher(ClientConfig config, std::string topic, std::shared_ptr<const SchemaEnforcer> enforcer,
                               QObject *parent)
    : KafkaWorker(parent), m_config(std::move(config)), m_topic(std::move(topic)), m_enforcer(std::move(enforcer)),
      m_poll(this)
{
    m_poll.setInterval(20);
    connect(&m_poll, &QTimer::timeout, this, &AlertPublisher::collectDeliveries);
}

AlertPublisher::~AlertPublisher() = default;

void AlertPublisher::open()
{
    ClientConfig config = ClientRoles::producer(m_config, QStringLiteral("vigil-acknowledgements"));
    config.set(QStringLiteral("linger.ms"), QStringLiteral("0"));
    config.set(QStringLiteral("message.timeout.ms"), QString::number(DeliveryTimeoutMs));
    m_producer = std::make_unique<Producer>(config);
    m_producer->callbacks().onError = [this](const ClientError &error) { Q_EMIT errorOccurred(error); };
}

void AlertPublisher::publish(const Alert &alert)
{
    const QString id = QString::fromStdString(alert.alertId);
    if (!m_producer) {
        Q_EMIT published(id, false, tr("no connection to the cluster"));
        return;
    }
    const std::string value = alert.toJson().dump();
    if (const auto refusal = m_enforcer ? m_enforcer->refusal(AlertsSubjectTopic, value) : std::nullopt) {
        Q_EMIT published(id, false, tr("not sent, the alert breaks the topic's schema: %1").arg(QString::fromStdString(*refusal)));
        return;
    }
    try {
        if (m_partitions == 0) // asked on first use: the cluster may not have been up at start
            m_partitions = partitionCountOf(m_producer->handle(), m_topic, MetadataTimeoutMs);
        // Never waits for the cluster: each acknowledgement is answered by its own delivery report
        // (within message.timeout.ms), so one outage does not queue the next nurse behind the last.
        const quintptr tag = m_nextTag++;
        m_producer->produce(m_topic, alert.alertId, value, {}, 0,
                            EvaluatorJob::partitionForPatient(alert.patientId, m_partitions), tag);
        m_inFlight.insert(tag, id);
        if (!m_poll.isActive())
            m_poll.start();
    } catch (const KafkaException &error) {
        Q_EMIT published(id, false, error.error().message);
    }
}

void AlertPublisher::collectDeliveries()
{
    if (!m_producer)
        return;
    m_producer->poll(0);
    for (const TaggedDelivery &delivery : m_producer->takeTaggedDeliveries()) {
        const QString id = m_inFlight.take(delivery.tag);
        if (delivery.error == RD_KAFKA_RESP_ERR_NO_ERROR)
            Q_EMIT published(id, true, {});
        else
            Q_EMIT published(id, false, clientError(delivery.error, tr("not confirmed by the cluster")).message);
    }
    if (m_inFlight.isEmpty())
        m_poll.stop();
}

void AlertPublisher::releaseClients()
{
    m_poll.stop();
    if (m_producer) {
        m_producer->flush(2000);
        m_producer.reset();
    }
}
