#include "schemas/schemacompatibility.h"

#include <QtTest>

// Vigil's explained compatibility check: the Avro specification's schema resolution rules under each
// Schema Registry mode, with the breaking field and the reason named.
namespace {

AvroSchema schema(const char *json) { return AvroSchema::parse(json); }

// An Observation-like record with the given extra fields after the mandatory ones.
AvroSchema observation(const std::string &extraFields)
{
    return AvroSchema::parse(R"({"type":"record","name":"Obs","fields":[
        {"name":"patient_id","type":"string"},{"name":"loinc","type":"string"},{"name":"value","type":"double"})"
                             + extraFields + "]}");
}

QString messages(const CompatibilityVerdict &verdict) { return QString::fromStdString(verdict.summary()); }

} // namespace

class TestSchemaCompatibility final : public QObject {
    Q_OBJECT
private slots:
    void modeNames();
    void addedFieldWithoutDefault();
    void addedFieldWithDefault();
    void removedFieldWithoutDefault();
    void eachMode_data();
    void eachMode();
    void transitiveComparesWithEveryVersion();
    void promotions_data();
    void promotions();
    void enums();
    void unions_data();
    void unions();
    void nestedRecordsAndCollections();
    void renamesAndAliases();
    void fixedSize();
    void recursiveTypes();
    void noneAndNoHistory();
};

void TestSchemaCompatibility::modeNames()
{
    for (const auto mode : allCompatibilityModes())
        QCOMPARE(compatibilityModeFromName(compatibilityModeName(mode)), mode);
    QCOMPARE(compatibilityModeFromName("FULL_TRANSITIVE"), CompatibilityMode::FullTransitive);
    QVERIFY(!compatibilityModeFromName("SIDEWAYS"));
}

void TestSchemaCompatibility::addedFieldWithoutDefault()
{
    const auto v1 = observation("");
    const auto v2 = observation(R"(,{"name":"unit","type":"string"})");
    const auto verdict = checkCompatibility(v2, {{1, v1}}, CompatibilityMode::Backward);
    QVERIFY(!verdict.compatible);
    QCOMPARE(verdict.issues.size(), std::size_t(1));
    QCOMPARE(verdict.issues[0].path, "unit");
    QCOMPARE(verdict.issues[0].version, 1);
    QVERIFY(verdict.issues[0].candidateReads);
    QCOMPARE(verdict.issues[0].message, "new field `unit` has no default: readers of v2 cannot read v1 data");
    // Old readers simply ignore the new field.
    QVERIFY(checkCompatibility(v2, {{1, v1}}, CompatibilityMode::Forward).compatible);
    QVERIFY(!checkCompatibility(v2, {{1, v1}}, CompatibilityMode::Full).compatible);
}

void TestSchemaCompatibility::addedFieldWithDefault()
{
    const auto v1 = observation("");
    const auto v2 = observation(R"(,{"name":"unit","type":["null","string"],"default":null})");
    for (const auto mode : allCompatibilityModes())
        QVERIFY2(checkCompatibility(v2, {{1, v1}}, mode).compatible, compatibilityModeName(mode).data());
}

void TestSchemaCompatibility::removedFieldWithoutDefault()
{
    const auto v1 = observation(R"(,{"name":"unit","type":"string"})");
    const auto v2 = observation("");
    QVERIFY(checkCompatibility(v2, {{1, v1}}, CompatibilityMode::Backward).compatible);
    const auto verdict = checkCompatibility(v2, {{1, v1}}, CompatibilityMode::Forward);
    QVERIFY(!verdict.compatible);
    QCOMPARE(verdict.issues.size(), std::size_t(1));
    QVERIFY(!verdict.issues[0].candidateReads);
    QCOMPARE(verdict.issues[0].message,
             "field `unit` was removed, and v1 has no default for it: readers of v1 cannot read v2 data");
    // Removing a mandatory clinical field breaks every consumer still on v1.
    const auto noValue = AvroSchema::parse(R"({"type":"record","name":"Obs","fields":[
        {"name":"patient_id","type":"string"},{"name":"loinc","type":"string"}]})");
    const auto full = checkCompatibility(noValue, {{1, observation("")}}, CompatibilityMode::Full);
    QVERIFY(!full.compatible);
    QVERIFY2(messages(full).contains("field `value` was removed"), qPrintable(messages(full)));
}

void TestSchemaCompatibility::eachMode_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<int>("mode");
    QTest::addColumn<bool>("compatible");
    const QString addRequired = R"(,{"name":"unit","type":"string"})";
    const QString addOptional = R"(,{"name":"unit","type":["null","string"],"default":null})";
    struct Row {
        const char *name;
        CompatibilityMode mode;
        bool required, optional;
    };
    // Adding a required field: only FORWARD (and NONE) accept it; an optional one passes everywhere.
    for (const Row &row : {Row{"BACKWARD", CompatibilityMode::Backward, false, true},
                           Row{"FORWARD", CompatibilityMode::Forward, true, true},
                           Row{"FULL", CompatibilityMode::Full, false, true},
                           Row{"NONE", CompatibilityMode::None, true, true}}) {
        QTest::addRow("%s add required", row.name) << addRequired << int(row.mode) << row.required;
        QTest::addRow("%s add optional", row.name) << addOptional << int(row.mode) << row.optional;
    }
}

void TestSchemaCompatibility::eachMode()
{
    QFETCH(QString, change);
    QFETCH(int, mode);
    QFETCH(bool, compatible);
    const auto verdict =
        checkCompatibility(observation(change.toStdString()), {{1, observation("")}}, CompatibilityMode(mode));
    QVERIFY2(verdict.compatible == compatible, qPrintable(messages(verdict)));
}

void TestSchemaCompatibility::transitiveComparesWithEveryVersion()
{
    // v1 had `unit` (required); v2 dropped it; the candidate brings it back without a default.
    const auto v1 = observation(R"(,{"name":"unit","type":"string"})");
    const auto v2 = observation("");
    const auto v3 = observation(R"(,{"name":"unit","type":"string"})");
    // FORWARD (latest only): v2 readers ignore the field — fine.
    QVERIFY(checkCompatibility(v3, {{1, v1}, {2, v2}}, CompatibilityMode::Forward).compatible);
    // BACKWARD: v3 cannot read v2 data (no unit there).
    const auto backward = checkCompatibility(v3, {{2, v2}, {1, v1}}, CompatibilityMode::Backward);
    QVERIFY(!backward.compatible);
    QCOMPARE(backward.checkedVersions, std::vector<int>{2});
    // BACKWARD_TRANSITIVE also compares with v1, which v3 can read.
    const auto transitive = checkCompatibility(v3, {{1, v1}, {2, v2}}, CompatibilityMode::BackwardTransitive);
    QCOMPARE(transitive.checkedVersions, (std::vector<int>{2, 1}));
    QCOMPARE(transitive.issues.size(), std::size_t(1));
    QCOMPARE(transitive.issues[0].version, 2);

    // A change that is fine against the latest but breaks an older version only shows transitively.
    const auto w1 = observation(R"(,{"name":"unit","type":"string"})");
    const auto w2 = observation(R"(,{"name":"unit","type":"string","default":""})");
    const auto w3 = observation("");
    QVERIFY(checkCompatibility(w3, {{1, w1}, {2, w2}}, CompatibilityMode::Forward).compatible);
    const auto forwardAll = checkCompatibility(w3, {{1, w1}, {2, w2}}, CompatibilityMode::ForwardTransitive);
    QVERIFY(!forwardAll.compatible);
    QCOMPARE(forwardAll.issues.size(), std::size_t(1));
    QCOMPARE(forwardAll.issues[0].version, 1);
    QCOMPARE(forwardAll.issues[0].message,
             "field `unit` was removed, and v1 has no default for it: readers of v1 cannot read v3 data");
    QVERIFY(!checkCompatibility(w3, {{1, w1}, {2, w2}}, CompatibilityMode::FullTransitive).compatible);
    QVERIFY(checkCompatibility(w3, {{1, w1}, {2, w2}}, CompatibilityMode::Full).compatible);
}

void TestSchemaCompatibility::promotions_data()
{
    QTest::addColumn<QString>("writer");
    QTest::addColumn<QString>("reader");
    QTest::addColumn<bool>("readable");
    QTest::newRow("int->long") << "int" << "long" << true;
    QTest::newRow("int->float") << "int" << "float" << true;
    QTest::newRow("int->double") << "int" << "double" << true;
    QTest::newRow("long->float") << "long" << "float" << true;
    QTest::newRow("long->double") << "long" << "double" << true;
    QTest::newRow("float->double") << "float" << "double" << true;
    QTest::newRow("string->bytes") << "string" << "bytes" << true;
    QTest::newRow("bytes->string") << "bytes" << "string" << true;
    QTest::newRow("long->int") << "long" << "int" << false;
    QTest::newRow("double->float") << "double" << "float" << false;
    QTest::newRow("double->long") << "double" << "long" << false;
    QTest::newRow("string->int") << "string" << "int" << false;
    QTest::newRow("boolean->int") << "boolean" << "int" << false;
}

void TestSchemaCompatibility::promotions()
{
    QFETCH(QString, writer);
    QFETCH(QString, reader);
    QFETCH(bool, readable);
    const auto field = [](const QString &type) {
        return AvroSchema::parse(
            QStringLiteral(R"({"type":"record","name":"R","fields":[{"name":"value","type":"%1"}]})").arg(type).toStdString());
    };
    const auto old = field(writer);
    const auto candidate = field(reader);
    const auto verdict = checkCompatibility(candidate, {{1, old}}, CompatibilityMode::Backward);
    QVERIFY2(verdict.compatible == readable, qPrintable(messages(verdict)));
    if (!readable) {
        QCOMPARE(verdict.issues[0].path, "value");
        QVERIFY2(messages(verdict).contains(QStringLiteral("`value` changed type from %1 to %2").arg(writer, reader)),
                 qPrintable(messages(verdict)));
    }
    // Promotion is one way: FULL needs both directions, so only string<->bytes survives it.
    const bool both = (writer == u"string" && reader == u"bytes") || (writer == u"bytes" && reader == u"string");
    QCOMPARE(checkCompatibility(candidate, {{1, old}}, CompatibilityMode::Full).compatible, both);
}

void TestSchemaCompatibility::enums()
{
    const auto make = [](const char *symbols, const char *enumDefault) {
        return AvroSchema::parse(std::string(R"({"type":"record","name":"R","fields":[{"name":"status","type":
            {"type":"enum","name":"Status","symbols":)") + symbols + enumDefault + "}}]}");
    };
    const auto v1 = make(R"(["final","amended"])", "");
    const auto added = make(R"(["final","amended","corrected"])", "");
    // A new symbol: the new reader reads all old data; old readers cannot read the new symbol.
    QVERIFY(checkCompatibility(added, {{1, v1}}, CompatibilityMode::Backward).compatible);
    const auto forward = checkCompatibility(added, {{1, v1}}, CompatibilityMode::Forward);
    QVERIFY(!forward.compatible);
    QCOMPARE(forward.issues[0].path, "status");
    QVERIFY2(messages(forward).contains("new symbol `corrected` in enum `status`"), qPrintable(messages(forward)));
    QVERIFY2(messages(forward).contains("readers of v1 cannot read v2 data"), qPrintable(messages(forward)));
    // Removing a symbol breaks backward.
    const auto removed = make(R"(["final"])", "");
    const auto backward = checkCompatibility(removed, {{1, v1}}, CompatibilityMode::Backward);
    QVERIFY(!backward.compatible);
    QVERIFY2(messages(backward).contains("symbol `amended` was removed from enum `status`"), qPrintable(messages(backward)));
    // With an enum default in the reader, unknown symbols read as the default.
    const auto v1WithDefault = make(R"(["final","amended","unknown"])", R"(,"default":"unknown")");
    const auto addedAgain = make(R"(["final","amended","unknown","corrected"])", R"(,"default":"unknown")");
    QVERIFY(checkCompatibility(addedAgain, {{1, v1WithDefault}}, CompatibilityMode::Full).compatible);
}

void TestSchemaCompatibility::unions_data()
{
    QTest::addColumn<QString>("writer");
    QTest::addColumn<QString>("reader");
    QTest::addColumn<bool>("readable");
    QTest::addColumn<QString>("why");
    QTest::newRow("string -> [null,string]") << R"("string")" << R"(["null","string"])" << true << "";
    QTest::newRow("[null,string] -> string") << R"(["null","string"])" << R"("string")" << false
                                             << "may write a null, which a string cannot hold";
    QTest::newRow("int -> [null,long] (promoted branch)") << R"("int")" << R"(["null","long"])" << true << "";
    QTest::newRow("[int,string] -> [string,int] (order)") << R"(["int","string"])" << R"(["string","int"])" << true << "";
    QTest::newRow("[null,int,string] -> [null,int]") << R"(["null","int","string"])" << R"(["null","int"])" << false
                                                     << "branch `string` was removed from the union `value`";
    QTest::newRow("[null,int] -> [null,long]") << R"(["null","int"])" << R"(["null","long"])" << true << "";
    QTest::newRow("boolean -> [null,string]") << R"("boolean")" << R"(["null","string"])" << false
                                              << "no branch of [null, string] can hold a boolean";
}

void TestSchemaCompatibility::unions()
{
    QFETCH(QString, writer);
    QFETCH(QString, reader);
    QFETCH(bool, readable);
    QFETCH(QString, why);
    const auto make = [](const QString &type) {
        return AvroSchema::parse(
            QStringLiteral(R"({"type":"record","name":"R","fields":[{"name":"value","type":%1}]})").arg(type).toStdString());
    };
    const auto verdict = checkCompatibility(make(reader), {{1, make(writer)}}, CompatibilityMode::Backward);
    QVERIFY2(verdict.compatible == readable, qPrintable(messages(verdict)));
    if (!readable)
        QVERIFY2(messages(verdict).contains(why), qPrintable(messages(verdict)));
}

void TestSchemaCompatibility::nestedRecordsAndCollections()
{
    const auto v1 = schema(R"({"type":"record","name":"Obs","fields":[
        {"name":"quantity","type":{"type":"record","name":"Quantity","fields":[{"name":"value","type":"double"}]}},
        {"name":"codes","type":{"type":"array","items":{"type":"record","name":"Coding","fields":[{"name":"code","type":"string"}]}}},
        {"name":"extras","type":{"type":"map","values":"int"}}]})");
    const auto v2 = schema(R"({"type":"record","name":"Obs","fields":[
        {"name":"quantity","type":{"type":"record","name":"Quantity","fields":[{"name":"value","type":"double"},
                                                                               {"name":"unit","type":"string"}]}},
        {"name":"codes","type":{"type":"array","items":{"type":"record","name":"Coding","fields":[{"name":"code","type":"string"},
                                                                                                  {"name":"system","type":"string"}]}}},
        {"name":"extras","type":{"type":"map","values":"string"}}]})");
    const auto verdict = checkCompatibility(v2, {{1, v1}}, CompatibilityMode::Backward);
    QVERIFY(!verdict.compatible);
    QCOMPARE(verdict.issues.size(), std::size_t(3));
    QCOMPARE(verdict.issues[0].path, "quantity.unit");
    QCOMPARE(verdict.issues[0].message, "new field `quantity.unit` has no default: readers of v2 cannot read v1 data");
    QCOMPARE(verdict.issues[1].path, "codes[].system");
    QCOMPARE(verdict.issues[2].path, "extras{}");
    QVERIFY(QString::fromStdString(verdict.issues[2].message).contains("changed type from int to string"));
}

void TestSchemaCompatibility::renamesAndAliases()
{
    const auto v1 = schema(R"({"type":"record","name":"Obs","fields":[{"name":"value","type":"double"}]})");
    const auto renamed = schema(R"({"type":"record","name":"Observation","fields":[{"name":"value","type":"double"}]})");
    const auto verdict = checkCompatibility(renamed, {{1, v1}}, CompatibilityMode::Backward);
    QVERIFY(!verdict.compatible);
    QVERIFY2(messages(verdict).contains("record `Obs` was renamed to `Observation`"), qPrintable(messages(verdict)));
    const auto aliased = schema(R"({"type":"record","name":"Observation","aliases":["Obs"],"fields":[
        {"name":"amount","aliases":["value"],"type":"double"}]})");
    QVERIFY(checkCompatibility(aliased, {{1, v1}}, CompatibilityMode::Backward).compatible);
    // Namespaces do not count in the name match.
    const auto spaced = schema(R"({"type":"record","name":"Obs","namespace":"org.x","fields":[{"name":"value","type":"double"}]})");
    QVERIFY(checkCompatibility(spaced, {{1, v1}}, CompatibilityMode::Full).compatible);
}

void TestSchemaCompatibility::fixedSize()
{
    const auto v1 = schema(R"({"type":"fixed","name":"Md5","size":16})");
    const auto v2 = schema(R"({"type":"fixed","name":"Md5","size":20})");
    const auto verdict = checkCompatibility(v2, {{1, v1}}, CompatibilityMode::Backward);
    QVERIFY(!verdict.compatible);
    QVERIFY2(messages(verdict).contains("changed size from 16 to 20"), qPrintable(messages(verdict)));
}

void TestSchemaCompatibility::recursiveTypes()
{
    const auto v1 = schema(R"({"type":"record","name":"Node","fields":[{"name":"v","type":"int"},
        {"name":"next","type":["null","Node"],"default":null}]})");
    const auto v2 = schema(R"({"type":"record","name":"Node","fields":[{"name":"v","type":"long"},
        {"name":"next","type":["null","Node"],"default":null},{"name":"label","type":"string","default":""}]})");
    QVERIFY(checkCompatibility(v2, {{1, v1}}, CompatibilityMode::Backward).compatible);
    const auto forward = checkCompatibility(v2, {{1, v1}}, CompatibilityMode::Forward);
    QVERIFY(!forward.compatible); // long -> int
    QCOMPARE(forward.issues.size(), std::size_t(1));
    QCOMPARE(forward.issues[0].path, "v");
}

void TestSchemaCompatibility::noneAndNoHistory()
{
    const auto v1 = observation("");
    const auto unrelated = schema(R"("string")");
    const auto none = checkCompatibility(unrelated, {{1, v1}}, CompatibilityMode::None);
    QVERIFY(none.compatible);
    QVERIFY(none.checkedVersions.empty());
    QVERIFY(checkCompatibility(unrelated, {}, CompatibilityMode::FullTransitive).compatible);
    const auto different = checkCompatibility(unrelated, {{1, v1}}, CompatibilityMode::Backward);
    QVERIFY(!different.compatible);
    QVERIFY2(messages(different).contains("the top-level type changed type from record Obs to string"),
             qPrintable(messages(different)));
    QVERIFY(messages(different).startsWith("INCOMPATIBLE under BACKWARD with v1"));
}

QTEST_GUILESS_MAIN(TestSchemaCompatibility)
#include "tst_schemacompatibility.moc"
