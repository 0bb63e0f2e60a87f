#include "items/feedmodel.h"

#include <QAbstractItemModelTester>
#include <QtTest>

namespace {

QList<FeedEvent> events(int first, int count)
{
    QList<FeedEvent> batch;
    for (int i = first; i < first + count; ++i) {
        FeedEvent event;
        event.offset = i;
        event.topic = QStringLiteral("healthcare.labs.results");
        event.resourceType = QStringLiteral("Observation");
        event.patientId = QStringLiteral("pat-%1").arg(i, 6, 10, QChar(u'0'));
        event.summary = QStringLiteral("K 4.1 mmol/L final");
        batch.append(event);
    }
    return batch;
}

} // namespace

class TestFeedModel final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void newestFirst()
    {
        FeedModel model(100);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendBatch(events(0, 3));
        model.appendBatch(events(3, 2));
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.eventAt(0).offset, 4);
        QCOMPARE(model.eventAt(4).offset, 0);
        QCOMPARE(model.totalReceived(), 5);
    }

    void oneInsertPerBatch()
    {
        FeedModel model(100);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.appendBatch(events(0, 40));
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(inserted.first().at(1).toInt(), 0);
        QCOMPARE(inserted.first().at(2).toInt(), 39);
    }

    void staysBoundedAndDropsTheOldest()
    {
        FeedModel model(10);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.appendBatch(events(0, 8));
        model.appendBatch(events(8, 5));
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(model.eventAt(0).offset, 12);
        QCOMPARE(model.eventAt(9).offset, 3);
        QCOMPARE(model.totalReceived(), 13);
    }

    void oversizedBatchKeepsItsNewestRows()
    {
        FeedModel model(10);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendBatch(events(0, 4));
        model.appendBatch(events(4, 25));
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.eventAt(0).offset, 28);
        QCOMPARE(model.eventAt(9).offset, 19);
        QCOMPARE(model.totalReceived(), 29);
    }

    void patientIdsAreMaskedUntilRevealed()
    {
        FeedModel model(10);
        model.appendBatch(events(123, 1));
        const QModelIndex patient = model.index(0, FeedModel::Patient);
        QCOMPARE(patient.data().toString(), QStringLiteral("•••••••123"));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setPatientIdsRevealed(true);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(patient.data().toString(), QStringLiteral("pat-000123"));
    }

    void unreadableRecordsAreShownInRed()
    {
        FeedModel model(10);
        KafkaRecord record;
        record.topic = QStringLiteral("healthcare.labs.results");
        record.key = "pat-1";
        record.value = "{not json";
        model.appendBatch({FeedEvent::fromRecord(record)});
        QCOMPARE(model.index(0, FeedModel::Resource).data().toString(), QStringLiteral("—"));
        QVERIFY(model.index(0, FeedModel::Summary).data().toString().startsWith(QStringLiteral("unreadable (9 bytes)")));
        QVERIFY(model.index(0, FeedModel::Summary).data(Qt::ForegroundRole).isValid());
    }

    void decodesASeedEnvelope()
    {
        KafkaRecord record;
        record.topic = QStringLiteral("healthcare.labs.results");
        record.partition = 3;
        record.offset = 17;
        record.timestampMs = 1'700'000'000'000;
        record.value = R"({"event_type":"lab_result","resource_type":"Observation","resource_id":"o1","patient_id":"pat-9","timestamp":"x","fhir_resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"6298-4"}]},"valueQuantity":{"value":2.5,"code":"mmol/L","system":"http://unitsofmeasure.org"}}})";
        const FeedEvent event = FeedEvent::fromRecord(record);
        QCOMPARE(event.resourceType, QStringLiteral("Observation"));
        QCOMPARE(event.patientId, QStringLiteral("pat-9"));
        QCOMPARE(event.summary, QStringLiteral("K 2.5 mmol/L final"));
        QCOMPARE(event.partition, 3);
        QCOMPARE(event.offset, 17);
    }
};

QTEST_GUILESS_MAIN(TestFeedModel)
#include "tst_feedmodel.moc"
