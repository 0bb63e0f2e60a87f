#include "items/messagesmodel.h"

#include <QAbstractItemModelTester>
#include <QtTest>

// The message table: pages, bounded filter matches, masking of patient ids, large values truncated.
class TestMessagesModel final : public QObject {
    Q_OBJECT

    static BrowsedMessage message(qint64 offset, const QByteArray &value, const QByteArray &key = "pat-000123")
    {
        KafkaRecord r;
        r.topic = QStringLiteral("healthcare.labs.results");
        r.partition = 2;
        r.offset = offset;
        r.timestampMs = 1'700'000'000'000 + offset;
        r.key = key;
        r.value = value;
        r.headers = {{"source", "test"}};
        return BrowsedMessage::fromRecord(r);
    }

    static QByteArray observation()
    {
        return R"({"event_type":"lab_result","resource_type":"Observation","resource_id":"obs-1","patient_id":"pat-000123","timestamp":"2026-11-27T10:00:00Z","fhir_resource":{"resourceType":"Observation","id":"obs-1","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"2823-3"}]},"subject":{"reference":"Patient/pat-000123"},"valueQuantity":{"value":6.9,"unit":"mmol/L"}}})";
    }

private slots:
    void masksUnlessRevealed()
    {
        MessagesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPage({message(5, observation())});
        QCOMPARE(model.rowCount(), 1);
        const QString key = model.data(model.index(0, MessagesModel::Key)).toString();
        const QString patient = model.data(model.index(0, MessagesModel::Patient)).toString();
        QVERIFY2(!key.contains(QStringLiteral("pat-000")) && key.endsWith(QStringLiteral("123")), qPrintable(key));
        QVERIFY2(!patient.contains(QStringLiteral("pat-000")), qPrintable(patient));
        QCOMPARE(model.data(model.index(0, MessagesModel::Type)).toString(), QStringLiteral("Observation"));
        QVERIFY(model.data(model.index(0, MessagesModel::Summary)).toString().contains(QStringLiteral("6.9")));
        QVERIFY(!model.data(model.index(0, MessagesModel::Summary)).toString().contains(QStringLiteral("pat-000123")));
        QCOMPARE(model.data(model.index(0, MessagesModel::Headers)).toString(), QStringLiteral("source"));
        model.setRevealed(true);
        QCOMPARE(model.data(model.index(0, MessagesModel::Key)).toString(), QStringLiteral("pat-000123"));
        QCOMPARE(model.data(model.index(0, MessagesModel::Patient)).toString(), QStringLiteral("pat-000123"));
        model.setRevealed(false);
        QVERIFY(!model.data(model.index(0, MessagesModel::Key)).toString().contains(QStringLiteral("pat-000")));
    }
    void matchesAreBounded()
    {
        MessagesModel model(10);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QList<BrowsedMessage> batch;
        for (int i = 0; i < 7; ++i)
            batch.append(message(i, "not json"));
        model.appendMatches(batch);
        model.appendMatches(batch);
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.droppedMatches(), 4);
        QVERIFY(model.data(model.index(0, MessagesModel::Summary)).toString().startsWith(QStringLiteral("not FHIR")));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }
    void largeValuesTruncatedAndLoadedOnDemand()
    {
        const QByteArray big(BrowsedMessage::LargeValueBytes + 10, 'x');
        const BrowsedMessage m = message(9, big);
        QVERIFY(m.truncated);
        QCOMPARE(m.record.value.size(), BrowsedMessage::PreviewBytes);
        QCOMPARE(m.valueSize, big.size());
        MessagesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPage({m});
        QVERIFY(model.data(model.index(0, 0), MessagesModel::TruncatedRole).toBool());
        model.setFullValue(m.record.topic, m.record.partition, m.record.offset, big);
        QCOMPARE(model.messageAt(0).record.value.size(), big.size());
        QVERIFY(!model.data(model.index(0, 0), MessagesModel::TruncatedRole).toBool());
    }
};

QTEST_GUILESS_MAIN(TestMessagesModel)
#include "tst_messagesmodel.moc"
