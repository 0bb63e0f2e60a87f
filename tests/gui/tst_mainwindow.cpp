// The console's main window, offscreen, on the embedded cluster with the simulated hospital.
#include "clusterstatus.h"
#include "commandline.h"
#include "console.h"
#include "dashboardview.h"
#include "feedmodel.h"
#include "mainwindow.h"
#include "pipelinehealth.h"
#include "thresholdeditor.h"
#include "thresholdrulesmodel.h"

#include <QLabel>
#include <QListWidget>
#include <QTableView>
#include <QtTest>

class TestMainWindow final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void opensOnTheEmbeddedClusterAndTheFeedFills()
    {
        Console console(CommandLine::parse({QStringLiteral("vigil"), QStringLiteral("--rate"), QStringLiteral("60000")}));
        MainWindow *window = console.window();
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window));

        // Only areas that exist are offered.
        auto *navigation = window->findChild<QListWidget *>(QStringLiteral("navigation"));
        QVERIFY(navigation);
        QCOMPARE(navigation->count(), 2);
        QCOMPARE(navigation->item(0)->text(), QStringLiteral("Dashboard"));
        QCOMPARE(navigation->item(1)->text(), QStringLiteral("Thresholds"));

        // The embedded cluster says what it cannot do.
        auto *notice = window->findChild<QLabel *>(QStringLiteral("clusterNotice"));
        QVERIFY(notice);
        QVERIFY(notice->text().contains(QStringLiteral("in memory")));

        QTableView *view = window->dashboard()->feedView();
        QTRY_VERIFY_WITH_TIMEOUT(view->model()->rowCount() > 100, 60'000);
        QVERIFY(!view->model()->index(0, FeedModel::Summary).data().toString().isEmpty());

        // The status bar reports the cluster once statistics arrive.
        auto *brokers = window->findChild<QLabel *>(QStringLiteral("brokers"));
        QVERIFY(brokers);
        QTRY_COMPARE_WITH_TIMEOUT(brokers->text(), QStringLiteral("brokers 3/3"), 30'000);
        QTRY_VERIFY_WITH_TIMEOUT(console.status()->eventsPerSecondIn() > 0, 30'000);

        // The evaluator runs beside the feed and reports on the Dashboard.
        QTRY_VERIFY_WITH_TIMEOUT(console.pipelineHealth()->totals().processed > 0, 60'000);
        auto *figures = window->findChild<QLabel *>(QStringLiteral("pipelineFigures"));
        QVERIFY(figures);
        QTRY_VERIFY_WITH_TIMEOUT(figures->text().contains(QStringLiteral("Adult inpatient critical values v1")), 10'000);

        const QString screenshotDir = qEnvironmentVariable("VIGIL_SCREENSHOT_DIR");
        if (!screenshotDir.isEmpty())
            QVERIFY(window->grab().save(screenshotDir + QStringLiteral("/console-dashboard.png")));

        // The informaticist lowers the potassium high limit and sees what it would change
        // among the results the running evaluator has seen, before applying anything.
        navigation->setCurrentRow(1);
        ThresholdRulesModel *rules = console.thresholdEditor()->rules();
        int potassium = -1;
        for (int row = 0; row < rules->rowCount(); ++row) {
            if (rules->index(row, ThresholdRulesModel::Display).data().toString() == QStringLiteral("Potassium"))
                potassium = row;
        }
        QVERIFY(potassium >= 0);
        QVERIFY(rules->setData(rules->index(potassium, ThresholdRulesModel::High), QStringLiteral("5.0")));
        QTRY_VERIFY_WITH_TIMEOUT(rules->index(potassium, ThresholdRulesModel::WouldFlip).data().toInt() > 0, 60'000);
        QVERIFY(rules->index(potassium, ThresholdRulesModel::Normal).data().toInt() > 0);
        QCOMPARE(console.pipelineHealth()->thresholdSet(), QStringLiteral("Adult inpatient critical values v1"));
        if (!screenshotDir.isEmpty())
            QVERIFY(window->grab().save(screenshotDir + QStringLiteral("/console-thresholds.png")));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
