#include "wall/feedstaleness.h"

#include <QtTest>

namespace {

constexpr std::int64_t kT0 = 1'795'000'000'000;
constexpr std::int64_t kSecond = 1000;

FeedHealth up(std::int64_t lastHeardMs)
{
    return {true, lastHeardMs, std::nullopt, {}};
}

FeedHealth down(std::int64_t lastHeardMs, std::int64_t sinceMs, std::string reason)
{
    return {false, lastHeardMs, sinceMs, std::move(reason)};
}

} // namespace

class TestFeedStaleness final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void neverHeard()
    {
        FeedStaleness feed;
        QCOMPARE(feed.limitMs(), 30 * kSecond);
        QCOMPARE(feed.health(kT0), down(0, kT0, "no data yet"));
        feed.started(kT0);
        QCOMPARE(feed.health(kT0 + 30 * kSecond), up(0));
        QCOMPARE(feed.health(kT0 + 30 * kSecond + 1), down(0, kT0 + 30 * kSecond, "no data for 30 s"));
    }

    void staleAfterTheLimit()
    {
        FeedStaleness feed(10 * kSecond);
        feed.started(kT0);
        feed.heard(kT0 + 5 * kSecond);
        QCOMPARE(feed.health(kT0 + 15 * kSecond), up(kT0 + 5 * kSecond));
        QCOMPARE(feed.health(kT0 + 60 * kSecond), down(kT0 + 5 * kSecond, kT0 + 15 * kSecond, "no data for 10 s"));
        feed.heard(kT0 + 61 * kSecond);
        QCOMPARE(feed.health(kT0 + 62 * kSecond), up(kT0 + 61 * kSecond));
        // A late-reported arrival cannot move the last-heard time back.
        feed.heard(kT0 + 50 * kSecond);
        QCOMPARE(feed.health(kT0 + 62 * kSecond).lastHeardMs, kT0 + 61 * kSecond);
    }

    void brokersLost()
    {
        FeedStaleness feed;
        feed.started(kT0);
        feed.heard(kT0);
        feed.brokersLost(kT0 + 5 * kSecond, "all brokers down");
        feed.brokersLost(kT0 + 8 * kSecond, "all brokers down"); // repeated: still down since the first
        QCOMPARE(feed.health(kT0 + 10 * kSecond), down(kT0, kT0 + 5 * kSecond, "all brokers down"));
        feed.heard(kT0 + 11 * kSecond); // a record already fetched proves nothing about the brokers
        QVERIFY(!feed.health(kT0 + 12 * kSecond).up);
        feed.brokersBack(kT0 + 20 * kSecond);
        QCOMPARE(feed.health(kT0 + 20 * kSecond), up(kT0 + 11 * kSecond));
    }

    void theEarlierOutageExplains()
    {
        FeedStaleness feed;
        feed.started(kT0);
        feed.heard(kT0);
        // Silent since kT0 + 30 s, brokers reported lost only at kT0 + 100 s.
        feed.brokersLost(kT0 + 100 * kSecond, "all brokers down");
        QCOMPARE(feed.health(kT0 + 120 * kSecond), down(kT0, kT0 + 30 * kSecond, "no data for 30 s"));
        // Brokers lost first, and the silence after that.
        FeedStaleness other;
        other.heard(kT0);
        other.brokersLost(kT0 + 10 * kSecond, "all brokers down");
        QCOMPARE(other.health(kT0 + 120 * kSecond), down(kT0, kT0 + 10 * kSecond, "all brokers down"));
    }

    void remoteDisplay()
    {
        FeedStaleness link;
        link.started(kT0);
        link.heard(kT0 + 10 * kSecond); // the console's heartbeat

        QCOMPARE(link.remoteHealth(up(kT0 + 9 * kSecond), kT0 + 12 * kSecond), up(kT0 + 10 * kSecond));
        // The console cannot hear Kafka: the display says so, from when the console lost it.
        const FeedHealth consoleDown = down(kT0 - 50 * kSecond, kT0 - 20 * kSecond, "no data for 30 s");
        QCOMPARE(link.remoteHealth(consoleDown, kT0 + 12 * kSecond),
                 down(kT0 + 10 * kSecond, kT0 - 20 * kSecond, "no data for 30 s"));
        // The display no longer hears the console: the last report may be stale, so the link decides.
        QCOMPARE(link.remoteHealth(up(kT0 + 9 * kSecond), kT0 + 60 * kSecond),
                 down(kT0 + 10 * kSecond, kT0 + 40 * kSecond, "no data for 30 s"));
        const FeedHealth brokers = down(kT0, kT0 + 5 * kSecond, "all brokers down");
        QCOMPARE(link.remoteHealth(brokers, kT0 + 60 * kSecond), down(kT0 + 10 * kSecond, kT0 + 5 * kSecond, "all brokers down"));
        // A report without downSinceMs: down since the console last heard anything.
        QCOMPARE(link.remoteHealth({false, kT0 + 2 * kSecond, std::nullopt, "x"}, kT0 + 12 * kSecond),
                 down(kT0 + 10 * kSecond, kT0 + 2 * kSecond, "x"));
    }
};

QTEST_GUILESS_MAIN(TestFeedStaleness)
#include "tst_feedstaleness.moc"
