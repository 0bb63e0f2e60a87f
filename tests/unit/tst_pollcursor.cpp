#include "ingest/pollcursor.h"

#include <QtTest>

using nlohmann::json;

namespace {

json observation(const std::string &id, const std::string &version, const std::string &lastUpdated)
{
    return {{"resourceType", "Observation"}, {"id", id}, {"meta", {{"versionId", version}, {"lastUpdated", lastUpdated}}}};
}

SearchPage page(std::vector<json> resources, std::optional<long long> total = std::nullopt)
{
    SearchPage p;
    p.resources = std::move(resources);
    p.total = total;
    return p;
}

PollCursor start()
{
    PollCursor cursor;
    cursor.base = "http://ehr/fhir";
    cursor.resourceType = "Observation";
    return cursor;
}

} // namespace

class TestPollCursor final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void theFirstPageAsksForEverythingSorted()
    {
        QCOMPARE(firstPageUrl(start(), 100), std::string("http://ehr/fhir/Observation?_sort=_lastUpdated&_count=100"));
        PollCursor cursor = start();
        cursor.lastUpdated = "2026-12-03T10:00:00.000+01:00";
        QCOMPARE(firstPageUrl(cursor, 50), std::string("http://ehr/fhir/Observation?_lastUpdated=ge2026-12-03T10%3A00%3A00."
                                                       "000%2B01%3A00&_sort=_lastUpdated&_count=50"));
    }

    void aCursorSurvivesItsRecord()
    {
        PollCursor cursor = start();
        cursor.lastUpdated = "2026-12-03T10:00:00Z";
        cursor.boundary = {"Observation/1/_history/1"};
        QCOMPARE(PollCursor::fromJson(cursor.toJson()), std::optional<PollCursor>(cursor));
        QVERIFY(!PollCursor::fromJson("{}"));
        QVERIFY(!PollCursor::fromJson("not json"));
    }

    void theCursorFollowsTheLatestPublished()
    {
        PollRound round(start());
        const auto first = round.take(page({observation("1", "1", "2026-12-03T10:00:00Z"),
                                            observation("2", "1", "2026-12-03T10:00:01Z")}));
        QCOMPARE(first.fresh.size(), std::size_t(2));
        QCOMPARE(round.cursor().lastUpdated, std::string("2026-12-03T10:00:01Z"));
        QCOMPARE(round.cursor().boundary, std::vector<std::string>{"Observation/2/_history/1"});
        round.take(page({observation("3", "1", "2026-12-03T10:00:01Z")}));
        QCOMPARE(round.cursor().boundary.size(), std::size_t(2)); // the same instant spans two pages
        QCOMPARE(round.finish().lastUpdated, std::string("2026-12-03T10:00:01Z"));
        QVERIFY(round.complaint().empty());
    }

    void theBoundarySecondIsNotPublishedTwice()
    {
        PollCursor cursor = start();
        cursor.lastUpdated = "2026-12-03T10:00:01Z";
        cursor.boundary = {"Observation/2/_history/1"};
        PollRound round(cursor);
        const auto result = round.take(page({observation("2", "1", "2026-12-03T10:00:01Z"),
                                             observation("4", "1", "2026-12-03T10:00:01Z"),
                                             observation("2", "2", "2026-12-03T10:00:05Z")}));
        QCOMPARE(result.repeated, 1);
        QCOMPARE(result.fresh.size(), std::size_t(2)); // another resource at the boundary, and 2's new version
        QCOMPARE(round.cursor().lastUpdated, std::string("2026-12-03T10:00:05Z"));
    }

    void aServerThatIgnoresSortIsSaidAndTheCursorWaits()
    {
        PollRound round(start());
        round.take(page({observation("1", "1", "2026-12-03T10:00:05Z"), observation("2", "1", "2026-12-03T10:00:01Z")}));
        QVERIFY(round.outOfOrder());
        QVERIFY(round.cursor().lastUpdated.empty()); // not advanced mid-round
        QCOMPARE(round.finish().lastUpdated, std::string("2026-12-03T10:00:05Z"));
        QVERIFY(QString::fromStdString(round.complaint()).contains(u"_sort"));
    }

    void aServerThatIgnoresLastUpdatedIsSaidAndOlderOnesAreSkipped()
    {
        PollCursor cursor = start();
        cursor.lastUpdated = "2026-12-03T10:00:05Z";
        PollRound round(cursor);
        const auto result = round.take(page({observation("1", "1", "2026-12-03T09:00:00Z")}));
        QCOMPARE(result.older, 1);
        QVERIFY(result.fresh.empty());
        QVERIFY(round.ignoresLastUpdated());
    }

    void aTotalThatChangesBetweenPagesIsInconsistentPaging()
    {
        PollRound round(start());
        round.take(page({observation("1", "1", "2026-12-03T10:00:00Z")}, 10));
        round.take(page({observation("2", "1", "2026-12-03T10:00:01Z")}, 11));
        QVERIFY(round.inconsistentPaging());
        QVERIFY(round.finish().lastUpdated.empty()); // the next round starts where this one did
    }

    void aSearchPageReadsItsMatchesAndNext()
    {
        // (not a raw string: moc stops at "//" inside one)
        const SearchPage p = SearchPage::parse("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":3,"
            "\"link\":[{\"relation\":\"self\",\"url\":\"http:\\/\\/s\\/1\"},{\"relation\":\"next\",\"url\":\"http:\\/\\/s\\/2\"}],"
            "\"entry\":[{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"1\"},\"search\":{\"mode\":\"match\"}},"
            "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p\"},\"search\":{\"mode\":\"include\"}},"
            "{\"resource\":{\"resourceType\":\"OperationOutcome\"}}]}");
        QCOMPARE(p.resources.size(), std::size_t(1));
        QCOMPARE(p.next, std::string("http://s/2"));
        QCOMPARE(p.total, std::optional<long long>(3));
        QVERIFY_THROWS_EXCEPTION(SearchError, SearchPage::parse("{"));
        QVERIFY_THROWS_EXCEPTION(SearchError, SearchPage::parse(R"({"resourceType":"Patient"})"));
    }
};

QTEST_APPLESS_MAIN(TestPollCursor)
#include "tst_pollcursor.moc"
