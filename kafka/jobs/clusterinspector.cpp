#include "jobs/clusterinspector.h"

#include "client/clientroles.h"
#include "client/consumer.h"
#include "client/kafkaerror.h"
#include "client/producer.h"
#include "client/topicmetadata.h"
#include "jobs/topicprovisioner.h"
#include "base/text.h"
#include "base/topics.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QCoreApplication>
#include <QPointer>
#include <QThread>
#include <QTimer>

#include <algorithm>

Q_LOGGING_CATEGORY(lcInspector, "vigil.inspector", QtInfoMsg)

namespace {

constexpr int RateHistory = 60;
constexpr int WatermarkHistory = 720;
constexpr int BackOffRefreshes = 30;

struct EventDeleter {
    void operator()(rd_kafka_event_t *event) const { rd_kafka_event_destroy(event); }
};
using EventPtr = std::unique_ptr<rd_kafka_event_t, EventDeleter>;
struct OptionsDeleter {
    void operator()(rd_kafka_AdminOptions_t *options) const { rd_kafka_AdminOptions_destroy(options); }
};
using OptionsPtr = std::unique_ptr<rd_kafka_AdminOptions_t, OptionsDeleter>;

QString errorText(rd_kafka_resp_err_t code)
{
    return QString::fromUtf8(rd_kafka_err2str(code));
}

bool unsupported(rd_kafka_resp_err_t code)
{
    // A timed-out admin request counts too: the mock cluster leaves them unanswered.
    return code == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE || code == RD_KAFKA_RESP_ERR__TIMED_OUT || code == RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION
        || code == RD_KAFKA_RESP_ERR_INVALID_REQUEST;
}

} // namespace

ClusterInspector::ClusterInspector(InspectorSettings settings, QObject *parent)
    : KafkaWorker(parent), m_settings(std::move(settings))
{
    qRegisterMetaType<ClusterSnapshot>();
}

ClusterInspector::~ClusterInspector() = default;

QString ClusterInspector::probe(const ClientConfig &config, int timeoutMs)
{
    try {
        Producer client(ClientRoles::adminClient(config, QStringLiteral("vigil-connection-test")));
        QString refused; // errors are served by poll(), on this thread
        client.callbacks().onError = [&refused](const ClientError &error) {
            if (refused.isEmpty() || error.code == RD_KAFKA_RESP_ERR__AUTHENTICATION)
                refused = error.message;
        };
        const rd_kafka_metadata_t *raw = nullptr;
        const rd_kafka_resp_err_t error = rd_kafka_metadata(client.handle(), 0, nullptr, &raw, timeoutMs);
        if (error == RD_KAFKA_RESP_ERR_NO_ERROR) {
            rd_kafka_metadata_destroy(raw);
            return {};
        }
        rd_kafka_poll(client.handle(), 0);
        return refused.isEmpty() ? clientError(error, QStringLiteral("metadata")).message : refused;
    } catch (const std::exception &error) {
        return QString::fromUtf8(error.what());
    }
}

void ClusterInspector::open()
{
    ClientConfig admin = m_settings.config;
    admin.setDefault(QStringLiteral("statistics.interval.ms"), QStringLiteral("500")); // the brokers' states, soon
    m_admin = std::make_unique<Producer>(ClientRoles::adminClient(admin, QStringLiteral("vigil-inspector")));
    m_admin->callbacks().onError = [this](const ClientError &error) { Q_EMIT errorOccurred(error); };
    m_admin->callbacks().onStatistics = [this](const ClientStatistics &statistics) {
        for (const auto &[id, state] : statistics.brokerStates)
            m_brokerStates.insert(id, state);
        Q_EMIT statisticsUpdated(statistics);
    };
    ClientConfig peek = ClientRoles::assignOnlyReader(m_settings.config, QStringLiteral("vigil-inspector-peek"));
    peek.set(QStringLiteral("fetch.wait.max.ms"), QStringLiteral("20"));
    m_peek = std::make_unique<Consumer>(peek);

    if (!m_timer) {
        m_timer = new QTimer(this);
        connect(m_timer, &QTimer::timeout, this, &ClusterInspector::refresh);
    }
    m_timer->setInterval(m_settings.refreshMs);
    m_timer->start();
    QMetaObject::invokeMethod(this, &ClusterInspector::refresh, Qt::QueuedConnection);
}

void ClusterInspector::setRefreshInterval(int ms)
{
    m_settings.refreshMs = qMax(200, ms);
    if (m_timer)
        m_timer->setInterval(m_settings.refreshMs);
    Q_EMIT refreshIntervalChanged(m_settings.refreshMs);
}

void ClusterInspector::addGroup(const QString &groupId)
{
    const QString id = groupId.trimmed();
    if (!id.isEmpty() && !m_settings.groups.contains(id))
        m_settings.groups.append(id);
}

void ClusterInspector::removeGroup(const QString &groupId)
{
    m_settings.groups.removeAll(groupId);
}

void ClusterInspector::releaseClients()
{
    if (m_timer)
        m_timer->stop();
    if (m_peek) {
        m_peek->close(2000);
        m_peek.reset();
    }
    m_admin.reset();
}

rd_kafka_event_t *ClusterInspector::awaitAdmin(rd_kafka_queue_t *queue)
{
    // The admin request itself carries the timeout; this deadline is a backstop.
    return rd_kafka_queue_poll(queue, m_settings.requestTimeoutMs + 1000);
}

void ClusterInspector::refresh()
{
    if (!m_admin || m_refreshing)
        return;
    m_refreshing = true;
    const qint64 started = QDateTime::currentMSecsSinceEpoch();
    ClusterSnapshot snapshot;
    snapshot.bootstrap = m_settings.config.bootstrapServers();
    m_admin->poll(0); // statistics: the brokers' connection states
    QElapsedTimer phase;
    phase.start();
    const auto timed = [&phase](const char *what) { qCDebug(lcInspector) << what << "took" << phase.restart() << "ms"; };
    try {
        readMetadata(snapshot);
        timed("metadata");
        QSet<int> unresponsive;
        // A broker whose connection librdkafka saw break is not asked this refresh.
        for (auto it = m_brokerStates.cbegin(); it != m_brokerStates.cend(); ++it) {
            if (*it != u"UP" && *it != u"INIT" && *it != u"UPDATE")
                unresponsive.insert(it.key());
        }
        readWatermarks(snapshot, unresponsive);
        timed("watermarks");
        m_admin->poll(0);
        for (auto &broker : snapshot.brokers) {
            broker.state = m_brokerStates.value(broker.id, QStringLiteral("INIT"));
            // INIT: never needed yet, so not known to be down. Anything else but UP is a broken connection.
            broker.up = !unresponsive.contains(broker.id) && (broker.state == u"UP" || broker.state == u"INIT" || broker.state == u"UPDATE");
            m_seenBrokers.insert(broker.id, broker);
        }
        // A KRaft cluster leaves a stopped broker out of its metadata: one seen before is down, not gone.
        for (const BrokerInfo &seen : std::as_const(m_seenBrokers)) {
            const bool listed = std::any_of(snapshot.brokers.cbegin(), snapshot.brokers.cend(),
                                            [&seen](const BrokerInfo &broker) { return broker.id == seen.id; });
            if (listed)
                continue;
            BrokerInfo missing = seen;
            missing.up = false;
            missing.state = QStringLiteral("not in the cluster's metadata");
            snapshot.brokers.append(missing);
        }
        std::sort(snapshot.brokers.begin(), snapshot.brokers.end(), [](const BrokerInfo &a, const BrokerInfo &b) { return a.id < b.id; });
        QSet<int> down;
        for (const auto &broker : std::as_const(snapshot.brokers)) {
            if (!broker.up)
                down.insert(broker.id);
        }
        for (auto &topic : snapshot.topics) {
            for (auto &partition : topic.partitions) {
                for (int replica : std::as_const(partition.replicas)) {
                    if (down.contains(replica))
                        partition.replicasOnDownBrokers.append(replica);
                }
            }
        }
        readConfigs(snapshot);
        timed("configs");
        readDrift(snapshot);
        timed("drift");
        readAccess(snapshot);
        timed("access");
        readGroups(snapshot);
        timed("groups");
        readLagTimes(snapshot);
        timed("lag times");
    } catch (const KafkaException &error) {
        snapshot.error = error.error().message;
        Q_EMIT errorOccurred(error.error());
    } catch (const std::exception &error) {
        snapshot.error = QString::fromUtf8(error.what());
    }
    snapshot.takenAtMs = QDateTime::currentMSecsSinceEpoch();
    snapshot.refreshMs = snapshot.takenAtMs - started;
    ++m_refreshes;
    m_refreshing = false;
    Q_EMIT snapshotReady(snapshot);
}

void ClusterInspector::probeInBackground(const ClientConfig &config, QObject *receiver, std::function<void(const QString &)> done)
{
    QThread *thread = QThread::create([config, receiver = QPointer(receiver), done = std::move(done)] {
        const QString error = probe(config, 10'000);
        // Checked on the application's thread, where the receiver lives and dies.
        QMetaObject::invokeMethod(QCoreApplication::instance(), [receiver, done, error] {
            if (receiver)
                done(error);
        });
    });
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
}

void ClusterInspector::readMetadata(ClusterSnapshot &snapshot)
{
    const rd_kafka_metadata_t *raw = nullptr;
    throwIfError(rd_kafka_metadata(m_admin->handle(), 1, nullptr, &raw, m_settings.requestTimeoutMs), QStringLiteral("metadata"));
    const RdMetadataPtr md(raw);
    snapshot.controllerId = -1;
    for (int b = 0; b < md->broker_cnt; ++b)
        snapshot.brokers.append({md->brokers[b].id, QString::fromUtf8(md->brokers[b].host), md->brokers[b].port, true, {}});
    std::sort(snapshot.brokers.begin(), snapshot.brokers.end(), [](const BrokerInfo &a, const BrokerInfo &b) { return a.id < b.id; });
    for (int t = 0; t < md->topic_cnt; ++t) {
        const auto &mt = md->topics[t];
        TopicInfo topic;
        topic.name = QString::fromUtf8(mt.topic);
        topic.internal = topic.name.startsWith(u"__");
        if (mt.err)
            topic.error = errorText(mt.err);
        for (int p = 0; p < mt.partition_cnt; ++p) {
            const auto &mp = mt.partitions[p];
            PartitionInfo partition;
            partition.id = mp.id;
            partition.leader = mp.leader;
            for (int r = 0; r < mp.replica_cnt; ++r)
                partition.replicas.append(mp.replicas[r]);
            for (int r = 0; r < mp.isr_cnt; ++r)
                partition.isr.append(mp.isrs[r]);
            if (mp.err)
                partition.error = errorText(mp.err);
            topic.partitions.append(partition);
        }
        std::sort(topic.partitions.begin(), topic.partitions.end(), [](const PartitionInfo &a, const PartitionInfo &b) { return a.id < b.id; });
        snapshot.topics.append(topic);
    }
}

// Watermarks through listOffsets (topicmetadata.h), which keeps to the request timeout when a leader
// goes away mid-refresh; a leader that leaves a partition unanswered is not asked for the low ones.
void ClusterInspector::readWatermarks(ClusterSnapshot &snapshot, QSet<int> &unresponsive)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QList<PartitionKey> asked;
    QHash<PartitionKey, int> leaders;
    for (auto &topic : snapshot.topics) {
        for (auto &partition : topic.partitions) {
            if (partition.leader < 0 || unresponsive.contains(partition.leader)) {
                if (partition.error.isEmpty())
                    partition.error = partition.leader < 0 ? QStringLiteral("no leader")
                                                           : QStringLiteral("leader %1 not answering").arg(partition.leader);
                continue;
            }
            asked.append({topic.name, partition.id});
            leaders.insert(asked.last(), partition.leader);
        }
    }
    rd_kafka_resp_err_t highError = RD_KAFKA_RESP_ERR_NO_ERROR;
    const auto highs = listOffsets(m_admin->handle(), asked, RD_KAFKA_OFFSET_END, m_settings.requestTimeoutMs, &highError);
    // A leader that did not answer for one of its partitions is not asked again this refresh.
    QList<PartitionKey> answeredHigh;
    for (const auto &key : std::as_const(asked)) {
        if (highs.contains(key))
            answeredHigh.append(key);
        else
            unresponsive.insert(leaders.value(key));
    }
    rd_kafka_resp_err_t lowError = RD_KAFKA_RESP_ERR_NO_ERROR;
    const auto lows = listOffsets(m_admin->handle(), answeredHigh, RD_KAFKA_OFFSET_BEGINNING, m_settings.requestTimeoutMs, &lowError);

    QSet<QString> present;
    for (auto &topic : snapshot.topics) {
        present.insert(topic.name);
        qint64 produced = 0;
        double elapsedS = 0;
        bool rateKnown = !topic.partitions.isEmpty();
        for (auto &partition : topic.partitions) {
            const PartitionKey key{topic.name, partition.id};
            if (!highs.contains(key) || !lows.contains(key)) {
                if (partition.error.isEmpty())
                    partition.error = QStringLiteral("watermarks: ")
                        + (highError || lowError ? errorText(highError ? highError : lowError)
                                                 : QStringLiteral("leader %1 did not answer").arg(partition.leader));
                rateKnown = false;
                continue;
            }
            partition.low = lows.value(key);
            partition.high = highs.value(key);
            auto &history = m_watermarks[key];
            if (!history.empty() && now > history.back().atMs) {
                produced += qMax<qint64>(0, partition.high - history.back().high);
                elapsedS = qMax(elapsedS, double(now - history.back().atMs) / 1000.0);
            } else {
                rateKnown = false;
            }
            history.push_back({now, partition.high});
            while (history.size() > WatermarkHistory)
                history.pop_front();
        }
        auto &rates = m_rates[topic.name];
        if (rateKnown && elapsedS > 0) {
            topic.produceRate = double(produced) / elapsedS;
            rates.push_back(topic.produceRate);
            while (rates.size() > RateHistory)
                rates.pop_front();
        }
        topic.rateHistory = QList<double>(rates.begin(), rates.end());
    }
    // Forget deleted topics so a long-running console keeps flat memory.
    for (auto it = m_rates.begin(); it != m_rates.end();) {
        if (!present.contains(it.key()))
            it = m_rates.erase(it);
        else
            ++it;
    }
    for (auto it = m_watermarks.begin(); it != m_watermarks.end();) {
        if (!present.contains(it.key().first))
            it = m_watermarks.erase(it);
        else
            ++it;
    }
}

void ClusterInspector::readConfigs(ClusterSnapshot &snapshot)
{
    if (m_refreshes < m_configsRetryAt) {
        snapshot.configsNote = m_configsNote;
        return;
    }
    std::vector<rd_kafka_ConfigResource_t *> resources;
    for (const auto &topic : std::as_const(snapshot.topics)) {
        if (!topic.internal)
            resources.push_back(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.name.toUtf8().constData()));
    }
    if (resources.empty()) {
        snapshot.configsAnswered = false;
        snapshot.configsNote = QStringLiteral("no topics");
        return;
    }
    RdQueuePtr queue(rd_kafka_queue_new(m_admin->handle()));
    OptionsPtr options(rd_kafka_AdminOptions_new(m_admin->handle(), RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS));
    char errstr[256];
    rd_kafka_AdminOptions_set_request_timeout(options.get(), m_settings.requestTimeoutMs, errstr, sizeof errstr);
    rd_kafka_DescribeConfigs(m_admin->handle(), resources.data(), resources.size(), options.get(), queue.get());
    rd_kafka_ConfigResource_destroy_array(resources.data(), resources.size());
    EventPtr event(awaitAdmin(queue.get()));
    if (!event || unsupported(rd_kafka_event_error(event.get()))) {
        snapshot.configsNote = m_configsNote = notSupportedByThisCluster() + QStringLiteral(" (DescribeConfigs unanswered)");
        m_configsRetryAt = m_refreshes + BackOffRefreshes;
        return;
    }
    if (rd_kafka_event_error(event.get())) {
        snapshot.configsNote = QStringLiteral("DescribeConfigs: ") + QString::fromUtf8(rd_kafka_event_error_string(event.get()));
        return;
    }
    const auto *result = rd_kafka_event_DescribeConfigs_result(event.get());
    size_t count = 0;
    const rd_kafka_ConfigResource_t **answered = rd_kafka_DescribeConfigs_result_resources(result, &count);
    snapshot.configsAnswered = true;
    for (size_t i = 0; i < count; ++i) {
        const QString name = QString::fromUtf8(rd_kafka_ConfigResource_name(answered[i]));
        for (auto &topic : snapshot.topics) {
            if (topic.name != name)
                continue;
            if (const auto err = rd_kafka_ConfigResource_error(answered[i])) {
                topic.configsNote = errorText(err);
                break;
            }
            topic.configsAnswered = true;
            size_t entries = 0;
            const rd_kafka_ConfigEntry_t **configs = rd_kafka_ConfigResource_configs(answered[i], &entries);
            for (size_t e = 0; e < entries; ++e) {
                const char *value = rd_kafka_ConfigEntry_value(configs[e]);
                topic.configs.append({QString::fromUtf8(rd_kafka_ConfigEntry_name(configs[e])),
                                      rd_kafka_ConfigEntry_is_sensitive(configs[e]) ? QStringLiteral("(sensitive)")
                                                                                    : QString::fromUtf8(value ? value : ""),
                                      rd_kafka_ConfigEntry_is_default(configs[e]) != 0});
            }
            break;
        }
    }
    for (auto &topic : snapshot.topics) {
        if (!topic.configsAnswered && topic.configsNote.isEmpty())
            topic.configsNote = topic.internal ? QStringLiteral("internal topic") : QStringLiteral("no answer for this topic");
    }
}

void ClusterInspector::readDrift(ClusterSnapshot &snapshot)
{
    // The layout changes rarely; compare on the first refresh and every twelfth after it, and not while
    // the cluster leaves DescribeConfigs unanswered (each check would spend a timeout to learn nothing).
    if (m_settings.checkLayoutDrift && m_refreshes % 12 == 0 && (m_refreshes == 0 || snapshot.configsAnswered)) {
        m_drift.clear();
        m_driftNote.clear();
        try {
            for (const auto &drift : TopicProvisioner(m_settings.config, m_settings.requestTimeoutMs).check()) {
                m_drift[drift.topic].append(drift.unanswerable
                                                ? QStringLiteral("%1: cannot check (%2)").arg(drift.check, drift.actual)
                                                : QStringLiteral("%1: expected %2, is %3").arg(drift.check, drift.expected, drift.actual));
            }
        } catch (const std::exception &error) {
            m_driftNote = QString::fromUtf8(error.what());
        }
    }
    for (auto &topic : snapshot.topics) {
        topic.drift = m_drift.value(topic.name);
        if (!topic.configsAnswered && topic.configsNote.isEmpty())
            topic.configsNote = snapshot.configsNote;
    }
    if (!snapshot.configsAnswered) {
        for (auto &topic : snapshot.topics) {
            if (topic.configsNote.isEmpty())
                topic.configsNote = snapshot.configsNote;
        }
    }
}

// A principal is shown only the topics it may describe: the metadata leaves the others out without
// a word. The layout's topics missing from it are asked for by name (through the consumer, which never
// has a topic created by asking), on the drift check's cadence; one refused says it was the ACL.
void ClusterInspector::readAccess(ClusterSnapshot &snapshot)
{
    if (m_refreshes % 12 == 0) {
        QStringList denied;
        int code = RD_KAFKA_RESP_ERR_NO_ERROR;
        for (const auto &spec : Topics::recommendedLayout()) {
            const QString name = Text::toQString(spec.name);
            if (snapshot.topic(name))
                continue;
            const std::string topicName(spec.name);
            rd_kafka_topic_t *handle = rd_kafka_topic_new(m_peek->handle(), topicName.c_str(), nullptr);
            const rd_kafka_metadata_t *raw = nullptr;
            const auto error = rd_kafka_metadata(m_peek->handle(), 0, handle, &raw, m_settings.requestTimeoutMs);
            rd_kafka_topic_destroy(handle);
            if (error)
                continue;
            const RdMetadataPtr md(raw);
            if (md->topic_cnt == 1 && isAuthorizationError(md->topics[0].err)) {
                denied.append(name);
                code = md->topics[0].err;
            }
        }
        m_accessNote = denied.isEmpty() ? QString() : deniedError(code, QStringLiteral("describe ") + denied.join(QStringLiteral(", "))).message;
    }
    snapshot.accessNote = m_accessNote;
}

void ClusterInspector::readGroups(ClusterSnapshot &snapshot)
{
    QStringList ids;
    if (m_refreshes < m_listRetryAt) {
        snapshot.groupsNote = m_listNote;
    } else {
        RdQueuePtr queue(rd_kafka_queue_new(m_admin->handle()));
        OptionsPtr options(rd_kafka_AdminOptions_new(m_admin->handle(), RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS));
        char errstr[256];
        rd_kafka_AdminOptions_set_request_timeout(options.get(), m_settings.requestTimeoutMs, errstr, sizeof errstr);
        rd_kafka_ListConsumerGroups(m_admin->handle(), options.get(), queue.get());
        EventPtr event(awaitAdmin(queue.get()));
        if (!event || unsupported(rd_kafka_event_error(event.get()))) {
            snapshot.groupsNote = m_listNote = notSupportedByThisCluster() + QStringLiteral(" (ListConsumerGroups unanswered)");
            m_listRetryAt = m_refreshes + BackOffRefreshes;
        } else if (rd_kafka_event_error(event.get())) {
            snapshot.groupsNote = QStringLiteral("ListConsumerGroups: ") + QString::fromUtf8(rd_kafka_event_error_string(event.get()));
        } else {
            const auto *result = rd_kafka_event_ListConsumerGroups_result(event.get());
            size_t count = 0;
            const rd_kafka_ConsumerGroupListing_t **listed = rd_kafka_ListConsumerGroups_result_valid(result, &count);
            size_t errors = 0;
            rd_kafka_ListConsumerGroups_result_errors(result, &errors);
            // Every broker answers for its own groups; with none answering, the cluster cannot list.
            snapshot.groupsListed = count > 0 || errors == 0;
            if (!snapshot.groupsListed) {
                snapshot.groupsNote = m_listNote = notSupportedByThisCluster() + QStringLiteral(" (ListConsumerGroups unanswered)");
                m_listRetryAt = m_refreshes + BackOffRefreshes;
            }
            for (size_t i = 0; i < count && ids.size() < 500; ++i)
                ids.append(QString::fromUtf8(rd_kafka_ConsumerGroupListing_group_id(listed[i])));
        }
    }
    const QStringList listed = ids;
    for (const auto &id : std::as_const(m_settings.groups)) {
        if (!ids.contains(id))
            ids.append(id);
    }
    QHash<QString, ConsumerGroupInfo> groups;
    for (const auto &id : std::as_const(ids)) {
        ConsumerGroupInfo group;
        group.id = id;
        group.discovered = listed.contains(id);
        groups.insert(id, group);
    }
    if (!ids.isEmpty() && !snapshot.groupsListed) {
        // A cluster that cannot list groups cannot describe them either (the embedded one), and
        // librdkafka 2.0.2 crashes on that cluster's answer to DescribeConsumerGroups: not asked.
        for (auto &g : groups)
            g.error = notSupportedByThisCluster() + QStringLiteral(" (DescribeConsumerGroups)");
    } else if (!ids.isEmpty() && m_refreshes < m_describeRetryAt) {
        for (auto &g : groups)
            g.error = m_describeNote;
    } else if (!ids.isEmpty()) {
        std::vector<QByteArray> names;
        std::vector<const char *> pointers;
        for (const auto &id : std::as_const(ids))
            names.push_back(id.toUtf8());
        for (const auto &n : names)
            pointers.push_back(n.constData());
        RdQueuePtr queue(rd_kafka_queue_new(m_admin->handle()));
        OptionsPtr options(rd_kafka_AdminOptions_new(m_admin->handle(), RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS));
        char errstr[256];
        rd_kafka_AdminOptions_set_request_timeout(options.get(), m_settings.requestTimeoutMs, errstr, sizeof errstr);
        rd_kafka_DescribeConsumerGroups(m_admin->handle(), pointers.data(), pointers.size(), options.get(), queue.get());
        EventPtr event(awaitAdmin(queue.get()));
        if (event && !rd_kafka_event_error(event.get())) {
            const auto *result = rd_kafka_event_DescribeConsumerGroups_result(event.get());
            size_t count = 0;
            const rd_kafka_ConsumerGroupDescription_t **described = rd_kafka_DescribeConsumerGroups_result_groups(result, &count);
            for (size_t i = 0; i < count; ++i) {
                const QString id = QString::fromUtf8(rd_kafka_ConsumerGroupDescription_group_id(described[i]));
                auto it = groups.find(id);
                if (it == groups.end())
                    continue;
                if (const rd_kafka_error_t *error = rd_kafka_ConsumerGroupDescription_error(described[i])) {
                    const auto code = rd_kafka_error_code(error);
                    if (unsupported(code)) {
                        it->error = m_describeNote = notSupportedByThisCluster() + QStringLiteral(" (DescribeConsumerGroups unanswered)");
                        m_describeRetryAt = m_refreshes + BackOffRefreshes;
                    } else {
                        it->error = QString::fromUtf8(rd_kafka_error_string(error));
                    }
                    continue;
                }
                snapshot.groupsDescribed = true;
                it->described = true;
                it->state = QString::fromUtf8(rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(described[i])));
                const size_t members = rd_kafka_ConsumerGroupDescription_member_count(described[i]);
                for (size_t m = 0; m < members; ++m) {
                    const auto *member = rd_kafka_ConsumerGroupDescription_member(described[i], m);
                    GroupMember gm;
                    gm.memberId = QString::fromUtf8(rd_kafka_MemberDescription_consumer_id(member));
                    gm.clientId = QString::fromUtf8(rd_kafka_MemberDescription_client_id(member));
                    gm.host = QString::fromUtf8(rd_kafka_MemberDescription_host(member));
                    if (const auto *assignment = rd_kafka_MemberDescription_assignment(member)) {
                        if (const auto *parts = rd_kafka_MemberAssignment_partitions(assignment)) {
                            for (int p = 0; p < parts->cnt; ++p)
                                gm.assignment.append(QStringLiteral("%1[%2]").arg(QString::fromUtf8(parts->elems[p].topic)).arg(parts->elems[p].partition));
                        }
                    }
                    it->members.append(gm);
                }
            }
        } else {
            const auto err = event ? rd_kafka_event_error(event.get()) : RD_KAFKA_RESP_ERR__TIMED_OUT;
            QString why = QStringLiteral("describe: ") + (event ? QString::fromUtf8(rd_kafka_event_error_string(event.get())) : QStringLiteral("no answer"));
            if (unsupported(err)) {
                why = m_describeNote = notSupportedByThisCluster() + QStringLiteral(" (DescribeConsumerGroups unanswered)");
                m_describeRetryAt = m_refreshes + BackOffRefreshes;
            }
            for (auto &g : groups)
                g.error = why;
        }
    }
    for (const auto &id : std::as_const(ids)) {
        ConsumerGroupInfo group = groups.value(id);
        readCommitted(group, snapshot);
        snapshot.groups.append(group);
    }
}

void ClusterInspector::readCommitted(ConsumerGroupInfo &group, const ClusterSnapshot &snapshot)
{
    // Every partition is asked for explicitly: the mock cluster does not answer "all of them".
    RdPartitionListPtr list(rd_kafka_topic_partition_list_new(64));
    for (const auto &topic : snapshot.topics) {
        if (topic.internal)
            continue;
        for (const auto &p : topic.partitions)
            rd_kafka_topic_partition_list_add(list.get(), topic.name.toUtf8().constData(), p.id);
    }
    if (list->cnt == 0)
        return;
    // Asked through the peek consumer, never the admin producer: when the group's coordinator moves
    // (NOT_COORDINATOR, a node stopped or still electing), librdkafka queues a coordinator query on the
    // client's consumer group, which a producer does not have: a NULL dereference in its rdk:main
    // thread (2.0.2 up to at least 2.15.0, upstream issue #5040; it crashed the broker drill).
    rd_kafka_t *client = m_peek->handle();
    const QByteArray id = group.id.toUtf8();
    rd_kafka_ListConsumerGroupOffsets_t *request = rd_kafka_ListConsumerGroupOffsets_new(id.constData(), list.get());
    RdQueuePtr queue(rd_kafka_queue_new(client));
    OptionsPtr options(rd_kafka_AdminOptions_new(client, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS));
    char errstr[256];
    rd_kafka_AdminOptions_set_request_timeout(options.get(), m_settings.requestTimeoutMs, errstr, sizeof errstr);
    rd_kafka_ListConsumerGroupOffsets(client, &request, 1, options.get(), queue.get());
    rd_kafka_ListConsumerGroupOffsets_destroy(request);
    EventPtr event(awaitAdmin(queue.get()));
    if (!event) {
        group.error = QStringLiteral("committed offsets: no answer within %1 ms").arg(m_settings.requestTimeoutMs);
        return;
    }
    if (rd_kafka_event_error(event.get())) {
        group.error = QStringLiteral("committed offsets: ") + QString::fromUtf8(rd_kafka_event_error_string(event.get()));
        return;
    }
    size_t count = 0;
    const rd_kafka_group_result_t **results =
        rd_kafka_ListConsumerGroupOffsets_result_groups(rd_kafka_event_ListConsumerGroupOffsets_result(event.get()), &count);
    for (size_t i = 0; i < count; ++i) {
        if (const rd_kafka_error_t *error = rd_kafka_group_result_error(results[i])) {
            group.error = QStringLiteral("committed offsets: ") + QString::fromUtf8(rd_kafka_error_string(error));
            continue;
        }
        const rd_kafka_topic_partition_list_t *offsets = rd_kafka_group_result_partitions(results[i]);
        for (int p = 0; offsets && p < offsets->cnt; ++p) {
            const auto &tp = offsets->elems[p];
            if (tp.err || tp.offset < 0)
                continue;
            GroupPartitionLag lag;
            lag.topic = QString::fromUtf8(tp.topic);
            lag.partition = tp.partition;
            lag.committed = tp.offset;
            if (const TopicInfo *topic = snapshot.topic(lag.topic)) {
                for (const auto &info : topic->partitions) {
                    if (info.id == lag.partition)
                        lag.end = info.high;
                }
            }
            if (lag.end >= 0)
                lag.lag = qMax<qint64>(0, lag.end - lag.committed);
            group.partitions.append(lag);
        }
    }
    std::sort(group.partitions.begin(), group.partitions.end(), [](const GroupPartitionLag &a, const GroupPartitionLag &b) {
        return a.topic != b.topic ? a.topic < b.topic : a.partition < b.partition;
    });
}

double ClusterInspector::interpolatedAgeSeconds(const PartitionKey &key, qint64 offset, qint64 nowMs) const
{
    // kafka-lag-exporter's method: the time the high watermark passed `offset`, read off the history.
    const auto it = m_watermarks.constFind(key);
    if (it == m_watermarks.constEnd() || it->empty())
        return -1;
    const auto &h = *it;
    if (offset < h.front().high)
        return double(nowMs - h.front().atMs) / 1000.0; // older than the history: at least this old
    for (size_t i = 1; i < h.size(); ++i) {
        if (h[i - 1].high <= offset && offset < h[i].high) {
            const double fraction = double(offset - h[i - 1].high) / double(h[i].high - h[i - 1].high);
            const double producedAt = double(h[i - 1].atMs) + fraction * double(h[i].atMs - h[i - 1].atMs);
            return qMax(0.0, (double(nowMs) - producedAt) / 1000.0);
        }
    }
    return -1;
}

void ClusterInspector::readLagTimes(ClusterSnapshot &snapshot)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // The next unconsumed record of each lagging partition, read with a consumer that joins no group.
    QHash<PartitionKey, qint64> wanted; // -> committed offset
    for (const auto &group : std::as_const(snapshot.groups)) {
        for (const auto &p : group.partitions) {
            if (p.lag > 0 && wanted.size() < 2000) {
                const PartitionKey key{p.topic, p.partition};
                wanted.insert(key, qMin(wanted.value(key, p.committed), p.committed));
            }
        }
    }
    QHash<QPair<PartitionKey, qint64>, qint64> timestamps; // (partition, offset) -> timestamp
    if (m_peek && !wanted.isEmpty()) {
        // One read per distinct (partition, offset); groups sharing an offset share the answer.
        QHash<PartitionKey, QSet<qint64>> offsets;
        for (const auto &group : std::as_const(snapshot.groups)) {
            for (const auto &p : group.partitions) {
                if (p.lag > 0)
                    offsets[{p.topic, p.partition}].insert(p.committed);
            }
        }
        // Rounds: each round assigns every partition at one of its wanted offsets.
        QDeadlineTimer deadline(m_settings.requestTimeoutMs);
        while (!offsets.isEmpty() && !deadline.hasExpired()) {
            RdPartitionListPtr list(rd_kafka_topic_partition_list_new(int(offsets.size())));
            QHash<PartitionKey, qint64> round;
            for (auto it = offsets.begin(); it != offsets.end(); ++it) {
                const qint64 offset = *it->begin();
                round.insert(it.key(), offset);
                rd_kafka_topic_partition_list_add(list.get(), it.key().first.toUtf8().constData(), it.key().second)->offset = offset;
            }
            if (rd_kafka_assign(m_peek->handle(), list.get()))
                break;
            QHash<PartitionKey, qint64> pending = round;
            while (!pending.isEmpty() && !deadline.hasExpired()) {
                RdMessagePtr message = m_peek->poll(int(qMin<qint64>(100, deadline.remainingTime())));
                if (!message || message->err)
                    continue;
                const PartitionKey key{QString::fromUtf8(rd_kafka_topic_name(message->rkt)), message->partition};
                const auto expected = pending.constFind(key);
                if (expected == pending.constEnd() || message->offset < *expected)
                    continue;
                rd_kafka_timestamp_type_t type;
                timestamps.insert({key, *expected}, rd_kafka_message_timestamp(message.get(), &type));
                pending.remove(key);
            }
            for (auto it = round.begin(); it != round.end(); ++it) {
                offsets[it.key()].remove(it.value());
                if (offsets[it.key()].isEmpty())
                    offsets.remove(it.key());
            }
        }
        rd_kafka_assign(m_peek->handle(), nullptr);
    }
    for (auto &group : snapshot.groups) {
        for (auto &p : group.partitions) {
            if (p.lag == 0) {
                p.lagSeconds = 0;
                continue;
            }
            if (p.lag < 0)
                continue;
            const auto ts = timestamps.constFind({{p.topic, p.partition}, p.committed});
            if (ts != timestamps.constEnd() && *ts > 0) {
                p.lagSeconds = qMax(0.0, double(now - *ts) / 1000.0);
            } else {
                p.lagSeconds = interpolatedAgeSeconds({p.topic, p.partition}, p.committed, now);
                p.lagSecondsEstimated = p.lagSeconds >= 0;
            }
        }
    }
}
