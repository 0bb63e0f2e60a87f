#pragma once

#include "base/topics.h"
#include "client/clientconfig.h"
#include "client/kafkaworker.h"

#include <memory>
#include <string>

class AuditVerifier;
class Producer;
class QTimer;

struct AuditShipperSettings {
    ClientConfig config;
    QString path;                               // the AuditTrail's file
    std::string topic{Topics::Audit};
    int everyMs = 1000;                         // how often the file is looked at for new entries
};

// Copies the audit trail's new entries to the vigil.audit topic (key: the chain), on its own thread.
// The file is the outbox: an entry is written there before its action happens, and shipped after.
// How far it has been shipped is kept beside it (<file>.shipped, a byte offset) and moved on only
// once the cluster acknowledged every entry up to there, so a console that stops or a cluster that
// is away loses nothing: the rest is sent next time. An entry sent again after a crash between the
// acknowledgement and that note is the same entry, which AuditVerifier counts once.
class AuditShipper final : public KafkaWorker {
    Q_OBJECT
public:
    explicit AuditShipper(AuditShipperSettings settings, QObject *parent = nullptr);
    ~AuditShipper() override;

    // Feeds every entry of the topic, from its beginning to its current end, to `verifier` in each
    // partition's order (a chain's entries share a partition). Throws KafkaException.
    static void verifyTopic(const ClientConfig &config, const std::string &topic, AuditVerifier &verifier);

public Q_SLOTS:
    void ship(); // also on its timer

Q_SIGNALS:
    void shipped(qint64 entries, qint64 shippedThroughByte);

protected:
    void open() override;
    void releaseClients() override;

private:
    qint64 shippedOffset() const;

    AuditShipperSettings m_settings;
    std::unique_ptr<Producer> m_producer;
    QTimer *m_timer = nullptr;
};
