#pragma once

#include <QHash>
#include <QList>
#include <QRegularExpression>
#include <QString>

// A condition that must hold continuously for a duration before it fires, and clears the moment it
// stops holding: the shape of every alert rule in the seed (lag, under-replication, produce errors).
class SustainedCondition {
public:
    enum class Change { None, Fired, Cleared };
    explicit SustainedCondition(qint64 durationMs = 0) : m_durationMs(durationMs) {}
    void setDuration(qint64 ms) { m_durationMs = ms; }
    Change update(bool holds, qint64 nowMs);
    bool firing() const { return m_firing; }
    qint64 holdingSinceMs() const { return m_sinceMs; }

private:
    qint64 m_durationMs;
    qint64 m_sinceMs = -1;
    bool m_firing = false;
};

// One raised or cleared alert, for the console.
struct ConsoleAlert {
    QString rule;     // "consumer lag", "under-replicated partitions", "produce error rate"
    QString subject;  // group id, "cluster", client name
    QString message;
    bool firing = true;
    qint64 atMs = 0;
};

struct LagRuleSettings {
    QString groupPattern = QStringLiteral("clinical-.*");
    qint64 threshold = 30'000;
    qint64 durationMs = 5 * 60 * 1000;
};

// The seed's consumer-lag rule: lag above threshold for a duration, for groups whose id matches a
// pattern (default: lag > 30,000 for 5 minutes on groups matching `clinical-.*`). Fires and clears.
class LagRule {
public:
    using Settings = LagRuleSettings;
    explicit LagRule(Settings settings = Settings());
    void setSettings(const Settings &settings);
    const Settings &settings() const { return m_settings; }
    bool applies(const QString &group) const;

    // Feeds one observation of a group's total lag; returns a change when the alert fires or clears.
    QList<ConsoleAlert> observe(const QString &group, qint64 totalLag, qint64 nowMs);
    bool firing(const QString &group) const;
    QStringList firingGroups() const;

private:
    Settings m_settings;
    QRegularExpression m_pattern;
    QHash<QString, SustainedCondition> m_groups;
};

// The seed's cluster rules: any under-replicated partition (for a duration, default immediately),
// and a client's produce error rate above 0.01/s for 3 minutes.
class ClusterRules {
public:
    qint64 underReplicatedDurationMs = 0;
    double produceErrorRate = 0.01;
    qint64 produceErrorDurationMs = 3 * 60 * 1000;

    QList<ConsoleAlert> observeUnderReplicated(int partitions, qint64 nowMs);
    // errorsTotal is a client's cumulative error counter; the rate is taken between observations.
    QList<ConsoleAlert> observeClientErrors(const QString &client, qint64 errorsTotal, qint64 nowMs);
    double lastErrorRate(const QString &client) const { return m_clients.value(client).rate; }
    void forgetClient(const QString &client) { m_clients.remove(client); }

private:
    SustainedCondition m_urp;
    struct ClientState {
        qint64 lastErrors = -1;
        qint64 lastAtMs = 0;
        double rate = 0;
        SustainedCondition condition;
    };
    QHash<QString, ClientState> m_clients;
};
