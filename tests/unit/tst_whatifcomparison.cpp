// What-if counts against a hand-computed expectation: a handful of results evaluated under a live and a
// candidate set, with per rule counts, changed alerts, the bounded list, hours, histogram and CSV.
#include "clinical/criticalvalueevaluator.h"
#include "clinical/thresholdset.h"
#include "items/whatifmodels.h"
#include "replay/whatifcomparison.h"

#include <QAbstractItemModelTester>
#include <QtTest>

namespace {

const char *liveJson = "{\"name\":\"Live\",\"version\":7,\"rules\":[{\"loinc\":[\"2823-3\",\"6298-4\"],\"display\":\"Potassium\",\"unit\":\"mmol/L\",\"low\":2.8,\"high\":6.2}]}";
// Potassium low lowered to 2.5 and high to 5.5; sodium added.
const char *candidateJson = "{\"name\":\"Live\",\"version\":8,\"rules\":[{\"loinc\":[\"2823-3\",\"6298-4\"],\"display\":\"Potassium\",\"unit\":\"mmol/L\",\"low\":2.5,\"high\":5.5},{\"loinc\":\"2951-2\",\"display\":\"Sodium\",\"unit\":\"mmol/L\",\"low\":120,\"high\":160}]}";

std::string observation(const std::string &id, const std::string &patient, const std::string &loinc, double value)
{
    return "{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",\"status\":\"final\",\"subject\":{\"reference\":\"Patient/" + patient
           + "\"},\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"" + loinc
           + "\"}]},\"issued\":\"2026-11-27T10:00:00Z\",\"valueQuantity\":{\"value\":" + std::to_string(value)
           + ",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mmol/L\"}}";
}

struct Input {
    std::string loinc;
    double value;
    qint64 timestampMs;
};

constexpr qint64 Hour = 3'600'000;
constexpr qint64 T0 = 1'795'000'000'000 - 1'795'000'000'000 % Hour; // an hour's start

const std::vector<Input> inputs = {
    {"2823-3", 4.0, T0 + 10},          // normal under both
    {"2823-3", 5.8, T0 + 20},          // normal -> critical-high: appears
    {"2823-3", 6.5, T0 + Hour + 5},    // critical-high under both
    {"6298-4", 2.0, T0 + Hour + 6},    // critical-low under both
    {"2823-3", 2.6, T0 + 2 * Hour},    // critical-low -> normal: vanishes
    {"2951-2", 110, T0 + 2 * Hour + 1}, // no rule -> critical-low: appears (a new rule)
    {"1234-5", 1.0, T0 + 2 * Hour + 2}, // no rule under either: not evaluated
};

WhatIfComparison run(int capacity)
{
    const auto live = ThresholdSet::fromJson(liveJson);
    const auto candidate = ThresholdSet::fromJson(candidateJson);
    CriticalValueEvaluator liveEvaluator(live);
    CriticalValueEvaluator candidateEvaluator(candidate);
    WhatIfComparison comparison(live, candidate, capacity, 40);
    int n = 0;
    for (const Input &input : inputs) {
        const std::string id = "o" + std::to_string(++n);
        const std::string record = observation(id, "pat-00" + std::to_string(n), input.loinc, input.value);
        const RecordSource source{"healthcare.labs.results", 0, n};
        comparison.add(liveEvaluator.evaluate(record, source, T0), candidateEvaluator.evaluate(record, source, T0),
                       input.timestampMs, source);
    }
    return comparison;
}

} // namespace

class TestWhatIfComparison final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void countsMatchTheHandComputedExpectation()
    {
        const WhatIfComparison c = run(100);
        QCOMPARE(c.records(), 7);
        QCOMPARE(c.evaluated(), 6);
        QCOMPARE(c.liveAlerts(), 3);
        QCOMPARE(c.candidateAlerts(), 4);
        QCOMPARE(c.added(), 2);
        QCOMPARE(c.removed(), 1);
        QCOMPARE(c.liveName(), QString("Live v7"));
        QCOMPARE(c.candidateName(), QString("Live v8"));

        QCOMPARE(c.rules().size(), 2);
        const WhatIfRuleCounts &k = c.rules()[0];
        QCOMPARE(k.display, QString("Potassium"));
        QVERIFY(k.inLive && k.inCandidate);
        QCOMPARE(k.evaluated, 5);
        QCOMPARE(k.liveCriticalLow, 2);
        QCOMPARE(k.liveCriticalHigh, 1);
        QCOMPARE(k.candidateCriticalLow, 1);
        QCOMPARE(k.candidateCriticalHigh, 2);
        QCOMPARE(k.added, 1);
        QCOMPARE(k.removed, 1);
        QCOMPARE(k.candidateHigh, std::optional<double>(5.5));
        const WhatIfRuleCounts &na = c.rules()[1];
        QCOMPARE(na.display, QString("Sodium"));
        QVERIFY(!na.inLive && na.inCandidate);
        QCOMPARE(na.evaluated, 1);
        QCOMPARE(na.candidateCriticalLow, 1);
        QCOMPARE(na.added, 1);
        QCOMPARE(na.removed, 0);
    }

    void changedAlertsAreMaskedAndBounded()
    {
        const WhatIfComparison all = run(100);
        QCOMPARE(all.changes().size(), 3);
        QCOMPARE(all.changesLeftOut(), 0);
        const WhatIfChange &first = all.changes()[0];
        QCOMPARE(first.kind, WhatIfChange::Kind::Added);
        QCOMPARE(first.analyte, QString("Potassium"));
        QCOMPARE(first.value, 5.8);
        QCOMPARE(first.timestampMs, T0 + 20);
        QCOMPARE(first.live, Verdict::Normal);
        QCOMPARE(first.candidate, Verdict::CriticalHigh);
        QVERIFY(!first.patient.contains("pat-002")); // masked
        QVERIFY(first.patient.endsWith("002"));
        QCOMPARE(all.changes()[1].kind, WhatIfChange::Kind::Removed);
        QCOMPARE(all.changes()[1].value, 2.6);

        const WhatIfComparison bounded = run(1);
        QCOMPARE(bounded.changes().size(), 1);
        QCOMPARE(bounded.changesLeftOut(), 2);
        QCOMPARE(bounded.added(), 2); // the counts are whole even when the list is not
    }

    void alertsPerHourUnderBothSets()
    {
        const WhatIfComparison c = run(100);
        const auto &hours = c.alertsPerHour();
        QCOMPARE(hours.size(), 3);
        QCOMPARE(hours.value(T0).live, 0);
        QCOMPARE(hours.value(T0).candidate, 1);
        QCOMPARE(hours.value(T0 + Hour).live, 2);
        QCOMPARE(hours.value(T0 + Hour).candidate, 2);
        QCOMPARE(hours.value(T0 + 2 * Hour).live, 1);
        QCOMPARE(hours.value(T0 + 2 * Hour).candidate, 1);
    }

    void histogramSpansBothSetsLimits()
    {
        const WhatIfComparison c = run(100);
        const WhatIfHistogram h = c.histogram(0);
        // Limits 2.5 .. 6.2 (span 3.7), half a span either side.
        QCOMPARE(h.lower, 2.5 - 1.85);
        QCOMPARE(h.upper, 6.2 + 1.85);
        QCOMPARE(h.counts.size(), 40);
        qint64 total = 0;
        for (const qint64 n : h.counts)
            total += n;
        QCOMPARE(total + h.below + h.above, 5);
        QCOMPARE(h.below + h.above, 0);
        const int binOf58 = int((5.8 - h.lower) / h.binWidth());
        QVERIFY(h.counts[binOf58] >= 1);
        QCOMPARE(h.liveHigh, std::optional<double>(6.2));
        QCOMPARE(h.candidateHigh, std::optional<double>(5.5));
        QVERIFY(c.histogram(7).counts.isEmpty());
    }

    void csvHoldsEveryTable()
    {
        const QByteArray csv = run(100).toCsv();
        const QList<QByteArray> lines = csv.split('\n');
        QVERIFY(lines[0].startsWith("analyte,loinc,unit,live_low"));
        QCOMPARE(lines[1], QByteArray("Potassium,\"2823-3, 6298-4\",mmol/L,2.8,6.2,2.5,5.5,5,2,1,1,2,1,1\r"));
        QCOMPARE(lines[2], QByteArray("Sodium,2951-2,mmol/L,,,120,160,1,0,0,1,0,1,0\r"));
        QVERIFY(csv.contains("\r\nchange,time,patient"));
        QVERIFY(csv.contains("added,2026-11-18T"));
        QVERIFY(csv.contains("removed,"));
        QVERIFY(csv.contains("\r\nhour,live_alerts,candidate_alerts\r\n"));
        QVERIFY(!csv.contains("pat-002"));
    }

    void modelsShowTheComparison()
    {
        WhatIfRulesModel rules;
        WhatIfChangesModel changes;
        QAbstractItemModelTester rulesTester(&rules, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester changesTester(&changes, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const WhatIfComparison small = run(1);
        rules.setComparison(small);
        changes.setComparison(small);
        QCOMPARE(rules.rowCount(), 2);
        QCOMPARE(rules.data(rules.index(0, WhatIfRulesModel::Added)).toString(), QString("+1"));
        QCOMPARE(rules.data(rules.index(0, WhatIfRulesModel::LiveLimits)).toString(), QString("2.8 – 6.2 mmol/L"));
        QCOMPARE(rules.data(rules.index(1, WhatIfRulesModel::LiveLimits)).toString(), QString("(none)"));
        QCOMPARE(changes.rowCount(), 1);
        QCOMPARE(changes.data(changes.index(0, WhatIfChangesModel::Change)).toString(), QString("appears"));

        // The same run, further on: rows are appended, not reset.
        WhatIfComparison more = small;
        QSignalSpy inserted(&changes, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(&changes, &QAbstractItemModel::modelReset);
        const WhatIfComparison all = run(100);
        changes.setComparison(all); // other sets (new pointers): a reset
        QCOMPARE(reset.size(), 1);
        QCOMPARE(changes.rowCount(), 3);
        changes.clear();
        QCOMPARE(changes.rowCount(), 0);
    }
};

QTEST_MAIN(TestWhatIfComparison)
#include "tst_whatifcomparison.moc"
