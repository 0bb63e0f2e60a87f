#include "cluster/clienthealth.h"

QString ClientHealth::nameOf(const ClientStatistics &statistics)
{
    // librdkafka names a client "<client.id>#producer-N"; its default client.id, "rdkafka", says nothing.
    if (statistics.clientId.isEmpty() || statistics.clientId == u"rdkafka"
        || statistics.client.startsWith(statistics.clientId + u'#'))
        return statistics.client;
    return QStringLiteral("%1 (%2)").arg(statistics.clientId, statistics.client);
}

QList<ConsoleAlert> ClientHealth::update(const ClientStatistics &statistics, qint64 nowMs)
{
    const QString name = nameOf(statistics);
    ClientHealthRow &row = m_rows[name];
    Previous &previous = m_previous[name];
    row.name = name;
    row.type = statistics.type;
    row.brokersUp = statistics.brokersUp;
    row.brokersTotal = statistics.brokersTotal;
    if (previous.timestampUs > 0 && statistics.timestampUs > previous.timestampUs) {
        const double seconds = double(statistics.timestampUs - previous.timestampUs) / 1e6;
        row.sentPerSecond = double(qMax<qint64>(0, statistics.sentMessages - previous.sent)) / seconds;
        row.receivedPerSecond = double(qMax<qint64>(0, statistics.receivedMessages - previous.received)) / seconds;
    }
    previous = {statistics.timestampUs, statistics.sentMessages, statistics.receivedMessages};
    row.failedDeliveries = statistics.failedDeliveries;
    row.averageRttMs = statistics.averageRttMs;
    row.p99RttMs = statistics.p99RttMs;
    row.queuedMessages = statistics.queuedMessages;
    row.requestsInFlight = statistics.requestsInFlight;
    row.lastSeenMs = nowMs;

    QList<ConsoleAlert> changes;
    if (statistics.type == u"producer") {
        // Rate and duration by the report's own clock (librdkafka's monotonic "ts": when the counter was
        // read), not by when the report reached this thread; the alert is stamped with the wall time.
        changes = m_rules.observeClientErrors(name, statistics.failedDeliveries, statistics.timestampUs / 1000);
        for (auto &change : changes)
            change.atMs = nowMs;
        row.produceErrorsPerSecond = m_rules.lastErrorRate(name);
        for (const auto &change : std::as_const(changes))
            row.erring = change.firing;
    }

    for (auto it = m_rows.begin(); it != m_rows.end();) {
        if (nowMs - it->lastSeenMs > m_forgetAfterMs && !it->erring) {
            m_previous.remove(it.key());
            m_rules.forgetClient(it.key());
            it = m_rows.erase(it);
        } else {
            ++it;
        }
    }
    return changes;
}
