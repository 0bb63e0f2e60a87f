#include "items/thresholdrulesmodel.h"
#include "clinical/thresholdset.h"

#include <QAbstractItemModelTester>
#include <QtTest>

namespace {

const char *liveJson = R"({"name":"Live","version":7,"rules":[{"loinc":["2823-3","6298-4"],"display":"Potassium","unit":"mmol/L","low":2.8,"high":6.2},{"loinc":"6301-6","display":"INR","unit":"{INR}","high":5.0}]})";

QString cell(const ThresholdRulesModel &model, int row, int column, int role = Qt::DisplayRole)
{
    return model.index(row, column).data(role).toString();
}

} // namespace

class TestThresholdRulesModel final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void showsTheLiveSet()
    {
        ThresholdRulesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setApplied(ThresholdSet::fromJson(liveJson));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(cell(model, 0, ThresholdRulesModel::Codes), QString("2823-3, 6298-4"));
        QCOMPARE(cell(model, 0, ThresholdRulesModel::High), QString("6.2"));
        QCOMPARE(cell(model, 1, ThresholdRulesModel::Low), QString());
        QVERIFY(!model.isModified());
        QVERIFY(model.errors().isEmpty());
    }

    void validatesAsYouType_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("error");
        QTest::newRow("not a number") << int(ThresholdRulesModel::High) << "six" << "not a number";
        QTest::newRow("low above high") << int(ThresholdRulesModel::Low) << "7" << "must be above the low limit";
        QTest::newRow("unknown unit") << int(ThresholdRulesModel::Unit) << "mmol/l" << "not a UCUM unit";
        QTest::newRow("missing unit") << int(ThresholdRulesModel::Unit) << "" << "UCUM unit is required";
        QTest::newRow("bad code") << int(ThresholdRulesModel::Codes) << "2823" << "not a LOINC code";
        QTest::newRow("code in two rules") << int(ThresholdRulesModel::Codes) << "6301-6" << "already in row";
        QTest::newRow("no display") << int(ThresholdRulesModel::Display) << "" << "name the analyte";
    }
    void validatesAsYouType()
    {
        QFETCH(int, column);
        QFETCH(QString, text);
        QFETCH(QString, error);
        ThresholdRulesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setApplied(ThresholdSet::fromJson(liveJson));
        QSignalSpy validity(&model, &ThresholdRulesModel::validityChanged);
        QVERIFY(model.setData(model.index(0, column), text));
        QCOMPARE(validity.size(), 1);
        QVERIFY(model.isModified());
        const QStringList errors = model.errors();
        QVERIFY2(!errors.isEmpty() && errors.join(' ').contains(error), qPrintable(errors.join(' ')));
        QVERIFY_THROWS_EXCEPTION(ThresholdError, model.candidate());
    }

    void bothLimitsEmptyIsAnError()
    {
        ThresholdRulesModel model;
        model.setApplied(ThresholdSet::fromJson(liveJson));
        model.setData(model.index(1, ThresholdRulesModel::High), "");
        QVERIFY(model.errors().join(' ').contains("a low limit, a high limit, or both"));
        QVERIFY(model.index(1, ThresholdRulesModel::High).data(Qt::BackgroundRole).isValid());
    }

    void candidateIsTheNextVersion()
    {
        ThresholdRulesModel model;
        model.setApplied(ThresholdSet::fromJson(liveJson));
        model.setData(model.index(0, ThresholdRulesModel::High), "6.0");
        QCOMPARE(cell(model, 0, ThresholdRulesModel::High, Qt::ToolTipRole), QString("live: 6.2"));
        QVERIFY(model.index(0, ThresholdRulesModel::High).data(Qt::FontRole).isValid());
        QVERIFY(!model.index(0, ThresholdRulesModel::Low).data(Qt::FontRole).isValid());
        const auto candidate = model.candidate();
        QCOMPARE(candidate->name(), std::string("Live"));
        QCOMPARE(candidate->version(), 8);
        QCOMPARE(*candidate->ruleFor("6298-4")->high, 6.0);
        QCOMPARE(*candidate->ruleFor("2823-3")->low, 2.8);
        model.setApplied(candidate);
        QVERIFY(!model.isModified());
    }

    void addAndRemoveRules()
    {
        ThresholdRulesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setApplied(ThresholdSet::fromJson(liveJson));
        model.addRule();
        QCOMPARE(model.rowCount(), 3);
        QVERIFY(!model.errors().isEmpty()); // an empty rule is not valid yet
        model.setData(model.index(2, ThresholdRulesModel::Codes), "2951-2");
        model.setData(model.index(2, ThresholdRulesModel::Display), "Sodium");
        model.setData(model.index(2, ThresholdRulesModel::Unit), "mmol/L");
        model.setData(model.index(2, ThresholdRulesModel::Low), "120");
        QVERIFY2(model.errors().isEmpty(), qPrintable(model.errors().join('\n')));
        QVERIFY(model.candidate()->ruleFor("2951-2"));
        model.removeRule(0);
        QCOMPARE(model.rowCount(), 2);
        QVERIFY(!model.candidate()->ruleFor("2823-3"));
    }

    void countsAndWhatAnEditWouldChange()
    {
        ThresholdRulesModel model;
        model.setApplied(ThresholdSet::fromJson(liveJson));
        RuleActivity activity;
        const qint64 now = 1'800'000'000'000;
        activity.record({{"2823-3", 4.0, {}, now}, {"6298-4", 6.5, {}, now}, {"2823-3", 6.1, {}, now},
                         {"2823-3", 2.5, {}, now}, {"6301-6", 5.5, {}, now}, {"2823-3", 5.0, {}, now - 7'200'000}});
        activity.expire(now); // the last one is two hours old
        model.refreshCounts(activity);
        QCOMPARE(cell(model, 0, ThresholdRulesModel::Normal), QString("2"));
        QCOMPARE(cell(model, 0, ThresholdRulesModel::CriticalLow), QString("1"));
        QCOMPARE(cell(model, 0, ThresholdRulesModel::CriticalHigh), QString("1"));
        QCOMPARE(cell(model, 0, ThresholdRulesModel::WouldFlip), QString("0"));
        QCOMPARE(cell(model, 1, ThresholdRulesModel::CriticalHigh), QString("1"));

        // Lowering the potassium high limit to 6.0 would make 6.1 critical.
        model.setData(model.index(0, ThresholdRulesModel::High), "6.0");
        model.refreshCounts(activity);
        QCOMPARE(cell(model, 0, ThresholdRulesModel::CriticalHigh), QString("1")); // still the live limits
        QCOMPARE(cell(model, 0, ThresholdRulesModel::WouldFlip), QString("1"));
        QVERIFY(model.index(0, ThresholdRulesModel::WouldFlip).data(Qt::BackgroundRole).isValid());
    }
};

QTEST_GUILESS_MAIN(TestThresholdRulesModel)
#include "tst_thresholdrulesmodel.moc"
