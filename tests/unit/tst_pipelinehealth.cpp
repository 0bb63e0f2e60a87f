#include "cluster/pipelinehealth.h"
#include "items/deadlettermodel.h"

#include <QAbstractItemModelTester>
#include <QtTest>

namespace {

EvaluatorReport report(qint64 committedAtMs, int records, int alerts, int deadLetters)
{
    EvaluatorReport r;
    r.records = records;
    r.processed = records - deadLetters;
    r.alerts = alerts;
    r.deadLetters = deadLetters;
    r.committedAtMs = committedAtMs;
    r.oldestRecordMs = committedAtMs - 12;
    r.thresholdSet = "Set v2";
    for (int i = 0; i < deadLetters; ++i)
        r.deadLetterEntries.append({"not-json", "value is not valid JSON", "healthcare.labs.results", 1, i, committedAtMs});
    return r;
}

} // namespace

class TestPipelineHealth final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void lastMinuteSlidesAndTotalsStay()
    {
        PipelineHealth health;
        const qint64 t0 = 1'800'000'000'000;
        health.record(report(t0, 100, 2, 1));
        health.record(report(t0 + 30'000, 50, 1, 0));
        QCOMPARE(health.lastMinute(t0 + 30'000).records, 150);
        QCOMPARE(health.lastMinute(t0 + 30'000).alerts, 3);
        QCOMPARE(health.lastMinute(t0 + 30'000).deadLetters, 1);
        // A minute after the first report only the second one counts.
        QCOMPARE(health.lastMinute(t0 + 60'500).records, 50);
        QCOMPARE(health.lastMinute(t0 + 200'000).records, 0);
        QCOMPARE(health.totals().records, 150);
        QCOMPARE(health.totals().processed, 149);
        QCOMPARE(health.lagMs(), 12);
        QCOMPARE(health.thresholdSet(), QString("Set v2"));
    }

    void stubsAndStatusAreKept()
    {
        PipelineHealth health;
        EvaluatorReport r = report(1'800'000'000'000, 10, 1, 0);
        r.stubbed = 2;
        r.undeliverable = 1;
        health.record(r);
        health.record(r);
        QCOMPARE(health.stubbed(), 4);
        QCOMPARE(health.undeliverable(), 2);
        QCOMPARE(health.status().state, EvaluatorStatus::State::Starting);
        EvaluatorStatus stopped;
        stopped.state = EvaluatorStatus::State::Stopped;
        stopped.reason = "fenced";
        health.setStatus(stopped);
        QCOMPARE(health.status(), stopped);
    }

    void deadLettersAreBoundedNewestFirst()
    {
        DeadLetterModel model(5);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.append(report(1'000, 10, 0, 3));
        model.append(report(2'000, 10, 0, 4));
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.rowAt(0).offset, 3); // the second batch's last
        QCOMPARE(model.index(0, DeadLetterModel::Reason).data().toString(), QString("not-json"));
        QCOMPARE(model.index(0, DeadLetterModel::Source).data().toString(), QString("healthcare.labs.results [1] @ 3"));
        model.append(report(3'000, 10, 0, 0)); // nothing to add
        QCOMPARE(model.rowCount(), 5);
    }
};

QTEST_GUILESS_MAIN(TestPipelineHealth)
#include "tst_pipelinehealth.moc"
