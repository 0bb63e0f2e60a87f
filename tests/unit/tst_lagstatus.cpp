#include "cluster/lagstatus.h"

#include <QtTest>

// Each Burrow status from a scripted sequence of commits, with an injectable clock.
class TestLagStatus final : public QObject {
    Q_OBJECT
    qint64 m_now = 0;

    LagStatusEvaluator evaluator() { return LagStatusEvaluator(5, [this] { return m_now; }); }

private slots:
    void okWhileConsuming()
    {
        auto e = evaluator();
        for (int i = 0; i < 5; ++i)
            e.recordCommit(QStringLiteral("g"), QStringLiteral("t"), 0, 100 * i, i % 2 ? 10 : 5, 1000 * i);
        m_now = 4500;
        QCOMPARE(e.partitionStatus(QStringLiteral("g"), QStringLiteral("t"), 0), LagStatus::Ok);
        QCOMPARE(e.groupStatus(QStringLiteral("g")), LagStatus::Ok);
    }
    void warnWhenLagGrowsEveryStep()
    {
        auto e = evaluator();
        for (int i = 0; i < 5; ++i)
            e.recordCommit(QStringLiteral("g"), QStringLiteral("t"), 0, 100 * i, 10 + 10 * i, 1000 * i);
        m_now = 4500;
        QCOMPARE(e.partitionStatus(QStringLiteral("g"), QStringLiteral("t"), 0), LagStatus::Warn);
        QCOMPARE(e.groupStatus(QStringLiteral("g")), LagStatus::Warn);
    }
    void stallWhenOffsetStuckWithLag()
    {
        auto e = evaluator();
        for (int i = 0; i < 5; ++i)
            e.recordCommit(QStringLiteral("g"), QStringLiteral("t"), 0, 500, 50 + i, 1000 * i);
        m_now = 4500;
        QCOMPARE(e.partitionStatus(QStringLiteral("g"), QStringLiteral("t"), 0), LagStatus::Stall);
        QCOMPARE(e.groupStatus(QStringLiteral("g")), LagStatus::Err);
    }
    void stopWhenCommitsCeaseWithLag()
    {
        auto e = evaluator();
        for (int i = 0; i < 5; ++i)
            e.recordCommit(QStringLiteral("g"), QStringLiteral("t"), 0, 100 * i, 20, 1000 * i);
        m_now = 4000 + 5000; // longer since the last commit than the window spans
        QCOMPARE(e.partitionStatus(QStringLiteral("g"), QStringLiteral("t"), 0), LagStatus::Stop);
        QCOMPARE(e.groupStatus(QStringLiteral("g")), LagStatus::Err);
    }
    void idleTopicWithZeroLagIsNeverStop()
    {
        auto e = evaluator();
        for (int i = 0; i < 5; ++i)
            e.recordCommit(QStringLiteral("g"), QStringLiteral("t"), 0, 100 * i, 0, 1000 * i);
        m_now = 10'000'000; // Burrow would say STOP here
        QCOMPARE(e.partitionStatus(QStringLiteral("g"), QStringLiteral("t"), 0), LagStatus::Ok);
    }
    void rewindWhenOffsetGoesBack()
    {
        auto e = evaluator();
        const qint64 offsets[] = {100, 200, 300, 150, 250};
        for (int i = 0; i < 5; ++i)
            e.recordCommit(QStringLiteral("g"), QStringLiteral("t"), 0, offsets[i], 5, 1000 * i);
        m_now = 4500;
        QCOMPARE(e.partitionStatus(QStringLiteral("g"), QStringLiteral("t"), 0), LagStatus::Rewind);
        QCOMPARE(e.groupStatus(QStringLiteral("g")), LagStatus::Err);
    }
    void observeOnlyWindowsMovedOffsets()
    {
        auto e = evaluator();
        e.observe(QStringLiteral("g"), QStringLiteral("t"), 0, 10, 5, 0);
        e.observe(QStringLiteral("g"), QStringLiteral("t"), 0, 20, 5, 1000);
        for (int i = 2; i < 20; ++i)
            e.observe(QStringLiteral("g"), QStringLiteral("t"), 0, 20, 30, 1000 * i);
        m_now = 19'000;
        QCOMPARE(e.partitionStatus(QStringLiteral("g"), QStringLiteral("t"), 0), LagStatus::Stop);
        e.forgetGroup(QStringLiteral("g"));
        QCOMPARE(e.groupStatus(QStringLiteral("g")), LagStatus::Ok);
    }
};

QTEST_GUILESS_MAIN(TestLagStatus)
#include "tst_lagstatus.moc"
