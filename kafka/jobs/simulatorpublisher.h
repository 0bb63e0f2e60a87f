#pragma once

#include "client/clientconfig.h"
#include "client/kafkaworker.h"

#include <QElapsedTimer>

#include <memory>
#include <vector>

class HospitalSimulator;
class Producer;
class SchemaEnforcer;
class QTimer;
struct SimulatedEvent;

struct SimulatorSettings {
    ClientConfig config;
    quint64 seed = 1;
    double eventsPerMinute = 5000; // the seed article's rate
    int beds = 500;
    // Each event is checked against its topic's schema first; a refused one is not sent. None: not checked.
    std::shared_ptr<const SchemaEnforcer> enforcer;
};

struct SimulatorCounters {
    qint64 eventsPublished = 0;
    qint64 transactionsCommitted = 0;
    qint64 transactionsFailed = 0;
    qint64 eventsRefused = 0; // broke their topic's schema, not sent
};

// Publishes the simulated hospital into Kafka at a steady rate, from its own thread.
// Every tick's events go in one transaction (an idempotent, acks=all, lz4 producer), so an
// admission's Patient, Encounter and first MedicationRequest are committed together.
// A failed transaction is aborted and the same events are sent again in the next one. An event its
// topic's schema refuses is counted and reported (errorOccurred, not fatal) and never sent.
class SimulatorPublisher final : public KafkaWorker {
    Q_OBJECT
public:
    explicit SimulatorPublisher(SimulatorSettings settings, QObject *parent = nullptr);
    ~SimulatorPublisher() override;

    static constexpr int TickMs = 50;

Q_SIGNALS:
    void published(const SimulatorCounters &counters);

protected:
    void open() override;
    void releaseClients() override;

private:
    void tick();
    void generateDueEvents();
    void refuseInvalidEvents();
    void fail(const ClientError &error);

    SimulatorSettings m_settings;
    std::unique_ptr<HospitalSimulator> m_hospital;
    std::unique_ptr<Producer> m_producer;
    QTimer *m_timer = nullptr;
    QElapsedTimer m_sinceLastTick;
    double m_owedEvents = 0;
    std::vector<SimulatedEvent> m_pending; // generated, not yet committed
    SimulatorCounters m_counters;
};
