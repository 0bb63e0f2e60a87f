#pragma once

#include "clientconfig.h"
#include "wallfeed.h"
#include "wallsource.h"

#include <QObject>

#include <functional>
#include <map>
#include <memory>
#include <vector>

class WallState;
class WorkerThread;

// The wall displays' link to Kafka: a WallSource that fills `state` with the alerts topic and the
// census, and an AlertPublisher that turns what a person does on a display into the alert's next
// state on the alerts topic. The board changes when that record comes back from Kafka, as on every
// other display of the unit, never from local state.
class WallService final : public QObject {
    Q_OBJECT
public:
    using Reply = std::function<void(bool ok, const QString &error)>;

    WallService(const ClientConfig &cluster, WallState *state, QObject *parent = nullptr);
    ~WallService() override;

    // Refused at once (reply false) when the alert is unknown or the lifecycle does not allow it.
    void perform(const AlertAction &action, Reply reply);

Q_SIGNALS:
    void batchApplied(const WallBatch &batch);  // after `state` took it: for the console's feed
    void errorOccurred(const ClientError &error);

private:
    void published(const QString &alertId, bool ok, const QString &error);

    WallState *m_state;
    std::unique_ptr<WorkerThread> m_sourceThread;
    std::unique_ptr<WorkerThread> m_publisherThread;
    class AlertPublisher *m_publisher = nullptr;
    std::multimap<std::string, Reply> m_pending; // by alert id, until the cluster confirms
};
