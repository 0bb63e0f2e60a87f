// The threshold editor offscreen: apply needs a name and a reason, is audit-logged, and hands the
// new set to the evaluator as a signal.
#include "thresholdeditor.h"
#include "items/thresholdrulesmodel.h"
#include "clinical/thresholdset.h"

#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

namespace {
const char *liveJson = R"({"name":"Live","version":2,"rules":[{"loinc":"2823-3","display":"Potassium","unit":"mmol/L","low":2.8,"high":6.2}]})";
}

class TestThresholdEditor final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void applyIsAuditLoggedAndSentToTheEvaluator()
    {
        QTemporaryDir dir;
        const QString auditPath = dir.filePath("audit.jsonl");
        ThresholdEditor editor(ThresholdSet::fromJson(liveJson), AuditTrail(auditPath));
        editor.show();
        auto *apply = editor.findChild<QPushButton *>("apply");
        auto *who = editor.findChild<QLineEdit *>("who");
        auto *reason = editor.findChild<QLineEdit *>("reason");
        QVERIFY(apply && who && reason);
        QVERIFY(!apply->isEnabled()); // nothing edited yet

        QSignalSpy applied(&editor, &ThresholdEditor::thresholdsApplied);
        ThresholdRulesModel *rules = editor.rules();
        rules->setData(rules->index(0, ThresholdRulesModel::High), "6.0");
        QVERIFY(!apply->isEnabled()); // who and why are missing
        QVERIFY(!editor.apply("", "").isEmpty());
        QCOMPARE(applied.size(), 0);
        QVERIFY(!QFile::exists(auditPath));

        QTest::keyClicks(who, "R. Informaticist");
        QTest::keyClicks(reason, "Lab director approved 6.0");
        QVERIFY(apply->isEnabled());
        QTest::mouseClick(apply, Qt::LeftButton);

        QCOMPARE(applied.size(), 1);
        const auto set = applied.first().first().value<std::shared_ptr<const ThresholdSet>>();
        QCOMPARE(set->version(), 3);
        QCOMPARE(*set->ruleFor("2823-3")->high, 6.0);
        QCOMPARE(rules->applied()->version(), 3);
        QVERIFY(!rules->isModified());

        QFile audit(auditPath);
        QVERIFY(audit.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = audit.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 1);
        const auto entry = nlohmann::json::parse(lines.first().toStdString());
        QCOMPARE(entry.at("action"), "threshold-change");
        QCOMPARE(entry.at("who").at("name"), "R. Informaticist");
        QCOMPARE(entry.at("why"), "Lab director approved 6.0");
        QCOMPARE(entry.at("what").at("before").at("version"), 2);
        QCOMPARE(entry.at("what").at("after").at("version"), 3);
        QCOMPARE(entry.at("what").at("after").at("rules").at(0).at("high"), 6.0);
        QCOMPARE(entry.at("hash").get<std::string>(), AuditTrail::hashOf(entry));
    }

    void anInvalidEditCannotBeApplied()
    {
        QTemporaryDir dir;
        ThresholdEditor editor(ThresholdSet::fromJson(liveJson), AuditTrail(dir.filePath("audit.jsonl")));
        ThresholdRulesModel *rules = editor.rules();
        rules->setData(rules->index(0, ThresholdRulesModel::Unit), "mmol/l");
        QSignalSpy applied(&editor, &ThresholdEditor::thresholdsApplied);
        QVERIFY(editor.apply("someone", "a reason").contains("mmol/l"));
        QCOMPARE(applied.size(), 0);
        QVERIFY(!QFile::exists(dir.filePath("audit.jsonl")));
    }
};

QTEST_MAIN(TestThresholdEditor)
#include "tst_thresholdeditor.moc"
