#include "wall/unitcensus.h"
#include "items/unitoverviewmodel.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QSignalSpy>
#include <QtTest>

namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kT0 = 1'795'000'000'000;

UnitSummary summary(const std::string &unit, int admitted, int open = 0, std::optional<std::int64_t> waitMs = {},
                    int escalation = 0)
{
    return {unit, admitted, open, 0, waitMs, escalation};
}

QStringList unitColumn(const QAbstractItemModel &model)
{
    QStringList units;
    for (int row = 0; row < model.rowCount(); ++row)
        units << model.index(row, UnitOverviewModel::Unit).data().toString();
    return units;
}

// Every signal a view reacts to, so each test can say exactly which ones a change may send.
struct ModelSignals {
    explicit ModelSignals(QAbstractItemModel *model)
        : inserted(model, &QAbstractItemModel::rowsInserted), removed(model, &QAbstractItemModel::rowsRemoved),
          moved(model, &QAbstractItemModel::rowsMoved), changed(model, &QAbstractItemModel::dataChanged),
          reset(model, &QAbstractItemModel::modelReset), layout(model, &QAbstractItemModel::layoutChanged)
    {
    }
    int total() const { return int(inserted.size() + removed.size() + moved.size() + changed.size() + reset.size() + layout.size()); }
    void clear()
    {
        for (QSignalSpy *spy : {&inserted, &removed, &moved, &changed, &reset, &layout})
            spy->clear();
    }
    QSignalSpy inserted, removed, moved, changed, reset, layout;
};

} // namespace

class TestUnitOverviewModel final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void display()
    {
        UnitOverviewModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSummaries({summary("ICU", 12, 2, 12 * kMinute + 59'000, 0), summary("", 0, 1, 65 * kMinute, 2)});
        QCOMPARE(model.columnCount(), 5);
        QCOMPARE(model.headerData(UnitOverviewModel::OldestWait, Qt::Horizontal).toString(), "Oldest unacknowledged wait");
        QCOMPARE(model.index(0, UnitOverviewModel::Unit).data().toString(), "ICU");
        QCOMPARE(model.index(0, UnitOverviewModel::Admitted).data().toInt(), 12);
        QCOMPARE(model.index(0, UnitOverviewModel::Open).data().toInt(), 2);
        QCOMPARE(model.index(0, UnitOverviewModel::Acknowledged).data().toInt(), 0);
        QCOMPARE(model.index(0, UnitOverviewModel::OldestWait).data().toString(), "12 min");
        QCOMPARE(model.index(1, UnitOverviewModel::Unit).data().toString(), "Not on a unit census");
        QVERIFY(!model.index(1, UnitOverviewModel::Admitted).data().isValid());
        QCOMPARE(model.index(1, UnitOverviewModel::OldestWait).data().toString(), "1 h 05 min");
        QCOMPARE(UnitOverviewModel::waitText(59'999), "<1 min");
        QCOMPARE(model.summaryAt(1).open, 1);
    }

    void escalationTint()
    {
        UnitOverviewModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSummaries({summary("A", 1, 1, kMinute, 0), summary("B", 1, 1, 15 * kMinute, 1),
                            summary("C", 1, 1, 30 * kMinute, 2)});
        QVERIFY(!model.index(0, UnitOverviewModel::OldestWait).data(Qt::BackgroundRole).isValid());
        const QColor amber = model.index(1, UnitOverviewModel::Unit).data(Qt::BackgroundRole).value<QBrush>().color();
        const QColor red = model.index(2, UnitOverviewModel::Open).data(Qt::BackgroundRole).value<QBrush>().color();
        QVERIFY(amber.isValid() && red.isValid() && amber != red);
        QCOMPARE(model.index(2, UnitOverviewModel::Open).data(Qt::ForegroundRole).value<QBrush>().color(), QColor(Qt::white));
    }

    void updatesInPlace()
    {
        UnitOverviewModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ModelSignals spies(&model);
        model.setSummaries({summary("CCU", 8), summary("ICU", 12), summary("Renal", 20)});
        QCOMPARE(spies.inserted.size(), 1); // one insertion for the first batch
        QCOMPARE(spies.total(), 1);

        spies.clear();
        model.setSummaries({summary("CCU", 8), summary("ICU", 12), summary("Renal", 20)});
        QCOMPARE(spies.total(), 0); // a second without change sends nothing

        model.setSummaries({summary("CCU", 8), summary("ICU", 12, 1, kMinute), summary("Renal", 20)});
        QCOMPARE(spies.total(), 1);
        QCOMPARE(spies.changed.size(), 1);
        QCOMPARE(spies.changed[0][0].toModelIndex(), model.index(1, 0));
        QCOMPARE(spies.changed[0][1].toModelIndex(), model.index(1, UnitOverviewModel::ColumnCount - 1));
    }

    void unitsAppearAndVanish()
    {
        UnitOverviewModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSummaries({summary("CCU", 8), summary("ICU", 12), summary("Renal", 20)});
        ModelSignals spies(&model);

        model.setSummaries({summary("CCU", 8), summary("Day Surgery", 0, 1), summary("Dialysis", 0, 1),
                            summary("ICU", 12), summary("Renal", 20), summary("", 0, 1)});
        QCOMPARE(unitColumn(model), QStringList({"CCU", "Day Surgery", "Dialysis", "ICU", "Renal", "Not on a unit census"}));
        QCOMPARE(spies.inserted.size(), 2); // one per run of new units
        QCOMPARE(spies.total(), 2);

        spies.clear();
        model.setSummaries({summary("Day Surgery", 0, 1), summary("ICU", 11)});
        QCOMPARE(unitColumn(model), QStringList({"Day Surgery", "ICU"}));
        QCOMPARE(spies.removed.size(), 3); // CCU, Dialysis, then Renal with ""
        QCOMPARE(spies.changed.size(), 1);
        QCOMPARE(spies.reset.size(), 0);

        spies.clear();
        model.setSummaries({summary("ICU", 11), summary("Day Surgery", 0, 1)});
        QCOMPARE(unitColumn(model), QStringList({"ICU", "Day Surgery"}));
        QCOMPARE(spies.moved.size(), 1);
        QCOMPARE(spies.total(), 1);

        model.setSummaries({});
        QCOMPARE(model.rowCount(), 0);
    }

    void followsTheBoardOverTime()
    {
        UnitCensus census;
        AdtEvent admission;
        admission.encounterId = "enc-1";
        admission.patientId = "pat-1";
        admission.ward = "ICU";
        census.apply(admission);
        AlertBoard board;
        Alert alert;
        alert.alertId = "a";
        alert.patientId = "pat-1";
        alert.evaluatedAtMs = kT0;
        board.apply({alert}, true, kT0);

        UnitOverviewModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ModelSignals spies(&model);
        for (std::int64_t minute = 0; minute <= 31; ++minute)
            model.setSummaries(board.summaries(census, kT0 + minute * kMinute));
        QCOMPARE(spies.inserted.size(), 1);
        QCOMPARE(spies.changed.size(), 31); // the wait text changes every minute
        QCOMPARE(model.summaryAt(0).maxEscalation, 2);
        QCOMPARE(model.index(0, UnitOverviewModel::OldestWait).data().toString(), "31 min");

        const AlertChange ack = alert.acknowledge("RN Okafor", kT0 + 32 * kMinute, true);
        QVERIFY2(ack, ack.error.c_str());
        board.apply({*ack.alert}, true, kT0 + 32 * kMinute);
        model.setSummaries(board.summaries(census, kT0 + 32 * kMinute));
        QCOMPARE(model.index(0, UnitOverviewModel::Acknowledged).data().toInt(), 1);
        QVERIFY(model.index(0, UnitOverviewModel::OldestWait).data().toString().isEmpty());
        QVERIFY(!model.index(0, UnitOverviewModel::Unit).data(Qt::BackgroundRole).isValid());
    }
};

QTEST_MAIN(TestUnitOverviewModel)
#include "tst_unitoverviewmodel.moc"
