#pragma once

#include "client/clientconfig.h"
#include "client/kafkaworker.h"
#include "replay/replayrange.h"

#include <QElapsedTimer>
#include <QHash>

#include <atomic>
#include <map>
#include <memory>
#include <string>

class Consumer;
class CriticalValueEvaluator;
class Producer;
class QSaveFile;
class SchemaEnforcer;
class WorkerThread;
struct rd_kafka_message_s;

// One replay (DESIGN.md data flow: "replay session") on its own worker thread, with its own consumer
// that is assigned the range's partitions, joins no group, commits nothing and reads read_committed.
// The end offsets are captured at start. Work runs in re-queued slices so cancel and shutdown
// interleave; progress leaves at most every ~100 ms, what-if snapshots at most every ~1 s.
//
//  - what-if: every record is evaluated under the live and the candidate set; nothing is written.
//  - re-publish: each record copied to the target topic with key, timestamp and headers, plus the
//    vigil-replay headers, one transaction per slice. Writing into a source topic needs
//    allowWriteToSource. A dry run counts what would be written.
//  - redrive: from healthcare.dlq back to each record's vigil.source.topic, with the evaluator job's
//    vigil.source.* and vigil.dlq.* headers taken off (the original headers are what remains).
//  - export: rows to a file written atomically (QSaveFile): a cancelled export leaves no file.
class ReplaySession final : public KafkaWorker {
    Q_OBJECT
public:
    // With an enforcer, a record its target topic's schema refuses is not written (counted per reason).
    ReplaySession(ClientConfig config, ReplayRequest request, std::shared_ptr<const SchemaEnforcer> enforcer = {},
                  QObject *parent = nullptr);
    ~ReplaySession() override;

    // Any thread: the next slice stops the replay.
    void requestCancel() { m_cancelRequested = true; }
    // The group.id the consumer carries (librdkafka wants one); it never joins it nor commits.
    const QString &groupId() const { return m_groupId; }

Q_SIGNALS:
    void progressed(const ReplayProgress &progress);
    void comparisonUpdated(const WhatIfComparison &comparison);
    void finished(const ReplayResult &result);

protected:
    void open() override;
    void releaseClients() override;

private:
    struct PartitionRange {
        QString topic;
        int partition = -1;
        qint64 start = 0;
        qint64 end = 0; // exclusive
        qint64 next = 0;
        bool done = false;
        std::string topicName; // for the evaluator's RecordSource, without a conversion per record
    };

    void plan();
    void openOutputs();
    void slice();
    void handle(const rd_kafka_message_s &message, PartitionRange &range);
    void write(const KafkaRecord &record);
    void skip(const QString &reason);
    bool commitSlice();
    void rewindSlice();
    void mergeSlice();
    void abortTransaction();
    void partitionDone(PartitionRange &range);
    ReplayProgress progress() const;
    void finish(ReplayResult::Status status, const QString &message);
    int partitionsOf(const std::string &topic);

    ClientConfig m_config;
    ReplayRequest m_request;
    std::shared_ptr<const SchemaEnforcer> m_enforcer;
    QString m_groupId;
    std::atomic<bool> m_cancelRequested = false;
    bool m_failed = false;
    bool m_finished = false;
    bool m_filterByTime = false; // the cluster cannot look offsets up by time
    QString m_failure;

    std::unique_ptr<Consumer> m_consumer;
    std::unique_ptr<Producer> m_producer;
    std::unique_ptr<CriticalValueEvaluator> m_liveEvaluator;
    std::unique_ptr<CriticalValueEvaluator> m_candidateEvaluator;
    std::unique_ptr<QSaveFile> m_exportFile;
    std::unique_ptr<ReplayExport> m_export;

    std::vector<PartitionRange> m_ranges;
    QHash<QPair<QString, int>, int> m_rangeIndex;
    int m_open = 0; // ranges not done
    std::map<std::string, int> m_topicPartitions;

    ReplayResult m_result;
    ReplayProgress m_progress;
    QElapsedTimer m_clock;
    qint64 m_lastProgressMs = -1'000;
    qint64 m_lastComparisonMs = 0;
    qint64 m_nowMs = 0;

    // The slice being written in one transaction: counted only once it commits.
    bool m_inTransaction = false;
    QMap<QString, qint64> m_slicePerTarget;
    QMap<QString, qint64> m_sliceSkipped;
    qint64 m_sliceWritten = 0;
    qint64 m_sliceRecords = 0;
    qint64 m_sliceBytes = 0;
    std::vector<PartitionRange> m_sliceStartRanges;
    int m_sliceStartOpen = 0;
    int m_failedCommits = 0;
    QByteArray m_sliceRows;
};

// The replay panel's ReplayControl over a cluster: one ReplaySession at a time, on a WorkerThread.
class KafkaReplayControl final : public ReplayControl {
    Q_OBJECT
public:
    explicit KafkaReplayControl(ClientConfig config, std::shared_ptr<const SchemaEnforcer> enforcer = {},
                                QObject *parent = nullptr);
    ~KafkaReplayControl() override; // cancels a running replay and stops its thread with a deadline

    bool isRunning() const override { return m_session != nullptr; }

public Q_SLOTS:
    void start(const ReplayRequest &request) override;
    void cancel() override;

private:
    void sessionFinished(const ReplayResult &result);

    ClientConfig m_config;
    std::shared_ptr<const SchemaEnforcer> m_enforcer;
    ReplaySession *m_session = nullptr; // owned by its thread
    std::unique_ptr<WorkerThread> m_thread;
};
