#include "evaluatorjob.h"

#include "consumer.h"
#include "criticalvalueevaluator.h"
#include "kafkaerror.h"
#include "producer.h"
#include "schemaenforcer.h"
#include "topicmetadata.h"
#include "topics.h"

#include <QDateTime>

#include <map>

namespace {

constexpr int TransactionTimeoutMs = 10'000;
constexpr int MaxDeadLettersPerReport = 100;

const std::string ProcessedTopic(Topics::LabsProcessed);
const std::string AlertsTopic(Topics::CriticalAlerts);
const std::string DeadLetterTopic(Topics::DeadLetters);

QByteArray bytes(std::string_view text)
{
    return QByteArray(text.data(), qsizetype(text.size()));
}

QList<KafkaHeader> sourceHeaders(const KafkaRecord &record)
{
    QList<KafkaHeader> headers = record.headers;
    headers.append({"vigil.source.topic", record.topic.toUtf8()});
    headers.append({"vigil.source.partition", QByteArray::number(record.partition)});
    headers.append({"vigil.source.offset", QByteArray::number(record.offset)});
    return headers;
}

std::string_view view(const QByteArray &data)
{
    return {data.constData(), size_t(data.size())};
}

} // namespace

EvaluatorJob::EvaluatorJob(EvaluatorSettings settings, QObject *parent)
    : KafkaWorker(parent), m_settings(std::move(settings))
{
}

EvaluatorJob::~EvaluatorJob() = default;

int EvaluatorJob::partitionForPatient(const std::string &patientId, int partitionCount)
{
    // FNV-1a: stable across runs and builds, so one patient's alerts always share a partition.
    quint32 hash = 2166136261u;
    for (const unsigned char c : patientId)
        hash = (hash ^ c) * 16777619u;
    return int(hash % quint32(qMax(1, partitionCount)));
}

void EvaluatorJob::start()
{
    ClientConfig consumerConfig = m_settings.config;
    consumerConfig.set(QStringLiteral("group.id"), m_settings.groupId);
    consumerConfig.set(QStringLiteral("isolation.level"), QStringLiteral("read_committed"));
    consumerConfig.set(QStringLiteral("enable.auto.commit"), QStringLiteral("false"));
    // A new group starts at the earliest retained offset: no result is ever skipped.
    consumerConfig.set(QStringLiteral("auto.offset.reset"), QStringLiteral("earliest"));
    ClientConfig producerConfig = m_settings.config;
    producerConfig.set(QStringLiteral("transactional.id"), m_settings.transactionalId);
    producerConfig.set(QStringLiteral("enable.idempotence"), QStringLiteral("true"));
    producerConfig.set(QStringLiteral("acks"), QStringLiteral("all"));
    if (!producerConfig.contains(QStringLiteral("linger.ms")))
        producerConfig.set(QStringLiteral("linger.ms"), QStringLiteral("0")); // the commit sends at once anyway

    // Latency over request count (tests/bench/bench_pipeline): the embedded cluster holds an empty
    // fetch for the whole wait, 500 ms by default, and a real broker refuses a transaction begun
    // while the last one's markers are written, retried after retry.backoff.ms (100 ms by default).
    // Both stay the user's to override with -X.
    if (!consumerConfig.contains(QStringLiteral("fetch.wait.max.ms")))
        consumerConfig.set(QStringLiteral("fetch.wait.max.ms"), QStringLiteral("10"));
    for (ClientConfig *config : {&consumerConfig, &producerConfig}) {
        if (!config->contains(QStringLiteral("retry.backoff.ms")))
            config->set(QStringLiteral("retry.backoff.ms"), QStringLiteral("10"));
        if (!config->contains(QStringLiteral("statistics.interval.ms")))
            config->set(QStringLiteral("statistics.interval.ms"), QStringLiteral("1000"));
        if (!config->contains(QStringLiteral("client.id")))
            config->set(QStringLiteral("client.id"), QStringLiteral("vigil-evaluator"));
    }

    try {
        EvaluatorOptions options;
        options.lateHorizonMs = m_settings.lateHorizonMs;
        m_evaluator = std::make_unique<CriticalValueEvaluator>(m_settings.thresholds, options);
        m_producer = std::make_unique<Producer>(producerConfig);
        m_producer->callbacks().onError = [this](const ClientError &error) {
            Q_EMIT errorOccurred(error);
            m_failedFatally = m_failedFatally || error.fatal;
        };
        m_producer->initTransactions(30'000);
        m_consumer = std::make_unique<Consumer>(consumerConfig);
        m_consumer->callbacks().onError = m_producer->callbacks().onError;
        m_producer->callbacks().onStatistics = [this](const ClientStatistics &stats) { Q_EMIT statisticsUpdated(stats); };
        m_consumer->callbacks().onStatistics = m_producer->callbacks().onStatistics;
        m_consumer->subscribe({QString::fromUtf8(Topics::LabResults.data(), qsizetype(Topics::LabResults.size()))});
        m_alertPartitions = partitionCountOf(m_producer->handle(), std::string(Topics::CriticalAlerts), 10'000);
    } catch (const KafkaException &error) {
        fail(error.error());
        return;
    } catch (const std::exception &error) {
        fail({RD_KAFKA_RESP_ERR__INVALID_ARG, QString::fromUtf8(error.what()), true, false});
        return;
    }
    QMetaObject::invokeMethod(this, &EvaluatorJob::evaluateBatch, Qt::QueuedConnection);
}

void EvaluatorJob::setThresholds(std::shared_ptr<const ThresholdSet> thresholds)
{
    if (!thresholds)
        return;
    m_settings.thresholds = thresholds;
    if (m_evaluator)
        m_evaluator->setThresholds(std::move(thresholds));
}

QList<KafkaRecord> EvaluatorJob::pollBatch()
{
    // Wait for the first record, then take what is already there: large batches under load,
    // no added latency when results trickle in.
    QList<KafkaRecord> batch;
    int timeoutMs = 100;
    while (batch.size() < m_settings.maxBatchRecords && !m_failedFatally) {
        RdMessagePtr message = m_consumer->poll(timeoutMs);
        if (!message)
            break;
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
            continue;
        if (message->err) {
            const ClientError error = clientError(message->err, QStringLiteral("consume"));
            Q_EMIT errorOccurred(error);
            m_failedFatally = m_failedFatally || error.fatal;
            continue;
        }
        batch.append(Consumer::toRecord(*message));
        timeoutMs = 0;
    }
    return batch;
}

void EvaluatorJob::evaluateBatch()
{
    if (!m_consumer)
        return;
    const QList<KafkaRecord> batch = pollBatch();
    if (m_failedFatally) {
        releaseClients(); // after poll() has returned: never from inside its callbacks
        return;
    }
    if (!batch.isEmpty()) {
        try {
            m_producer->beginTransaction();
            EvaluatorReport report = publish(batch);

            std::map<std::pair<QString, int>, qint64> next;
            for (const auto &record : batch)
                next[{record.topic, record.partition}] = record.offset + 1;
            RdPartitionListPtr offsets(rd_kafka_topic_partition_list_new(int(next.size())));
            for (const auto &[partition, offset] : next)
                rd_kafka_topic_partition_list_add(offsets.get(), partition.first.toUtf8().constData(), partition.second)
                    ->offset = offset;
            m_producer->sendOffsetsToTransaction(offsets.get(), m_consumer->handle(), TransactionTimeoutMs);
            m_producer->commitTransaction(TransactionTimeoutMs);
            report.committedAtMs = QDateTime::currentMSecsSinceEpoch();
            Q_EMIT batchCommitted(report);
        } catch (const KafkaException &error) {
            Q_EMIT errorOccurred(error.error());
            if (error.error().fatal) {
                releaseClients();
                return;
            }
            try {
                m_producer->abortTransaction(TransactionTimeoutMs);
            } catch (const KafkaException &) {
                // commitTransaction() aborts by itself when it must.
            }
            rewindTo(batch);
        }
    }
    QMetaObject::invokeMethod(this, &EvaluatorJob::evaluateBatch, Qt::QueuedConnection);
}

EvaluatorReport EvaluatorJob::publish(const QList<KafkaRecord> &batch)
{
    EvaluatorReport report;
    report.records = int(batch.size());
    const auto &set = m_evaluator->thresholds();
    report.thresholdSet = QStringLiteral("%1 v%2").arg(QString::fromStdString(set->name())).arg(set->version());
    report.oldestRecordMs = batch.first().timestampMs;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();

    for (const auto &record : batch) {
        report.oldestRecordMs = qMin(report.oldestRecordMs, record.timestampMs);
        const RecordSource source{record.topic.toStdString(), record.partition, record.offset};
        const Evaluation evaluation = m_evaluator->evaluate(view(record.value), source, now);
        if (evaluation.verdict == Verdict::DeadLetter) {
            deadLetter(record, evaluation.deadLetterReason, evaluation.deadLetterMessage, report);
            continue;
        }

        QList<KafkaHeader> headers = sourceHeaders(record);
        headers.append({"vigil.verdict", bytes(evaluation.verdictName())});
        headers.append({"vigil.thresholds", report.thresholdSet.toUtf8()});
        m_producer->produce(ProcessedTopic, view(record.key), view(record.value), headers, record.timestampMs);
        ++report.processed;
        if (evaluation.value)
            report.values.append({QString::fromStdString(evaluation.loinc), *evaluation.value, QString(),
                                  record.timestampMs});

        for (const Alert &alert : evaluation.alerts) {
            const std::string value = alert.toJson().dump();
            if (const auto refusal = m_settings.enforcer ? m_settings.enforcer->refusal(AlertsTopic, value) : std::nullopt) {
                // Never dropped quietly: the result that raised it waits in the dead-letter topic.
                deadLetter(record, DeadLetterReason::AlertRefused, *refusal, report);
                continue;
            }
            m_producer->produce(AlertsTopic, alert.alertId, value, {}, 0,
                                partitionForPatient(alert.patientId, m_alertPartitions));
            ++report.alerts;
        }
    }
    return report;
}

void EvaluatorJob::deadLetter(const KafkaRecord &record, std::string_view reason, std::string_view message,
                              EvaluatorReport &report)
{
    QList<KafkaHeader> headers = sourceHeaders(record);
    headers.append({"vigil.dlq.reason", bytes(reason)});
    headers.append({"vigil.dlq.message", bytes(message)});
    m_producer->produce(DeadLetterTopic, view(record.key), view(record.value), headers, record.timestampMs);
    ++report.deadLetters;
    if (report.deadLetterEntries.size() < MaxDeadLettersPerReport)
        report.deadLetterEntries.append({QString::fromUtf8(bytes(reason)), QString::fromUtf8(bytes(message)), record.topic,
                                         record.partition, record.offset, record.timestampMs});
}

void EvaluatorJob::rewindTo(const QList<KafkaRecord> &batch)
{
    std::map<std::pair<QString, int>, qint64> first;
    for (const auto &record : batch) {
        auto [it, inserted] = first.try_emplace({record.topic, record.partition}, record.offset);
        if (!inserted)
            it->second = qMin(it->second, record.offset);
    }
    RdPartitionListPtr positions(rd_kafka_topic_partition_list_new(int(first.size())));
    for (const auto &[partition, offset] : first)
        rd_kafka_topic_partition_list_add(positions.get(), partition.first.toUtf8().constData(), partition.second)
            ->offset = offset;
    if (rd_kafka_error_t *error = rd_kafka_seek_partitions(m_consumer->handle(), positions.get(), 5000)) {
        // Without the rewind the batch would be skipped: stop rather than lose it.
        fail(clientError(error, QStringLiteral("rewind after an aborted transaction")));
    }
}

void EvaluatorJob::fail(const ClientError &error)
{
    ClientError fatal = error;
    fatal.fatal = true;
    Q_EMIT errorOccurred(fatal);
    releaseClients();
}

void EvaluatorJob::releaseClients()
{
    if (m_consumer) {
        m_consumer->close(3000);
        m_consumer.reset();
    }
    m_producer.reset();
}
