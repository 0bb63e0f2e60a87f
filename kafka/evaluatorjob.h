#pragma once

#include "clientconfig.h"
#include "evaluatorreport.h"
#include "kafkaworker.h"

#include <memory>

class Consumer;
class CriticalValueEvaluator;
class Producer;
class SchemaEnforcer;
class ThresholdSet;
struct KafkaRecord;

struct EvaluatorSettings {
    ClientConfig config;
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
// id), and the rest to healthcare.dlq with the reason. A failed transaction is aborted and the
// batch is read again from its first offsets, so every input leaves exactly once.
class EvaluatorJob final : public KafkaWorker {
    Q_OBJECT
public:
    explicit EvaluatorJob(EvaluatorSettings settings, QObject *parent = nullptr);
    ~EvaluatorJob() override;

    static int partitionForPatient(const std::string &patientId, int partitionCount);

public Q_SLOTS:
    void start() override;
    // Takes effect between batches: a batch is evaluated under one set only.
    void setThresholds(std::shared_ptr<const ThresholdSet> thresholds);

Q_SIGNALS:
    void batchCommitted(const EvaluatorReport &report);

protected:
    void releaseClients() override;

private:
    void evaluateBatch();
    QList<KafkaRecord> pollBatch();
    EvaluatorReport publish(const QList<KafkaRecord> &batch);
    void deadLetter(const KafkaRecord &record, std::string_view reason, std::string_view message, EvaluatorReport &report);
    void rewindTo(const QList<KafkaRecord> &batch);
    void fail(const ClientError &error);

    EvaluatorSettings m_settings;
    std::unique_ptr<CriticalValueEvaluator> m_evaluator;
    std::unique_ptr<Consumer> m_consumer;
    std::unique_ptr<Producer> m_producer;
    int m_alertPartitions = 0;
    bool m_failedFatally = false;
};
