#include "ingest/eventnumbers.h"

#include <QtTest>

class TestEventNumbers final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void numbersInOrderLeaveNoGap()
    {
        EventNumbers numbers;
        for (long long n = 1; n <= 3; ++n)
            QCOMPARE(numbers.observe("s", n), EventNumbers::Verdict::New);
        QCOMPARE(numbers.counts("s").missed, 0);
        QCOMPARE(numbers.counts("s").highest, 3);
    }

    void fiveAfterThreeMissesFour()
    {
        EventNumbers numbers;
        numbers.observe("s", 3);
        EventNumbers::Range gap;
        QCOMPARE(numbers.observe("s", 5, &gap), EventNumbers::Verdict::New);
        QCOMPARE(gap.first, 4);
        QCOMPARE(gap.last, 4);
        QCOMPARE(numbers.counts("s").missing, 1);
        QCOMPARE(numbers.observe("s", 4), EventNumbers::Verdict::Late);
        QCOMPARE(numbers.counts("s").missing, 0);
        QCOMPARE(numbers.counts("s").missed, 1);
    }

    void aNumberSeenTwiceIsADuplicate()
    {
        EventNumbers numbers;
        numbers.observe("s", 1);
        numbers.observe("s", 2);
        QCOMPARE(numbers.observe("s", 2), EventNumbers::Verdict::Duplicate);
        QCOMPARE(numbers.counts("s").duplicates, 1);
    }

    void aHeartbeatRevealsALostNotification()
    {
        EventNumbers numbers;
        QVERIFY(numbers.observeTotal("s", 0).empty()); // the handshake
        numbers.observe("s", 1);
        const auto gap = numbers.observeTotal("s", 3);
        QCOMPARE(gap.first, 2);
        QCOMPARE(gap.last, 3);
        numbers.mended("s", gap);
        QCOMPARE(numbers.counts("s").missing, 0);
        QCOMPARE(numbers.counts("s").missed, 2);
    }

    void subscriptionsAreCountedApart()
    {
        EventNumbers numbers;
        numbers.observe("a", 10);
        numbers.observe("b", 1);
        numbers.observe("b", 3);
        QCOMPARE(numbers.counts("a").missed, 0);
        QCOMPARE(numbers.counts("b").missed, 1);
    }

    void aHugeJumpStaysBounded()
    {
        EventNumbers numbers;
        numbers.observe("s", 1);
        EventNumbers::Range gap;
        numbers.observe("s", 1'000'000'000'000LL, &gap);
        QCOMPARE(numbers.counts("s").missing, static_cast<long long>(EventNumbers::MaxMissing));
        QCOMPARE(numbers.counts("s").givenUp, gap.size() - static_cast<long long>(EventNumbers::MaxMissing));
    }
};

QTEST_APPLESS_MAIN(TestEventNumbers)
#include "tst_eventnumbers.moc"
