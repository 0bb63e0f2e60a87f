#pragma once

#include "schemas/avroschema.h"

#include <QAbstractItemModel>

#include <memory>
#include <vector>

// An Avro schema as a tree: the top-level type, its fields, and under each field what its type holds
// (a record's fields, a union's branches, an array's items, a map's values, an enum's symbols).
// A named type met again on its own path (a recursive record) is shown once, marked "recursive".
class SchemaTreeModel final : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { NameColumn, TypeColumn, DefaultColumn, DocColumn, ColumnCount };
    enum Role { PathRole = Qt::UserRole + 1, KindRole };

    explicit SchemaTreeModel(QObject *parent = nullptr);
    ~SchemaTreeModel() override;

    void setSchema(const AvroSchema &schema);
    void clear();

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The row of a field path ("valueQuantity.unit"), or an invalid index.
    QModelIndex indexOfPath(const QString &path) const;

    struct Node;

private:
    std::unique_ptr<Node> m_root; // invisible; its one child is the schema's top-level type
    AvroSchema m_schema;
};
