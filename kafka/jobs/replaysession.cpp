#include "jobs/replaysession.h"
#include "base/text.h"

#include "client/clientroles.h"
#include "client/consumer.h"
#include "clinical/criticalvalueevaluator.h"
#include "client/kafkaerror.h"
#include "client/producer.h"
#include "schemas/schemaenforcer.h"
#include "client/topicmetadata.h"
#include "base/topics.h"
#include "client/workerthread.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QSaveFile>
#include <QTimer>
#include <QUuid>

#include <algorithm>

namespace {

constexpr int SliceRecords = 2000;
constexpr int SliceMs = 50;
constexpr int ProgressEveryMs = 100;
constexpr int ComparisonEveryMs = 1000;
constexpr int RequestTimeoutMs = 10'000;
constexpr int TransactionTimeoutMs = 30'000;
constexpr int MaxFailedCommits = 3;

QString shortId()
{
    return QUuid::createUuid().toString(QUuid::Id128).left(12);
}

QString modeName(ReplayMode mode)
{
    switch (mode) {
    case ReplayMode::WhatIf: return QStringLiteral("what-if");
    case ReplayMode::Republish: return QStringLiteral("re-publish");
    case ReplayMode::Redrive: return QStringLiteral("redrive");
    case ReplayMode::Export: return QStringLiteral("export");
    }
    return {};
}

bool writesToKafka(ReplayMode mode)
{
    return mode == ReplayMode::Republish || mode == ReplayMode::Redrive;
}

QByteArray headerValue(const KafkaRecord &record, const char *name)
{
    for (const auto &header : record.headers) {
        if (header.name == name)
            return header.value;
    }
    return {};
}

RdPartitionListPtr listOf(const std::vector<std::pair<QString, int>> &partitions)
{
    RdPartitionListPtr list(rd_kafka_topic_partition_list_new(int(partitions.size())));
    for (const auto &[topic, partition] : partitions)
        rd_kafka_topic_partition_list_add(list.get(), topic.toUtf8().constData(), partition);
    return list;
}

} // namespace

ReplaySession::ReplaySession(ClientConfig config, ReplayRequest request, std::shared_ptr<const SchemaEnforcer> enforcer,
                             QObject *parent)
    : KafkaWorker(parent), m_config(std::move(config)), m_request(std::move(request)), m_enforcer(std::move(enforcer)),
      m_groupId(QStringLiteral("vigil-replay-") + shortId())
{
    if (m_request.name.isEmpty())
        m_request.name = QStringLiteral("vigil-%1-%2").arg(modeName(m_request.mode), shortId().left(8));
}

ReplaySession::~ReplaySession()
{
    releaseClients();
}

void ReplaySession::open()
{
    m_clock.start();
    m_nowMs = QDateTime::currentMSecsSinceEpoch();
    m_result.mode = m_request.mode;
    m_result.dryRun = m_request.dryRun;
    m_result.groupId = m_groupId;
    m_result.exportPath = m_request.exportPath;

    if (const QString problem = m_request.range.validate(); !problem.isEmpty())
        return finish(ReplayResult::Status::Failed, problem);
    switch (m_request.mode) {
    case ReplayMode::WhatIf:
        if (!m_request.live || !m_request.candidate)
            return finish(ReplayResult::Status::Failed, tr("A what-if replay needs the live and a candidate threshold set."));
        m_result.comparison = WhatIfComparison(m_request.live, m_request.candidate, m_request.changeCapacity);
        break;
    case ReplayMode::Republish:
        if (m_request.targetTopic.isEmpty())
            return finish(ReplayResult::Status::Failed, tr("Name the topic to re-publish to."));
        if (m_request.range.topics.contains(m_request.targetTopic) && !m_request.allowWriteToSource)
            return finish(ReplayResult::Status::Failed,
                          tr("Refused: %1 is a source of this replay; writing into it must be confirmed twice.")
                              .arg(m_request.targetTopic));
        break;
    case ReplayMode::Redrive:
        break;
    case ReplayMode::Export:
        if (m_request.exportPath.isEmpty())
            return finish(ReplayResult::Status::Failed, tr("Choose a file to export to."));
        break;
    }

    // The session's own group id, named in its result: assigned, never joined, never committed to.
    ClientConfig consumerConfig = ClientRoles::assignOnlyReader(m_config, QStringLiteral("vigil-replay"), m_groupId);
    consumerConfig.set(QStringLiteral("auto.offset.reset"), QStringLiteral("earliest"));
    consumerConfig.setDefault(QStringLiteral("fetch.wait.max.ms"), QStringLiteral("100"));

    try {
        m_consumer = std::make_unique<Consumer>(consumerConfig);
        m_consumer->callbacks().onError = [this](const ClientError &error) {
            m_progress.lastError = error.message;
            if (error.fatal) {
                m_failed = true;
                m_failure = error.message;
            }
            Q_EMIT errorOccurred(error);
        };
        plan();
        openOutputs();
    } catch (const KafkaException &error) {
        return finish(ReplayResult::Status::Failed, error.error().message);
    } catch (const std::exception &error) {
        return finish(ReplayResult::Status::Failed, QString::fromUtf8(error.what()));
    }
    if (m_open == 0)
        return finish(ReplayResult::Status::Completed, {});
    QMetaObject::invokeMethod(this, &ReplaySession::slice, Qt::QueuedConnection);
}

void ReplaySession::plan()
{
    rd_kafka_t *client = m_consumer->handle();
    std::vector<std::pair<QString, int>> partitions;
    for (const QString &topic : m_request.range.topics) {
        const int count = partitionCountOf(client, topic.toStdString(), RequestTimeoutMs);
        if (m_request.range.partitions.isEmpty()) {
            for (int p = 0; p < count; ++p)
                partitions.emplace_back(topic, p);
            continue;
        }
        for (const int p : m_request.range.partitions) {
            if (p >= count)
                throw KafkaException({RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION,
                                      tr("%1 has %2 partitions; there is no partition %3").arg(topic).arg(count).arg(p),
                                      true, false});
            partitions.emplace_back(topic, p);
        }
    }

    // Times to offsets: the first offset whose timestamp is at or after the time; -1 when none is.
    auto offsetsForTime = [&](qint64 timestampMs) {
        RdPartitionListPtr list = listOf(partitions);
        for (int i = 0; i < list->cnt; ++i)
            list->elems[i].offset = timestampMs;
        throwIfError(rd_kafka_offsets_for_times(client, list.get(), RequestTimeoutMs), tr("offsets for times"));
        std::vector<qint64> offsets;
        for (int i = 0; i < list->cnt; ++i) {
            throwIfError(list->elems[i].err, tr("offset for a time in %1[%2]")
                                                 .arg(QString::fromUtf8(list->elems[i].topic))
                                                 .arg(list->elems[i].partition));
            offsets.push_back(list->elems[i].offset);
        }
        return offsets;
    };
    const ReplayBound &from = m_request.range.from;
    const ReplayBound &to = m_request.range.to;
    const bool byTime = from.kind == ReplayBound::Kind::Timestamp || to.kind == ReplayBound::Kind::Timestamp;
    // A cluster that cannot look offsets up by time (the embedded one answers -1 for every time) is read
    // whole and the records outside the times are skipped here: the same records, read more slowly.
    if (byTime) {
        const std::vector<qint64> epoch = offsetsForTime(0);
        for (std::size_t i = 0; i < partitions.size(); ++i) {
            int64_t low = 0;
            int64_t high = 0;
            throwIfError(queryWatermarks(client, partitions[i].first.toUtf8().constData(), partitions[i].second, &low,
                                         &high, RequestTimeoutMs),
                         tr("watermarks of %1[%2]").arg(partitions[i].first).arg(partitions[i].second));
            if (low < high && epoch[i] < 0)
                m_filterByTime = true;
        }
    }
    const std::vector<qint64> fromTimes = from.kind == ReplayBound::Kind::Timestamp && !m_filterByTime
                                              ? offsetsForTime(from.value) : std::vector<qint64>();
    const std::vector<qint64> toTimes = to.kind == ReplayBound::Kind::Timestamp && !m_filterByTime
                                            ? offsetsForTime(to.value) : std::vector<qint64>();

    RdPartitionListPtr assignment(rd_kafka_topic_partition_list_new(int(partitions.size())));
    for (std::size_t i = 0; i < partitions.size(); ++i) {
        const auto &[topic, partition] = partitions[i];
        int64_t low = 0;
        int64_t high = 0;
        throwIfError(queryWatermarks(client, topic.toUtf8().constData(), partition, &low, &high, RequestTimeoutMs),
                     tr("watermarks of %1[%2]").arg(topic).arg(partition));
        auto resolve = [&](const ReplayBound &bound, bool isEnd, const std::vector<qint64> &times) -> qint64 {
            switch (bound.kind) {
            case ReplayBound::Kind::Edge: return isEnd ? high : low;
            case ReplayBound::Kind::Offset: return std::clamp<qint64>(bound.value, low, high);
            case ReplayBound::Kind::Timestamp:
                if (m_filterByTime)
                    return isEnd ? high : low;
                return times[i] < 0 ? high : std::clamp<qint64>(times[i], low, high);
            }
            return high;
        };
        PartitionRange range;
        range.topic = topic;
        range.topicName = topic.toStdString();
        range.partition = partition;
        range.start = resolve(from, false, fromTimes);
        range.end = resolve(to, true, toTimes);
        if (!m_request.pinned.isEmpty()) {
            range.start = range.end = 0;
            for (const ReplaySpan &span : std::as_const(m_request.pinned)) {
                if (span.topic == topic && span.partition == partition) {
                    range.start = std::clamp<qint64>(span.start, low, high);
                    range.end = std::clamp<qint64>(span.end, low, high);
                }
            }
        }
        range.next = range.start;
        if (range.start >= range.end)
            continue;
        m_result.spans.append({topic, partition, range.start, range.end});
        m_rangeIndex.insert({topic, partition}, int(m_ranges.size()));
        m_ranges.push_back(range);
        m_progress.expected += range.end - range.start;
        rd_kafka_topic_partition_list_add(assignment.get(), range.topicName.c_str(), partition)->offset = range.start;
    }
    m_open = int(m_ranges.size());
    if (m_open > 0)
        throwIfError(rd_kafka_assign(client, assignment.get()), tr("assign the range"));
}

void ReplaySession::openOutputs()
{
    switch (m_request.mode) {
    case ReplayMode::WhatIf: {
        EvaluatorOptions options;
        // Each set gets an evaluator of its own: delta histories and retractions stay apart.
        m_liveEvaluator = std::make_unique<CriticalValueEvaluator>(m_request.live, options);
        m_candidateEvaluator = std::make_unique<CriticalValueEvaluator>(m_request.candidate, options);
        break;
    }
    case ReplayMode::Export:
        m_export = std::make_unique<ReplayExport>(m_request.exportFormat, m_request.exportPatientIds);
        m_exportFile = std::make_unique<QSaveFile>(m_request.exportPath);
        if (!m_exportFile->open(QIODevice::WriteOnly))
            throw std::runtime_error(tr("cannot write %1: %2").arg(m_request.exportPath, m_exportFile->errorString()).toStdString());
        m_exportFile->write(m_export->header());
        break;
    case ReplayMode::Republish:
    case ReplayMode::Redrive: {
        if (m_request.dryRun)
            break;
        ClientConfig producerConfig = ClientRoles::transactionalProducer(m_config, QStringLiteral("vigil-replay-") + shortId(),
                                                                         QStringLiteral("vigil-replay"));
        producerConfig.setDefault(QStringLiteral("linger.ms"), QStringLiteral("5"));
        m_producer = std::make_unique<Producer>(producerConfig);
        m_producer->callbacks().onError = m_consumer->callbacks().onError;
        m_producer->initTransactions(TransactionTimeoutMs);
        break;
    }
    }
}

int ReplaySession::partitionsOf(const std::string &topic)
{
    if (const auto it = m_topicPartitions.find(topic); it != m_topicPartitions.end())
        return it->second;
    int count = 0;
    try {
        count = partitionCountOf(m_consumer->handle(), topic, RequestTimeoutMs);
    } catch (const KafkaException &) {
        count = 0;
    }
    m_topicPartitions.emplace(topic, count);
    return count;
}

void ReplaySession::slice()
{
    if (m_finished)
        return;
    if (m_cancelRequested)
        return finish(ReplayResult::Status::Cancelled, tr("Cancelled after %1 records.").arg(m_progress.records));
    if (m_failed)
        return finish(ReplayResult::Status::Failed, m_failure);

    const double rate = m_request.maxRecordsPerSecond;
    const int budget = rate > 0 ? qMax(1, int(rate / 10)) : SliceRecords;
    const bool transactional = writesToKafka(m_request.mode) && !m_request.dryRun;
    const ReplayBound &from = m_request.range.from;
    const ReplayBound &to = m_request.range.to;
    if (transactional) {
        m_sliceStartRanges = m_ranges;
        m_sliceStartOpen = m_open;
    }
    m_sliceRecords = 0;
    m_sliceBytes = 0;

    try {
        QDeadlineTimer deadline(SliceMs);
        int taken = 0;
        while (taken < budget && m_open > 0 && !m_failed && !deadline.hasExpired()) {
            RdMessagePtr message = m_consumer->poll(int(qMax<qint64>(1, deadline.remainingTime())));
            if (!message)
                break;
            if (isAuthorizationError(message->err)) { // it would stay refused: the replay cannot finish
                m_failed = true;
                m_failure = consumeError(*message).message;
                break;
            }
            if (message->err && message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                m_progress.lastError = QString::fromUtf8(rd_kafka_message_errstr(message.get()));
                continue;
            }
            const auto it = m_rangeIndex.constFind({QString::fromUtf8(rd_kafka_topic_name(message->rkt)), message->partition});
            if (it == m_rangeIndex.cend())
                continue;
            PartitionRange &range = m_ranges[std::size_t(*it)];
            if (range.done)
                continue;
            if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF || message->offset >= range.end) {
                partitionDone(range); // all that is readable has been read, or the range's end is passed
                continue;
            }
            if (m_filterByTime) {
                const qint64 timestamp = rd_kafka_message_timestamp(message.get(), nullptr);
                const bool before = from.kind == ReplayBound::Kind::Timestamp && timestamp < from.value;
                const bool after = to.kind == ReplayBound::Kind::Timestamp && timestamp >= to.value;
                if (before || after) {
                    range.next = message->offset + 1;
                    --m_progress.expected;
                    if (range.next >= range.end)
                        partitionDone(range);
                    continue;
                }
            }
            handle(*message, range);
            ++taken;
            range.next = message->offset + 1;
            if (range.next >= range.end)
                partitionDone(range);
        }
        if (m_failed)
            return finish(ReplayResult::Status::Failed, m_failure);
        if (transactional) {
            if (!commitSlice())
                rewindSlice();
        } else {
            mergeSlice();
        }
    } catch (const KafkaException &error) {
        abortTransaction();
        return finish(ReplayResult::Status::Failed, error.error().message);
    } catch (const std::exception &error) {
        abortTransaction();
        return finish(ReplayResult::Status::Failed, QString::fromUtf8(error.what()));
    }

    const qint64 elapsed = m_clock.elapsed();
    if (elapsed - m_lastProgressMs >= ProgressEveryMs) {
        m_lastProgressMs = elapsed;
        Q_EMIT progressed(progress());
    }
    if (m_request.mode == ReplayMode::WhatIf && elapsed - m_lastComparisonMs >= ComparisonEveryMs) {
        m_lastComparisonMs = elapsed;
        Q_EMIT comparisonUpdated(m_result.comparison);
    }
    if (m_open == 0)
        return finish(ReplayResult::Status::Completed, {});

    // Re-queued rather than looped, so cancel and shutdown get their turn; paced under a rate limit.
    qint64 delayMs = 0;
    if (rate > 0)
        delayMs = qint64(double(m_progress.records) / rate * 1000.0) - m_clock.elapsed();
    if (delayMs > 0)
        QTimer::singleShot(int(qMin<qint64>(delayMs, 1000)), this, &ReplaySession::slice);
    else
        QMetaObject::invokeMethod(this, &ReplaySession::slice, Qt::QueuedConnection);
}

void ReplaySession::handle(const rd_kafka_message_t &message, PartitionRange &range)
{
    ++m_sliceRecords;
    m_sliceBytes += qint64(message.key_len + message.len);
    ++m_progress.records;
    m_progress.bytes += qint64(message.key_len + message.len);

    if (m_request.mode == ReplayMode::WhatIf) {
        const std::string_view value(static_cast<const char *>(message.payload), message.payload ? message.len : 0);
        const RecordSource source{range.topicName, message.partition, message.offset};
        const Evaluation live = m_liveEvaluator->evaluate(value, source, m_nowMs);
        const Evaluation candidate = m_candidateEvaluator->evaluate(value, source, m_nowMs);
        m_result.comparison.add(live, candidate, rd_kafka_message_timestamp(&message, nullptr), source);
        return;
    }
    write(Consumer::toRecord(message));
}

void ReplaySession::write(const KafkaRecord &record)
{
    if (m_request.mode == ReplayMode::Export) {
        m_sliceRows += m_export->row(record);
        ++m_sliceWritten;
        return;
    }
    const QByteArray origin = QStringLiteral("%1/%2@%3").arg(record.topic).arg(record.partition).arg(record.offset).toUtf8();
    QString target;
    QList<KafkaHeader> headers;
    if (m_request.mode == ReplayMode::Republish) {
        target = m_request.targetTopic;
        headers = record.headers;
    } else {
        target = QString::fromUtf8(headerValue(record, "vigil.source.topic"));
        if (target.isEmpty()) {
            skip(tr("no vigil.source.topic header"));
            return;
        }
        if (m_request.range.topics.contains(target) && !m_request.allowWriteToSource) {
            skip(tr("source header names the replayed topic %1").arg(target));
            return;
        }
        if (partitionsOf(target.toStdString()) == 0) {
            skip(tr("no such topic %1").arg(target));
            return;
        }
        // The evaluator job added vigil.source.* and vigil.dlq.*; what remains are the original headers.
        for (const KafkaHeader &header : record.headers) {
            if (!header.name.startsWith("vigil.source.") && !header.name.startsWith("vigil.dlq."))
                headers.append(header);
        }
    }
    if (m_enforcer) {
        if (const auto refusal = m_enforcer->refusal(target.toStdString(), Text::view(record.value))) {
            skip(tr("refused by the schema: %1").arg(QString::fromStdString(*refusal)));
            return;
        }
    }
    headers.append({ReplayHeaders::Replay, m_request.name.toUtf8()});
    headers.append({ReplayHeaders::Origin, origin});
    if (!m_request.dryRun) {
        if (!m_inTransaction) {
            m_producer->beginTransaction();
            m_inTransaction = true;
        }
        m_producer->produce(target.toStdString(), Text::view(record.key),
                            Text::view(record.value), headers,
                            record.timestampMs);
    }
    ++m_slicePerTarget[target];
    ++m_sliceWritten;
}

void ReplaySession::skip(const QString &reason)
{
    // Reasons come from the data (a schema's words about a record): beyond a few dozen, one bucket.
    constexpr int MaxReasons = 32;
    if (!m_sliceSkipped.contains(reason) && !m_result.skipped.contains(reason)
        && m_sliceSkipped.size() + m_result.skipped.size() >= MaxReasons)
        ++m_sliceSkipped[tr("other reasons")];
    else
        ++m_sliceSkipped[reason];
}

bool ReplaySession::commitSlice()
{
    if (m_inTransaction) {
        m_inTransaction = false;
        for (;;) {
            try {
                m_producer->commitTransaction(TransactionTimeoutMs);
                break;
            } catch (const KafkaException &error) {
                if (error.error().fatal || !error.error().retriable || ++m_failedCommits > MaxFailedCommits)
                    throw;
                m_progress.lastError = error.error().message;
                if (!m_producer->commitPending())
                    return false; // aborted: the slice is read and written again
                // Still committing (the cluster away): asked again, never begun anew.
            }
        }
    }
    m_failedCommits = 0;
    mergeSlice();
    return true;
}

void ReplaySession::mergeSlice()
{
    for (auto it = m_slicePerTarget.cbegin(); it != m_slicePerTarget.cend(); ++it)
        m_result.perTarget[it.key()] += it.value();
    for (auto it = m_sliceSkipped.cbegin(); it != m_sliceSkipped.cend(); ++it)
        m_result.skipped[it.key()] += it.value();
    if (m_exportFile && !m_sliceRows.isEmpty()) {
        if (m_exportFile->write(m_sliceRows) != m_sliceRows.size())
            throw std::runtime_error(tr("cannot write %1: %2").arg(m_request.exportPath, m_exportFile->errorString()).toStdString());
    }
    m_progress.written += m_sliceWritten;
    m_slicePerTarget.clear();
    m_sliceSkipped.clear();
    m_sliceRows.clear();
    m_sliceWritten = 0;
}

void ReplaySession::rewindSlice()
{
    m_progress.records -= m_sliceRecords;
    m_progress.bytes -= m_sliceBytes;
    m_slicePerTarget.clear();
    m_sliceSkipped.clear();
    m_sliceWritten = 0;
    m_ranges = m_sliceStartRanges;
    m_open = m_sliceStartOpen;
    RdPartitionListPtr positions(rd_kafka_topic_partition_list_new(int(m_ranges.size())));
    for (const PartitionRange &range : m_ranges) {
        if (!range.done)
            rd_kafka_topic_partition_list_add(positions.get(), range.topicName.c_str(), range.partition)->offset = range.next;
    }
    rd_kafka_resume_partitions(m_consumer->handle(), positions.get());
    if (rd_kafka_error_t *error = rd_kafka_seek_partitions(m_consumer->handle(), positions.get(), RequestTimeoutMs))
        throw KafkaException(clientError(error, tr("rewind after an aborted transaction")));
}

void ReplaySession::partitionDone(PartitionRange &range)
{
    if (range.done)
        return;
    range.done = true;
    --m_open;
    // Stop fetching what lies past the end; the records already fetched are skipped.
    RdPartitionListPtr list(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(list.get(), range.topicName.c_str(), range.partition);
    rd_kafka_pause_partitions(m_consumer->handle(), list.get());
}

void ReplaySession::abortTransaction()
{
    if (!m_inTransaction || !m_producer)
        return;
    m_inTransaction = false;
    try {
        m_producer->abortTransaction(TransactionTimeoutMs);
    } catch (const KafkaException &) {
        // Nothing of the open transaction becomes visible to read_committed readers either way.
    }
}

ReplayProgress ReplaySession::progress() const
{
    ReplayProgress progress = m_progress;
    progress.elapsedMs = m_clock.isValid() ? m_clock.elapsed() : 0;
    progress.recordsPerSecond = progress.elapsedMs > 0 ? double(progress.records) * 1000.0 / double(progress.elapsedMs) : 0;
    const qint64 remaining = qMax<qint64>(0, progress.expected - progress.records);
    progress.etaMs = progress.recordsPerSecond > 0 ? qint64(double(remaining) / progress.recordsPerSecond * 1000.0) : -1;
    if (m_finished)
        progress.etaMs = 0;
    return progress;
}

void ReplaySession::finish(ReplayResult::Status status, const QString &message)
{
    if (m_finished)
        return;
    m_finished = true;
    abortTransaction();
    if (m_exportFile) {
        if (status == ReplayResult::Status::Completed && !m_exportFile->commit()) {
            status = ReplayResult::Status::Failed;
            m_failure = tr("cannot write %1: %2").arg(m_request.exportPath, m_exportFile->errorString());
        } else if (status != ReplayResult::Status::Completed) {
            m_exportFile->cancelWriting();
        }
        m_exportFile.reset();
    }
    releaseClients();

    m_result.status = status;
    m_result.progress = progress();
    m_result.message = !message.isEmpty() ? message : m_failure;
    if (m_result.message.isEmpty()) {
        const qint64 records = m_result.progress.records;
        switch (m_request.mode) {
        case ReplayMode::WhatIf: {
            const WhatIfComparison &c = m_result.comparison;
            m_result.message = tr("%1 records, %2 results evaluated: %3 critical under the live set, %4 under the candidate "
                                  "(%5 appear, %6 vanish).")
                                   .arg(records).arg(c.evaluated()).arg(c.liveAlerts()).arg(c.candidateAlerts())
                                   .arg(c.added()).arg(c.removed());
            break;
        }
        case ReplayMode::Republish:
        case ReplayMode::Redrive: {
            QStringList targets;
            for (auto it = m_result.perTarget.cbegin(); it != m_result.perTarget.cend(); ++it)
                targets.append(tr("%1 to %2").arg(it.value()).arg(it.key()));
            QStringList skipped;
            for (auto it = m_result.skipped.cbegin(); it != m_result.skipped.cend(); ++it)
                skipped.append(tr("%1 (%2)").arg(it.value()).arg(it.key()));
            const QString where = targets.isEmpty() ? tr("nothing") : targets.join(QStringLiteral(", "));
            m_result.message = (m_request.dryRun ? tr("Dry run: %1 records read; would write %2.")
                                                 : tr("%1 records read; wrote %2."))
                                   .arg(records).arg(where);
            if (!skipped.isEmpty())
                m_result.message += u' ' + tr("Not written: %1.").arg(skipped.join(QStringLiteral(", ")));
            break;
        }
        case ReplayMode::Export:
            m_result.message = tr("Wrote %1 rows to %2.").arg(m_result.progress.written).arg(m_request.exportPath);
            break;
        }
    }
    if (m_filterByTime)
        m_result.message += u' ' + tr("(This cluster cannot look offsets up by time: the partitions were read from "
                                      "their beginning and filtered by record time.)");
    Q_EMIT progressed(m_result.progress);
    if (m_request.mode == ReplayMode::WhatIf)
        Q_EMIT comparisonUpdated(m_result.comparison);
    Q_EMIT finished(m_result);
}

void ReplaySession::releaseClients()
{
    abortTransaction();
    if (m_consumer) {
        rd_kafka_assign(m_consumer->handle(), nullptr);
        m_consumer->close(3000);
        m_consumer.reset();
    }
    if (m_producer) {
        m_producer->flush(3000);
        m_producer.reset();
    }
    if (m_exportFile) {
        m_exportFile->cancelWriting();
        m_exportFile.reset();
    }
}

// ---------------------------------------------------------------------------------------------------------------

KafkaReplayControl::KafkaReplayControl(ClientConfig config, std::shared_ptr<const SchemaEnforcer> enforcer,
                                       QObject *parent)
    : ReplayControl(parent), m_config(std::move(config)), m_enforcer(std::move(enforcer))
{
}

KafkaReplayControl::~KafkaReplayControl()
{
    if (m_session)
        m_session->requestCancel();
    if (m_thread)
        m_thread->stop(5000);
}

void KafkaReplayControl::start(const ReplayRequest &request)
{
    if (m_session) {
        ReplayResult refused;
        refused.status = ReplayResult::Status::Failed;
        refused.mode = request.mode;
        refused.message = tr("A replay is running already; cancel it first.");
        Q_EMIT finished(refused);
        return;
    }
    if (m_thread) // the last session's, told to stop when it finished: long ended by now
        m_thread->stop(5000);
    auto *session = new ReplaySession(m_config, request, m_enforcer);
    m_session = session;
    connect(session, &ReplaySession::progressed, this, &ReplayControl::progressed);
    connect(session, &ReplaySession::comparisonUpdated, this, &ReplayControl::comparisonUpdated);
    connect(session, &ReplaySession::finished, this, &KafkaReplayControl::sessionFinished);
    m_thread = std::make_unique<WorkerThread>(session, QStringLiteral("vigil-replay"));
}

void KafkaReplayControl::cancel()
{
    if (m_session)
        m_session->requestCancel();
}

void KafkaReplayControl::sessionFinished(const ReplayResult &result)
{
    // The session released its clients before it said so. Its thread is told to end and waited
    // for only by the next start() or the destructor: the GUI thread never waits here.
    m_session = nullptr;
    if (m_thread)
        m_thread->requestStop();
    Q_EMIT finished(result);
}
