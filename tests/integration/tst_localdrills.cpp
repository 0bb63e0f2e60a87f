// Failure drills on a three-node local Apache Kafka cluster (KRaft, broker and controller in each
// JVM), as `vigil --brokers 3` runs it: replication factor 3, min.insync.replicas 2.
//   one node down    the evaluator (`vigil evaluate`, a real process) goes on and loses nothing;
//                    Cluster health's inspector shows the node down and the under-replicated
//                    partitions in its first refresh after the stop
//   two nodes down   producers are blocked (min.insync.replicas, and no controller quorum), and a
//                    wall display says FEED DOWN
//   both back        everything resumes without restarting anything: every input offset exactly
//                    once across processed + dlq, every alert once
//   instances        three `vigil evaluate` instances share the input, one killed and restarted,
//                    a fourth joining: every input offset and alert exactly once
// The cluster is the test's own, in a temporary directory. Skips without Java 17+ or the jars.
#include "clustertesting.h"
#include "jobs/clusterinspector.h"
#include "local/localcluster.h"
#include "wallservice.h"
#include "wall/wallstate.h"
#include "client/workerthread.h"

#include <QProcess>
#include <QTemporaryDir>

using namespace ClusterTesting;

namespace {

qint64 now() { return QDateTime::currentMSecsSinceEpoch(); }

const BrokerInfo *brokerIn(const ClusterSnapshot &snapshot, int id)
{
    for (const BrokerInfo &broker : snapshot.brokers)
        if (broker.id == id)
            return &broker;
    return nullptr;
}

int underReplicated(const ClusterSnapshot &snapshot)
{
    int count = 0;
    for (const TopicInfo &topic : snapshot.topics)
        for (const PartitionInfo &partition : topic.partitions)
            count += partition.underReplicated();
    return count;
}

} // namespace

class TestLocalDrills final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        try {
            m_kafka = KafkaDistribution::find();
        } catch (const LocalClusterError &error) {
            QSKIP(qPrintable(QStringLiteral("%1 (%2)").arg(QString::fromUtf8(error.what()), error.fix())));
        }
        QVERIFY(m_data.isValid());
        LocalClusterOptions options;
        options.dataDir = m_data.path();
        options.nodes = 3;
        m_cluster = std::make_unique<LocalCluster>(m_kafka, options);
        m_cluster->open();
        m_config.setBootstrapServers(m_cluster->bootstrapServers());
        for (const auto &result : TopicProvisioner(m_config).provision())
            QVERIFY2(result.outcome == TopicProvisioner::Outcome::Created, qPrintable(result.topic + ": " + result.error));
        Producer client(m_config);
        for (const auto &spec : Topics::recommendedLayout())
            waitForTopic(client.handle(), Text::toQString(spec.name));

        m_evaluator.setProgram(QStringLiteral(VIGIL_BINARY_DIR "/vigil"));
        m_evaluator.setArguments({QStringLiteral("evaluate"), QStringLiteral("--bootstrap"), m_cluster->bootstrapServers()});
        m_evaluator.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_evaluator.start();
        QVERIFY(m_evaluator.waitForStarted());

        InspectorSettings inspector;
        inspector.config = m_config;
        inspector.refreshMs = 2000;
        auto *job = new ClusterInspector(inspector);
        connect(job, &ClusterInspector::snapshotReady, this, [this](const ClusterSnapshot &snapshot) { m_snapshots.append(snapshot); });
        m_inspector = std::make_unique<WorkerThread>(job, QStringLiteral("inspector"));

        m_wall = std::make_unique<WallState>(WallOptions{5000, {}, {}});
        m_wallService = std::make_unique<WallService>(m_config, m_wall.get());
        QTRY_VERIFY_WITH_TIMEOUT(m_wall->isCurrent(), 60'000);

        ClientConfig producer = m_config; // as the simulator's: idempotent, every replica in sync
        producer.set("enable.idempotence", "true");
        producer.set("acks", "all");
        m_producer = std::make_unique<Producer>(producer);
    }

    void oneNodeDownLosesNothing()
    {
        produce(3000);
        QCOMPARE(m_producer->flush(60'000), 0);
        QVERIFY(readCommitted(m_cluster->bootstrapServers(), {"healthcare.labs.processed"}, 1000, 120'000).size() >= 1000);

        m_cluster->stopNode(2);
        const qint64 stopped = now();
        QCOMPARE(m_cluster->runningNodes(), (QList<int>{1, 3}));
        // The first refresh that began after the stop shows it.
        const auto firstAfterStop = [this, stopped]() -> const ClusterSnapshot * {
            for (const ClusterSnapshot &snapshot : m_snapshots)
                if (snapshot.error.isEmpty() && snapshot.takenAtMs - snapshot.refreshMs >= stopped)
                    return &snapshot;
            return nullptr;
        };
        QTRY_VERIFY_WITH_TIMEOUT(firstAfterStop(), 30'000);
        const ClusterSnapshot snapshot = *firstAfterStop();
        const BrokerInfo *two = brokerIn(snapshot, 2);
        QVERIFY2(two && !two->up, two ? qPrintable(two->state) : "broker 2 is not listed");
        QVERIFY(underReplicated(snapshot) > 0);

        // Two in-sync replicas are left: writes go on.
        produce(3000);
        QCOMPARE(m_producer->flush(60'000), 0);
    }

    void twoNodesDownBlockProducersAndShowFeedDown()
    {
        m_cluster->stopNode(3);
        QCOMPARE(m_cluster->runningNodes(), QList<int>{1});
        produce(500);
        QVERIFY2(m_producer->flush(10'000) > 0, "the records were acknowledged with one replica of three");
        QTRY_VERIFY_WITH_TIMEOUT(!m_wall->health(now()).up, 60'000);
        QVERIFY(!m_wall->health(now()).reason.empty());
    }

    void bothBackEverythingResumes()
    {
        m_cluster->startNode(3);
        m_cluster->startNode(2);
        QCOMPARE(m_cluster->runningNodes(), (QList<int>{1, 2, 3}));
        QCOMPARE(m_producer->flush(120'000), 0); // the blocked records are delivered, once (idempotent)
        QCOMPARE(m_producer->deliveries().failed, 0);
        produce(1000);
        QCOMPARE(m_producer->flush(60'000), 0);
        QTRY_VERIFY_WITH_TIMEOUT(m_wall->health(now()).up, 60'000);

        const int total = m_produced;
        const QString bootstrap = m_cluster->bootstrapServers();
        const auto outputs = readCommitted(bootstrap, {"healthcare.labs.processed", "healthcare.dlq"}, total, 240'000, 3'000);
        const auto alerts = readCommitted(bootstrap, {"healthcare.alerts.critical"}, expectedAlerts(total), 60'000, 3'000);
        const QString problem = exactlyOnceProblem(outputs, alerts, total);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(m_evaluator.state(), QProcess::Running); // it never gave up
    }

    // On the three nodes, with replication 3: evaluator instances share the input, one is killed
    // and restarted, another joins (beside the drills' own evaluator, a fifth member).
    void instancesShareTheInputOnThreeNodes()
    {
        ClusterTesting::instancesShareTheInputAndAKilledOneLosesNothing(m_cluster->bootstrapServers(),
                                                                        "scale3-" + runId().toStdString() + '-');
    }

    void cleanupTestCase()
    {
        m_wallService.reset();
        if (m_inspector)
            QVERIFY(m_inspector->stop(10'000));
        m_producer.reset();
        if (m_evaluator.state() == QProcess::Running) {
            m_evaluator.terminate();
            QVERIFY(m_evaluator.waitForFinished(30'000));
        }
        if (m_cluster)
            m_cluster->release();
    }

private:
    KafkaDistribution m_kafka;
    QTemporaryDir m_data;
    std::unique_ptr<LocalCluster> m_cluster;
    ClientConfig m_config;
    QProcess m_evaluator;
    std::unique_ptr<WorkerThread> m_inspector;
    QList<ClusterSnapshot> m_snapshots;
    std::unique_ptr<WallState> m_wall;
    std::unique_ptr<WallService> m_wallService;
    std::unique_ptr<Producer> m_producer;
    int m_produced = 0;

    void produce(int count)
    {
        for (int i = m_produced; i < m_produced + count; ++i)
            m_producer->produce("healthcare.labs.results", "pat-" + std::to_string(i % 50), knownLabResult(i, "drill-"));
        m_produced += count;
    }
};

QTEST_GUILESS_MAIN(TestLocalDrills)
#include "tst_localdrills.moc"
