#pragma once

#include "ingest/ingestrecord.h"
#include "ingest/ingeststatus.h"
#include "ingest/pollcursor.h"
#include "network/fhirclient.h"

#include <QStringList>
#include <QTimer>

#include <map>
#include <optional>

struct PollerSettings {
    FhirServerAccess server; // its base is the server polled
    QStringList types{QStringLiteral("Observation"), QStringLiteral("Encounter")};
    int everyMs = 30'000;    // between the end of one round and the start of the next
    int pageSize = 100;      // _count
};

// The FHIR REST poller: each round, for each resource type, an incremental search
// `_lastUpdated=ge<cursor>&_sort=_lastUpdated&_count=N` following link[next]. Each page's new
// resources and the cursor after them are one batch (one Kafka transaction), so a crash or a
// restart neither loses nor repeats a resource version; the next page is asked for once the batch
// is committed. 429 and 5xx answers are retried after their Retry-After (else 1 s doubling to
// 60 s); a server that ignores _sort or _lastUpdated, or pages inconsistently, is said in the
// type's row. Lives on its own thread like the webhook; start() once the cursors are read.
class FhirPoller final : public QObject {
    Q_OBJECT
public:
    static constexpr int BackoffMaxMs = 60'000;

    explicit FhirPoller(PollerSettings settings, QObject *parent = nullptr);
    ~FhirPoller() override;

    const PollerSettings &settings() const { return m_settings; }
    // The cursor records' key prefix on the cursor topic (PollCursor::key()).
    std::string cursorBase() const;

public Q_SLOTS:
    // Begins the first round from the cursors stored in Kafka (the publisher read them).
    void start(const QList<QByteArray> &cursorRecords);
    void takeOutcome(quint64 batch, IngestOutcome outcome, const QString &error);

Q_SIGNALS:
    void batchReady(quint64 batch, const IngestBatch &records);
    void statusesChanged(const IngestStatuses &statuses);
    // A round ended with every type read to its end (tests and benchmarks wait for it).
    void roundFinished(int round);

private:
    struct TypeState {
        PollCursor cursor;
        std::optional<PollRound> round;
        QUrl page;
        EventRate rate;
        qint64 events = 0;
        qint64 repeated = 0;
        qint64 errors = 0;
        qint64 lastEventMs = 0;
        QString state;
        QString lastError;
    };

    void beginRound();
    void pollType();
    void fetch();
    void pageArrived(const FhirReply &reply);
    void sendBatch();
    void nextType();
    void retryLater(const QString &why, int afterMs);
    TypeState &current() { return m_types.at(m_settings.types.at(m_typeIndex).toStdString()); }
    void statusChanged();
    void emitStatuses();

    PollerSettings m_settings;
    FhirClient *m_fhir;
    std::map<std::string, TypeState> m_types;
    int m_typeIndex = 0;
    int m_round = 0;
    bool m_roundClean = true;
    quint64 m_nextBatch = 1;
    quint64 m_waitingFor = 0;      // the batch in Kafka's hands
    IngestBatch m_batch;           // kept until committed, sent again after a failure
    PollCursor m_batchCursor;      // the cursor that batch stores
    bool m_batchEndsType = false;  // the last page of the type
    QString m_pendingNext;         // the page after the one in the batch
    int m_backoffMs = 0;
    QTimer m_wait;                 // the next round, or a retry
    QTimer m_statusTimer;
};
