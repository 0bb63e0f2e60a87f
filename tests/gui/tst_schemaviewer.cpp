#include "schemas/schemacatalog.h"
#include "items/schematreemodel.h"
#include "schemaviewer.h"

#include <QAbstractItemModelTester>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QtTest>

// The schema viewer on the bundled schemas (read from the source tree: this test does not link the
// qrc resources). Screenshots go to $VIGIL_SCREENSHOT_DIR when it is set.
class TestSchemaViewer final : public QObject {
    Q_OBJECT

    SchemaCatalog catalog()
    {
        return SchemaCatalog::fromDirectory(QFINDTESTDATA("../../resources/schemas"));
    }

    static void screenshot(QWidget &widget, const char *name)
    {
        const QString dir = qEnvironmentVariable("VIGIL_SCREENSHOT_DIR");
        if (dir.isEmpty())
            return;
        QDir().mkpath(dir);
        QVERIFY(widget.grab().save(dir + u'/' + QLatin1String(name) + QStringLiteral(".png")));
    }

private slots:
    void showsSubjectsTreeAndJson()
    {
        SchemaViewer viewer(catalog());
        QAbstractItemModelTester tester(viewer.treeModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        viewer.resize(1400, 820);
        viewer.show();
        QVERIFY(QTest::qWaitForWindowExposed(&viewer));
        QVERIFY(viewer.selectSubject("healthcare.labs.results-value"));
        QCOMPARE(viewer.currentSubject(), "healthcare.labs.results-value");
        const QModelIndex root = viewer.treeModel()->index(0, 0);
        QCOMPARE(root.data().toString(), "org.vigil.healthcare.FhirObservationEvent");
        QVERIFY(viewer.treeModel()->indexOfPath("patient_id").isValid());
        QVERIFY(viewer.treeModel()->indexOfPath("status").isValid()); // v2 is shown first
        viewer.selectVersion(1);
        QVERIFY(!viewer.treeModel()->indexOfPath("status").isValid());
        viewer.selectVersion(2);
        screenshot(viewer, "schemaviewer-observation");

        // The filter narrows the subject list.
        auto *filter = viewer.findChild<QLineEdit *>();
        QVERIFY(filter);
        filter->setText("alerts");
        auto *list = viewer.findChild<QListView *>();
        QCOMPARE(list->model()->rowCount(), 1);
        QVERIFY(viewer.selectSubject("healthcare.alerts.critical-value"));
        QCOMPARE(viewer.treeModel()->index(0, 0).data().toString(), "org.vigil.healthcare.CriticalAlert");
    }

    void diffOfTwoVersions()
    {
        SchemaViewer viewer(catalog());
        viewer.resize(1400, 820);
        viewer.show();
        QVERIFY(QTest::qWaitForWindowExposed(&viewer));
        QVERIFY(viewer.selectSubject("healthcare.labs.results-value"));
        viewer.showDiff(1, 2);
        viewer.showDiffPane();
        QCOMPARE(viewer.diffChangeCount(), 7); // v2 adds seven fields with defaults
        screenshot(viewer, "schemaviewer-diff");
    }

    void failingCompatibilityCheck()
    {
        SchemaViewer viewer(catalog());
        viewer.resize(1400, 820);
        viewer.show();
        QVERIFY(QTest::qWaitForWindowExposed(&viewer));
        QVERIFY(viewer.selectSubject("healthcare.labs.results-value"));
        QVERIFY(viewer.registryVerdictText().contains("No schema registry configured"));
        // An informaticist makes `unit` mandatory and adds a required `specimen`.
        nlohmann::json candidate = viewer.catalog().find("healthcare.labs.results-value")->schema.json();
        for (auto &field : candidate["fields"]) {
            if (field["name"] == "unit") {
                field["type"] = "string";
                field.erase("default");
            }
        }
        candidate["fields"].push_back({{"name", "specimen"}, {"type", "string"}});
        viewer.setCandidate(QString::fromStdString(candidate.dump(2)), CompatibilityMode::BackwardTransitive);
        viewer.showCheckPane();
        QSignalSpy asked(&viewer, &SchemaViewer::registryCheckRequested);
        viewer.findChild<QPushButton *>("checkButton")->click();
        const QString verdict = viewer.verdictText();
        QVERIFY2(verdict.startsWith("INCOMPATIBLE under BACKWARD_TRANSITIVE with v2, v1"), qPrintable(verdict));
        QVERIFY2(verdict.contains("new field `specimen` has no default: readers of v3 cannot read v2 data"), qPrintable(verdict));
        QVERIFY2(verdict.contains("`unit` changed from [null, string] to string"), qPrintable(verdict));
        QCOMPARE(asked.count(), 0); // no registry configured
        screenshot(viewer, "schemaviewer-failing-check");

        // With a registry, the viewer asks it and shows its answer beside Vigil's.
        viewer.setRegistryAvailable(true, "registry at http://localhost:8081");
        viewer.findChild<QPushButton *>("checkButton")->click();
        QCOMPARE(asked.count(), 1);
        QCOMPARE(asked.first().at(0).toString(), "healthcare.labs.results-value");
        viewer.setRegistryVerdict("is_compatible: false", false);
        QCOMPARE(viewer.registryVerdictText(), "is_compatible: false");

        // An invalid candidate says why.
        viewer.setCandidate("{\"type\": \"record\"}", CompatibilityMode::Backward);
        viewer.findChild<QPushButton *>("checkButton")->click();
        QVERIFY2(viewer.verdictText().contains("Not a valid Avro schema"), qPrintable(viewer.verdictText()));
    }

    void emptyCatalog()
    {
        SchemaViewer viewer(SchemaCatalog{});
        viewer.show();
        QVERIFY(QTest::qWaitForWindowExposed(&viewer));
        QCOMPARE(viewer.currentSubject(), QString());
        QCOMPARE(viewer.treeModel()->rowCount(), 0);
    }
};

QTEST_MAIN(TestSchemaViewer)
#include "tst_schemaviewer.moc"
