#include "items/schematreemodel.h"

#include <QAbstractItemModelTester>
#include <QtTest>

// The schema tree the viewer shows, under QAbstractItemModelTester.
class TestSchemaTreeModel final : public QObject {
    Q_OBJECT
private slots:
    void recordTree();
    void recursiveRecordStops();
    void resetAndClear();
};

namespace {
const char *observationSchema = R"({"type":"record","name":"Obs","namespace":"org.x","doc":"A lab result","fields":[
    {"name":"patient_id","type":"string","doc":"mandatory"},
    {"name":"unit","type":["null","string"],"default":null},
    {"name":"status","type":{"type":"enum","name":"Status","symbols":["final","unknown"],"default":"unknown"},"default":"final"},
    {"name":"quantity","type":["null",{"type":"record","name":"Q","fields":[{"name":"value","type":"double"}]}],"default":null},
    {"name":"codes","type":{"type":"array","items":"string"}},
    {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}}]})";

QString cell(const QAbstractItemModel &model, const QModelIndex &parent, int row, int column)
{
    return model.data(model.index(row, column, parent)).toString();
}
} // namespace

void TestSchemaTreeModel::recordTree()
{
    SchemaTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSchema(AvroSchema::parse(observationSchema));
    QCOMPARE(model.rowCount(), 1);
    const QModelIndex root = model.index(0, 0);
    QCOMPARE(model.data(root).toString(), "org.x.Obs");
    QCOMPARE(cell(model, {}, 0, SchemaTreeModel::TypeColumn), "record Obs");
    QCOMPARE(cell(model, {}, 0, SchemaTreeModel::DocColumn), "A lab result");
    QCOMPARE(model.rowCount(root), 6);
    QCOMPARE(cell(model, root, 0, SchemaTreeModel::NameColumn), "patient_id");
    QCOMPARE(cell(model, root, 0, SchemaTreeModel::DocColumn), "mandatory");
    QVERIFY(model.data(model.index(0, 0, root), Qt::FontRole).value<QFont>().bold()); // required
    QCOMPARE(cell(model, root, 1, SchemaTreeModel::TypeColumn), "[null, string]");
    QCOMPARE(cell(model, root, 1, SchemaTreeModel::DefaultColumn), "null");
    // The enum's symbols, its default marked.
    const QModelIndex status = model.index(2, 0, root);
    QCOMPARE(model.rowCount(status), 2);
    QCOMPARE(cell(model, status, 1, SchemaTreeModel::NameColumn), "unknown");
    QCOMPARE(cell(model, status, 1, SchemaTreeModel::DefaultColumn), "enum default");
    QCOMPARE(cell(model, root, 2, SchemaTreeModel::DefaultColumn), "\"final\"");
    // A record inside a union opens as a branch.
    const QModelIndex quantity = model.index(3, 0, root);
    QCOMPARE(model.rowCount(quantity), 1);
    const QModelIndex branch = model.index(0, 0, quantity);
    QCOMPARE(model.data(branch).toString(), "record Q");
    QCOMPARE(cell(model, branch, 0, SchemaTreeModel::NameColumn), "value");
    QCOMPARE(model.data(model.index(0, 0, branch), SchemaTreeModel::PathRole).toString(), "quantity.value");
    QCOMPARE(model.indexOfPath("quantity.value"), model.index(0, 0, branch));
    QCOMPARE(model.parent(model.index(0, 0, branch)), branch);
    // Arrays show their items; logical types show in the type.
    QCOMPARE(cell(model, model.index(4, 0, root), 0, SchemaTreeModel::TypeColumn), "string");
    QCOMPARE(cell(model, root, 5, SchemaTreeModel::TypeColumn), "long (timestamp-millis)");
    QCOMPARE(model.headerData(SchemaTreeModel::DefaultColumn, Qt::Horizontal).toString(), "Default");
}

void TestSchemaTreeModel::recursiveRecordStops()
{
    SchemaTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSchema(AvroSchema::parse(R"({"type":"record","name":"Node","fields":[{"name":"v","type":"int"},
        {"name":"next","type":["null","Node"],"default":null}]})"));
    const QModelIndex root = model.index(0, 0);
    const QModelIndex next = model.index(1, 0, root);
    QCOMPARE(model.rowCount(next), 1);
    const QModelIndex again = model.index(0, 0, next);
    QCOMPARE(model.data(model.index(0, SchemaTreeModel::TypeColumn, next)).toString(), "record Node (recursive)");
    QCOMPARE(model.rowCount(again), 0);
}

void TestSchemaTreeModel::resetAndClear()
{
    SchemaTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setSchema(AvroSchema::parse(observationSchema));
    model.setSchema(AvroSchema::parse(R"("string")"));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.rowCount(model.index(0, 0)), 0);
    QCOMPARE(cell(model, {}, 0, SchemaTreeModel::NameColumn), "string");
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(reset.count(), 3);
}

QTEST_MAIN(TestSchemaTreeModel)
#include "tst_schematreemodel.moc"
