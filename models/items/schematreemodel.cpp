#include "items/schematreemodel.h"
#include "base/text.h"

#include <QFont>

#include <algorithm>
#include <set>

struct SchemaTreeModel::Node {
    QString name;
    QString type;
    QString defaultValue;
    QString doc;
    QString path;
    QString kind; // "record", "field", "branch", "items", "values", "symbol"
    Node *parent = nullptr;
    std::vector<std::unique_ptr<Node>> children;

    Node *add(std::unique_ptr<Node> child)
    {
        child->parent = this;
        children.push_back(std::move(child));
        return children.back().get();
    }
    int row() const
    {
        if (!parent)
            return 0;
        const auto it = std::find_if(parent->children.begin(), parent->children.end(),
                                     [this](const auto &c) { return c.get() == this; });
        return int(it - parent->children.begin());
    }
};

namespace {

using Node = SchemaTreeModel::Node;

void expand(Node *node, const AvroType &type, std::set<const AvroType *> &onPath);

std::unique_ptr<Node> makeNode(const QString &name, const QString &kind, const QString &path, const AvroType &type,
                               std::set<const AvroType *> &onPath)
{
    auto node = std::make_unique<Node>();
    node->name = name;
    node->kind = kind;
    node->path = path;
    node->type = Text::toQString(describeType(type));
    if (node->doc.isEmpty())
        node->doc = Text::toQString(type.doc);
    expand(node.get(), type, onPath);
    return node;
}

void expand(Node *node, const AvroType &type, std::set<const AvroType *> &onPath)
{
    if (type.isNamed() && !onPath.insert(&type).second) {
        node->type += QStringLiteral(" (recursive)");
        return;
    }
    const QString prefix = node->path.isEmpty() ? QString() : node->path + u'.';
    switch (type.kind) {
    case AvroKind::Record:
        for (const AvroField &field : type.fields) {
            auto child = makeNode(Text::toQString(field.name), QStringLiteral("field"), prefix + Text::toQString(field.name), *field.type, onPath);
            if (field.defaultValue)
                child->defaultValue = Text::toQString(field.defaultValue->dump());
            if (!field.doc.empty())
                child->doc = Text::toQString(field.doc);
            node->add(std::move(child));
        }
        break;
    case AvroKind::Union:
        for (const AvroType *branch : type.branches) {
            // Nothing to show under a primitive branch; a record inside a union is worth opening.
            if (branch->kind == AvroKind::Null || (!branch->isNamed() && branch->kind != AvroKind::Array
                                                   && branch->kind != AvroKind::Map))
                continue;
            node->add(makeNode(Text::toQString(describeType(*branch)), QStringLiteral("branch"), node->path, *branch, onPath));
        }
        break;
    case AvroKind::Array:
        node->add(makeNode(QStringLiteral("items"), QStringLiteral("items"), node->path + QStringLiteral("[]"),
                           *type.items, onPath));
        break;
    case AvroKind::Map:
        node->add(makeNode(QStringLiteral("values"), QStringLiteral("values"), node->path + QStringLiteral("{}"),
                           *type.items, onPath));
        break;
    case AvroKind::Enum:
        for (const std::string &symbol : type.symbols) {
            auto child = std::make_unique<Node>();
            child->name = Text::toQString(symbol);
            child->kind = QStringLiteral("symbol");
            child->type = QStringLiteral("symbol");
            child->path = node->path;
            if (type.enumDefault == symbol)
                child->defaultValue = QStringLiteral("enum default");
            node->add(std::move(child));
        }
        break;
    default: break;
    }
    if (type.isNamed())
        onPath.erase(&type);
}

} // namespace

SchemaTreeModel::SchemaTreeModel(QObject *parent) : QAbstractItemModel(parent), m_root(std::make_unique<Node>()) {}

SchemaTreeModel::~SchemaTreeModel() = default;

void SchemaTreeModel::setSchema(const AvroSchema &schema)
{
    beginResetModel();
    m_schema = schema;
    m_root = std::make_unique<Node>();
    std::set<const AvroType *> onPath;
    const AvroType &top = schema.root();
    auto node = makeNode(Text::toQString(top.isNamed() ? top.fullName() : describeType(top)), QString::fromUtf8(avroKindName(top.kind)),
                         QString(), top, onPath);
    m_root->add(std::move(node));
    endResetModel();
}

void SchemaTreeModel::clear()
{
    beginResetModel();
    m_root = std::make_unique<Node>();
    endResetModel();
}

QModelIndex SchemaTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    const Node *p = parent.isValid() ? static_cast<const Node *>(parent.internalPointer()) : m_root.get();
    return createIndex(row, column, p->children[std::size_t(row)].get());
}

QModelIndex SchemaTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    const Node *node = static_cast<const Node *>(child.internalPointer());
    Node *p = node->parent;
    if (!p || p == m_root.get())
        return {};
    return createIndex(p->row(), 0, p);
}

int SchemaTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    const Node *p = parent.isValid() ? static_cast<const Node *>(parent.internalPointer()) : m_root.get();
    return int(p->children.size());
}

int SchemaTreeModel::columnCount(const QModelIndex &) const { return ColumnCount; }

QVariant SchemaTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node *node = static_cast<const Node *>(index.internalPointer());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: return node->name;
        case TypeColumn: return node->type;
        case DefaultColumn: return node->defaultValue;
        case DocColumn: return node->doc;
        default: return {};
        }
    case Qt::ToolTipRole: return node->doc.isEmpty() ? QVariant() : QVariant(node->doc);
    case Qt::FontRole:
        if (index.column() == NameColumn && node->kind == u"field" && !node->defaultValue.isEmpty())
            return {};
        if (index.column() == NameColumn && node->kind == u"field") {
            QFont bold;
            bold.setBold(true); // required fields (no default) stand out
            return bold;
        }
        return {};
    case PathRole: return node->path;
    case KindRole: return node->kind;
    default: return {};
    }
}

QVariant SchemaTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return QStringLiteral("Name");
    case TypeColumn: return QStringLiteral("Type");
    case DefaultColumn: return QStringLiteral("Default");
    case DocColumn: return QStringLiteral("Doc");
    default: return {};
    }
}

QModelIndex SchemaTreeModel::indexOfPath(const QString &path) const
{
    std::vector<const Node *> stack{m_root.get()};
    while (!stack.empty()) {
        const Node *node = stack.back();
        stack.pop_back();
        if (node != m_root.get() && node->kind == u"field" && node->path == path)
            return createIndex(node->row(), 0, const_cast<Node *>(node));
        for (const auto &c : node->children)
            stack.push_back(c.get());
    }
    return {};
}
