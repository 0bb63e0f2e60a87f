#pragma once

#include "client/kafkahandles.h"

#include <QString>

struct rd_kafka_mock_cluster_s;

// An in-process Kafka cluster: librdkafka's mock cluster, brokers on loopback speaking the
// real Kafka protocol, so kcat or any client can use it. In memory only; see limitations().
// Creating and destroying it is quick and never touches the network beyond loopback.
class EmbeddedCluster {
public:
    // Starts the brokers and creates the recommended topic layout. Throws std::runtime_error.
    explicit EmbeddedCluster(int brokers = 3);
    ~EmbeddedCluster();
    EmbeddedCluster(const EmbeddedCluster &) = delete;
    EmbeddedCluster &operator=(const EmbeddedCluster &) = delete;

    QString bootstrapServers() const;
    int brokerCount() const { return m_brokers; }

    void createTopic(const QString &name, int partitions, int replicationFactor);
    // Takes a broker (1..brokerCount) down or up, as a failure drill.
    void setBrokerUp(int brokerId, bool up);

    // What this cluster cannot do, in words for the README and the UI.
    static QString limitations();

private:
    int m_brokers;
    RdKafkaPtr m_handle; // the mock cluster runs on this client's threads
    rd_kafka_mock_cluster_s *m_cluster = nullptr;
};
