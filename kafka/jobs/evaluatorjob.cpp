#include "jobs/evaluatorjob.h"

#include "base/text.h"
#include "base/topics.h"
#include "client/clientroles.h"
#include "client/consumer.h"
#include "client/kafkaerror.h"
#include "client/producer.h"
#include "client/topicmetadata.h"
#include "clinical/criticalvalueevaluator.h"
#include "jobs/globaltables.h"
#include "schemas/schemaenforcer.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QLoggingCategory>
#include <QScopeGuard>

#include <nlohmann/json.hpp>

#include <map>
#include <set>

Q_LOGGING_CATEGORY(lcEvaluator, "vigil.evaluator", QtInfoMsg)

namespace {

constexpr int TransactionTimeoutMs = 10'000;
constexpr int TablesRestoreMs = 30'000;
constexpr int StateRestoreMs = 60'000;
constexpr int MaxDeadLettersPerReport = 100;
constexpr qint64 FirstBackoffMs = 100;
constexpr qint64 MaxBackoffMs = 30'000;
// librdkafka's own per-message limit is set past any topic's, so that Vigil's check against the
// topic's limit (TopicLimits) is the one that decides; batches stay within batch.size (1 MB).
constexpr auto ProducerMessageMaxBytes = "67108864";
// A stub keeps the original key when it is a plausible patient id, else its SHA-256.
constexpr qsizetype MaxStubKeyBytes = 256;
constexpr std::size_t MaxStubTextBytes = 256;
constexpr std::string_view TooLarge = "too-large";
constexpr std::string_view Undeliverable = "undeliverable";
// The output a tag names: produce() tags each record with its input's index and its kind.
enum OutputKind : quintptr { ProcessedOutput = 0, AlertOutput = 1, DeadLetterOutput = 2 };
quintptr tagOf(int index, OutputKind kind) { return (quintptr(index + 1) << 2) | kind; }

// The schema an alert must fit is the alerts topic's, whatever the topic is called here.
const std::string AlertsSubjectTopic(Topics::CriticalAlerts);

QByteArray bytes(std::string_view text)
{
    return Text::toBytes(text);
}

QList<KafkaHeader> sourceHeaders(const KafkaRecord &record, const QByteArray &instance)
{
    QList<KafkaHeader> headers = record.headers;
    headers.append({"vigil.evaluator", instance});
    headers.append({"vigil.source.topic", record.topic.toUtf8()});
    headers.append({"vigil.source.partition", QByteArray::number(record.partition)});
    headers.append({"vigil.source.offset", QByteArray::number(record.offset)});
    return headers;
}

std::string_view view(const QByteArray &data)
{
    return Text::view(data);
}

QByteArray sha256Hex(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

std::string bounded(const std::string &text)
{
    return text.size() <= MaxStubTextBytes ? text : text.substr(0, MaxStubTextBytes);
}

// The partitions of `partitions` that hold records. The end of an empty one is known from its
// watermarks at once, not after a fetch comes back empty (half a second on a fresh reader). Asked in
// one request per broker with a short deadline, since it runs inside a rebalance: when the brokers do
// not answer in time, every partition is kept and read to its end as before.
RdPartitionListPtr withoutEmptyPartitions(rd_kafka_t *client, RdPartitionListPtr partitions)
{
    constexpr int DeadlineMs = 2000;
    RdPartitionListPtr earliest(rd_kafka_topic_partition_list_copy(partitions.get()));
    RdPartitionListPtr latest(rd_kafka_topic_partition_list_copy(partitions.get()));
    for (int i = 0; i < partitions->cnt; ++i) {
        earliest->elems[i].offset = RD_KAFKA_OFFSET_BEGINNING; // as a ListOffsets timestamp: the first offset
        latest->elems[i].offset = RD_KAFKA_OFFSET_END;         // the end
    }
    if (rd_kafka_offsets_for_times(client, earliest.get(), DeadlineMs)
        || rd_kafka_offsets_for_times(client, latest.get(), DeadlineMs))
        return partitions;
    RdPartitionListPtr holding(rd_kafka_topic_partition_list_new(partitions->cnt));
    for (int i = 0; i < partitions->cnt; ++i) {
        const bool known = !earliest->elems[i].err && !latest->elems[i].err && earliest->elems[i].offset >= 0
                           && latest->elems[i].offset >= 0;
        if (!known || latest->elems[i].offset > earliest->elems[i].offset)
            rd_kafka_topic_partition_list_add(holding.get(), partitions->elems[i].topic, partitions->elems[i].partition)
                ->offset = partitions->elems[i].offset;
    }
    return holding;
}

QByteArray stubKey(const QByteArray &key)
{
    return key.size() <= MaxStubKeyBytes ? key : "sha256:" + sha256Hex(key);
}

// Stands for an input that its topic could not take whole: where it is, how large it was, and the
// SHA-256 of its key and value, so that the original can be found and checked.
QByteArray stubValue(const KafkaRecord &record, const Evaluation &evaluation, std::string_view reason)
{
    nlohmann::json stub = {{"vigil_stub", reason},
                           {"source", {{"topic", record.topic.toStdString()}, {"partition", record.partition}, {"offset", record.offset}}},
                           {"key_bytes", record.key.size()},
                           {"value_bytes", record.value.size()},
                           {"header_count", record.headers.size()},
                           {"key_sha256", sha256Hex(record.key).toStdString()},
                           {"value_sha256", sha256Hex(record.value).toStdString()},
                           {"verdict", evaluation.verdictName()}};
    if (!evaluation.resourceType.empty())
        stub["resource_type"] = bounded(evaluation.resourceType);
    if (!evaluation.observationId.empty())
        stub["observation_id"] = bounded(evaluation.observationId);
    if (!evaluation.patientId.empty())
        stub["patient_id"] = bounded(evaluation.patientId);
    if (!evaluation.loinc.empty())
        stub["loinc"] = bounded(evaluation.loinc);
    if (evaluation.value) {
        stub["value"] = *evaluation.value;
        stub["unit"] = bounded(evaluation.unit);
    }
    return QByteArray::fromStdString(stub.dump());
}

QList<KafkaHeader> stubHeaders(const KafkaRecord &record, std::string_view reason, const QByteArray &instance)
{
    QList<KafkaHeader> headers;
    headers.append({"vigil.evaluator", instance});
    headers.append({"vigil.source.topic", record.topic.toUtf8()});
    headers.append({"vigil.source.partition", QByteArray::number(record.partition)});
    headers.append({"vigil.source.offset", QByteArray::number(record.offset)});
    headers.append({"vigil.stub", bytes(reason)});
    headers.append({"vigil.original.bytes", QByteArray::number(record.key.size() + record.value.size())});
    headers.append({"vigil.original.sha256", sha256Hex(record.value)});
    return headers;
}

// Errors after which the group has moved on: the batch's partitions may belong to another member now.
bool lostGroupGeneration(int code)
{
    return code == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION || code == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID
           || code == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS || code == RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID;
}

} // namespace

EvaluatorJob::EvaluatorJob(EvaluatorSettings settings, QObject *parent)
    : KafkaWorker(parent), m_settings(std::move(settings)), m_retry(this) // moves to the worker's thread with it
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &EvaluatorJob::evaluateBatch);
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

void EvaluatorJob::open()
{
    m_fatalError.reset();
    m_committing = {};
    m_instance = m_settings.instance.toUtf8();
    const QString clientId = QStringLiteral("vigil-evaluator-") + m_settings.instance;
    ClientConfig consumerConfig = ClientRoles::groupReader(m_settings.config, m_settings.groupId, clientId);
    // A new group starts at the earliest retained offset: no result is ever skipped.
    consumerConfig.set(QStringLiteral("auto.offset.reset"), QStringLiteral("earliest"));
    consumerConfig.setDefault(QStringLiteral("group.instance.id"), m_settings.instance);
    // A static member leaves no gap when it restarts, but one that stops for good keeps its partitions
    // until its session times out (a clean close sends no LeaveGroup): 10 s, not librdkafka's 45 s.
    consumerConfig.setDefault(QStringLiteral("session.timeout.ms"), QStringLiteral("10000"));
    ClientConfig producerConfig = ClientRoles::transactionalProducer(m_settings.config, m_settings.transactionalId(), clientId);
    producerConfig.setDefault(QStringLiteral("linger.ms"), QStringLiteral("0")); // the commit sends at once anyway
    producerConfig.setDefault(QStringLiteral("message.max.bytes"), QString::fromLatin1(ProducerMessageMaxBytes));
    // Latency over request count (tests/bench/bench_pipeline): the mock cluster holds an empty
    // fetch for the whole wait, 500 ms by default, and a real broker refuses a transaction begun
    // while the last one's markers are written, retried after retry.backoff.ms (100 ms by default).
    // Both stay the user's to override with -X.
    consumerConfig.setDefault(QStringLiteral("fetch.wait.max.ms"), QStringLiteral("10"));
    consumerConfig.setDefault(QStringLiteral("retry.backoff.ms"), QStringLiteral("10"));
    producerConfig.setDefault(QStringLiteral("retry.backoff.ms"), QStringLiteral("10"));

    EvaluatorOptions options;
    options.lateHorizonMs = m_settings.lateHorizonMs;
    m_evaluator = std::make_unique<CriticalValueEvaluator>(m_settings.thresholds, options);
    m_producer = std::make_unique<Producer>(producerConfig);
    m_producer->callbacks().onError = [this](const ClientError &error) {
        if (!error.fatal)
            warn(error);
        else if (!m_fatalError)
            m_fatalError = error;
    };
    m_producer->initTransactions(30'000);
    m_consumer = std::make_unique<Consumer>(
        consumerConfig, [this](rd_kafka_t *client, rd_kafka_resp_err_t change, rd_kafka_topic_partition_list_t *partitions) {
            rebalanced(client, change, partitions);
        });
    m_consumer->callbacks().onError = m_producer->callbacks().onError;
    m_producer->callbacks().onStatistics = [this](const ClientStatistics &stats) { Q_EMIT statisticsUpdated(stats); };
    m_consumer->callbacks().onStatistics = m_producer->callbacks().onStatistics;
    const EvaluatorTopics &topics = m_settings.topics;
    m_consumer->subscribe({QString::fromStdString(topics.input)});
    m_alertPartitions = partitionCountOf(m_producer->handle(), topics.alerts, 10'000);
    // Known before the first batch, so that its records are sent at once rather than after a metadata
    // round trip of their own (the first transaction took 0.7 s instead of 20 ms without).
    for (const std::string &topic : {topics.processed, topics.deadLetters})
        partitionCountOf(m_producer->handle(), topic, 10'000);
    // Answered while the first batches run; until then every topic has Kafka's default limit.
    m_limits.request(m_producer->handle(),
                     {QString::fromStdString(topics.processed), QString::fromStdString(topics.alerts),
                      QString::fromStdString(topics.deadLetters)},
                     10'000);
    openTables();
    openState();
    setStatus(EvaluatorStatus::State::Running);
    QMetaObject::invokeMethod(this, &EvaluatorJob::evaluateBatch, Qt::QueuedConnection);
}

void EvaluatorJob::openTables()
{
    const QString topics = QString::fromStdString(m_settings.topics.adt + " and " + m_settings.topics.alerts);
    try {
        m_tables = std::make_unique<GlobalTables>(m_settings.config, m_settings.topics.adt, m_settings.topics.alerts,
                                                  [this](const Alert &alert) { m_evaluator->observe(alert); });
        if (!m_tables->restore(TablesRestoreMs))
            warn(ClientErrors::warning(tr("%1 were not read to their end within %2 s: alerts are placed and lifecycles "
                                          "respected as far as they were read, and more as the rest arrives")
                                           .arg(topics).arg(TablesRestoreMs / 1000)));
    } catch (const KafkaException &error) {
        m_tables.reset();
        warn(ClientErrors::warning(tr("alerts go without location, and amendments cannot see acknowledgements: %1 "
                                      "cannot be read (%2)")
                                       .arg(topics, error.error().message)));
    }
}

void EvaluatorJob::openState()
{
    const QString topic = QString::fromStdString(m_settings.topics.state);
    try {
        const int inputs = partitionCountOf(m_producer->handle(), m_settings.topics.input, 10'000);
        const int states = partitionCountOf(m_producer->handle(), m_settings.topics.state, 10'000);
        if (states != inputs) {
            warn(ClientErrors::warning(tr("the delta rule's history is kept in memory only: %1 has %2 partitions, %3 has "
                                          "%4 (they must match; vigil provision --check shows it)")
                                           .arg(topic).arg(states).arg(QString::fromStdString(m_settings.topics.input))
                                           .arg(inputs)));
            return;
        }
        ClientConfig config = ClientRoles::assignOnlyReader(m_settings.config, QStringLiteral("vigil-evaluator-state"));
        // It reads to the end and stops: the end is known one short fetch after the last record.
        config.setDefault(QStringLiteral("fetch.wait.max.ms"), QStringLiteral("10"));
        m_stateReader = std::make_unique<Consumer>(config);
    } catch (const KafkaException &error) {
        warn(ClientErrors::warning(tr("the delta rule's history is kept in memory only: %1 cannot be used (%2)")
                                       .arg(topic, error.error().message)));
    }
}

void EvaluatorJob::restoreState(const rd_kafka_topic_partition_list_t *assigned)
{
    if (!m_stateReader)
        return;
    RdPartitionListPtr state(rd_kafka_topic_partition_list_new(assigned->cnt));
    for (int i = 0; i < assigned->cnt; ++i) {
        if (assigned->elems[i].topic == m_settings.topics.input)
            rd_kafka_topic_partition_list_add(state.get(), m_settings.topics.state.c_str(), assigned->elems[i].partition)
                ->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    state = withoutEmptyPartitions(m_stateReader->handle(), std::move(state));
    if (state->cnt == 0)
        return;
    throwIfError(rd_kafka_assign(m_stateReader->handle(), state.get()), QStringLiteral("assign the evaluator's state"));
    std::set<int> atEnd;
    int restored = 0;
    QDeadlineTimer deadline(StateRestoreMs);
    while (int(atEnd.size()) < state->cnt && !deadline.hasExpired()) {
        RdMessagePtr message = m_stateReader->poll(100);
        if (!message)
            continue;
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            atEnd.insert(message->partition);
            continue;
        }
        if (message->err || !message->key)
            continue;
        const std::string patient(static_cast<const char *>(message->key), message->key_len);
        std::string why;
        if (!message->payload) {
            m_evaluator->restore(PatientMemory{patient, {}}); // a tombstone: nothing left to remember
        } else if (auto memory = PatientMemory::parse({static_cast<const char *>(message->payload), message->len}, &why)) {
            m_evaluator->restore(*memory);
            ++restored;
        } else {
            warn(ClientErrors::warning(tr("a record of %1 [%2] is not an evaluator state: %3")
                                           .arg(QString::fromStdString(m_settings.topics.state))
                                           .arg(message->partition).arg(QString::fromStdString(why))));
        }
    }
    rd_kafka_assign(m_stateReader->handle(), nullptr);
    if (int(atEnd.size()) < state->cnt)
        warn(ClientErrors::warning(tr("the evaluator's state was not read to its end within %1 s: the delta rule "
                                      "compares with what was read").arg(StateRestoreMs / 1000)));
    qCInfo(lcEvaluator).noquote() << "evaluator" << m_settings.instance << "restored" << restored
                                  << "patients' state for" << state->cnt << "partitions";
}

void EvaluatorJob::place(std::vector<Alert> &alerts) const
{
    if (!m_tables)
        return;
    for (Alert &alert : alerts) {
        if (const auto placement = m_tables->placementOf(alert.patientId)) {
            alert.location = GlobalTables::locationOf(*placement);
            if (!placement->encounterId.empty())
                alert.encounterId = placement->encounterId;
        }
    }
}

void EvaluatorJob::openFailed(const ClientError &error, int retryInMs)
{
    if (retryInMs == 0) {
        fail(error);
        return;
    }
    warn(error);
    m_status.retryInMs = retryInMs;
    setStatus(EvaluatorStatus::State::Retrying, error.message);
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
    m_filling = &batch;
    const auto filled = qScopeGuard([this] { m_filling = nullptr; });
    int timeoutMs = 100;
    qint64 bytes = 0;
    while (batch.size() < m_settings.maxBatchRecords && bytes < m_settings.maxBatchBytes && !m_fatalError) {
        RdMessagePtr message = m_consumer->poll(timeoutMs);
        if (!message)
            break;
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
            continue;
        if (message->err) {
            ClientError error = consumeError(*message, m_settings.groupId);
            error.fatal = error.fatal || isAuthorizationError(error.code); // an ACL is a person's step: stop, say which
            if (!error.fatal)
                warn(error);
            else if (!m_fatalError)
                m_fatalError = error;
            continue;
        }
        batch.append(Consumer::toRecord(*message));
        bytes += qint64(message->len + message->key_len);
        timeoutMs = 0;
    }
    return batch;
}

void EvaluatorJob::rebalanced(rd_kafka_t *client, rd_kafka_resp_err_t change, rd_kafka_topic_partition_list_t *partitions)
{
    // Only inside poll(), so never while a transaction is open: a batch is polled, then published.
    if (change == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS && m_filling) {
        std::set<std::pair<QString, int>> revoked;
        for (int i = 0; i < partitions->cnt; ++i)
            revoked.emplace(QString::fromUtf8(partitions->elems[i].topic), partitions->elems[i].partition);
        m_filling->removeIf([&](const KafkaRecord &record) { return revoked.count({record.topic, record.partition}) > 0; });
    }
    Consumer::follow(client, change, partitions);
    // The partitions' memory is read back before their first record is evaluated.
    if (change == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS)
        restoreState(partitions);
}

void EvaluatorJob::evaluateBatch()
{
    if (!m_consumer)
        return;
    if (m_limits.take() && !m_limits.note().isEmpty())
        warn(ClientErrors::warning(m_limits.note()
                                   + QStringLiteral(": records are checked against Kafka's default limit of %1 bytes")
                                         .arg(TopicLimits::KafkaDefault)));
    for (const QString &line : dueWarnings())
        qCWarning(lcEvaluator).noquote() << line;
    if (!m_held) {
        QList<KafkaRecord> batch = pollBatch();
        if (m_fatalError) {
            failOrReopen(*m_fatalError); // after poll() has returned: never from inside its callbacks
            return;
        }
        if (batch.isEmpty()) {
            QMetaObject::invokeMethod(this, &EvaluatorJob::evaluateBatch, Qt::QueuedConnection);
            return;
        }
        m_held = evaluate(std::move(batch));
    }
    attempt();
}

EvaluatorJob::HeldBatch EvaluatorJob::evaluate(QList<KafkaRecord> records)
{
    HeldBatch held;
    const auto &set = m_evaluator->thresholds();
    held.thresholdSet = QStringLiteral("%1 v%2").arg(QString::fromStdString(set->name())).arg(set->version());
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_tables)
        m_tables->follow(); // what the census and the alerts brought since the last batch
    held.evaluations.reserve(size_t(records.size()));
    held.plans.reserve(size_t(records.size()));
    for (const auto &record : records) {
        const RecordSource source{record.topic.toStdString(), record.partition, record.offset};
        held.evaluations.push_back(m_evaluator->evaluate(view(record.value), source, now));
        place(held.evaluations.back().alerts);
        held.plans.push_back(planFor(record, held.evaluations.back(), held.thresholdSet));
    }
    // Each changed patient's memory goes to the state partition of the input it came from.
    std::map<std::string, int> partitionOf;
    for (std::size_t i = 0; i < held.evaluations.size(); ++i)
        partitionOf[held.evaluations[i].patientId] = records[qsizetype(i)].partition;
    for (PatientMemory &memory : m_evaluator->takeChangedMemories()) {
        if (const auto found = partitionOf.find(memory.patientId); found != partitionOf.end() && m_stateReader)
            held.memories.emplace_back(found->second, std::move(memory));
    }
    held.records = std::move(records);
    return held;
}

EvaluatorJob::Plan EvaluatorJob::planFor(const KafkaRecord &record, const Evaluation &evaluation,
                                         const QString &thresholdSet) const
{
    // The first rung whose record fits its topic; headers counted as they will be written.
    Plan plan;
    const EvaluatorTopics &topics = m_settings.topics;
    const auto fits = [this](const std::string &topic, const QByteArray &key, const QByteArray &value,
                             const QList<KafkaHeader> &headers) {
        return TopicLimits::batchBytes(view(key), view(value), headers) <= m_limits.limitOf(topic);
    };
    std::optional<qint64> stubBytes; // built only for a record whose copy does not fit
    const auto stubFits = [&](const std::string &topic) {
        if (!stubBytes)
            stubBytes = TopicLimits::batchBytes(view(stubKey(record.key)), view(stubValue(record, evaluation, TooLarge)),
                                                stubHeaders(record, TooLarge, m_instance))
                        + 256; // verdict, thresholds and reason headers
        return *stubBytes <= m_limits.limitOf(topic);
    };

    if (evaluation.verdict != Verdict::DeadLetter) {
        QList<KafkaHeader> headers = sourceHeaders(record, m_instance);
        headers.append({"vigil.verdict", bytes(evaluation.verdictName())});
        headers.append({"vigil.thresholds", thresholdSet.toUtf8()});
        if (fits(topics.processed, record.key, record.value, headers))
            plan.processed = Output::Copy;
        else if (stubFits(topics.processed))
            plan.processed = Output::Stub;
        for (const Alert &alert : evaluation.alerts) {
            plan.alertValues.push_back(alert.toJson().dump());
            if (TopicLimits::batchBytes(alert.alertId, plan.alertValues.back(), {{"vigil.evaluator", m_instance}})
                > m_limits.limitOf(topics.alerts))
                plan.alerts = false;
        }
        const auto refusal = [this, &plan]() -> std::optional<std::string> {
            for (const std::string &value : plan.alertValues) {
                if (auto why = m_settings.enforcer ? m_settings.enforcer->refusal(AlertsSubjectTopic, value) : std::nullopt)
                    return why;
            }
            return std::nullopt;
        };
        if (!plan.alerts) {
            plan.deadLetterReason = std::string(TooLarge);
            plan.deadLetterMessage = "its alert is larger than " + topics.alerts + " accepts";
        } else if (auto why = refusal()) {
            // Never dropped quietly: the result that raised it waits in the dead-letter topic.
            plan.alerts = false;
            plan.deadLetterReason = std::string(DeadLetterReason::AlertRefused);
            plan.deadLetterMessage = std::move(*why);
        } else if (plan.processed == Output::None) {
            plan.deadLetterReason = std::string(TooLarge);
            plan.deadLetterMessage = "the result is larger than " + topics.processed + " accepts, even as a stub";
        } else {
            return plan;
        }
        if (!plan.alerts)
            plan.alertValues.clear(); // a result too large to copy still has its alerts written
    } else {
        plan.deadLetterReason = evaluation.deadLetterReason;
        plan.deadLetterMessage = evaluation.deadLetterMessage;
    }
    QList<KafkaHeader> headers = sourceHeaders(record, m_instance);
    headers.append({"vigil.dlq.reason", bytes(plan.deadLetterReason)});
    headers.append({"vigil.dlq.message", bytes(plan.deadLetterMessage)});
    plan.deadLetter = fits(topics.deadLetters, record.key, record.value, headers) ? Output::Copy
                      : stubFits(topics.deadLetters)                               ? Output::Stub
                                                                                    : Output::Bare;
    return plan;
}

void EvaluatorJob::attempt()
{
    (void)m_producer->takeTaggedDeliveries(); // from an earlier try
    try {
        if (!m_producer->commitPending()) { // else the last try's transaction is still committing
            m_producer->beginTransaction();
            m_committing = publish();

            std::map<std::pair<QString, int>, qint64> next;
            for (const auto &record : m_held->records)
                next[{record.topic, record.partition}] = record.offset + 1;
            RdPartitionListPtr offsets(rd_kafka_topic_partition_list_new(int(next.size())));
            for (const auto &[partition, offset] : next)
                rd_kafka_topic_partition_list_add(offsets.get(), partition.first.toUtf8().constData(), partition.second)
                    ->offset = offset;
            m_producer->sendOffsetsToTransaction(offsets.get(), m_consumer->handle(), TransactionTimeoutMs);
        }
        m_producer->commitTransaction(TransactionTimeoutMs);
        EvaluatorReport report = std::exchange(m_committing, {});
        report.committedAtMs = QDateTime::currentMSecsSinceEpoch();
        m_held.reset();
        m_backoffMs = 0;
        if (m_status.state != EvaluatorStatus::State::Running)
            setStatus(EvaluatorStatus::State::Running);
        Q_EMIT batchCommitted(report);
        QMetaObject::invokeMethod(this, &EvaluatorJob::evaluateBatch, Qt::QueuedConnection);
        return;
    } catch (const KafkaException &exception) {
        ClientError error = exception.error();
        bool movedDown = false;
        if (m_producing >= 0 && Producer::refusesRecord(rd_kafka_resp_err_t(error.code)))
            movedDown = moveDown(m_producing, -1, rd_kafka_resp_err_t(error.code)); // refused at produce()
        for (const TaggedDelivery &failure : m_producer->takeTaggedDeliveries()) {
            if (Producer::refusesRecord(failure.error) && failure.tag >= 4)
                movedDown = moveDown(int(failure.tag >> 2) - 1, int(failure.tag & 3), failure.error) || movedDown;
        }
        m_producing = -1;
        if (error.fatal || m_fatalError) {
            failOrReopen(error.fatal ? error : *m_fatalError);
            return;
        }
        if (m_producer->commitPending()) { // the outcome comes with the next try's commit
            retryLater(error);
            return;
        }
        try {
            m_producer->abortTransaction(TransactionTimeoutMs);
        } catch (const KafkaException &) {
            // commitTransaction() aborts by itself when it must; a failing abort shows in the next try.
        }
        ++m_status.abortedTransactions;
        if (lostGroupGeneration(error.code)) {
            // The partitions may be another member's now: let the group say where to go on from.
            warn(error);
            rewindTo(m_held->records);
            m_held.reset();
            QMetaObject::invokeMethod(this, &EvaluatorJob::evaluateBatch, Qt::QueuedConnection);
            return;
        }
        if (movedDown) { // progress: the record that was refused goes another way now
            QMetaObject::invokeMethod(this, &EvaluatorJob::evaluateBatch, Qt::QueuedConnection);
            return;
        }
        retryLater(error);
    } catch (const std::exception &exception) {
        m_producing = -1;
        try {
            m_producer->abortTransaction(TransactionTimeoutMs);
        } catch (const KafkaException &) {
        }
        ++m_status.abortedTransactions;
        retryLater(ClientErrors::retrying(QStringLiteral("evaluator: %1").arg(QString::fromUtf8(exception.what()))));
    }
}

EvaluatorReport EvaluatorJob::publish()
{
    EvaluatorReport report;
    report.records = int(m_held->records.size());
    report.thresholdSet = m_held->thresholdSet;
    report.oldestRecordMs = m_held->records.first().timestampMs;
    for (int i = 0; i < m_held->records.size(); ++i) {
        m_producing = i;
        const KafkaRecord &record = m_held->records[i];
        report.oldestRecordMs = qMin(report.oldestRecordMs, record.timestampMs);
        produceProcessed(i, report);
        produceAlerts(i, report);
        produceDeadLetter(i, report);
        const Plan &plan = m_held->plans[size_t(i)];
        if (plan.processed == Output::Stub || plan.deadLetter == Output::Stub || plan.deadLetter == Output::Bare)
            ++report.stubbed;
    }
    m_producing = -1;
    produceMemories();
    return report;
}

void EvaluatorJob::produceMemories()
{
    for (const auto &[partition, memory] : m_held->memories) {
        const std::string value = memory.creatinine.empty() ? std::string() : memory.toJson();
        m_producer->produce(m_settings.topics.state, memory.patientId,
                            memory.creatinine.empty() ? std::string_view() : std::string_view(value),
                            {{"vigil.evaluator", m_instance}}, 0, partition);
    }
}

void EvaluatorJob::produceProcessed(int index, EvaluatorReport &report)
{
    const Plan &plan = m_held->plans[size_t(index)];
    if (plan.processed != Output::Copy && plan.processed != Output::Stub)
        return;
    const KafkaRecord &record = m_held->records[index];
    const Evaluation &evaluation = m_held->evaluations[size_t(index)];
    const std::string &topic = m_settings.topics.processed;
    if (plan.processed == Output::Copy) {
        QList<KafkaHeader> headers = sourceHeaders(record, m_instance);
        headers.append({"vigil.verdict", bytes(evaluation.verdictName())});
        headers.append({"vigil.thresholds", report.thresholdSet.toUtf8()});
        m_producer->produce(topic, view(record.key), view(record.value), headers, record.timestampMs, RD_KAFKA_PARTITION_UA,
                            tagOf(index, ProcessedOutput));
    } else {
        QList<KafkaHeader> headers = stubHeaders(record, TooLarge, m_instance);
        headers.append({"vigil.verdict", bytes(evaluation.verdictName())});
        headers.append({"vigil.thresholds", report.thresholdSet.toUtf8()});
        m_producer->produce(topic, view(stubKey(record.key)), view(stubValue(record, evaluation, TooLarge)), headers,
                            record.timestampMs, RD_KAFKA_PARTITION_UA, tagOf(index, ProcessedOutput));
    }
    ++report.processed;
    if (evaluation.value)
        report.values.append({QString::fromStdString(evaluation.loinc), *evaluation.value, QString(), record.timestampMs});
}

void EvaluatorJob::produceAlerts(int index, EvaluatorReport &report)
{
    const Plan &plan = m_held->plans[size_t(index)];
    if (!plan.alerts)
        return;
    const std::vector<Alert> &alerts = m_held->evaluations[size_t(index)].alerts;
    for (std::size_t i = 0; i < alerts.size(); ++i) {
        m_producer->produce(m_settings.topics.alerts, alerts[i].alertId, plan.alertValues[i], {{"vigil.evaluator", m_instance}},
                            0, partitionForPatient(alerts[i].patientId, m_alertPartitions), tagOf(index, AlertOutput));
        ++report.alerts;
    }
}

void EvaluatorJob::produceDeadLetter(int index, EvaluatorReport &report)
{
    const Plan &plan = m_held->plans[size_t(index)];
    const KafkaRecord &record = m_held->records[index];
    if (plan.deadLetter == Output::None || plan.deadLetter == Output::Nowhere) {
        if (plan.deadLetter == Output::Nowhere)
            ++report.undeliverable;
        return;
    }
    const Evaluation &evaluation = m_held->evaluations[size_t(index)];
    std::string reason = plan.deadLetterReason;
    std::string message = plan.deadLetterMessage;
    QByteArray key = record.key;
    QByteArray value = record.value;
    QList<KafkaHeader> headers;
    if (plan.deadLetter == Output::Copy) {
        headers = sourceHeaders(record, m_instance);
    } else {
        // What it was dead-lettered for stays in the message; the reason says why only a stub is here.
        if (reason != TooLarge) {
            message = "the record (" + std::to_string(record.key.size() + record.value.size()) + " bytes) is larger than "
                      + m_settings.topics.deadLetters + " accepts; dead-lettered for " + reason + ": " + message;
            reason = std::string(TooLarge);
        }
        headers = stubHeaders(record, TooLarge, m_instance);
        key = stubKey(record.key);
        value = plan.deadLetter == Output::Stub ? stubValue(record, evaluation, TooLarge) : QByteArray();
    }
    headers.append({"vigil.dlq.reason", bytes(reason)});
    headers.append({"vigil.dlq.message", bytes(message)});
    m_producer->produce(m_settings.topics.deadLetters, view(key), view(value), headers, record.timestampMs, RD_KAFKA_PARTITION_UA,
                        tagOf(index, DeadLetterOutput));
    ++report.deadLetters;
    if (report.deadLetterEntries.size() < MaxDeadLettersPerReport)
        report.deadLetterEntries.append({QString::fromStdString(reason), QString::fromStdString(message), record.topic,
                                         record.partition, record.offset, record.timestampMs});
}

bool EvaluatorJob::moveDown(int index, int output, rd_kafka_resp_err_t why)
{
    if (!m_held || index < 0 || index >= m_held->records.size())
        return false;
    Plan &plan = m_held->plans[size_t(index)];
    const Plan before = plan;
    const auto lower = [](Output rung) {
        return rung == Output::Copy ? Output::Stub : rung == Output::Stub ? Output::Bare : Output::Nowhere;
    };
    const std::string refusal = rd_kafka_err2str(why);
    const bool tooLarge = why == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE || why == RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE
                          || why == RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE;
    const auto toDeadLetters = [&](const std::string &message) {
        plan.deadLetterReason = std::string(tooLarge ? TooLarge : Undeliverable);
        plan.deadLetterMessage = message + " (" + refusal + ")";
        if (plan.deadLetter == Output::None)
            plan.deadLetter = Output::Copy; // moved down again by the dlq's own refusal if too large
    };
    // output -1: refused at produce(), before any delivery report: the first rung still standing.
    if (output == -1)
        output = plan.processed == Output::Copy || plan.processed == Output::Stub ? ProcessedOutput
                 : plan.alerts                                                   ? AlertOutput
                                                                                 : DeadLetterOutput;
    if (output == ProcessedOutput && plan.processed == Output::Copy) {
        plan.processed = Output::Stub;
    } else if (output == ProcessedOutput) {
        plan.processed = Output::None;
        toDeadLetters(m_settings.topics.processed + " refused the result even as a stub");
    } else if (output == AlertOutput && plan.alerts) {
        plan.alerts = false;
        toDeadLetters(m_settings.topics.alerts + " refused its alert");
    } else if (output == DeadLetterOutput) {
        plan.deadLetter = lower(plan.deadLetter);
    }
    if (plan.deadLetter == Output::Nowhere && before.deadLetter != Output::Nowhere) {
        const KafkaRecord &record = m_held->records[index];
        // Loud, not lost quietly: the one place a record leaves without a trace in Kafka.
        const ClientError error{why,
                                QStringLiteral("a record of %1 [%2] at offset %3 could not be written anywhere, not even as a "
                                               "stub without value (%4): it is skipped")
                                    .arg(record.topic).arg(record.partition).arg(record.offset).arg(QString::fromStdString(refusal)),
                                false, false};
        qCCritical(lcEvaluator).noquote() << error.message;
        Q_EMIT errorOccurred(error);
    }
    return plan.processed != before.processed || plan.deadLetter != before.deadLetter || plan.alerts != before.alerts;
}

void EvaluatorJob::retryLater(const ClientError &error)
{
    ++m_held->failedAttempts;
    m_backoffMs = m_backoffMs == 0 ? FirstBackoffMs : qMin(MaxBackoffMs, m_backoffMs * 2);
    warn(error);
    m_status.failedAttempts = m_held->failedAttempts;
    m_status.retryInMs = m_backoffMs;
    setStatus(EvaluatorStatus::State::Retrying, error.message);
    m_retry.start(int(m_backoffMs));
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
    // Asynchronous: a partition still ours is fetched again from the batch; one the group gave to
    // another member starts there from the committed offsets.
    if (rd_kafka_error_t *error = rd_kafka_seek_partitions(m_consumer->handle(), positions.get(), 0))
        warn(clientError(error, QStringLiteral("rewind after the group moved on")));
}

void EvaluatorJob::warn(const ClientError &error)
{
    const QString line = KafkaWorker::warn(error, QStringLiteral("evaluator"));
    if (!line.isEmpty())
        qCWarning(lcEvaluator).noquote() << line;
}

void EvaluatorJob::setStatus(EvaluatorStatus::State state, const QString &reason)
{
    if (state != m_status.state)
        m_status.sinceMs = QDateTime::currentMSecsSinceEpoch();
    m_status.state = state;
    m_status.reason = reason;
    if (state != EvaluatorStatus::State::Retrying) {
        m_status.retryInMs = 0;
        m_status.failedAttempts = 0;
    }
    Q_EMIT statusChanged(m_status);
}

void EvaluatorJob::failOrReopen(const ClientError &error)
{
    if (isFenced(error.code) || isAuthorizationError(error.code)) {
        fail(error);
        return;
    }
    warn(error);
    m_held.reset(); // read again from the committed offsets: nothing of an open transaction counted
    const int waitMs = reopenLater();
    m_status.retryInMs = waitMs;
    setStatus(EvaluatorStatus::State::Retrying,
              tr("the Kafka clients failed and are made anew in %1 s: %2").arg(waitMs / 1000).arg(error.message));
}

void EvaluatorJob::fail(const ClientError &error)
{
    ClientError fatal = error;
    fatal.fatal = true;
    qCCritical(lcEvaluator).noquote() << "evaluator stopped:" << fatal.message;
    Q_EMIT errorOccurred(fatal);
    setStatus(EvaluatorStatus::State::Stopped, fatal.message);
    releaseClients();
}

void EvaluatorJob::releaseClients()
{
    m_retry.stop();
    m_held.reset();
    if (m_consumer) {
        m_consumer->close(3000);
        m_consumer.reset();
    }
    m_producer.reset();
    m_tables.reset();
    m_stateReader.reset();
}
