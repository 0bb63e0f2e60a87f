// The cluster inspector against both clusters: the topic layout it reports (through TopicsModel and
// PartitionsModel under QAbstractItemModelTester), watermarks and message counts, configs where the
// cluster answers DescribeConfigs, consumer lag for a group that stops and resumes, group listing
// where the cluster answers it, and a broker taken down on the embedded cluster.
#include "jobs/clusterinspector.h"
#include "clustertesting.h"
#include "items/partitionsmodel.h"
#include "items/topicsmodel.h"
#include "client/workerthread.h"

#include <QAbstractItemModelTester>
#include <QtTest>

#include <functional>

using namespace ClusterTesting;

class TestClusterInspector final : public QObject {
    Q_OBJECT

    ClusterSnapshot m_latest;
    int m_snapshots = 0;

    void clusterRows()
    {
        QTest::addColumn<QString>("cluster_kind");
        QTest::newRow("embedded") << QStringLiteral("embedded");
        QTest::newRow("real") << QStringLiteral("real");
    }

    static QString name(const char *what)
    {
        return QStringLiteral("vigil-test-inspector-%1-%2-%3").arg(QLatin1String(what), QLatin1String(QTest::currentDataTag()), runId());
    }

    std::unique_ptr<WorkerThread> startInspector(const TestCluster &cluster, const QStringList &groups = {})
    {
        InspectorSettings settings;
        settings.config = cluster.config();
        settings.refreshMs = 300;
        settings.requestTimeoutMs = 2000;
        settings.groups = groups;
        auto *inspector = new ClusterInspector(settings);
        connect(inspector, &ClusterInspector::snapshotReady, this, [this](const ClusterSnapshot &s) {
            m_latest = s;
            ++m_snapshots;
        });
        m_snapshots = 0;
        m_latest = {};
        return std::make_unique<WorkerThread>(inspector, QStringLiteral("inspector"));
    }

    // Waits (generously) for a snapshot that satisfies the predicate; false on time-out.
    bool waitFor(const std::function<bool(const ClusterSnapshot &)> &predicate, int timeoutMs = 60'000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            const int seen = m_snapshots;
            if (seen > 0 && predicate(m_latest))
                return true;
            if (!QTest::qWaitFor([&] { return m_snapshots > seen; }, 30'000))
                return false;
        }
        return predicate(m_latest);
    }

    static void produce(const TestCluster &cluster, const QString &topic, int count, qint64 timestampMs, int partition = -1)
    {
        Producer producer(producerConfig(cluster));
        for (int i = 0; i < count; ++i)
            producer.produce(topic.toStdString(), "pat-1", R"({"resourceType":"Basic"})", {}, timestampMs, partition);
        QCOMPARE(producer.flush(30'000), 0);
        QCOMPARE(producer.deliveries().failed, 0);
    }

    static QString brokerStates(const ClusterSnapshot &s)
    {
        QStringList states;
        for (const auto &b : s.brokers)
            states.append(QStringLiteral("%1:%2").arg(b.id).arg(b.state));
        for (const auto &t : s.topics) {
            for (const auto &p : t.partitions) {
                if (!p.error.isEmpty() && !states.contains(p.error))
                    states.append(p.error);
            }
        }
        return states.join(u' ');
    }

private slots:
    void topicLayout_data() { clusterRows(); }
    void topicLayout()
    {
        TestCluster cluster;
        if (!openRowCluster(cluster, QStringLiteral("ClusterInspector")))
            return;
        const QString topic = name("layout");
        cluster.createTopic(topic, 3);
        produce(cluster, topic, 30, 0, 1);
        auto thread = startInspector(cluster);
        QVERIFY2(waitFor([&](const ClusterSnapshot &s) {
                     const TopicInfo *t = s.topic(topic);
                     return t && t->totalMessages() == 30;
                 }),
                 qPrintable(m_latest.error));
        const ClusterSnapshot snapshot = m_latest;
        QVERIFY(snapshot.error.isEmpty());
        QVERIFY(snapshot.brokers.size() >= 1);
        const TopicInfo *labs = snapshot.topic(QStringLiteral("healthcare.labs.results"));
        QVERIFY(labs);
        QCOMPARE(labs->partitions.size(), 8);
        const TopicInfo *mine = snapshot.topic(topic);
        QCOMPARE(mine->partitions.size(), 3);
        QCOMPARE(mine->partitions.at(1).high - mine->partitions.at(1).low, 30);
        QCOMPARE(mine->replicationFactor(), cluster.isReal() ? qMin(3, int(snapshot.brokers.size())) : 3);

        TopicsModel topics;
        QAbstractItemModelTester topicsTester(&topics, QAbstractItemModelTester::FailureReportingMode::QtTest);
        topics.setSnapshot(snapshot);
        QVERIFY(topics.rowOf(topic) >= 0);
        const int row = topics.rowOf(topic);
        QCOMPARE(topics.data(topics.index(row, TopicsModel::Partitions)).toInt(), 3);
        QCOMPARE(topics.data(topics.index(row, TopicsModel::Messages)).toString(), QStringLiteral("30"));
        topics.setNameFilter(QStringLiteral("labs.results"));
        QCOMPARE(topics.rowCount(), 1);
        topics.setSnapshot(snapshot); // same topics: updates in place

        PartitionsModel partitions;
        QAbstractItemModelTester partitionsTester(&partitions, QAbstractItemModelTester::FailureReportingMode::QtTest);
        partitions.setTopic(*mine);
        QCOMPARE(partitions.rowCount(), 3);
        QCOMPARE(partitions.data(partitions.index(1, PartitionsModel::Messages)).toString(), QStringLiteral("30"));

        // Configs where the cluster answers DescribeConfigs; the embedded one says it cannot.
        if (cluster.isReal()) {
            QVERIFY2(mine->configsAnswered, qPrintable(mine->configsNote));
            QVERIFY(std::any_of(mine->configs.begin(), mine->configs.end(), [](const TopicConfigEntry &e) { return e.name == u"retention.ms"; }));
        } else {
            QVERIFY(!mine->configsAnswered);
            QVERIFY2(mine->configsNote.startsWith(notSupportedByThisCluster()), qPrintable(mine->configsNote));
        }
        QVERIFY(thread->stop(30'000));
    }

    void consumerLag_data() { clusterRows(); }
    void consumerLag()
    {
        TestCluster cluster;
        if (!openRowCluster(cluster, QStringLiteral("ClusterInspector, committing Consumer")))
            return;
        const QString topic = name("lag");
        const QString group = QStringLiteral("clinical-") + name("group");
        cluster.createTopic(topic, 1);
        const qint64 producedAt = QDateTime::currentMSecsSinceEpoch() - 120'000; // two minutes ago
        produce(cluster, topic, 100, producedAt, 0);

        const auto commit = [&](qint64 offset) {
            Consumer consumer(consumerConfig(cluster, group, QStringLiteral("read_uncommitted")));
            RdPartitionListPtr list(rd_kafka_topic_partition_list_new(1));
            rd_kafka_topic_partition_list_add(list.get(), topic.toUtf8().constData(), 0)->offset = offset;
            throwIfError(rd_kafka_commit(consumer.handle(), list.get(), 0), QStringLiteral("commit"));
        };
        commit(40); // the consumer stops 60 behind

        auto thread = startInspector(cluster, {group});
        const auto partitionLag = [&](const ClusterSnapshot &s) -> const GroupPartitionLag * {
            for (const auto &g : s.groups) {
                if (g.id != group)
                    continue;
                for (const auto &p : g.partitions) {
                    if (p.topic == topic)
                        return &p;
                }
            }
            return nullptr;
        };
        QVERIFY2(waitFor([&](const ClusterSnapshot &s) { const auto *p = partitionLag(s); return p && p->committed == 40; }),
                 qPrintable(m_latest.error));
        const GroupPartitionLag stopped = *partitionLag(m_latest);
        QCOMPARE(stopped.end, 100);
        QCOMPARE(stopped.lag, 60);
        QVERIFY2(!stopped.lagSecondsEstimated, "the next record's timestamp was readable");
        QVERIFY2(stopped.lagSeconds >= 110 && stopped.lagSeconds < 3600, qPrintable(QString::number(stopped.lagSeconds)));

        if (cluster.isReal()) {
            QVERIFY2(m_latest.groupsListed, qPrintable(m_latest.groupsNote));
        } else {
            QVERIFY(!m_latest.groupsListed);
            QVERIFY2(m_latest.groupsNote.startsWith(notSupportedByThisCluster()), qPrintable(m_latest.groupsNote));
        }

        commit(100); // it resumes and catches up
        QVERIFY(waitFor([&](const ClusterSnapshot &s) { const auto *p = partitionLag(s); return p && p->committed == 100; }));
        QCOMPARE(partitionLag(m_latest)->lag, 0);
        QCOMPARE(partitionLag(m_latest)->lagSeconds, 0.0);
        QVERIFY(thread->stop(30'000));
    }

    void groupStateAndMembers_data() { clusterRows(); }
    void groupStateAndMembers()
    {
        TestCluster cluster;
        if (!openRowCluster(cluster, QStringLiteral("ClusterInspector, subscribed Consumer")))
            return;
        const QString topic = name("members");
        const QString group = QStringLiteral("clinical-") + name("members");
        cluster.createTopic(topic, 2);
        produce(cluster, topic, 10, 0, 0);
        ClientConfig config = consumerConfig(cluster, group, QStringLiteral("read_committed"));
        config.set(QStringLiteral("client.id"), QStringLiteral("vigil-test-member"));
        Consumer member(config);
        member.subscribe({topic});
        // Joined once it has an assignment (the group is then Stable with one member).
        QDeadlineTimer joined(60'000);
        int assigned = 0;
        while (assigned == 0 && !joined.hasExpired()) {
            member.poll(100);
            rd_kafka_topic_partition_list_t *assignment = nullptr;
            if (!rd_kafka_assignment(member.handle(), &assignment) && assignment) {
                assigned = assignment->cnt;
                rd_kafka_topic_partition_list_destroy(assignment);
            }
        }
        QCOMPARE(assigned, 2);

        auto thread = startInspector(cluster, {group});
        const auto groupIn = [&](const ClusterSnapshot &s) -> const ConsumerGroupInfo * {
            for (const auto &g : s.groups) {
                if (g.id == group)
                    return &g;
            }
            return nullptr;
        };
        if (cluster.isReal()) {
            QVERIFY2(waitFor([&](const ClusterSnapshot &s) { const auto *g = groupIn(s); return g && g->described; }),
                     qPrintable(m_latest.groupsNote));
            const ConsumerGroupInfo g = *groupIn(m_latest);
            QCOMPARE(g.state, QStringLiteral("Stable"));
            QCOMPARE(g.members.size(), 1);
            QCOMPARE(g.members.first().clientId, QStringLiteral("vigil-test-member"));
            QStringList expected{topic + QStringLiteral("[0]"), topic + QStringLiteral("[1]")};
            QStringList assignment = g.members.first().assignment;
            assignment.sort();
            QCOMPARE(assignment, expected);
        } else {
            // The embedded cluster cannot describe groups: said so, never shown as a state.
            QVERIFY(waitFor([&](const ClusterSnapshot &s) { const auto *g = groupIn(s); return g && !g->error.isEmpty(); }));
            const ConsumerGroupInfo g = *groupIn(m_latest);
            QVERIFY(!g.described);
            QVERIFY2(g.error.startsWith(notSupportedByThisCluster()), qPrintable(g.error));
        }
        QVERIFY(thread->stop(30'000));
        member.close(10'000);
    }

    void brokerDown_data() { clusterRows(); }
    void brokerDown()
    {
        TestCluster cluster;
        if (!openRowCluster(cluster, QStringLiteral("ClusterInspector")))
            return;
        if (cluster.isReal())
            QSKIP("the single-node real broker cannot lose a broker and keep answering; drilled on the embedded cluster");
        auto thread = startInspector(cluster);
        QVERIFY(waitFor([](const ClusterSnapshot &s) { return s.brokers.size() == 3 && s.brokersDown() == 0 && !s.topics.isEmpty(); }));
        QCOMPARE(m_latest.underReplicatedPartitions(), 0);
        cluster.embedded()->setBrokerUp(2, false);
        QVERIFY2(waitFor([](const ClusterSnapshot &s) { return s.brokersDown() == 1 && s.underReplicatedPartitions() > 0; }),
                 qPrintable(QStringLiteral("brokers down %1, URP %2, error '%3', refresh %4 ms, states %5")
                            .arg(m_latest.brokersDown())
                            .arg(m_latest.underReplicatedPartitions())
                            .arg(m_latest.error)
                            .arg(m_latest.refreshMs)
                            .arg(brokerStates(m_latest))));
        for (const auto &b : m_latest.brokers)
            QCOMPARE(b.up, b.id != 2);
        cluster.embedded()->setBrokerUp(2, true);
        QVERIFY(waitFor([](const ClusterSnapshot &s) { return s.brokersDown() == 0 && s.underReplicatedPartitions() == 0; }));
        QVERIFY(thread->stop(30'000));
    }
};

QTEST_GUILESS_MAIN(TestClusterInspector)
#include "tst_clusterinspector.moc"
