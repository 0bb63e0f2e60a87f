#include "wallservice.h"

#include "alertpublisher.h"
#include "schemaenforcer.h"
#include "wallstate.h"
#include "workerthread.h"

#include <QDateTime>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcWall, "vigil.wall")

namespace {
qint64 now() { return QDateTime::currentMSecsSinceEpoch(); }
}

WallService::WallService(const ClientConfig &cluster, WallState *state, QObject *parent)
    : QObject(parent), m_state(state)
{
    auto *source = new WallSource(WallSourceSettings{cluster});
    connect(source, &WallSource::batchReady, this, [this](const WallBatch &batch) {
        qCDebug(lcWall) << "batch:" << batch.alerts.size() << "alerts," << batch.adt.size() << "ADT events,"
                        << batch.unreadable << "unreadable, live" << batch.live;
        m_state->applyBatch(batch.alerts, batch.adt, batch.live, now());
        if (batch.caughtUp)
            m_state->historyRead();
        Q_EMIT batchApplied(batch);
    });
    connect(source, &WallSource::heard, this, [this](qint64 atMs) {
        qCDebug(lcWall) << "heard at" << atMs;
        m_state->heard(atMs);
    });
    connect(source, &WallSource::brokersLost, this, [this](const QString &reason) { m_state->brokersLost(reason, now()); });
    connect(source, &KafkaWorker::errorOccurred, this, &WallService::errorOccurred);
    m_sourceThread = std::make_unique<WorkerThread>(source, QStringLiteral("wall source"));

    m_publisher = new AlertPublisher(cluster, SchemaEnforcer::bundled());
    connect(m_publisher, &AlertPublisher::published, this, &WallService::published);
    connect(m_publisher, &KafkaWorker::errorOccurred, this, &WallService::errorOccurred);
    m_publisherThread = std::make_unique<WorkerThread>(m_publisher, QStringLiteral("alert publisher"));
}

WallService::~WallService()
{
    m_publisherThread->stop();
    m_sourceThread->stop();
}

void WallService::perform(const AlertAction &action, Reply reply)
{
    const Alert *alert = m_state->board().find(action.alertId);
    if (!alert) {
        reply(false, tr("this alert is no longer on the board"));
        return;
    }
    const AlertChange change = action.kind == AlertAction::Kind::Acknowledge
                                   ? alert->acknowledge(action.by, now(), action.readBack)
                                   : alert->resolve(action.by, now());
    if (!change) {
        reply(false, QString::fromStdString(change.error));
        return;
    }
    m_pending.emplace(action.alertId, std::move(reply));
    // Queued to the publisher's thread: the alert travels as a copy.
    QMetaObject::invokeMethod(m_publisher, [publisher = m_publisher, next = *change.alert] { publisher->publish(next); },
                              Qt::QueuedConnection);
}

void WallService::published(const QString &alertId, bool ok, const QString &error)
{
    const auto [first, last] = m_pending.equal_range(alertId.toStdString());
    std::vector<Reply> replies;
    for (auto it = first; it != last; ++it)
        replies.push_back(std::move(it->second));
    m_pending.erase(first, last);
    for (const Reply &reply : replies)
        reply(ok, error);
}
