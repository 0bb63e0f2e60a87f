#include "cluster/lagrule.h"

SustainedCondition::Change SustainedCondition::update(bool holds, qint64 nowMs)
{
    if (!holds) {
        m_sinceMs = -1;
        if (m_firing) {
            m_firing = false;
            return Change::Cleared;
        }
        return Change::None;
    }
    if (m_sinceMs < 0)
        m_sinceMs = nowMs;
    if (!m_firing && nowMs - m_sinceMs >= m_durationMs) {
        m_firing = true;
        return Change::Fired;
    }
    return Change::None;
}

LagRule::LagRule(Settings settings)
{
    setSettings(settings);
}

void LagRule::setSettings(const Settings &settings)
{
    m_settings = settings;
    m_pattern = QRegularExpression(QRegularExpression::anchoredPattern(settings.groupPattern));
    for (auto &condition : m_groups)
        condition.setDuration(settings.durationMs);
}

bool LagRule::applies(const QString &group) const
{
    return m_pattern.isValid() && m_pattern.match(group).hasMatch();
}

QList<ConsoleAlert> LagRule::observe(const QString &group, qint64 totalLag, qint64 nowMs)
{
    if (!applies(group))
        return {};
    auto it = m_groups.find(group);
    if (it == m_groups.end())
        it = m_groups.insert(group, SustainedCondition(m_settings.durationMs));
    const auto change = it->update(totalLag > m_settings.threshold, nowMs);
    if (change == SustainedCondition::Change::None)
        return {};
    ConsoleAlert alert;
    alert.rule = QStringLiteral("consumer lag");
    alert.subject = group;
    alert.firing = change == SustainedCondition::Change::Fired;
    alert.atMs = nowMs;
    alert.message = alert.firing ? QStringLiteral("%1 is %2 messages behind (over %3 for %4 min)")
                                       .arg(group)
                                       .arg(totalLag)
                                       .arg(m_settings.threshold)
                                       .arg(double(m_settings.durationMs) / 60000.0)
                                 : QStringLiteral("%1 has caught up (%2 messages behind)").arg(group).arg(totalLag);
    return {alert};
}

bool LagRule::firing(const QString &group) const
{
    return m_groups.value(group).firing();
}

QStringList LagRule::firingGroups() const
{
    QStringList groups;
    for (auto it = m_groups.begin(); it != m_groups.end(); ++it) {
        if (it->firing())
            groups.append(it.key());
    }
    groups.sort();
    return groups;
}

QList<ConsoleAlert> ClusterRules::observeUnderReplicated(int partitions, qint64 nowMs)
{
    m_urp.setDuration(underReplicatedDurationMs);
    const auto change = m_urp.update(partitions > 0, nowMs);
    if (change == SustainedCondition::Change::None)
        return {};
    const bool firing = change == SustainedCondition::Change::Fired;
    return {{QStringLiteral("under-replicated partitions"), QStringLiteral("cluster"),
             firing ? QStringLiteral("%1 partitions are under-replicated").arg(partitions)
                    : QStringLiteral("every partition is fully replicated again"),
             firing, nowMs}};
}

QList<ConsoleAlert> ClusterRules::observeClientErrors(const QString &client, qint64 errorsTotal, qint64 nowMs)
{
    ClientState &state = m_clients[client];
    state.condition.setDuration(produceErrorDurationMs);
    if (state.lastErrors >= 0 && nowMs > state.lastAtMs)
        state.rate = double(qMax<qint64>(0, errorsTotal - state.lastErrors)) * 1000.0 / double(nowMs - state.lastAtMs);
    const bool first = state.lastErrors < 0;
    state.lastErrors = errorsTotal;
    state.lastAtMs = nowMs;
    if (first)
        return {};
    const auto change = state.condition.update(state.rate > produceErrorRate, nowMs);
    if (change == SustainedCondition::Change::None)
        return {};
    const bool firing = change == SustainedCondition::Change::Fired;
    return {{QStringLiteral("produce error rate"), client,
             firing ? QStringLiteral("%1: %2 errors/s (over %3/s for %4 min)")
                          .arg(client)
                          .arg(state.rate, 0, 'f', 3)
                          .arg(produceErrorRate)
                          .arg(double(produceErrorDurationMs) / 60000.0)
                    : QStringLiteral("%1: error rate back to %2/s").arg(client).arg(state.rate, 0, 'f', 3),
             firing, nowMs}};
}
