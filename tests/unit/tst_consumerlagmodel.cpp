#include "items/consumerlagmodel.h"

#include <QAbstractItemModelTester>
#include <QtTest>

// Groups from snapshots: lag numbers, Burrow status, lag-rule alerts and the bounded history.
class TestConsumerLagModel final : public QObject {
    Q_OBJECT
    qint64 m_now = 0;

    ClusterSnapshot snapshot(qint64 at, qint64 committed, qint64 end)
    {
        ClusterSnapshot s;
        s.takenAtMs = at;
        s.groupsNote = notSupportedByThisCluster();
        ConsumerGroupInfo g;
        g.id = QStringLiteral("clinical-evaluator");
        GroupPartitionLag p;
        p.topic = QStringLiteral("healthcare.labs.results");
        p.partition = 0;
        p.committed = committed;
        p.end = end;
        p.lag = end - committed;
        p.lagSeconds = 12.5;
        p.lagSecondsEstimated = true;
        g.partitions = {p};
        s.groups = {g};
        return s;
    }

private slots:
    void lagStatusAndAlert()
    {
        ConsumerLagModel model([this] { return m_now; });
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy alerts(&model, &ConsumerLagModel::alertsChanged);
        model.setHistoryCapacity(5);
        for (int i = 0; i <= 6; ++i) {
            m_now = i * 60'000;
            model.setSnapshot(snapshot(m_now, 1000, 50'000 + i)); // stopped at 1000, lag over 30,000
        }
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.data(model.index(0, ConsumerLagModel::Lag)).toString(), QLocale::system().toString(49'006));
        QCOMPARE(model.data(model.index(0, ConsumerLagModel::LagSeconds)).toString(), QStringLiteral("~12.5 s"));
        QCOMPARE(model.data(model.index(0, ConsumerLagModel::Alert)).toString(), QStringLiteral("LAG ALERT"));
        QCOMPARE(alerts.size(), 1);
        QCOMPARE(model.history(QStringLiteral("clinical-evaluator")).size(), 5);
        // One commit seen, time passes: fewer than two commits is OK, never a guess.
        QCOMPARE(model.data(model.index(0, ConsumerLagModel::Status)).toString(), QStringLiteral("OK"));

        GroupPartitionsModel partitions;
        QAbstractItemModelTester partitionsTester(&partitions, QAbstractItemModelTester::FailureReportingMode::QtTest);
        partitions.setGroup(model.groupAt(0), model.evaluator());
        QCOMPARE(partitions.rowCount(), 1);
        QCOMPARE(partitions.data(partitions.index(0, GroupPartitionsModel::Committed)).toString(), QLocale::system().toString(1000));

        m_now = 7 * 60'000;
        model.setSnapshot(snapshot(m_now, 50'000, 50'010)); // caught up
        QCOMPARE(alerts.size(), 2);
        QVERIFY(!alerts.last().first().value<QList<ConsoleAlert>>().first().firing);
        QCOMPARE(model.data(model.index(0, ConsumerLagModel::Alert)).toString(), QString());
        model.setSnapshot({});
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(model.history(QStringLiteral("clinical-evaluator")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestConsumerLagModel)
#include "tst_consumerlagmodel.moc"
