#include "local/mockcluster.h"
#include "base/text.h"

#include "base/topics.h"

#include <librdkafka/rdkafka_mock.h>

#include <stdexcept>
#include <string>

MockCluster::MockCluster(int brokers) : m_brokers(brokers)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char errstr[512];
    // The holder client never connects anywhere; it only hosts the mock brokers' threads.
    rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
    m_handle.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr));
    if (!m_handle) {
        rd_kafka_conf_destroy(conf);
        throw std::runtime_error(std::string("mock cluster: ") + errstr);
    }
    m_cluster = rd_kafka_mock_cluster_new(m_handle.get(), brokers);
    if (!m_cluster)
        throw std::runtime_error("mock cluster: librdkafka could not start the mock brokers");

    const int replication = qMin(3, brokers);
    for (const auto &topic : Topics::recommendedLayout())
        createTopic(Text::toQString(topic.name), topic.partitions, replication);
}

MockCluster::~MockCluster()
{
    if (m_cluster)
        rd_kafka_mock_cluster_destroy(m_cluster);
}

QString MockCluster::bootstrapServers() const
{
    return QString::fromUtf8(rd_kafka_mock_cluster_bootstraps(m_cluster));
}

void MockCluster::createTopic(const QString &name, int partitions, int replicationFactor)
{
    const auto error = rd_kafka_mock_topic_create(m_cluster, name.toUtf8().constData(), partitions, replicationFactor);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR)
        throw std::runtime_error("mock cluster: cannot create " + name.toStdString() + ": " + rd_kafka_err2str(error));
}

void MockCluster::setBrokerUp(int brokerId, bool up)
{
    const auto error = up ? rd_kafka_mock_broker_set_up(m_cluster, brokerId)
                          : rd_kafka_mock_broker_set_down(m_cluster, brokerId);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR)
        throw std::runtime_error("mock cluster: broker " + std::to_string(brokerId) + ": " + rd_kafka_err2str(error));
}

QString MockCluster::limitations()
{
    return QStringLiteral(
        "Mock cluster (librdkafka %1's test tool, not Apache Kafka): in memory only, gone when Vigil exits; each partition keeps "
        "about 5 MB or 100,000 batches; no compaction. It answers Produce, Fetch, ListOffsets, Metadata, "
        "offset commit/fetch, consumer groups and transactions, but not ListGroups, DescribeGroups, "
        "DescribeConfigs or CreateTopics, and read_committed consumers also see aborted transactions. "
        "Without --embedded mock Vigil runs a local Apache Kafka; --bootstrap names another cluster.")
        .arg(QString::fromUtf8(rd_kafka_version_str()));
}
