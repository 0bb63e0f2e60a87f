#include "network/fhirpoller.h"

#include "base/topics.h"
#include "fhir/fhirdatetime.h"
#include "ingest/jsonfields.h"

#include <QDateTime>

namespace {

constexpr int StatusEveryMs = 250;
constexpr int BackoffFirstMs = 1000;

} // namespace

FhirPoller::FhirPoller(PollerSettings settings, QObject *parent)
    : QObject(parent), m_settings(std::move(settings)), m_fhir(new FhirClient(m_settings.server, this)), m_wait(this),
      m_statusTimer(this)
{
    qRegisterMetaType<IngestBatch>();
    qRegisterMetaType<IngestOutcome>();
    qRegisterMetaType<IngestStatuses>();
    m_wait.setSingleShot(true);
    m_statusTimer.setSingleShot(true);
    m_statusTimer.setInterval(StatusEveryMs);
    connect(&m_statusTimer, &QTimer::timeout, this, &FhirPoller::emitStatuses);
    for (const QString &type : m_settings.types) {
        TypeState &state = m_types[type.toStdString()];
        state.cursor.base = cursorBase();
        state.cursor.resourceType = type.toStdString();
        state.state = tr("waiting for its cursor from Kafka");
    }
}

FhirPoller::~FhirPoller() = default;

std::string FhirPoller::cursorBase() const
{
    QString base = m_settings.server.base.toString();
    while (base.endsWith(u'/'))
        base.chop(1);
    return base.toStdString();
}

void FhirPoller::start(const QList<QByteArray> &cursorRecords)
{
    if (m_round > 0)
        return; // the publisher opened again: this poller's cursors in memory are what it committed
    for (const QByteArray &record : cursorRecords) {
        const auto cursor = PollCursor::fromJson(record.toStdString());
        if (!cursor || cursor->base != cursorBase())
            continue;
        const auto it = m_types.find(cursor->resourceType);
        if (it != m_types.end())
            it->second.cursor = *cursor;
    }
    beginRound();
}

void FhirPoller::beginRound()
{
    ++m_round;
    m_roundClean = true;
    m_typeIndex = 0;
    pollType();
}

void FhirPoller::pollType()
{
    if (m_typeIndex >= m_settings.types.size()) {
        if (m_roundClean)
            Q_EMIT roundFinished(m_round);
        for (auto &[name, state] : m_types)
            state.state = tr("round %1 done; next in %2 s").arg(m_round).arg(m_settings.everyMs / 1000.0);
        statusChanged();
        m_wait.disconnect();
        connect(&m_wait, &QTimer::timeout, this, &FhirPoller::beginRound);
        m_wait.start(m_settings.everyMs);
        return;
    }
    TypeState &state = current();
    state.round.emplace(state.cursor);
    state.page = QUrl(QString::fromStdString(firstPageUrl(state.cursor, m_settings.pageSize)));
    fetch();
}

void FhirPoller::fetch()
{
    TypeState &state = current();
    state.state = tr("polling");
    statusChanged();
    m_fhir->get(state.page, [this](const FhirReply &reply) { pageArrived(reply); });
}

void FhirPoller::pageArrived(const FhirReply &reply)
{
    TypeState &state = current();
    if (reply.status == 429 || reply.status >= 500 || reply.status == 0) {
        const int waitMs = reply.retryAfterMs >= 0 ? reply.retryAfterMs
                                                   : std::min(BackoffMaxMs, m_backoffMs ? m_backoffMs * 2 : BackoffFirstMs);
        m_backoffMs = reply.retryAfterMs >= 0 ? m_backoffMs : waitMs;
        ++state.errors;
        state.lastError = reply.error;
        retryLater(reply.error, waitMs);
        return;
    }
    if (!reply.ok()) { // refused for what the request is (401, 403, 404): said, and tried next round
        ++state.errors;
        state.lastError = tr("%1 (for %2)").arg(reply.error, state.page.toString());
        m_roundClean = false;
        state.round.reset();
        nextType();
        return;
    }
    m_backoffMs = 0;
    SearchPage page;
    try {
        page = SearchPage::parse(reply.body.toStdString());
    } catch (const SearchError &error) {
        ++state.errors;
        state.lastError = QString::fromUtf8(error.what());
        m_roundClean = false;
        state.round.reset();
        nextType();
        return;
    }
    const PollRound::PageResult result = state.round->take(page);
    state.repeated += result.repeated;
    const std::string timestamp = msToFhirInstant(QDateTime::currentMSecsSinceEpoch());
    m_batch = {};
    for (const nlohmann::json &resource : result.fresh)
        m_batch.records.push_back(envelopeRecord(resource, JsonFields::metaAt(resource, "versionId") == "1" ? "POST" : "PUT", timestamp));
    m_pendingNext = QString::fromStdString(page.next);
    m_batchEndsType = page.next.empty();
    m_batchCursor = m_batchEndsType ? state.round->finish() : state.round->cursor();
    if (const std::string complaint = state.round->complaint(); !complaint.empty())
        state.lastError = QString::fromStdString(complaint);
    if (m_batch.records.empty() && m_batchCursor == state.cursor) { // nothing new: nothing to write
        if (m_batchEndsType) {
            state.round.reset();
            nextType();
        } else {
            state.page = QUrl(m_pendingNext);
            fetch();
        }
        return;
    }
    m_batch.records.push_back({std::string(Topics::IngestCursors), m_batchCursor.key(), m_batchCursor.toJson()});
    sendBatch();
}

void FhirPoller::sendBatch()
{
    m_waitingFor = m_nextBatch++;
    current().state = tr("writing to Kafka");
    statusChanged();
    Q_EMIT batchReady(m_waitingFor, m_batch);
}

void FhirPoller::takeOutcome(quint64 batch, IngestOutcome outcome, const QString &error)
{
    if (batch != m_waitingFor)
        return;
    TypeState &state = current();
    if (outcome == IngestOutcome::Unknown) { // the outcome comes later, with this same batch
        state.state = tr("waiting for Kafka to confirm");
        statusChanged();
        return;
    }
    m_waitingFor = 0;
    if (outcome != IngestOutcome::Committed) {
        ++state.errors;
        state.lastError = error;
        const int waitMs = std::min(BackoffMaxMs, m_backoffMs ? m_backoffMs * 2 : BackoffFirstMs);
        m_backoffMs = waitMs;
        state.state = tr("Kafka cannot take events: trying again in %1 s").arg(waitMs / 1000.0);
        statusChanged();
        m_wait.disconnect();
        connect(&m_wait, &QTimer::timeout, this, &FhirPoller::sendBatch);
        m_wait.start(waitMs);
        return;
    }
    m_backoffMs = 0;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const int events = int(m_batch.records.size()) - 1; // the last record is the cursor
    state.cursor = m_batchCursor;
    state.events += events;
    if (events > 0) {
        state.rate.add(now, events);
        state.lastEventMs = now;
    }
    m_batch = {};
    if (m_batchEndsType) {
        state.round.reset();
        nextType();
        return;
    }
    state.page = QUrl(m_pendingNext);
    fetch();
}

void FhirPoller::nextType()
{
    ++m_typeIndex;
    statusChanged();
    pollType();
}

void FhirPoller::retryLater(const QString &why, int afterMs)
{
    current().state = tr("server busy (%1): trying again in %2 s").arg(why).arg(afterMs / 1000.0);
    statusChanged();
    m_wait.disconnect();
    connect(&m_wait, &QTimer::timeout, this, &FhirPoller::fetch);
    m_wait.start(afterMs);
}

void FhirPoller::statusChanged()
{
    if (!m_statusTimer.isActive())
        m_statusTimer.start();
}

void FhirPoller::emitStatuses()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    IngestStatuses statuses;
    for (const QString &type : m_settings.types) {
        const TypeState &state = m_types.at(type.toStdString());
        IngestSourceStatus status;
        status.source = QStringLiteral("poll %1").arg(QString::fromStdString(cursorBase()));
        status.name = type;
        status.state = state.state;
        status.lastEventMs = state.lastEventMs;
        status.eventsPerMinute = state.rate.perMinute(now);
        status.events = state.events;
        status.duplicates = state.repeated;
        status.errors = state.errors;
        status.lastError = state.lastError;
        statuses.append(status);
    }
    Q_EMIT statusesChanged(statuses);
}
