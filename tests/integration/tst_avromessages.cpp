// Avro values in the Confluent wire format (magic 0, 4-byte big-endian schema id, Avro binary by
// Avro C), through Kafka and back, on the embedded cluster and on the real broker; and the clear
// errors for values that are not what they claim.
#include "schemas/avrocodec.h"
#include "base/text.h"
#include "clustertesting.h"
#include "simulator/hospitalsimulator.h"
#include "schemas/schemacatalog.h"
#include "schemas/schemaenforcer.h"

#include <QtTest>

#include <set>

using namespace ClusterTesting;

class TestAvroMessages final : public QObject {
    Q_OBJECT

    SchemaCatalog m_catalog;

    AvroCodec::SchemaLookup lookup() const
    {
        return [this](int id) -> std::optional<std::string> {
            if (const CatalogEntry *entry = m_catalog.byId(id))
                return entry->schemaText.toStdString();
            return std::nullopt;
        };
    }

private slots:
    void initTestCase()
    {
        // This test does not link the qrc resources: read the bundled schemas from the source tree.
        const QString dir = QFINDTESTDATA("../../resources/schemas");
        QVERIFY(!dir.isEmpty());
        m_catalog = SchemaCatalog::fromDirectory(dir);
        QVERIFY2(m_catalog.errors().isEmpty(), qPrintable(m_catalog.errors().join(u'\n')));
    }

    void wireFormatHeader()
    {
        const CatalogEntry *entry = m_catalog.find("healthcare.labs.results-value");
        const std::string bytes = AvroCodec::encode(0x01020304, entry->schemaText.toStdString(),
                                                    nlohmann::json::parse(R"({"event_type":"lab_result","resource_id":"o1",
            "patient_id":"p1","loinc_code":"2823-3","value":6.8,"timestamp":1795000000000,"fhir_resource":"{}"})"));
        QCOMPARE(bytes.substr(0, 5), std::string("\x00\x01\x02\x03\x04", 5));
        QVERIFY(AvroCodec::looksLikeWireFormat(bytes));
        QVERIFY(!AvroCodec::looksLikeWireFormat("{\"a\":1}"));
    }

    void decodeErrors_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("error");
        const CatalogEntry *entry = m_catalog.find("healthcare.adt.events-value");
        const std::string good = AvroCodec::encode(entry->id, entry->schemaText.toStdString(),
                                                   nlohmann::json::parse(R"({"event_type":"admission","resource_type":"Encounter",
            "resource_id":"e1","patient_id":"p1","location":"4 West","timestamp":1795000000000,"fhir_resource":"{}"})"));
        const QByteArray wire = Text::toBytes(good);
        QTest::newRow("JSON, not Avro") << QByteArray(R"({"resourceType":"Patient"})")
                                        << "not the Confluent wire format (first byte 0x7b, expected 0x00)";
        QTest::newRow("empty") << QByteArray() << "empty value";
        QTest::newRow("short header") << QByteArray("\x00\x00\x01", 3) << "truncated header: 3 bytes";
        QTest::newRow("unknown id") << QByteArray("\x00\x00\x00\x03\xe7\x02", 6) << "unknown schema id 999";
        QTest::newRow("truncated body") << wire.left(wire.size() - 3)
                                        << QStringLiteral("schema id %1: corrupt Avro data").arg(entry->id);
        QTest::newRow("trailing bytes") << wire + QByteArray("\x01\x02", 2) << "2 bytes left after the value";
        QByteArray badEnum = wire;
        // resource_type is the second field: after event_type's length byte and 9 characters.
        badEnum[5 + 1 + 9] = char(0x0e); // enum index 7 of a 2-symbol enum
        QTest::newRow("enum index out of range") << badEnum << "enum index 7 out of range";
    }

    void decodeErrors()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, error);
        try {
            AvroCodec::decode(Text::view(bytes), lookup());
            QFAIL("decoded bytes that are not a valid value");
        } catch (const AvroCodecError &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(error), e.what());
        }
    }

    void encodeRefusesAValueThatDoesNotFit()
    {
        const CatalogEntry *entry = m_catalog.find("healthcare.labs.results-value");
        try {
            AvroCodec::encode(entry->id, entry->schemaText.toStdString(), nlohmann::json::parse(R"({"event_type":"x"})"));
            QFAIL("encoded a lab result with no patient");
        } catch (const AvroCodecError &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains("does not fit the schema"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(AvroCodecError, AvroCodec::encode(1, "{\"type\":\"nope\"}", nlohmann::json(1)));
    }

    void everyTypeRoundTrips()
    {
        const std::string schema = R"({"type":"record","name":"All","fields":[
            {"name":"n","type":"null"},{"name":"b","type":"boolean"},{"name":"i","type":"int"},{"name":"l","type":"long"},
            {"name":"f","type":"float"},{"name":"d","type":"double"},{"name":"s","type":"string"},{"name":"by","type":"bytes"},
            {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},
            {"name":"fx","type":{"type":"fixed","name":"F","size":2}},
            {"name":"a","type":{"type":"array","items":"int"}},{"name":"m","type":{"type":"map","values":"string"}},
            {"name":"u","type":["null","string","long"]},
            {"name":"r","type":{"type":"record","name":"In","fields":[{"name":"x","type":"double"}]}}]})";
        const auto datum = nlohmann::json::parse(R"({"n":null,"b":true,"i":-7,"l":9007199254740993,"f":1.5,"d":-2.25,
            "s":"Kalium ≥ 6,2 mmol/L","by":"\u0000\u00ff","e":"B","fx":"ok","a":[1,2,3],"m":{"k":"v"},"u":42,"r":{"x":0.5}})");
        const std::string bytes = AvroCodec::encodeBinary(schema, datum);
        QCOMPARE(AvroCodec::decodeBinary(schema, bytes), datum);
        auto withString = datum;
        withString["u"] = "text";
        QCOMPARE(AvroCodec::decodeBinary(schema, AvroCodec::encodeBinary(schema, withString)), withString);
    }

    void roundTripThroughKafka_data()
    {
        QTest::addColumn<QString>("cluster_kind");
        QTest::newRow("embedded") << QStringLiteral("embedded");
        QTest::newRow("real") << QStringLiteral("real");
    }

    void roundTripThroughKafka()
    {
        TestCluster cluster;
        if (!openRowCluster(cluster, QStringLiteral("librdkafka ") + QString::fromUtf8(rd_kafka_version_str())
                                         + QStringLiteral(", Avro C")))
            return;
        const QString topic = QStringLiteral("vigil-test-avro-%1-%2").arg(QLatin1String(QTest::currentDataTag()), runId());
        cluster.createTopic(topic, 3);

        // Simulated events on their own topics' schemas, encoded with their subject's latest id.
        const SchemaEnforcer enforcer(m_catalog);
        HospitalSimulator simulator(11, 30);
        struct Sent {
            int id;
            nlohmann::json datum;
        };
        std::vector<Sent> sent;
        const qint64 startMs = QDateTime::currentMSecsSinceEpoch() - 60'000;
        Consumer reader(consumerConfig(cluster, topic + QStringLiteral("-reader"), "read_uncommitted"));
        const Offsets start = highWatermarks(reader.handle(), {topic});
        {
            Producer producer(producerConfig(cluster));
            for (int step = 0; step < 200; ++step) {
                for (const auto &event : simulator.next(startMs + step * 100).events) {
                    const auto projection = enforcer.project(event.topic, event.value);
                    QVERIFY2(projection.entry && projection.refusal.empty(), projection.refusal.c_str());
                    const std::string value = AvroCodec::encode(projection.entry->id,
                                                                projection.entry->schemaText.toStdString(), projection.datum);
                    producer.produce(topic.toStdString(), event.key, value);
                    sent.push_back({projection.entry->id, projection.datum});
                }
            }
            // An older writer's schema: v1 data stays readable by its own id.
            const CatalogEntry *v1 = m_catalog.find("healthcare.labs.results-value", 1);
            const auto old = nlohmann::json::parse(R"({"event_type":"lab_result","resource_id":"o-v1","patient_id":"p1",
                "loinc_code":"2951-2","value":118.0,"unit":"mmol/L","timestamp":1795000000000,"fhir_resource":"{}"})");
            producer.produce(topic.toStdString(), "p1", AvroCodec::encode(v1->id, v1->schemaText.toStdString(), old));
            sent.push_back({v1->id, old});
            QCOMPARE(producer.flush(30'000), 0);
            QCOMPARE(producer.deliveries().failed, 0);
        }
        const Offsets ends = highWatermarks(reader.handle(), {topic});
        assignFrom(reader, start);
        const ReadResult read = readToEnd(reader, ends);
        QVERIFY2(read.reachedEnd, qPrintable(read.missing + u' ' + read.lastError));
        QCOMPARE(read.records.size(), qsizetype(sent.size()));

        // Partitions interleave: match each decoded value with what was sent, by content.
        std::multiset<std::string> expected;
        for (const auto &s : sent)
            expected.insert(std::to_string(s.id) + ' ' + s.datum.dump());
        QSet<int> ids;
        for (const KafkaRecord &record : read.records) {
            const auto decoded = AvroCodec::decode(Text::view(record.value),
                                                   lookup());
            ids.insert(decoded.schemaId);
            // Decoding fills fields the sender left out with their defaults (null): compare what was sent.
            const std::string prefix = std::to_string(decoded.schemaId) + ' ';
            bool found = false;
            for (auto it = expected.lower_bound(prefix); it != expected.end() && it->rfind(prefix, 0) == 0; ++it) {
                const auto candidate = nlohmann::json::parse(it->substr(prefix.size()));
                bool same = true;
                for (auto field = candidate.begin(); field != candidate.end() && same; ++field)
                    same = decoded.datum.contains(field.key()) && decoded.datum[field.key()] == field.value();
                for (auto field = decoded.datum.begin(); field != decoded.datum.end() && same; ++field)
                    same = candidate.contains(field.key()) || field.value().is_null()
                        || field.value() == m_catalog.byId(decoded.schemaId)->schema.root().field(field.key())->defaultValue;
                if (same) {
                    expected.erase(it);
                    found = true;
                    break;
                }
            }
            QVERIFY2(found, decoded.datum.dump().c_str());
        }
        QVERIFY(expected.empty());
        QVERIFY2(ids.size() >= 4, "labs v1 and v2, ADT and medication schemas all went through");
    }
};

QTEST_GUILESS_MAIN(TestAvroMessages)
#include "tst_avromessages.moc"
