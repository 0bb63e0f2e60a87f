#include "clinical/creatininedelta.h"

#include <QtTest>

#include <cmath>
#include <limits>

namespace {

constexpr qint64 kHour = 3600 * 1000; // qint64: the type of the data columns
constexpr qint64 kDay = 24 * kHour;
constexpr std::int64_t kStart = 1'795'000'000'000;

using Criterion = CreatinineFinding::Criterion;

} // namespace

Q_DECLARE_METATYPE(CreatinineFinding::Criterion)

class TestCreatinineDelta final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void codes()
    {
        QVERIFY(CreatinineDelta::isCreatinine("2160-0"));
        QVERIFY(CreatinineDelta::isCreatinine("38483-4"));
        QVERIFY(!CreatinineDelta::isCreatinine("2823-3"));
        QVERIFY(!CreatinineDelta::isCreatinine("2160"));
    }

    void firstValueIsOnlyABaseline()
    {
        CreatinineDelta delta;
        QVERIFY(!delta.add("p1", "o1", kStart, 3.0));
        QCOMPARE(delta.valueCount("p1"), std::size_t(1));
    }

    void windows_data()
    {
        QTest::addColumn<double>("baseline");
        QTest::addColumn<qint64>("after");
        QTest::addColumn<double>("value");
        QTest::addColumn<bool>("flagged");
        QTest::addColumn<Criterion>("criterion");
        QTest::addColumn<double>("limit");
        QTest::addColumn<int>("stage");
        QTest::newRow("rise of 0.3 within 48 h") << 1.1 << 24 * kHour << 1.4 << true << Criterion::Rise48h << 1.4 << 1;
        QTest::newRow("rise of 0.3 at exactly 48 h") << 1.1 << 48 * kHour << 1.4 << true << Criterion::Rise48h << 1.4 << 1;
        QTest::newRow("rise of 0.3 just after 48 h") << 1.1 << 48 * kHour + 1 << 1.4 << false << Criterion::Rise48h << 0.0 << 0;
        QTest::newRow("rise of 0.29") << 1.1 << 24 * kHour << 1.39 << false << Criterion::Rise48h << 0.0 << 0;
        QTest::newRow("1.5 x within 7 days") << 1.0 << 6 * kDay << 1.5 << true << Criterion::Ratio7d << 1.5 << 1;
        QTest::newRow("1.5 x at exactly 7 days") << 1.0 << 7 * kDay << 1.5 << true << Criterion::Ratio7d << 1.5 << 1;
        QTest::newRow("1.5 x just after 7 days") << 1.0 << 7 * kDay + 1 << 1.5 << false << Criterion::Ratio7d << 0.0 << 0;
        QTest::newRow("1.49 x within 7 days") << 1.0 << 6 * kDay << 1.49 << false << Criterion::Ratio7d << 0.0 << 0;
        QTest::newRow("1.5 x of a small baseline") << 0.2 << 3 * kDay << 0.3 << true << Criterion::Ratio7d << 0.3 << 1;
        QTest::newRow("both: the ratio is reported") << 1.0 << kHour << 1.6 << true << Criterion::Ratio7d << 1.5 << 1;
        QTest::newRow("stage 2") << 1.0 << 2 * kDay << 2.0 << true << Criterion::Ratio7d << 1.5 << 2;
        QTest::newRow("stage 3 by ratio") << 1.0 << 2 * kDay << 3.0 << true << Criterion::Ratio7d << 1.5 << 3;
        QTest::newRow("stage 3 at 4.0 mg/dL") << 3.7 << 12 * kHour << 4.0 << true << Criterion::Rise48h << 4.0 << 3;
        QTest::newRow("a fall is not flagged") << 2.0 << 12 * kHour << 1.0 << false << Criterion::Rise48h << 0.0 << 0;
        QTest::newRow("same time counts as prior") << 1.0 << 0LL << 1.5 << true << Criterion::Ratio7d << 1.5 << 1;
    }
    void windows()
    {
        QFETCH(double, baseline);
        QFETCH(qint64, after);
        QFETCH(double, value);
        QFETCH(bool, flagged);
        QFETCH(Criterion, criterion);
        QFETCH(double, limit);
        QFETCH(int, stage);
        CreatinineDelta delta;
        QVERIFY(!delta.add("p1", "o1", kStart, baseline));
        const auto finding = delta.add("p1", "o2", kStart + after, value);
        QCOMPARE(finding.has_value(), flagged);
        if (!finding)
            return;
        QCOMPARE(finding->criterion, criterion);
        QCOMPARE(finding->baselineMgPerDl, baseline);
        QCOMPARE(finding->baselineAtMs, kStart);
        QVERIFY(std::abs(finding->limitMgPerDl - limit) < 1e-9);
        QCOMPARE(finding->stage, stage);
    }

    void theLowestPriorValueIsTheBaseline()
    {
        CreatinineDelta delta;
        delta.add("p1", "o1", kStart, 2.0);
        delta.add("p1", "o2", kStart + kDay, 1.0);
        delta.add("p1", "o3", kStart + 2 * kDay, 1.2);
        const auto finding = delta.add("p1", "o4", kStart + 5 * kDay, 1.5);
        QVERIFY(finding);
        QCOMPARE(finding->criterion, Criterion::Ratio7d);
        QCOMPARE(finding->baselineMgPerDl, 1.0);
        QCOMPARE(finding->baselineAtMs, kStart + kDay);
    }

    void laterValuesAreNotPrior()
    {
        // Results can arrive out of order; the windows follow the effective time, not arrival.
        CreatinineDelta delta;
        delta.add("p1", "late", kStart + kDay, 1.0);
        QVERIFY(!delta.add("p1", "early", kStart, 1.6));
        QCOMPARE(delta.valueCount("p1"), std::size_t(2));
    }

    void patientsAreSeparate()
    {
        CreatinineDelta delta;
        delta.add("p1", "o1", kStart, 0.8);
        QVERIFY(!delta.add("p2", "o2", kStart + kHour, 2.0));
        QCOMPARE(delta.patientCount(), std::size_t(2));
    }

    void anAmendmentReplacesItsValue()
    {
        CreatinineDelta delta;
        delta.add("p1", "o1", kStart, 1.0);
        QVERIFY(!delta.add("p1", "o1", kStart, 1.5)); // an amendment is not compared with what it replaces
        QCOMPARE(delta.valueCount("p1"), std::size_t(1));
        delta.add("p1", "o1", kStart, 1.1);
        QVERIFY(delta.add("p1", "o2", kStart + kDay, 1.4));
        delta.add("p1", "o1", kStart, 1.3);           // o1 amended upwards
        QCOMPARE(delta.valueCount("p1"), std::size_t(2));
        QVERIFY(!delta.add("p1", "o3", kStart + 30 * kHour, 1.5)); // 0.2 above 1.3, no longer 0.4 above 1.1
    }

    void aWithdrawnValueIsNoBaseline()
    {
        CreatinineDelta delta;
        delta.add("p1", "o1", kStart, 1.0);
        delta.forget("p1", "o1");
        QCOMPARE(delta.valueCount("p1"), std::size_t(0));
        QVERIFY(!delta.add("p1", "o2", kStart + kDay, 1.5));
        delta.forget("nobody", "o2"); // unknown patients and ids are fine
        delta.forget("p1", "");
        QCOMPARE(delta.valueCount("p1"), std::size_t(1));
    }

    void nonsenseValuesAreIgnored()
    {
        CreatinineDelta delta;
        QVERIFY(!delta.add("p1", "o1", kStart, 0.0));
        QVERIFY(!delta.add("p1", "o2", kStart, -1.0));
        QVERIFY(!delta.add("p1", "o3", kStart, std::numeric_limits<double>::quiet_NaN()));
        QVERIFY(!delta.add("p1", "o4", kStart, std::numeric_limits<double>::infinity()));
        QVERIFY(!delta.add("", "o5", kStart, 1.0));
        QCOMPARE(delta.patientCount(), std::size_t(0));
        QVERIFY(!delta.add("p1", "o6", kStart + kHour, 0.5)); // nothing before it: a zero is no baseline
    }

    void valuesOlderThanTheWindowAreDropped()
    {
        CreatinineDelta delta;
        delta.add("p1", "o1", kStart, 1.0);
        delta.add("p1", "o2", kStart + 2 * kDay, 1.1);
        QCOMPARE(delta.valueCount("p1"), std::size_t(2));
        delta.add("p1", "o3", kStart + 8 * kDay, 1.1);
        QCOMPARE(delta.valueCount("p1"), std::size_t(2)); // o1 can never be a baseline again
    }

    void valuesPerPatientAreBounded()
    {
        CreatinineDelta delta(10, 4);
        for (int i = 0; i < 10; ++i)
            delta.add("p1", "o" + std::to_string(i), kStart + i * kHour, i == 0 ? 0.5 : 1.0);
        QCOMPARE(delta.valueCount("p1"), std::size_t(4));
        // The 0.5 was the oldest and is gone: 1.0 -> 1.2 is no longer 2.4 x a baseline.
        QVERIFY(!delta.add("p1", "o10", kStart + 11 * kHour, 1.2));
    }

    void patientsAreBoundedLeastRecentFirst()
    {
        CreatinineDelta delta(3, 8);
        delta.add("p1", "a", kStart, 1.0);
        delta.add("p2", "b", kStart, 1.0);
        delta.add("p3", "c", kStart, 1.0);
        delta.add("p1", "d", kStart + kHour, 1.0); // p1 is now the most recent
        delta.add("p4", "e", kStart, 1.0);         // p2, the least recent, goes
        QCOMPARE(delta.patientCount(), std::size_t(3));
        QCOMPARE(delta.valueCount("p2"), std::size_t(0));
        QCOMPARE(delta.valueCount("p1"), std::size_t(2));
        QCOMPARE(delta.valueCount("p3"), std::size_t(1));
        for (int i = 0; i < 1000; ++i)
            delta.add("q" + std::to_string(i), "x", kStart, 1.0);
        QCOMPARE(delta.patientCount(), std::size_t(3));
    }
};

QTEST_APPLESS_MAIN(TestCreatinineDelta)
#include "tst_creatininedelta.moc"
