#pragma once

#include "client/clientconfig.h"
#include "wall/wallfeed.h"
#include "jobs/wallsource.h"

#include <QObject>

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

class WallState;
class WorkerThread;

// The wall displays' link to Kafka: a WallSource that fills `state` with the alerts topic and the
// census, and an AlertPublisher that turns what a person does on a display into the alert's next
// state on the alerts topic. The board changes when that record comes back from Kafka, as on every
// other display of the unit, never from local state. Until it does, the service remembers the state
// its action will produce, and judges further actions on that alert by it: two nurses acknowledging
// at once, or one display sending the same acknowledgement again, publish one record.
class WallService final : public QObject {
    Q_OBJECT
public:
    using Reply = std::function<void(bool ok, const QString &error)>;

    WallService(const ClientConfig &cluster, WallState *state, QObject *parent = nullptr);
    WallService(const ClientConfig &cluster, const WallTopics &topics, WallState *state, QObject *parent = nullptr);
    ~WallService() override;

    // Its source's and publisher's threads, for a caller that stops every worker at once.
    std::vector<WorkerThread *> workers() const { return {m_sourceThread.get(), m_publisherThread.get()}; }

    // Refused at once (reply false) when the alert is unknown or the lifecycle does not allow it,
    // judged by the board, or by what an action still on its way will make of the alert.
    void perform(const AlertAction &action, Reply reply);

    // The state an action in flight will give the alert, until the board shows it (or later), the
    // publish fails, or the alert leaves the board. Null when there is none.
    const Alert *expected(const std::string &alertId) const;
    std::size_t expectedCount() const { return m_expected.size(); }

Q_SIGNALS:
    void batchApplied(const WallBatch &batch);  // after `state` took it: for the console's feed
    void errorOccurred(const ClientError &error);

private:
    void published(const QString &alertId, bool ok, const QString &error);
    void forgetCaughtUp();

    WallState *m_state;
    std::unique_ptr<WorkerThread> m_sourceThread;
    std::unique_ptr<WorkerThread> m_publisherThread;
    class AlertPublisher *m_publisher = nullptr;
    // By alert id: the answers owed, oldest first (the publisher works in order), until the cluster confirms.
    std::unordered_map<std::string, std::deque<Reply>> m_pending;
    std::unordered_map<std::string, Alert> m_expected; // bounded: only alerts on the board
};
