#include "jobs/globaltables.h"

#include "base/text.h"
#include "client/clientroles.h"
#include "client/consumer.h"
#include "client/kafkaerror.h"
#include "client/topicmetadata.h"
#include "fhir/fhirenvelope.h"

#include <QDeadlineTimer>

namespace {
constexpr int MetadataTimeoutMs = 10'000;
constexpr int FollowBatch = 5000; // records per follow(): the evaluator's batch is never held up long

ClientConfig readerConfig(const ClientConfig &config)
{
    ClientConfig reader = ClientRoles::assignOnlyReader(config, QStringLiteral("vigil-evaluator-tables"));
    // The restore ends when every partition has said it is at its end, one fetch wait after the last
    // record: a tenth of a second, not librdkafka's half, at ten idle fetches a second once followed.
    reader.setDefault(QStringLiteral("fetch.wait.max.ms"), QStringLiteral("100"));
    return reader;
}
} // namespace

GlobalTables::GlobalTables(const ClientConfig &config, std::string adtTopic, std::string alertsTopic,
                           std::function<void(const Alert &)> onAlert)
    : m_adtTopic(std::move(adtTopic)), m_alertsTopic(std::move(alertsTopic)), m_onAlert(std::move(onAlert)),
      m_consumer(std::make_unique<Consumer>(readerConfig(config)))
{
    RdPartitionListPtr partitions(rd_kafka_topic_partition_list_new(32));
    for (const std::string &topic : {m_adtTopic, m_alertsTopic}) {
        const int count = partitionCountOf(m_consumer->handle(), topic, MetadataTimeoutMs);
        for (int partition = 0; partition < count; ++partition)
            rd_kafka_topic_partition_list_add(partitions.get(), topic.c_str(), partition)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    m_partitions = partitions->cnt;
    throwIfError(rd_kafka_assign(m_consumer->handle(), partitions.get()), QStringLiteral("assign the census and alerts"));
}

GlobalTables::~GlobalTables() = default;

bool GlobalTables::restore(int deadlineMs)
{
    QDeadlineTimer deadline(deadlineMs);
    while (int(m_atEnd.size()) < m_partitions && !deadline.hasExpired())
        read(int(qMin<qint64>(100, deadline.remainingTime())), FollowBatch);
    return int(m_atEnd.size()) >= m_partitions;
}

void GlobalTables::follow()
{
    read(0, FollowBatch);
}

void GlobalTables::read(int timeoutMs, int maxRecords)
{
    for (int records = 0; records < maxRecords; ++records) {
        RdMessagePtr message = m_consumer->poll(records == 0 ? timeoutMs : 0);
        if (!message)
            return;
        const std::string topic = rd_kafka_topic_name(message->rkt);
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            m_atEnd.emplace(topic, message->partition);
            continue;
        }
        if (message->err)
            continue; // transient: the client retries, and the error callback has said it
        if (!message->payload)
            continue; // a tombstone: nothing to learn
        const std::string_view value(static_cast<const char *>(message->payload), message->len);
        try {
            if (topic == m_alertsTopic)
                m_onAlert(Alert::parse(value));
            else if (auto event = adtEventFromEnvelope(FhirEnvelope::parse(value), rd_kafka_message_timestamp(message.get(), nullptr)))
                m_census.apply(*event);
        } catch (const AlertError &) {
            ++m_unreadable; // the wall displays and the console's feed say which records these are
        } catch (const EnvelopeError &) {
            ++m_unreadable;
        }
    }
}

std::string GlobalTables::locationOf(const CensusEntry &placement)
{
    std::string location = placement.ward;
    const auto add = [&location](const char *label, const std::string &part) {
        if (part.empty())
            return;
        if (!location.empty())
            location += ", ";
        location += label + part;
    };
    add("room ", placement.room);
    add("bed ", placement.bed);
    return location;
}
