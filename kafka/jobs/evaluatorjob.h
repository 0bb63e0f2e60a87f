#pragma once

#include "client/clientconfig.h"
#include "clinical/criticalvalueevaluator.h"
#include "clinical/evaluatorreport.h"
#include "base/kafkarecord.h"
#include "client/kafkaworker.h"
#include "client/topiclimits.h"
#include "base/topics.h"

#include <QTimer>

#include <memory>
#include <optional>
#include <vector>

class GlobalTables;
class Consumer;
class Producer;
class SchemaEnforcer;
class ThresholdSet;

// Where the evaluator reads and writes: the seed's layout, unless a test or a site names others.
struct EvaluatorTopics {
    std::string input{Topics::LabResults};
    std::string processed{Topics::LabsProcessed};
    std::string alerts{Topics::CriticalAlerts};
    std::string deadLetters{Topics::DeadLetters};
    std::string adt{Topics::Adt}; // read whole (GlobalTables): where each patient is
    std::string state{Topics::EvaluatorState}; // each input partition's patients' memory (PatientMemory)
};

struct EvaluatorSettings {
    ClientConfig config;
    EvaluatorTopics topics;
    std::shared_ptr<const ThresholdSet> thresholds;
    qint64 lateHorizonMs = 24LL * 3600 * 1000;
    QString groupId = QStringLiteral("vigil-evaluator");
    // This instance's name, the same across its restarts and unique in the group (EvaluatorInstances
    // claims one per process and thread). Its transactional id is <groupId>-<instance>, so instances
    // never fence one another, and a zombie is fenced by the group's generation instead (KIP-447:
    // offsets are sent with the consumer's group metadata). It is also the static membership id
    // (group.instance.id): a restarted instance takes its partitions back at once, not after the
    // killed member's session timeout.
    QString instance = QStringLiteral("solo");
    QString transactionalId() const { return groupId + u'-' + instance; }
    // One transaction per batch, and a transaction's fixed cost (offsets, commit markers: about 30 ms on
    // one local node) is paid per batch: under load a batch takes what is already fetched, up to these
    // bounds (tests/bench/bench_evaluator_scale; 2,000 records a batch ran at half the rate of 20,000).
    // A trickle of results still goes one or two at a time, at once.
    int maxBatchRecords = 20'000;
    qint64 maxBatchBytes = 16 * 1024 * 1024; // keys and values: memory stays bounded whatever the records' size
    // Alerts are checked against healthcare.alerts.critical's schema before they are written; a
    // refused alert is not written, its input goes to healthcare.dlq saying why. None: not checked.
    std::shared_ptr<const SchemaEnforcer> enforcer;
};

// The exactly-once evaluator (DESIGN.md data flow): consumes healthcare.labs.results as group
// vigil-evaluator with read_committed, and in one transaction per batch, with the input offsets
// sent to the transaction, writes every record that parses to labs.processed (with its verdict),
// every critical or delta alert to alerts.critical (key = alert id, partition from the patient
// id), and the rest to healthcare.dlq with the reason. Every output names its instance in the header
// vigil.evaluator. Any number of instances share the input's partitions (EvaluatorSettings::instance);
// records already polled from a partition that the group takes away are dropped from the batch, not
// committed: its next owner reads them from the committed offset.
//
// What it must remember lives in Kafka. Each patient's creatinine history (the KDIGO delta rule's)
// goes to the compacted state topic in the same transaction as the outputs it explains, into the
// partition of the input it came from; a partition assigned to this instance has its state read back
// before its first record is evaluated. The ADT census and the alerts topic are global tables
// (GlobalTables: all partitions, restored at start, then followed): every alert carries the patient's
// location and encounter at evaluation time (null for a patient no census has), and the lifecycle a
// display gave an alert (acknowledged, resolved) is respected by later records about its observation
// (CriticalValueEvaluator::observe).
//
// No record can stop it. Every output is checked against the size its topic accepts (TopicLimits)
// before it is produced; an input too large to copy is written as a stub (its coordinates, verdict,
// size and SHA-256) to labs.processed, or to the dlq with reason too-large when it is a dead letter
// or even the stub does not fit; its alerts are written all the same. A record the cluster refuses
// (its delivery report says so) is moved down the same ladder and the batch tried again at once.
// A transaction that fails for any other reason is aborted and the same batch, evaluated once and
// held in memory, is tried again after a bounded exponential backoff (100 ms doubling to 30 s);
// statusChanged() says why. Only a fatal error (fenced, authorisation) stops it, with Stopped.
class EvaluatorJob final : public KafkaWorker {
    Q_OBJECT
public:
    explicit EvaluatorJob(EvaluatorSettings settings, QObject *parent = nullptr);
    ~EvaluatorJob() override;

    static int partitionForPatient(const std::string &patientId, int partitionCount);

public Q_SLOTS:
    // Takes effect between batches: a batch is evaluated under one set only.
    void setThresholds(std::shared_ptr<const ThresholdSet> thresholds);

Q_SIGNALS:
    void batchCommitted(const EvaluatorReport &report);
    void statusChanged(const EvaluatorStatus &status);

protected:
    void open() override;
    void releaseClients() override;
    void openFailed(const ClientError &error, int retryInMs) override;

private:
    // How an input leaves, one rung at a time down the ladder when a topic cannot take it.
    enum class Output : quint8 { None, Copy, Stub, Bare, Nowhere };
    struct Plan {
        Output processed = Output::None;
        Output deadLetter = Output::None;
        bool alerts = true;
        std::vector<std::string> alertValues; // the evaluation's alerts as written, checked once when planned
        std::string deadLetterReason;  // for the dlq, when it is written there
        std::string deadLetterMessage;
    };
    struct HeldBatch {
        QList<KafkaRecord> records;
        std::vector<Evaluation> evaluations; // evaluated once: a retry never evaluates again
        std::vector<Plan> plans;
        QString thresholdSet;
        std::vector<std::pair<int, PatientMemory>> memories; // the state records (partition, memory) it changed
        qint64 failedAttempts = 0;
    };

    void evaluateBatch();
    QList<KafkaRecord> pollBatch();
    void rebalanced(rd_kafka_t *client, rd_kafka_resp_err_t change, rd_kafka_topic_partition_list_t *partitions);
    HeldBatch evaluate(QList<KafkaRecord> records);
    void openTables();
    void openState();
    void restoreState(const rd_kafka_topic_partition_list_t *assigned);
    void place(std::vector<Alert> &alerts) const;
    void produceMemories();
    Plan planFor(const KafkaRecord &record, const Evaluation &evaluation, const QString &thresholdSet) const;
    void attempt();
    EvaluatorReport publish();
    void produceProcessed(int index, EvaluatorReport &report);
    void produceAlerts(int index, EvaluatorReport &report);
    void produceDeadLetter(int index, EvaluatorReport &report);
    bool moveDown(int index, int output, rd_kafka_resp_err_t why);
    void retryLater(const ClientError &error);
    void rewindTo(const QList<KafkaRecord> &batch);
    void warn(const ClientError &error);
    // Stopped for good when fenced by another evaluator; else the clients are made anew (Retrying).
    void failOrReopen(const ClientError &error);
    void setStatus(EvaluatorStatus::State state, const QString &reason = {});
    void fail(const ClientError &error);

    EvaluatorSettings m_settings;
    std::unique_ptr<CriticalValueEvaluator> m_evaluator;
    std::unique_ptr<Consumer> m_consumer;
    std::unique_ptr<Producer> m_producer;
    std::unique_ptr<GlobalTables> m_tables; // null when the census and alerts cannot be read
    std::unique_ptr<Consumer> m_stateReader; // null when the state topic cannot be used
    TopicLimits m_limits;
    std::optional<HeldBatch> m_held;
    QList<KafkaRecord> *m_filling = nullptr; // the batch pollBatch() is taking, for a revocation meanwhile
    QByteArray m_instance;                    // the vigil.evaluator header's value
    EvaluatorReport m_committing; // the held batch's report while its transaction is open or still committing
    int m_producing = -1; // the held record whose outputs are being produced, for a refusal at once
    int m_alertPartitions = 0;
    std::optional<ClientError> m_fatalError; // said by a callback, acted on after poll() returned
    qint64 m_backoffMs = 0;
    QTimer m_retry;
    EvaluatorStatus m_status;
};
