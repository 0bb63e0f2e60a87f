#include "schemas/avroschema.h"

#include <QtTest>

// Parsing Avro schema JSON into Vigil's tree, and the errors for schemas that are not valid Avro.
class TestAvroSchema final : public QObject {
    Q_OBJECT
private slots:
    void primitives_data();
    void primitives();
    void recordWithEverything();
    void namedReferencesAndNamespaces();
    void recursiveRecord();
    void invalidSchemas_data();
    void invalidSchemas();
    void validateDatum();
    void formattedKeepsTheSchema();
};

void TestAvroSchema::primitives_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<int>("kind");
    QTest::newRow("string") << R"("string")" << int(AvroKind::String);
    QTest::newRow("long object") << R"({"type":"long"})" << int(AvroKind::Long);
    QTest::newRow("null") << R"("null")" << int(AvroKind::Null);
    QTest::newRow("bytes") << R"("bytes")" << int(AvroKind::Bytes);
    QTest::newRow("union") << R"(["null","double"])" << int(AvroKind::Union);
}

void TestAvroSchema::primitives()
{
    QFETCH(QString, json);
    QFETCH(int, kind);
    const AvroSchema schema = AvroSchema::parse(json.toStdString());
    QCOMPARE(int(schema.root().kind), kind);
}

void TestAvroSchema::recordWithEverything()
{
    const char *json = R"({
      "type": "record", "name": "Obs", "namespace": "org.example", "doc": "An observation",
      "fields": [
        {"name": "id", "type": "string", "doc": "the id"},
        {"name": "unit", "type": ["null", "string"], "default": null},
        {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["final", "amended", "unknown"],
                                    "default": "unknown"}, "default": "final"},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
        {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
        {"name": "extras", "type": {"type": "map", "values": "long"}, "default": {}},
        {"name": "digest", "type": {"type": "fixed", "name": "Md5", "size": 16}},
        {"name": "count", "type": "int", "default": 0, "aliases": ["n"]}
      ]})";
    const AvroSchema schema = AvroSchema::parse(json);
    const AvroType &root = schema.root();
    QCOMPARE(int(root.kind), int(AvroKind::Record));
    QCOMPARE(root.name, "Obs");
    QCOMPARE(root.space, "org.example");
    QCOMPARE(root.fullName(), "org.example.Obs");
    QCOMPARE(root.doc, "An observation");
    QCOMPARE(root.fields.size(), std::size_t(9));
    QCOMPARE(root.field("id")->doc, "the id");
    QVERIFY(!root.field("id")->defaultValue);
    QVERIFY(root.field("unit")->defaultValue->is_null());
    QVERIFY(root.field("unit")->type->isNullable());
    QCOMPARE(describeType(*root.field("unit")->type), "[null, string]");
    const AvroType &status = *root.field("status")->type;
    QCOMPARE(int(status.kind), int(AvroKind::Enum));
    QCOMPARE(status.symbols.size(), std::size_t(3));
    QCOMPARE(status.enumDefault.value_or(""), "unknown");
    QCOMPARE(describeType(*root.field("at")->type), "long (timestamp-millis)");
    QCOMPARE(root.field("amount")->type->precision, 9);
    QCOMPARE(root.field("amount")->type->scale, 2);
    QCOMPARE(describeType(*root.field("tags")->type), "array<string>");
    QCOMPARE(describeType(*root.field("extras")->type), "map<long>");
    QCOMPARE(describeType(*root.field("digest")->type), "fixed Md5(16)");
    QCOMPARE(root.field("count")->aliases.front(), "n");
    QVERIFY(schema.namedType("org.example.Status"));
    QVERIFY(schema.namedType("Md5"));
}

void TestAvroSchema::namedReferencesAndNamespaces()
{
    const char *json = R"({"type":"record","name":"Pair","namespace":"a.b","fields":[
        {"name":"first","type":{"type":"record","name":"Coding","fields":[{"name":"code","type":"string"}]}},
        {"name":"second","type":"Coding"},
        {"name":"third","type":"a.b.Coding"},
        {"name":"other","type":{"type":"enum","name":"x.y.Flag","symbols":["A"]}},
        {"name":"again","type":"x.y.Flag"}]})";
    const AvroSchema schema = AvroSchema::parse(json);
    const AvroType &root = schema.root();
    // References point at the one definition.
    QCOMPARE(root.field("first")->type, root.field("second")->type);
    QCOMPARE(root.field("first")->type, root.field("third")->type);
    QCOMPARE(root.field("first")->type->fullName(), "a.b.Coding");
    QCOMPARE(root.field("other")->type->fullName(), "x.y.Flag");
    QCOMPARE(root.field("other")->type, root.field("again")->type);
}

void TestAvroSchema::recursiveRecord()
{
    const AvroSchema schema = AvroSchema::parse(
        R"({"type":"record","name":"Node","fields":[{"name":"value","type":"int"},
            {"name":"next","type":["null","Node"],"default":null}]})");
    const AvroType &root = schema.root();
    QCOMPARE(root.field("next")->type->branches[1], &root);
}

void TestAvroSchema::invalidSchemas_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("error");
    QTest::newRow("not json") << "{\"type\":" << "not JSON";
    QTest::newRow("unknown type") << R"({"type":"record","name":"R","fields":[{"name":"a","type":"strin"}]})"
                                  << "R.a: unknown type `strin`";
    QTest::newRow("record without name") << R"({"type":"record","fields":[]})" << "record has no \"name\"";
    QTest::newRow("no fields") << R"({"type":"record","name":"R"})" << "no \"fields\" array";
    QTest::newRow("duplicate field") << R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"int"}]})"
                                     << "field `a` is defined twice";
    QTest::newRow("bad field name") << R"({"type":"record","name":"R","fields":[{"name":"a-b","type":"int"}]})"
                                    << "not a valid field name";
    QTest::newRow("default of wrong type") << R"({"type":"record","name":"R","fields":[{"name":"n","type":"int","default":"x"}]})"
                                           << "R.n: default \"x\" does not fit int";
    QTest::newRow("union default not first branch")
        << R"({"type":"record","name":"R","fields":[{"name":"u","type":["string","null"],"default":null}]})"
        << "a union's default must be a value of its first branch";
    QTest::newRow("nested union") << R"(["null",["int","string"]])" << "cannot directly contain another union";
    QTest::newRow("duplicate union branch") << R"(["int","int"])" << "lists `int` twice";
    QTest::newRow("enum bad symbol") << R"({"type":"enum","name":"E","symbols":["ok","not-ok"]})" << "invalid symbol";
    QTest::newRow("enum default not a symbol") << R"({"type":"enum","name":"E","symbols":["A"],"default":"B"})"
                                               << "default \"B\" is not one of its symbols";
    QTest::newRow("fixed without size") << R"({"type":"fixed","name":"F"})" << "needs a non-negative integer \"size\"";
    QTest::newRow("array without items") << R"({"type":"array"})" << "array has no \"items\"";
    QTest::newRow("redefined name") << R"({"type":"record","name":"R","fields":[{"name":"a","type":{"type":"record","name":"R","fields":[]}}]})"
                                    << "`R` is defined twice";
    QTest::newRow("decimal without precision") << R"({"type":"bytes","logicalType":"decimal"})" << "positive integer \"precision\"";
    QTest::newRow("number") << "42" << "a type must be a name";
}

void TestAvroSchema::invalidSchemas()
{
    QFETCH(QString, json);
    QFETCH(QString, error);
    try {
        AvroSchema::parse(json.toStdString());
        QFAIL("parsed an invalid schema");
    } catch (const AvroSchemaError &e) {
        const QString message = QString::fromUtf8(e.what());
        QVERIFY2(message.contains(error), qPrintable(message));
    }
}

void TestAvroSchema::validateDatum()
{
    const AvroSchema schema = AvroSchema::parse(R"({"type":"record","name":"R","fields":[
        {"name":"patient","type":"string"},
        {"name":"value","type":"double"},
        {"name":"unit","type":["null","string"],"default":null},
        {"name":"status","type":{"type":"enum","name":"S","symbols":["final","amended"]}},
        {"name":"count","type":"int","default":0},
        {"name":"tags","type":{"type":"array","items":"string"},"default":[]}]})");
    QVERIFY(schema.validate(nlohmann::json::parse(R"({"patient":"p1","value":5.5,"status":"final"})")).empty());
    QVERIFY(schema.validate(nlohmann::json::parse(R"({"patient":"p1","value":5,"unit":"mmol/L","status":"amended","tags":["a"]})")).empty());
    const auto missing = schema.validate(nlohmann::json::parse(R"({"value":5.5,"status":"final"})"));
    QCOMPARE(missing.size(), std::size_t(1));
    QCOMPARE(missing.front(), "`patient` is missing but is a required string");
    const auto wrong = schema.validate(nlohmann::json::parse(R"({"patient":"p1","value":"high","status":"bogus","count":1.5,"tags":[1]})"));
    QCOMPARE(wrong.size(), std::size_t(4));
    QCOMPARE(wrong[0], "`value` has the wrong type: expected double, got string");
    QCOMPARE(wrong[1], "`status` is \"bogus\", not a symbol of enum S");
    QCOMPARE(wrong[2], "`count` has the wrong type: expected int, got number");
    QCOMPARE(wrong[3], "`tags[0]` has the wrong type: expected string, got number");
    const auto int32 = schema.validate(nlohmann::json::parse(R"({"patient":"p","value":1,"status":"final","count":4294967296})"));
    QCOMPARE(int32.size(), std::size_t(1));
}

void TestAvroSchema::formattedKeepsTheSchema()
{
    const AvroSchema schema = AvroSchema::parse(R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})");
    QVERIFY(QString::fromStdString(schema.formatted()).contains("\n  \"fields\""));
    QCOMPARE(AvroSchema::parse(schema.formatted()).root().fields.size(), std::size_t(1));
    const AvroSchema copy = schema; // cheap and still valid after the original goes
    QCOMPARE(copy.root().field("a")->type->kind, AvroKind::Int);
}

QTEST_GUILESS_MAIN(TestAvroSchema)
#include "tst_avroschema.moc"
