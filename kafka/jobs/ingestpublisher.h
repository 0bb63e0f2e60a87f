#pragma once

#include "client/clientconfig.h"
#include "client/kafkaworker.h"
#include "ingest/ingestrecord.h"

#include <QList>
#include <QTimer>

#include <memory>
#include <vector>

class Producer;

// Writes each batch an ingest source (the webhook bridge, a REST poller) hands it as one Kafka
// transaction, so that read_committed readers see all of a batch or none, and says what became
// of it. Batches that queue up while a transaction commits are written together in the next one
// (a group commit: each still all or nothing). With a cursor base set, open() first reads that
// source's cursors from the cursor topic, after initTransactions has ended any transaction an
// earlier run left open.
class IngestPublisher final : public KafkaWorker {
    Q_OBJECT
public:
    static constexpr int CommitTimeoutMs = 10'000;
    static constexpr int MaxGroupBatches = 64;

    IngestPublisher(ClientConfig config, QString transactionalId, QObject *parent = nullptr);
    ~IngestPublisher() override;

    // Before start(): the cursor records whose key begins with `base + ' '` are read at open.
    void readCursorsOf(std::string base, std::string topic);

public Q_SLOTS:
    void publish(quint64 batch, const IngestBatch &records);

Q_SIGNALS:
    void outcome(quint64 batch, IngestOutcome outcome, const QString &error);
    // Whether batches can be written now (the transactional producer is ready).
    void availabilityChanged(bool available);
    // The cursor records read at open (values), once per open.
    void cursorsRead(const QList<QByteArray> &values);

protected:
    void open() override;
    void releaseClients() override;
    void openFailed(const ClientError &error, int retryInMs) override;

private:
    struct Queued {
        quint64 batch;
        IngestBatch records;
    };
    void drain();
    void write(std::vector<Queued> group);
    void resumeCommit();
    void readCursors();
    void setAvailable(bool available);

    ClientConfig m_config;
    QString m_transactionalId;
    std::string m_cursorBase;
    std::string m_cursorTopic;
    std::unique_ptr<Producer> m_producer;
    std::vector<Queued> m_queue;
    std::vector<quint64> m_unknown; // batches of the commit that timed out
    QTimer m_resume;                // resumes that commit until its outcome is known
    bool m_available = false;
};
