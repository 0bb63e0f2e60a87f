#include "wallservice.h"

#include "jobs/alertpublisher.h"
#include "schemas/schemaenforcer.h"
#include "wall/wallstate.h"
#include "client/workerthread.h"

#include <QDateTime>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcWall, "vigil.wall", QtInfoMsg) // the per-batch debug lines only when asked for

namespace {
qint64 now() { return QDateTime::currentMSecsSinceEpoch(); }
} // namespace

WallService::WallService(const ClientConfig &cluster, WallState *state, QObject *parent)
    : WallService(cluster, WallTopics{}, state, parent)
{
}

WallService::WallService(const ClientConfig &cluster, const WallTopics &topics, WallState *state, QObject *parent)
    : QObject(parent), m_state(state)
{
    auto *source = new WallSource(WallSourceSettings{cluster, topics});
    connect(source, &WallSource::batchReady, this, [this](const WallBatch &batch) {
        qCDebug(lcWall) << "batch:" << batch.alerts.size() << "alerts," << batch.adt.size() << "ADT events,"
                        << batch.unreadable << "unreadable, live" << batch.live;
        m_state->applyBatch(batch.alerts, batch.adt, batch.live, now());
        if (batch.caughtUp)
            m_state->historyRead();
        forgetCaughtUp();
        Q_EMIT batchApplied(batch);
    });
    connect(source, &WallSource::heard, this, [this](qint64 atMs) {
        qCDebug(lcWall) << "heard at" << atMs;
        m_state->heard(atMs);
    });
    connect(source, &WallSource::brokersLost, this, [this](const QString &reason) { m_state->brokersLost(reason, now()); });
    connect(source, &KafkaWorker::errorOccurred, this, &WallService::errorOccurred);
    m_sourceThread = std::make_unique<WorkerThread>(source, QStringLiteral("wall source"));

    m_publisher = new AlertPublisher(cluster, topics.alerts, SchemaEnforcer::bundled());
    connect(m_publisher, &AlertPublisher::published, this, &WallService::published);
    connect(m_publisher, &KafkaWorker::errorOccurred, this, &WallService::errorOccurred);
    m_publisherThread = std::make_unique<WorkerThread>(m_publisher, QStringLiteral("alert publisher"));
}

WallService::~WallService()
{
    WorkerThread::stopAll({m_publisherThread.get(), m_sourceThread.get()});
}

void WallService::perform(const AlertAction &action, Reply reply)
{
    forgetCaughtUp();
    const Alert *alert = m_state->board().find(action.alertId);
    if (!alert) {
        reply(false, tr("this alert is no longer on the board"));
        return;
    }
    // What the nurse will see once the record in flight is back, not what the board shows yet: the
    // lifecycle the action in flight gives it, with a value amended meanwhile, as the board keeps it.
    const Alert *coming = expected(action.alertId);
    const Alert basis = coming ? alert->withLifecycleOf(*coming) : *alert;
    const AlertChange change = action.kind == AlertAction::Kind::Acknowledge
                                   ? basis.acknowledge(action.by, now(), action.readBack)
                                   : basis.resolve(action.by, now());
    if (!change) {
        reply(false, QString::fromStdString(change.error));
        return;
    }
    m_expected.insert_or_assign(action.alertId, *change.alert);
    m_pending[action.alertId].push_back(std::move(reply));
    // Queued to the publisher's thread: the alert travels as a copy.
    QMetaObject::invokeMethod(m_publisher, [publisher = m_publisher, next = *change.alert] { publisher->publish(next); },
                              Qt::QueuedConnection);
}

const Alert *WallService::expected(const std::string &alertId) const
{
    const auto it = m_expected.find(alertId);
    return it != m_expected.end() ? &it->second : nullptr;
}

void WallService::published(const QString &alertId, bool ok, const QString &error)
{
    const std::string id = alertId.toStdString();
    if (!ok) // the board stays as it is: the next action is judged by it again
        m_expected.erase(id);
    const auto it = m_pending.find(id);
    if (it == m_pending.end())
        return;
    const Reply reply = std::move(it->second.front());
    it->second.pop_front();
    if (it->second.empty())
        m_pending.erase(it);
    reply(ok, error);
}

// Drops what the board has caught up with (its state is the expected one or later) and what has
// left the board (expired, evicted): the map never outgrows the actions on alerts still shown.
void WallService::forgetCaughtUp()
{
    const AlertBoard &board = m_state->board();
    std::erase_if(m_expected, [&board](const auto &entry) {
        const Alert *shown = board.find(entry.first);
        return !shown || AlertBoard::lifecycleRank(shown->state) >= AlertBoard::lifecycleRank(entry.second.state);
    });
}
