#include "jobs/simulatorpublisher.h"

#include "simulator/hospitalsimulator.h"
#include "client/clientroles.h"
#include "client/kafkaerror.h"
#include "client/producer.h"
#include "schemas/schemaenforcer.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QTimer>

#include <algorithm>

namespace {
constexpr int TransactionTimeoutMs = 4000;
}

SimulatorPublisher::SimulatorPublisher(SimulatorSettings settings, QObject *parent)
    : KafkaWorker(parent), m_settings(std::move(settings))
{
}

SimulatorPublisher::~SimulatorPublisher() = default;

void SimulatorPublisher::open()
{
    ClientConfig config = ClientRoles::transactionalProducer(
        m_settings.config,
        QStringLiteral("vigil-simulator-%1-%2").arg(m_settings.seed).arg(QCoreApplication::applicationPid()),
        QStringLiteral("vigil-simulator"));
    config.set(QStringLiteral("compression.type"), QStringLiteral("lz4"));
    config.setDefault(QStringLiteral("linger.ms"), QStringLiteral("5"));

    m_hospital = std::make_unique<HospitalSimulator>(m_settings.seed, m_settings.beds);
    m_producer = std::make_unique<Producer>(config);
    m_producer->callbacks().onError = [this](const ClientError &error) { Q_EMIT errorOccurred(error); };
    m_producer->callbacks().onStatistics = [this](const ClientStatistics &stats) { Q_EMIT statisticsUpdated(stats); };
    m_producer->initTransactions(30'000);

    if (!m_timer) { // a reopen after a failed client keeps the timer
        m_timer = new QTimer(this);
        m_timer->setTimerType(Qt::PreciseTimer);
        connect(m_timer, &QTimer::timeout, this, &SimulatorPublisher::tick);
    }
    m_sinceLastTick.start();
    m_timer->start(TickMs);
}

void SimulatorPublisher::generateDueEvents()
{
    // Owed events accrue with real elapsed time; at most one second's worth after a stall.
    const double perMs = m_settings.eventsPerMinute / 60'000.0;
    m_owedEvents = qMin(m_owedEvents + perMs * double(m_sinceLastTick.restart()), perMs * 1000.0 + 1.0);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    while (m_owedEvents >= 1.0) {
        SimulationStep step = m_hospital->next(now);
        m_owedEvents -= double(step.events.size());
        for (auto &event : step.events)
            m_pending.push_back(std::move(event));
    }
    refuseInvalidEvents();
}

void SimulatorPublisher::refuseInvalidEvents()
{
    if (!m_settings.enforcer)
        return;
    std::string firstRefusal;
    const auto refused = std::remove_if(m_pending.begin(), m_pending.end(), [&](const SimulatedEvent &event) {
        const auto refusal = m_settings.enforcer->refusal(event.topic, event.value);
        if (refusal && firstRefusal.empty())
            firstRefusal = *refusal;
        return refusal.has_value();
    });
    const auto count = std::distance(refused, m_pending.end());
    if (count == 0)
        return;
    m_pending.erase(refused, m_pending.end());
    m_counters.eventsRefused += count;
    Q_EMIT errorOccurred(ClientErrors::warning(
        tr("simulator: %n event(s) not sent, their topic's schema refuses them: %1", nullptr, int(count))
            .arg(QString::fromStdString(firstRefusal))));
}

void SimulatorPublisher::tick()
{
    if (!m_producer)
        return;
    if (m_pending.empty())
        generateDueEvents();
    else
        m_sinceLastTick.restart(); // a retry owes no new events
    if (m_pending.empty()) {
        m_producer->poll(0);
        return;
    }
    try {
        if (!m_producer->commitPending()) { // else these events' transaction is still committing
            m_producer->beginTransaction();
            for (const auto &event : m_pending)
                m_producer->produce(event.topic, event.key, event.value, {}, event.timestampMs);
        }
        m_producer->commitTransaction(TransactionTimeoutMs);
        m_counters.eventsPublished += qint64(m_pending.size());
        ++m_counters.transactionsCommitted;
        m_pending.clear();
    } catch (const KafkaException &error) {
        ++m_counters.transactionsFailed;
        if (error.error().fatal) {
            if (isFenced(error.error().code)) {
                fail(error.error());
                return;
            }
            warn(error.error(), QStringLiteral("simulator")); // the cluster lost the transaction: start anew
            reopenLater();
            return;
        }
        warn(error.error(), QStringLiteral("simulator")); // every tick while the cluster is away: once, then counted
        if (!m_producer->commitPending()) {
            try {
                m_producer->abortTransaction(TransactionTimeoutMs);
            } catch (const KafkaException &) {
                // Already aborted, nothing to abort, or resumed by the next begin.
            }
        }
    }
    Q_EMIT published(m_counters);
}

void SimulatorPublisher::fail(const ClientError &error)
{
    ClientError fatal = error;
    fatal.fatal = true;
    Q_EMIT errorOccurred(fatal);
    releaseClients();
}

void SimulatorPublisher::releaseClients()
{
    if (m_timer)
        m_timer->stop();
    if (m_producer) {
        m_producer->flush(2000);
        m_producer.reset();
    }
}
