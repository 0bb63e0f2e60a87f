// Export rows: CSV quoting as RFC 4180 has it, formula cells defused, JSON Lines that parse back,
// the FHIR summary fields, masking of patient identifiers, and records that are not FHIR at all.
#include "replay/replayexport.h"
#include "replay/replayrange.h"

#include <nlohmann/json.hpp>

#include <QtTest>

namespace {

KafkaRecord labRecord()
{
    KafkaRecord record;
    record.topic = "healthcare.labs.results";
    record.partition = 3;
    record.offset = 42;
    record.timestampMs = 1'795'000'000'000;
    record.key = "pat-000123";
    record.value = "{\"event_type\":\"lab_result\",\"resource_type\":\"Observation\",\"resource_id\":\"obs-1\",\"patient_id\":\"pat-000123\",\"timestamp\":\"2026-11-27T10:00:00Z\",\"fhir_resource\":{\"resourceType\":\"Observation\",\"id\":\"obs-1\",\"status\":\"final\",\"subject\":{\"reference\":\"Patient/pat-000123\"},\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"2823-3\",\"display\":\"Potassium, \\\"serum\\\", plasma\"}]},\"effectiveDateTime\":\"2026-11-27T09:50:00Z\",\"issued\":\"2026-11-27T10:00:00Z\",\"valueQuantity\":{\"value\":6.9,\"unit\":\"mmol/L\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mmol/L\"}}}";
    return record;
}

} // namespace

class TestReplayExport final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void csvFieldsAreQuotedRight_data()
    {
        QTest::addColumn<QString>("in");
        QTest::addColumn<QString>("out");
        QTest::newRow("plain") << "abc" << "abc";
        QTest::newRow("empty") << "" << "";
        QTest::newRow("comma") << "a,b" << "\"a,b\"";
        QTest::newRow("quote") << "say \"hi\"" << "\"say \"\"hi\"\"\"";
        QTest::newRow("newline") << "a\nb" << "\"a\nb\"";
        QTest::newRow("cr") << "a\rb" << "\"a\rb\"";
        QTest::newRow("edge space") << " a" << "\" a\"";
        QTest::newRow("negative number") << "-3.5" << "-3.5";
        QTest::newRow("formula") << "=HYPERLINK(\"x\")" << "\"'=HYPERLINK(\"\"x\"\")\"";
        QTest::newRow("at") << "@SUM(A1)" << "'@SUM(A1)";
        QTest::newRow("unicode") << "Na⁺ 120" << "Na⁺ 120";
    }
    void csvFieldsAreQuotedRight()
    {
        QFETCH(QString, in);
        QFETCH(QString, out);
        QCOMPARE(ReplayExport::csvField(in), out);
    }

    void csvRowCarriesTheSummaryFieldsMasked()
    {
        const ReplayExport csv(ExportFormat::Csv);
        const QByteArray header = csv.header();
        QCOMPARE(header, ReplayExport::columns().join(',').toUtf8() + "\r\n");
        const QByteArray row = csv.row(labRecord());
        QVERIFY(row.endsWith("\r\n"));
        QVERIFY2(!row.contains("pat-000123"), row.constData());
        QVERIFY(row.startsWith("healthcare.labs.results,3,42,2026-11-18T"));
        // The display has a comma and quotes: quoted, quotes doubled.
        QVERIFY2(row.contains(",2823-3,\"Potassium, \"\"serum\"\", plasma\",6.9,mmol/L,2026-11-27T09:50:00Z,"),
                 row.constData());
        QVERIFY(row.contains(",lab_result,Observation,obs-1,"));
        QVERIFY(row.contains(",final,"));

        const QByteArray revealed = ReplayExport(ExportFormat::Csv, true).row(labRecord());
        QVERIFY(revealed.contains(",pat-000123,lab_result,"));
    }

    void jsonLinesParseBack()
    {
        const QByteArray line = ReplayExport(ExportFormat::JsonLines).row(labRecord());
        QVERIFY(line.endsWith('\n'));
        QCOMPARE(line.count('\n'), 1);
        QVERIFY(ReplayExport(ExportFormat::JsonLines).header().isEmpty());
        const auto json = nlohmann::json::parse(line.toStdString());
        QCOMPARE(json["topic"].get<std::string>(), std::string("healthcare.labs.results"));
        QCOMPARE(json["partition"].get<int>(), 3);
        QCOMPARE(json["offset"].get<int>(), 42);
        QCOMPARE(json["loinc"].get<std::string>(), std::string("2823-3"));
        QCOMPARE(json["value"].get<double>(), 6.9);
        QCOMPARE(json["unit"].get<std::string>(), std::string("mmol/L"));
        QCOMPARE(json["status"].get<std::string>(), std::string("final"));
        QVERIFY(json["error"].is_null());
        QVERIFY(!json["summary"].get<std::string>().empty());
        QVERIFY(json["patient_id"].get<std::string>().ends_with("123"));
        QVERIFY(json["patient_id"].get<std::string>().find("pat-") == std::string::npos);
    }

    void recordsThatAreNotFhirStillGetARow()
    {
        KafkaRecord junk;
        junk.topic = "healthcare.dlq";
        junk.partition = 0;
        junk.offset = 1;
        junk.value = "{not json, \"at all\"\n";
        const auto json = nlohmann::json::parse(ReplayExport(ExportFormat::JsonLines).row(junk).toStdString());
        QCOMPARE(json["error"].get<std::string>(), std::string("not-json"));
        const QByteArray row = ReplayExport(ExportFormat::Csv).row(junk);
        QVERIFY(row.endsWith(",not-json\r\n"));
        junk.value = "\xff\xfe bad utf-8";
        QVERIFY(!ReplayExport(ExportFormat::JsonLines).row(junk).isEmpty()); // never throws
    }

    void rangesParse()
    {
        QString error;
        const qint64 now = 1'795'000'000'000;
        QCOMPARE(ReplayBound::parse("beginning", now, &error), ReplayBound{});
        QCOMPARE(ReplayBound::parse("now", now, &error), ReplayBound{});
        QCOMPARE(ReplayBound::parse("@120", now, &error), (ReplayBound{ReplayBound::Kind::Offset, 120}));
        QCOMPARE(ReplayBound::parse("-24h", now, &error), (ReplayBound{ReplayBound::Kind::Timestamp, now - 86'400'000}));
        QCOMPARE(ReplayBound::parse("-30m", now, &error), (ReplayBound{ReplayBound::Kind::Timestamp, now - 1'800'000}));
        QCOMPARE(ReplayBound::parse("2026-11-27T10:00:00Z", now, &error),
                 (ReplayBound{ReplayBound::Kind::Timestamp, 1'795'773'600'000}));
        QVERIFY(!ReplayBound::parse("yesterday-ish", now, &error));
        QVERIFY(error.contains("yesterday-ish"));

        QCOMPARE(*ReplayRange::parsePartitions("0, 2,5-7", &error), (QList<int>{0, 2, 5, 6, 7}));
        QVERIFY(ReplayRange::parsePartitions("all", &error)->isEmpty());
        QVERIFY(!ReplayRange::parsePartitions("3-1", &error));
        QVERIFY(!ReplayRange::parsePartitions("x", &error));
        QCOMPARE(ReplayRange::parseTopics(" a.b, c  a.b"), (QStringList{"a.b", "c"}));

        ReplayRange range;
        QVERIFY(!range.validate().isEmpty());
        range.topics = {"healthcare.labs.results"};
        QVERIFY(range.validate().isEmpty());
        range.from = {ReplayBound::Kind::Offset, 10};
        range.to = {ReplayBound::Kind::Offset, 10};
        QVERIFY(range.validate().contains("empty"));
        range.topics = {"bad topic!"};
        QVERIFY(!range.validate().isEmpty());
    }
};

QTEST_MAIN(TestReplayExport)
#include "tst_replayexport.moc"
