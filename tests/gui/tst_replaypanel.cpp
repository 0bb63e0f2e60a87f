// The replay panel on the embedded cluster, offscreen: a what-if with the potassium high limit moved,
// apply (audit-logged), re-publish with its dry run and confirmation (twice for a source topic), the
// dead-letter redrive preset, and export. Screenshots go to $VIGIL_SCREENSHOT_DIR when it is set.
#include "local/mockcluster.h"
#include "client/producer.h"
#include "replaypanel.h"
#include "jobs/replaysession.h"
#include "items/thresholdrulesmodel.h"
#include "items/whatifmodels.h"
#include "clinical/thresholdset.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const char *liveJson = "{\"name\":\"Adult critical values\",\"version\":4,\"rules\":["
                       "{\"loinc\":[\"2823-3\",\"6298-4\"],\"display\":\"Potassium\",\"unit\":\"mmol/L\",\"low\":2.8,\"high\":6.2},"
                       "{\"loinc\":[\"2951-2\",\"2947-0\"],\"display\":\"Sodium\",\"unit\":\"mmol/L\",\"low\":120,\"high\":160}]}";

const std::string LoincSystem = "http" "://loinc.org";

std::string observation(int n, const char *loinc, double value)
{
    return "{\"resourceType\":\"Observation\",\"id\":\"obs-" + std::to_string(n)
           + "\",\"status\":\"final\",\"subject\":{\"reference\":\"Patient/pat-" + std::to_string(1000 + n % 23)
           + "\"},\"code\":{\"coding\":[{\"system\":\"" + LoincSystem + "\",\"code\":\"" + loinc
           + "\"}]},\"issued\":\"2026-11-27T10:00:00Z\",\"valueQuantity\":{\"value\":" + std::to_string(value)
           + ",\"code\":\"mmol/L\"}}";
}

void screenshot(QWidget &widget, const char *name)
{
    const QString dir = qEnvironmentVariable("VIGIL_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    QCoreApplication::processEvents();
    QVERIFY(widget.grab().save(dir + "/" + name));
}

int findRow(QAbstractItemModel *model, int column, const QString &text)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, column).data().toString() == text)
            return row;
    }
    return -1;
}

} // namespace

class TestReplayPanel final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_cluster = std::make_unique<MockCluster>(3);
        m_config.setBootstrapServers(m_cluster->bootstrapServers());
        m_cluster->createTopic("replay.copy", 3, 1);
        Producer producer(m_config);
        // 80 potassium results over the last hours (4.0, 5.8, 6.5, 2.0 in turn) and 20 sodium ones.
        const double potassium[] = {4.0, 5.8, 6.5, 2.0};
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (int n = 0; n < 80; ++n)
            producer.produce("healthcare.labs.results", "pat-" + std::to_string(1000 + n % 23),
                             observation(n, "2823-3", potassium[n % 4]), {{"origin", "ehr"}}, now - (80 - n) * 240'000);
        for (int n = 0; n < 20; ++n)
            producer.produce("healthcare.labs.results", "pat-" + std::to_string(2000 + n),
                             observation(100 + n, "2951-2", 118 + n * 2), {}, now - (20 - n) * 900'000);
        // Dead letters as the evaluator job writes them, naming their original topic.
        for (int n = 0; n < 6; ++n)
            producer.produce("healthcare.dlq", "pat-9", "{\"unit fixed\":" + std::to_string(n) + "}",
                             {{"vigil.source.topic", "healthcare.labs.results"},
                              {"vigil.source.partition", "0"},
                              {"vigil.source.offset", QByteArray::number(n)},
                              {"vigil.dlq.reason", "unknown-unit"},
                              {"vigil.dlq.message", "unit furlongs"}});
        QCOMPARE(producer.flush(10'000), 0);
    }

    void whatIfShowsWhatMovingALimitDoes()
    {
        KafkaReplayControl control(m_config);
        QTemporaryDir dir;
        ReplayPanel panel(&control, ThresholdSet::fromJson(liveJson), AuditTrail(dir.filePath("audit.jsonl")));
        QAbstractItemModelTester rulesTester(panel.ruleResults(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester changesTester(panel.changedAlerts(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        panel.resize(1500, 900);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));

        // The informaticist moves the potassium high limit from 6.2 to 5.5 and replays the last day.
        ThresholdRulesModel *rules = panel.candidateRules();
        const int potassium = findRow(rules, ThresholdRulesModel::Display, "Potassium");
        QVERIFY(potassium >= 0);
        QVERIFY(rules->setData(rules->index(potassium, ThresholdRulesModel::High), "5.5"));
        panel.setRange("healthcare.labs.results", "all", "-24h", "now");
        QCOMPARE(panel.runWhatIf(), QString());
        QTRY_VERIFY_WITH_TIMEOUT(panel.lastResult().status == ReplayResult::Status::Completed
                                     && panel.lastResult().mode == ReplayMode::WhatIf
                                     && panel.lastResult().progress.records == 100,
                                 60'000);
        const WhatIfComparison &c = panel.comparison();
        QCOMPARE(c.records(), 100);
        QCOMPARE(c.evaluated(), 100);
        QCOMPARE(c.liveAlerts(), 40 + 1);      // 20 at 6.5, 20 at 2.0, sodium 118 below 120
        QCOMPARE(c.candidateAlerts(), 60 + 1); // and 20 at 5.8
        QCOMPARE(c.added(), 20);
        QCOMPARE(c.removed(), 0);
        QCOMPARE(panel.ruleResults()->rowCount(), 2);
        QCOMPARE(panel.ruleResults()->index(0, WhatIfRulesModel::Added).data().toString(), QString("+20"));
        QCOMPARE(panel.changedAlerts()->rowCount(), 20);
        QVERIFY(!panel.changedAlerts()->index(0, WhatIfChangesModel::Patient).data().toString().contains("pat-"));
        QVERIFY(panel.findChild<QLabel *>("summary")->text().contains("20 appear"));
        screenshot(panel, "replay-whatif.png");

        // Exported as CSV.
        QVERIFY(panel.exportComparison(dir.filePath("comparison.csv")).contains("written"));
        QFile csv(dir.filePath("comparison.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QVERIFY(csv.readAll().contains("Potassium,\"2823-3, 6298-4\",mmol/L,2.8,6.2,2.8,5.5,80,20,20,20,40,20,0"));

        // Apply: refused without a name and reason, then audit-logged and signalled.
        QSignalSpy applied(&panel, &ReplayPanel::thresholdsApplied);
        QVERIFY(!panel.applyCandidate("", "").isEmpty());
        QCOMPARE(applied.size(), 0);
        QCOMPARE(panel.applyCandidate("Dr. Rivera", "replayed last day: 20 more potassium alerts, accepted"), QString());
        QCOMPARE(applied.size(), 1);
        const auto set = applied.first().first().value<std::shared_ptr<const ThresholdSet>>();
        QCOMPARE(set->version(), 5);
        QCOMPARE(set->ruleFor("2823-3")->high, std::optional<double>(5.5));
        QFile audit(dir.filePath("audit.jsonl"));
        QVERIFY(audit.open(QIODevice::ReadOnly));
        QVERIFY(audit.readAll().contains("Dr. Rivera"));
        QVERIFY(!panel.candidateRules()->isModified());
    }

    void republishNeedsACountAndAConfirmationNamingTheTarget()
    {
        KafkaReplayControl control(m_config);
        QTemporaryDir dir;
        ReplayPanel panel(&control, ThresholdSet::fromJson(liveJson), AuditTrail(dir.filePath("audit.jsonl")));
        panel.resize(1500, 900);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.showTab(ReplayPanel::RepublishTab);
        auto *confirmation = panel.findChild<QFrame *>("confirmation");
        auto *confirmText = panel.findChild<QLabel *>("confirmText");
        auto *confirm = panel.findChild<QPushButton *>("confirm");

        QVERIFY(!panel.confirmRepublish().isEmpty()); // nothing counted yet
        panel.setRange("healthcare.labs.results", "all", "beginning", "now");
        panel.setTarget("replay.copy");
        QCOMPARE(panel.countRepublish(), QString());
        QTRY_VERIFY_WITH_TIMEOUT(confirmation->isVisible(), 60'000);
        QVERIFY(panel.lastResult().dryRun);
        QVERIFY2(confirmText->text().contains("<b>100</b>"), qPrintable(confirmText->text()));
        QCOMPARE(confirm->text(), QString("Write 100 records to replay.copy"));
        screenshot(panel, "replay-republish-confirm.png");
        QCOMPARE(panel.confirmRepublish(), QString());
        QTRY_VERIFY_WITH_TIMEOUT(!panel.lastResult().dryRun && panel.lastResult().status == ReplayResult::Status::Completed,
                                 60'000);
        QCOMPARE(panel.lastResult().perTarget.value("replay.copy"), 100);

        // Into the source topic: two confirmations, and nothing written until the second.
        panel.setTarget("healthcare.labs.results");
        QCOMPARE(panel.countRepublish(), QString());
        QTRY_VERIFY_WITH_TIMEOUT(confirmation->isVisible(), 60'000);
        QCOMPARE(panel.confirmRepublish(), QString());
        QVERIFY(confirmation->isVisible());
        QVERIFY(confirmText->text().contains("Confirm a second time"));
        QVERIFY(confirm->text().contains("source topic healthcare.labs.results"));
        QVERIFY(!control.isRunning());
        screenshot(panel, "replay-republish-source-second-confirmation.png");
        panel.setTarget("replay.copy"); // changing the target withdraws the confirmation
        QVERIFY(!confirmation->isVisible());
    }

    void deadLetterRedrivePreset()
    {
        KafkaReplayControl control(m_config);
        QTemporaryDir dir;
        ReplayPanel panel(&control, ThresholdSet::fromJson(liveJson), AuditTrail(dir.filePath("audit.jsonl")));
        panel.resize(1500, 900);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.showTab(ReplayPanel::RepublishTab);
        panel.setPreset(ReplayPanel::Preset::DeadLetterRedrive);
        QCOMPARE(panel.findChild<QLineEdit *>("topics")->text(), QString("healthcare.dlq"));
        QCOMPARE(panel.countRepublish(), QString());
        auto *confirmation = panel.findChild<QFrame *>("confirmation");
        QTRY_VERIFY_WITH_TIMEOUT(confirmation->isVisible(), 60'000);
        QVERIFY(panel.findChild<QLabel *>("confirmText")->text().contains("6 to <b>healthcare.labs.results</b>"));
        screenshot(panel, "replay-dlq-redrive-confirm.png");
        QCOMPARE(panel.confirmRepublish(), QString());
        QTRY_VERIFY_WITH_TIMEOUT(!panel.lastResult().dryRun && panel.lastResult().status == ReplayResult::Status::Completed,
                                 60'000);
        QCOMPARE(panel.lastResult().mode, ReplayMode::Redrive);
        QCOMPARE(panel.lastResult().perTarget.value("healthcare.labs.results"), 6);
        screenshot(panel, "replay-dlq-redrive-done.png");
    }

    void exportWritesTheChosenFile()
    {
        KafkaReplayControl control(m_config);
        QTemporaryDir dir;
        ReplayPanel panel(&control, ThresholdSet::fromJson(liveJson), AuditTrail(dir.filePath("audit.jsonl")));
        panel.resize(1500, 900);
        panel.show();
        panel.showTab(ReplayPanel::ExportTab);
        panel.setRange("replay.copy", "all", "beginning", "now");
        panel.setExport(dir.filePath("range.csv"), ExportFormat::Csv);
        QCOMPARE(panel.runExport(), QString());
        QTRY_VERIFY_WITH_TIMEOUT(panel.lastResult().mode == ReplayMode::Export
                                     && panel.lastResult().status == ReplayResult::Status::Completed,
                                 60'000);
        QFile file(dir.filePath("range.csv"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll().count('\n'), 1 + 100);
        screenshot(panel, "replay-export.png");
    }

    void cleanupTestCase() { m_cluster.reset(); }

private:
    std::unique_ptr<MockCluster> m_cluster;
    ClientConfig m_config;
};

QTEST_MAIN(TestReplayPanel)
#include "tst_replaypanel.moc"
