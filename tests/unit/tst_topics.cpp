#include "base/topics.h"

#include <QtTest>

class TestTopics final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void resourceToTopic_data()
    {
        QTest::addColumn<QString>("resourceType");
        QTest::addColumn<QString>("topic");
        QTest::newRow("Patient") << "Patient" << "healthcare.adt.events";
        QTest::newRow("Encounter") << "Encounter" << "healthcare.adt.events";
        QTest::newRow("Observation") << "Observation" << "healthcare.labs.results";
        QTest::newRow("DiagnosticReport") << "DiagnosticReport" << "healthcare.labs.results";
        QTest::newRow("MedicationRequest") << "MedicationRequest" << "healthcare.medications.orders";
        QTest::newRow("AllergyIntolerance") << "AllergyIntolerance" << "healthcare.fhir.other";
        QTest::newRow("case matters") << "observation" << "healthcare.fhir.other";
        QTest::newRow("empty") << "" << "healthcare.fhir.other";
    }
    void resourceToTopic()
    {
        QFETCH(QString, resourceType);
        QFETCH(QString, topic);
        const auto actual = Topics::forResourceType(resourceType.toStdString());
        QCOMPARE(QString::fromUtf8(actual.data(), actual.size()), topic);
    }

    void layoutHasTheSeedPartitionCounts()
    {
        QMap<QString, int> partitions;
        for (const auto &spec : Topics::recommendedLayout())
            partitions.insert(QString::fromUtf8(spec.name.data(), spec.name.size()), spec.partitions);
        QCOMPARE(partitions.value("healthcare.adt.events"), 12);
        QCOMPARE(partitions.value("healthcare.labs.results"), 8);
        QCOMPARE(partitions.value("healthcare.alerts.critical"), 6);
        QCOMPARE(partitions.value("healthcare.medications.orders"), 8);
        QVERIFY(partitions.contains("healthcare.labs.processed"));
        QVERIFY(partitions.contains("healthcare.dlq"));
        QVERIFY(partitions.contains("healthcare.fhir.other"));
        // The evaluator's state partition p keeps the patients of input partition p.
        QCOMPARE(partitions.value("healthcare.evaluator.state"), partitions.value("healthcare.labs.results"));
        QVERIFY(partitions.contains("vigil.audit"));
        QCOMPARE(partitions.size(), 10);
    }

    void onlyTheAlertsTheEvaluatorStateAndTheCursorsAreCompacted()
    {
        for (const auto &spec : Topics::recommendedLayout())
            QCOMPARE(spec.compacted, spec.name == Topics::CriticalAlerts || spec.name == Topics::EvaluatorState
                                      || spec.name == Topics::IngestCursors);
    }

    // The audit trail is kept six years (HIPAA's retention of documentation), never compacted away.
    void theAuditTopicIsKeptSixYears()
    {
        for (const auto &spec : Topics::recommendedLayout()) {
            if (spec.name == Topics::Audit)
                QCOMPARE(spec.retentionMs, 6LL * 365 * 24 * 60 * 60 * 1000);
        }
    }
};

QTEST_APPLESS_MAIN(TestTopics)
#include "tst_topics.moc"
