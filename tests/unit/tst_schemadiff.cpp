#include "schemas/schemadiff.h"

#include <QtTest>

// The field-by-field diff between two versions, and the side-by-side line alignment.
class TestSchemaDiff final : public QObject {
    Q_OBJECT
private slots:
    void addedRemovedChanged();
    void nestedAndEnums();
    void identicalHasNoChanges();
    void topLevelTypeChange();
    void sideBySideAlignment();
};

namespace {
const SchemaChange *change(const std::vector<SchemaChange> &changes, const std::string &path)
{
    for (const auto &c : changes)
        if (c.path == path)
            return &c;
    return nullptr;
}
} // namespace

void TestSchemaDiff::addedRemovedChanged()
{
    const auto v1 = AvroSchema::parse(R"({"type":"record","name":"Obs","fields":[
        {"name":"patient_id","type":"string"},
        {"name":"legacy_code","type":"string"},
        {"name":"value","type":"float"},
        {"name":"unit","type":"string","doc":"as written"}]})");
    const auto v2 = AvroSchema::parse(R"({"type":"record","name":"Obs","fields":[
        {"name":"patient_id","type":"string"},
        {"name":"value","type":"double"},
        {"name":"unit","type":["null","string"],"default":null,"doc":"as written"},
        {"name":"issued","type":["null","string"],"default":null}]})");
    const auto changes = diffSchemas(v1, v2);
    QCOMPARE(changes.size(), std::size_t(4));
    // In the newer schema's order, the removal where it was.
    QCOMPARE(changes[0].path, "legacy_code");
    QCOMPARE(changes[0].kind, SchemaChange::Kind::Removed);
    QCOMPARE(changes[0].before, "string");
    QCOMPARE(changes[1].path, "value");
    QCOMPARE(changes[1].kind, SchemaChange::Kind::Changed);
    QCOMPARE(changes[1].detail, "type float → double");
    QCOMPARE(changes[2].path, "unit");
    QCOMPARE(changes[2].detail, "type string → [null, string]; default added (null)");
    QCOMPARE(changes[2].after, "[null, string], default null");
    QCOMPARE(changes[3].path, "issued");
    QCOMPARE(changes[3].kind, SchemaChange::Kind::Added);
    QCOMPARE(schemaChangeKindName(changes[3].kind), "added");
}

void TestSchemaDiff::nestedAndEnums()
{
    const auto v1 = AvroSchema::parse(R"({"type":"record","name":"Obs","fields":[
        {"name":"status","type":{"type":"enum","name":"S","symbols":["final","amended","old"]}},
        {"name":"quantity","type":["null",{"type":"record","name":"Q","fields":[{"name":"value","type":"double"}]}],"default":null},
        {"name":"codes","type":{"type":"array","items":{"type":"record","name":"C","fields":[{"name":"code","type":"string"}]}}}]})");
    const auto v2 = AvroSchema::parse(R"({"type":"record","name":"Obs","fields":[
        {"name":"status","type":{"type":"enum","name":"S","symbols":["final","amended","corrected"],"default":"final"}},
        {"name":"quantity","type":["null",{"type":"record","name":"Q","fields":[{"name":"value","type":"double"},
                                                                                {"name":"unit","type":"string","default":""}]}],"default":null},
        {"name":"codes","type":{"type":"array","items":{"type":"record","name":"C","fields":[{"name":"code","type":"string","doc":"LOINC"}]}}}]})");
    const auto changes = diffSchemas(v1, v2);
    const SchemaChange *status = change(changes, "status");
    QVERIFY(status);
    QCOMPARE(status->detail, "symbols added: corrected; symbols removed: old; enum default (none) → final");
    const SchemaChange *unit = change(changes, "quantity.unit");
    QVERIFY(unit);
    QCOMPARE(unit->kind, SchemaChange::Kind::Added);
    QVERIFY(!change(changes, "quantity")); // the wrapper did not change, only what it holds
    const SchemaChange *code = change(changes, "codes[].code");
    QVERIFY(code);
    QCOMPARE(code->detail, "doc changed");
    QCOMPARE(changes.size(), std::size_t(3));
}

void TestSchemaDiff::identicalHasNoChanges()
{
    const char *json = R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},
        {"name":"next","type":["null","R"],"default":null}]})";
    QVERIFY(diffSchemas(AvroSchema::parse(json), AvroSchema::parse(json)).empty());
}

void TestSchemaDiff::topLevelTypeChange()
{
    const auto changes = diffSchemas(AvroSchema::parse(R"("int")"), AvroSchema::parse(R"("long")"));
    QCOMPARE(changes.size(), std::size_t(1));
    QCOMPARE(changes[0].path, "");
    QCOMPARE(changes[0].detail, "type int → long");
    const auto renamed = diffSchemas(AvroSchema::parse(R"({"type":"record","name":"A","fields":[]})"),
                                     AvroSchema::parse(R"({"type":"record","name":"B","fields":[]})"));
    QCOMPARE(renamed.size(), std::size_t(1));
    QCOMPARE(renamed[0].detail, "record renamed A → B");
}

void TestSchemaDiff::sideBySideAlignment()
{
    const auto rows = sideBySide("a\nb\nc\nd", "a\nc\nx\nd\ne");
    // a=a, b removed, c=c, x added, d=d, e added
    QCOMPARE(rows.size(), std::size_t(6));
    QCOMPARE(rows[0].left, "a");
    QVERIFY(!rows[0].differs);
    QCOMPARE(rows[1].left, "b");
    QCOMPARE(rows[1].right, "");
    QVERIFY(rows[1].differs);
    QCOMPARE(rows[2].right, "c");
    QCOMPARE(rows[3].left, "");
    QCOMPARE(rows[3].right, "x");
    QCOMPARE(rows[5].right, "e");
    // A changed line pairs across.
    const auto changed = sideBySide("x\n  \"type\": \"float\"\ny", "x\n  \"type\": \"double\"\ny");
    QCOMPARE(changed.size(), std::size_t(3));
    QCOMPARE(changed[1].left, "  \"type\": \"float\"");
    QCOMPARE(changed[1].right, "  \"type\": \"double\"");
    QVERIFY(changed[1].differs);
}

QTEST_GUILESS_MAIN(TestSchemaDiff)
#include "tst_schemadiff.moc"
