#include "base/warningthrottle.h"

#include <QtTest>

class TestWarningThrottle final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void firstOccurrenceAtOnceThenOneSummaryPerPeriod()
    {
        WarningThrottle throttle(60'000);
        QCOMPARE(throttle.admit("peer-a:bad-frame", "unreadable frame from peer a", 0), QString("unreadable frame from peer a"));
        for (int i = 1; i <= 161'702; ++i)
            QVERIFY(throttle.admit("peer-a:bad-frame", "unreadable frame from peer a", 1000).isEmpty());
        QCOMPARE(throttle.suppressed(), 161'702);
        QVERIFY(throttle.due(59'999).isEmpty());
        const QStringList due = throttle.due(60'000);
        QCOMPARE(due.size(), 1);
        QCOMPARE(due.first(), QString("unreadable frame from peer a (161702 more times in the last 60 s)"));
        QVERIFY(throttle.due(61'000).isEmpty()); // said once
    }

    void distinctKeysAreSaidEach()
    {
        WarningThrottle throttle;
        QVERIFY(!throttle.admit("a", "first", 0).isEmpty());
        QVERIFY(!throttle.admit("b", "second", 0).isEmpty());
        QVERIFY(throttle.admit("a", "first", 1).isEmpty());
    }

    void aQuietKeyIsNewsAgain()
    {
        WarningThrottle throttle(1000);
        QVERIFY(!throttle.admit("a", "m", 0).isEmpty());
        QVERIFY(throttle.due(1000).isEmpty()); // nothing unsaid: forgotten
        QVERIFY(!throttle.admit("a", "m", 1500).isEmpty());
    }

    void theNextPeriodCarriesTheCount()
    {
        WarningThrottle throttle(1000);
        throttle.admit("a", "m", 0);
        throttle.admit("a", "m", 10);
        throttle.admit("a", "m", 20);
        QCOMPARE(throttle.admit("a", "m", 1000), QString("m (and 2 more times in the last 1 s)"));
    }

    void keysAreBounded()
    {
        WarningThrottle throttle(60'000, 4);
        int said = 0;
        for (int i = 0; i < 10'000; ++i)
            said += !throttle.admit(QString::number(i), "reason " + QString::number(i), 0).isEmpty();
        QCOMPARE(said, 5); // four keys, then one line for all the others together
        QCOMPARE(throttle.due(60'000).size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestWarningThrottle)
#include "tst_warningthrottle.moc"
