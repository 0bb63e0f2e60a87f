#include "jobs/auditshipper.h"

#include "audit/audittrail.h"
#include "client/clientroles.h"
#include "client/consumer.h"
#include "client/kafkaerror.h"
#include "client/producer.h"
#include "client/topicmetadata.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QSaveFile>
#include <QTimer>

namespace {

constexpr int DeliveryDeadlineMs = 30'000;
constexpr qint64 MaxBatchBytes = 8 * 1024 * 1024; // bounded memory, however far behind the topic is

QString shippedNote(const QString &path)
{
    return path + QStringLiteral(".shipped");
}

} // namespace

AuditShipper::AuditShipper(AuditShipperSettings settings, QObject *parent)
    : KafkaWorker(parent), m_settings(std::move(settings))
{
}

AuditShipper::~AuditShipper() = default;

void AuditShipper::open()
{
    m_producer = std::make_unique<Producer>(ClientRoles::producer(m_settings.config, QStringLiteral("vigil-audit")));
    m_producer->callbacks().onError = [this](const ClientError &error) { warn(error, QStringLiteral("audit")); };
    partitionCountOf(m_producer->handle(), m_settings.topic, 10'000); // missing or refused: said at once
    if (!m_timer) {
        m_timer = new QTimer(this);
        connect(m_timer, &QTimer::timeout, this, &AuditShipper::ship);
    }
    m_timer->start(m_settings.everyMs);
    ship();
}

void AuditShipper::releaseClients()
{
    if (m_timer)
        m_timer->stop();
    if (m_producer) {
        m_producer->flush(2000);
        m_producer.reset();
    }
}

qint64 AuditShipper::shippedOffset() const
{
    QFile note(shippedNote(m_settings.path));
    if (!note.open(QIODevice::ReadOnly))
        return 0;
    return note.readAll().trimmed().toLongLong();
}

void AuditShipper::ship()
{
    if (!m_producer)
        return;
    QFile file(m_settings.path);
    const qint64 from = shippedOffset();
    if (!file.exists() || file.size() <= from || !file.open(QIODevice::ReadOnly))
        return;
    file.seek(from);
    const QByteArray pending = file.read(MaxBatchBytes);
    const qsizetype end = pending.lastIndexOf('\n') + 1; // whole lines only
    qint64 entries = 0;
    const auto failedBefore = m_producer->deliveries().failed;
    for (qsizetype start = 0; start < end;) {
        const qsizetype newline = pending.indexOf('\n', start);
        const QByteArray line = pending.mid(start, newline - start);
        start = newline + 1;
        if (line.trimmed().isEmpty())
            continue;
        const nlohmann::json entry = nlohmann::json::parse(line.constData(), line.constData() + line.size(), nullptr, false);
        const std::string chain = entry.is_object() && entry.contains("chain") && entry["chain"].is_string()
                                      ? entry["chain"].get<std::string>() : std::string("unreadable");
        m_producer->produce(m_settings.topic, chain, line.toStdString()); // an unreadable line too: verify names it
        ++entries;
    }
    if (entries == 0)
        return;
    if (m_producer->flush(DeliveryDeadlineMs) != 0 || m_producer->deliveries().failed != failedBefore) {
        warn(ClientErrors::retrying(tr("audit entries not yet in %1: %2")
                                        .arg(QString::fromStdString(m_settings.topic), m_producer->deliveries().lastFailure.message)),
             QStringLiteral("audit"));
        return; // sent again from the same place on the next tick
    }
    QSaveFile note(shippedNote(m_settings.path));
    if (!note.open(QIODevice::WriteOnly) || note.write(QByteArray::number(from + end)) < 0 || !note.commit()) {
        warn(ClientErrors::warning(tr("cannot note how far the audit trail was shipped (%1): %2")
                                       .arg(note.fileName(), note.errorString())),
             QStringLiteral("audit"));
        return;
    }
    Q_EMIT shipped(entries, from + end);
}

void AuditShipper::verifyTopic(const ClientConfig &config, const std::string &topic, AuditVerifier &verifier)
{
    Consumer consumer(ClientRoles::assignOnlyReader(config, QStringLiteral("vigil-audit-verify")));
    const int partitions = partitionCountOf(consumer.handle(), topic, 10'000);
    RdPartitionListPtr list(rd_kafka_topic_partition_list_new(partitions));
    std::map<int, qint64> ends;
    for (int p = 0; p < partitions; ++p) {
        int64_t low = 0;
        int64_t high = 0;
        throwIfError(queryWatermarks(consumer.handle(), topic.c_str(), p, &low, &high, 10'000),
                     QStringLiteral("watermarks of %1[%2]").arg(QString::fromStdString(topic)).arg(p));
        if (high > low) {
            rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset = low;
            ends[p] = high;
        }
    }
    if (ends.empty())
        return;
    throwIfError(rd_kafka_assign(consumer.handle(), list.get()), QStringLiteral("assign"));
    QDeadlineTimer quiet(30'000); // at most this long without a record or an end
    while (!ends.empty()) {
        RdMessagePtr message = consumer.poll(200);
        if (!message) {
            if (quiet.hasExpired())
                throw KafkaException(ClientErrors::retrying(QStringLiteral("%1 stopped answering before its end")
                                                                .arg(QString::fromStdString(topic))));
            continue;
        }
        quiet.setRemainingTime(30'000);
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            ends.erase(message->partition);
            continue;
        }
        if (message->err)
            throw KafkaException(consumeError(*message));
        if (message->payload)
            verifier.add(QByteArray(static_cast<const char *>(message->payload), qsizetype(message->len)),
                         QStringLiteral("%1[%2]@%3").arg(QString::fromStdString(topic)).arg(message->partition).arg(message->offset));
        if (message->offset + 1 >= ends[message->partition])
            ends.erase(message->partition);
    }
}
