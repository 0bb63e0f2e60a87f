#pragma once

#include <QHash>
#include <QTimer>

#include "clinical/alert.h"
#include "client/clientconfig.h"
#include "client/kafkaworker.h"

#include <memory>

class Producer;
class SchemaEnforcer;

// Publishes a person's change to an alert (acknowledged, resolved) as the alert's new state on
// healthcare.alerts.critical: same key, same partition as the evaluator chose (from the patient id),
// so compaction keeps the latest state and every display of the unit sees it from Kafka.
// A human action is rare: each one is flushed before the outcome is reported. With an enforcer, an
// alert that breaks the topic's schema is not sent and the outcome says why.
class AlertPublisher final : public KafkaWorker {
    Q_OBJECT
public:
    // `topic`: the alerts topic (healthcare.alerts.critical in the seed's layout); its schema is that one's.
    explicit AlertPublisher(ClientConfig config, std::string topic, std::shared_ptr<const SchemaEnforcer> enforcer = {},
                            QObject *parent = nullptr);
    ~AlertPublisher() override;

public Q_SLOTS:
    void publish(const Alert &alert);

Q_SIGNALS:
    void published(const QString &alertId, bool ok, const QString &error);

protected:
    void open() override;
    void releaseClients() override;

private:
    ClientConfig m_config;
    std::string m_topic;
    std::shared_ptr<const SchemaEnforcer> m_enforcer;
    void collectDeliveries();

    std::unique_ptr<Producer> m_producer;
    int m_partitions = 0;
    QHash<quintptr, QString> m_inFlight; // tag -> alert id, until its delivery report
    quintptr m_nextTag = 1;
    QTimer m_poll; // serves delivery reports while any is outstanding
};
