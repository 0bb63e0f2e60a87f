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
};

struct EvaluatorSettings {
    ClientConfig config;
    EvaluatorTopics topics;
    std::shared_ptr<const ThresholdSet> thresholds;
    qint64 lateHorizonMs = 24LL * 3600 * 1000;
    QString groupId = QStringLiteral("vigil-evaluator");
    QString transactionalId = QStringLiteral("vigil-evaluator");
    int maxBatchRecords = 2000;
    // Alerts are checked against healthcare.alerts.critical's schema before they are written; a
    // refused alert is not written, its input goes to healthcare.dlq saying why. None: not checked.
    std::shared_ptr<const SchemaEnforcer> enforcer;
};

// The exactly-once evaluator (DESIGN.md data flow): consumes healthcare.labs.results as group
// vigil-evaluator with read_committed, and in one transaction per batch, with the input offsets
// sent to the transaction, writes every record that parses to labs.processed (with its verdict),
// every critical or delta alert to alerts.critical (key = alert id, partition from the patient
// id), and the rest to healthcare.dlq with the reason.
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
        std::string deadLetterReason;  // for the dlq, when it is written there
        std::string deadLetterMessage;
    };
    struct HeldBatch {
        QList<KafkaRecord> records;
        std::vector<Evaluation> evaluations; // evaluated once: a retry never evaluates again
        std::vector<Plan> plans;
        QString thresholdSet;
        qint64 failedAttempts = 0;
    };

    void evaluateBatch();
    QList<KafkaRecord> pollBatch();
    HeldBatch evaluate(QList<KafkaRecord> records);
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
    TopicLimits m_limits;
    std::optional<HeldBatch> m_held;
    EvaluatorReport m_committing; // the held batch's report while its transaction is open or still committing
    int m_producing = -1; // the held record whose outputs are being produced, for a refusal at once
    int m_alertPartitions = 0;
    std::optional<ClientError> m_fatalError; // said by a callback, acted on after poll() returned
    qint64 m_backoffMs = 0;
    QTimer m_retry;
    EvaluatorStatus m_status;
};
