#pragma once

#include "client/kafkahandles.h"

#include <QString>

struct rd_kafka_mock_cluster_s;

// librdkafka's mock cluster, in process: brokers on loopback speaking the Kafka protocol, so kcat or
// any client can use it. A test tool with missing APIs and no persistence (limitations()): the
// fallback when Java is missing and `--embedded mock`, never the default. Quick to create and destroy.
class MockCluster {
public:
    // Starts the brokers and creates the recommended topic layout. Throws std::runtime_error.
    explicit MockCluster(int brokers = 3);
    ~MockCluster();
    MockCluster(const MockCluster &) = delete;
    MockCluster &operator=(const MockCluster &) = delete;

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
