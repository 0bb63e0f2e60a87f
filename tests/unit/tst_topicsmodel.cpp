#include "items/partitionsmodel.h"
#include "items/topicsmodel.h"

#include <QAbstractItemModelTester>
#include <QtTest>

// Topic and partition models against a known layout, under QAbstractItemModelTester.
class TestTopicsModel final : public QObject {
    Q_OBJECT

    static TopicInfo topic(const QString &name, int partitions, int replicas, bool shrunkIsr = false)
    {
        TopicInfo t;
        t.name = name;
        t.internal = name.startsWith(u"__");
        for (int p = 0; p < partitions; ++p) {
            PartitionInfo info;
            info.id = p;
            info.leader = 1 + p % replicas;
            for (int r = 1; r <= replicas; ++r)
                info.replicas.append(r);
            info.isr = info.replicas;
            if (shrunkIsr && p == 0)
                info.isr.removeLast();
            info.low = 10;
            info.high = 10 + 5 * p;
            t.partitions.append(info);
        }
        t.produceRate = 2.5;
        t.rateHistory = {1, 2, 2.5};
        return t;
    }

    static ClusterSnapshot layout()
    {
        ClusterSnapshot s;
        s.topics = {topic(QStringLiteral("healthcare.labs.results"), 8, 3), topic(QStringLiteral("healthcare.adt.events"), 12, 3, true),
                    topic(QStringLiteral("__consumer_offsets"), 50, 3)};
        return s;
    }

private slots:
    void knownLayout()
    {
        TopicsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSnapshot(layout());
        QCOMPARE(model.rowCount(), 2); // internal hidden by default
        const int labs = model.rowOf(QStringLiteral("healthcare.labs.results"));
        QCOMPARE(model.data(model.index(labs, TopicsModel::Partitions)).toInt(), 8);
        QCOMPARE(model.data(model.index(labs, TopicsModel::Replication)).toInt(), 3);
        QCOMPARE(model.data(model.index(labs, TopicsModel::Messages)).toString(), QStringLiteral("140")); // 5*(0+..+7)
        QCOMPARE(model.data(model.index(labs, TopicsModel::Rate)).toString(), QStringLiteral("2.5"));
        QCOMPARE(model.data(model.index(labs, 0), TopicsModel::RateHistoryRole).value<QList<double>>().size(), 3);
        const int adt = model.rowOf(QStringLiteral("healthcare.adt.events"));
        QCOMPARE(model.data(model.index(adt, 0), TopicsModel::UnderReplicatedRole).toInt(), 1);
        QVERIFY(model.data(model.index(adt, 0), Qt::BackgroundRole).isValid());
        QVERIFY(!model.data(model.index(labs, 0), Qt::BackgroundRole).isValid());
        model.setShowInternal(true);
        QCOMPARE(model.rowCount(), 3);
        model.setNameFilter(QStringLiteral("ADT"));
        QCOMPARE(model.rowCount(), 1);
        model.setNameFilter({});
        model.setSnapshot(layout()); // same names: in place
        QCOMPARE(model.rowCount(), 3);
        model.setSnapshot({});
        QCOMPARE(model.rowCount(), 0);
    }
    void partitions()
    {
        PartitionsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const TopicInfo adt = topic(QStringLiteral("healthcare.adt.events"), 12, 3, true);
        model.setTopic(adt);
        QCOMPARE(model.rowCount(), 12);
        QCOMPARE(model.data(model.index(0, PartitionsModel::Replicas)).toString(), QStringLiteral("1, 2, 3"));
        QCOMPARE(model.data(model.index(0, PartitionsModel::InSync)).toString(), QStringLiteral("1, 2"));
        QCOMPARE(model.data(model.index(0, PartitionsModel::Status)).toString(), QStringLiteral("under-replicated"));
        QCOMPARE(model.data(model.index(3, PartitionsModel::Messages)).toString(), QStringLiteral("15"));
        QVERIFY(model.data(model.index(0, 0), PartitionsModel::UnderReplicatedRole).toBool());
        QVERIFY(!model.data(model.index(1, 0), PartitionsModel::UnderReplicatedRole).toBool());
        model.setTopic(adt);
        model.setTopic(topic(QStringLiteral("other"), 2, 1));
        QCOMPARE(model.rowCount(), 2);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestTopicsModel)
#include "tst_topicsmodel.moc"
