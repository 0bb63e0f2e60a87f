#pragma once

#include "client/clientconfig.h"
#include "base/kafkarecord.h"
#include "client/kafkaworker.h"

#include <QStringList>

#include <memory>

class Consumer;

struct ConsumerSettings {
    ClientConfig config;      // bootstrap and the user's -X / properties
    QStringList topics;
    QString groupId;          // the worker subscribes as this group and commits nothing itself
    QString offsetReset = QStringLiteral("latest"); // where a group with no committed offset starts
    int maxBatchRecords = 5000;
    int maxBatchMs = 50;      // a batch leaves at least this often while records flow
};

// Consumes on its own thread and hands records over in batches (DESIGN.md rules 1-2):
// at most every maxBatchMs or maxBatchRecords, never a signal per message.
class ConsumerWorker : public KafkaWorker {
    Q_OBJECT
public:
    explicit ConsumerWorker(ConsumerSettings settings, QObject *parent = nullptr);
    ~ConsumerWorker() override;

Q_SIGNALS:
    void recordsReady(const QList<KafkaRecord> &batch);

protected:
    void open() override;
    void releaseClients() override;
    // Called on the worker thread with each batch; the default emits recordsReady.
    virtual void deliver(QList<KafkaRecord> &&batch);

private:
    void pollBatch();
    void reportError(const ClientError &error);

    ConsumerSettings m_settings;
    std::unique_ptr<Consumer> m_consumer;
    bool m_failedFatally = false;
};
