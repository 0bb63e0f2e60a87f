#include "schemas/avroschema.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

using Json = nlohmann::json;

std::string_view avroKindName(AvroKind kind)
{
    switch (kind) {
    case AvroKind::Null: return "null";
    case AvroKind::Boolean: return "boolean";
    case AvroKind::Int: return "int";
    case AvroKind::Long: return "long";
    case AvroKind::Float: return "float";
    case AvroKind::Double: return "double";
    case AvroKind::Bytes: return "bytes";
    case AvroKind::String: return "string";
    case AvroKind::Record: return "record";
    case AvroKind::Enum: return "enum";
    case AvroKind::Array: return "array";
    case AvroKind::Map: return "map";
    case AvroKind::Union: return "union";
    case AvroKind::Fixed: return "fixed";
    }
    return "?";
}

const AvroField *AvroType::field(std::string_view fieldName) const
{
    for (const auto &f : fields) {
        if (f.name == fieldName)
            return &f;
    }
    return nullptr;
}

bool AvroType::isNullable() const
{
    if (kind == AvroKind::Null)
        return true;
    return kind == AvroKind::Union
        && std::any_of(branches.begin(), branches.end(), [](const AvroType *b) { return b->kind == AvroKind::Null; });
}

std::string describeType(const AvroType &type)
{
    std::string text;
    switch (type.kind) {
    case AvroKind::Record: text = "record " + type.name; break;
    case AvroKind::Enum: text = "enum " + type.name; break;
    case AvroKind::Fixed: text = "fixed " + type.name + '(' + std::to_string(type.size) + ')'; break;
    case AvroKind::Array: text = "array<" + describeType(*type.items) + '>'; break;
    case AvroKind::Map: text = "map<" + describeType(*type.items) + '>'; break;
    case AvroKind::Union:
        text = "[";
        for (std::size_t i = 0; i < type.branches.size(); ++i)
            text += (i ? ", " : "") + describeType(*type.branches[i]);
        text += ']';
        break;
    default: text = std::string(avroKindName(type.kind)); break;
    }
    if (!type.logicalType.empty()) {
        text += " (" + type.logicalType;
        if (type.logicalType == "decimal")
            text += ' ' + std::to_string(type.precision) + ',' + std::to_string(type.scale);
        text += ')';
    }
    return text;
}

struct AvroSchema::Data {
    Json json;
    std::vector<std::unique_ptr<AvroType>> nodes;
    std::map<std::string, const AvroType *> named; // full name -> definition
    const AvroType *root = nullptr;
};

namespace {

const std::map<std::string, AvroKind, std::less<>> &primitives()
{
    static const std::map<std::string, AvroKind, std::less<>> map{
        {"null", AvroKind::Null},   {"boolean", AvroKind::Boolean}, {"int", AvroKind::Int},
        {"long", AvroKind::Long},   {"float", AvroKind::Float},     {"double", AvroKind::Double},
        {"bytes", AvroKind::Bytes}, {"string", AvroKind::String},
    };
    return map;
}

bool validName(const std::string &name)
{
    if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_'))
        return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool validFullName(const std::string &name)
{
    std::size_t start = 0;
    for (;;) {
        const std::size_t dot = name.find('.', start);
        if (!validName(name.substr(start, dot == std::string::npos ? std::string::npos : dot - start)))
            return false;
        if (dot == std::string::npos)
            return true;
        start = dot + 1;
    }
}

bool isInteger(const Json &v, double low, double high)
{
    if (!v.is_number_integer() && !v.is_number_unsigned())
        return false;
    const double d = v.get<double>();
    return d >= low && d <= high;
}

bool matches(const AvroType &type, const Json &value, const std::string &path, std::vector<std::string> *why,
             bool defaultForm)
{
    const auto fail = [&](const std::string &message) {
        if (why)
            why->push_back((path.empty() ? std::string("value") : "`" + path + "`") + ' ' + message);
        return false;
    };
    const auto expected = [&] {
        return "has the wrong type: expected " + describeType(type) + ", got " + std::string(value.type_name());
    };
    switch (type.kind) {
    case AvroKind::Null:
        return value.is_null() || fail("must be null");
    case AvroKind::Boolean:
        return value.is_boolean() || fail(value.is_null() ? "is missing (null) but is a required boolean" : expected());
    case AvroKind::Int:
        return isInteger(value, -2147483648.0, 2147483647.0)
            || fail(value.is_null() ? "is missing (null) but is a required int" : expected());
    case AvroKind::Long:
        return isInteger(value, -9223372036854775808.0, 9223372036854775807.0)
            || fail(value.is_null() ? "is missing (null) but is a required long" : expected());
    case AvroKind::Float:
    case AvroKind::Double:
        return value.is_number() || fail(value.is_null() ? "is missing (null) but is a required number" : expected());
    case AvroKind::Bytes:
    case AvroKind::String:
        return value.is_string()
            || fail(value.is_null() ? "is missing (null) but is a required " + std::string(avroKindName(type.kind))
                                    : expected());
    case AvroKind::Fixed:
        if (!value.is_string())
            return fail(expected());
        return value.get_ref<const std::string &>().size() == std::size_t(type.size)
            || fail("must be exactly " + std::to_string(type.size) + " bytes");
    case AvroKind::Enum:
        if (!value.is_string())
            return fail(value.is_null() ? "is missing (null) but is a required enum " + type.name : expected());
        return std::find(type.symbols.begin(), type.symbols.end(), value.get<std::string>()) != type.symbols.end()
            || fail("is \"" + value.get<std::string>() + "\", not a symbol of enum " + type.name);
    case AvroKind::Array: {
        if (!value.is_array())
            return fail(value.is_null() ? "is missing (null) but is a required array" : expected());
        bool ok = true;
        for (std::size_t i = 0; i < value.size(); ++i)
            ok = matches(*type.items, value[i], path + '[' + std::to_string(i) + ']', why, defaultForm) && ok;
        return ok;
    }
    case AvroKind::Map: {
        if (!value.is_object())
            return fail(value.is_null() ? "is missing (null) but is a required map" : expected());
        bool ok = true;
        for (auto it = value.begin(); it != value.end(); ++it)
            ok = matches(*type.items, it.value(), path + '[' + it.key() + ']', why, defaultForm) && ok;
        return ok;
    }
    case AvroKind::Record: {
        if (!value.is_object())
            return fail(value.is_null() ? "is missing (null) but is a required record " + type.name : expected());
        bool ok = true;
        for (const auto &field : type.fields) {
            const std::string fieldPath = path.empty() ? field.name : path + '.' + field.name;
            const auto it = value.find(field.name);
            if (it == value.end()) {
                if (field.defaultValue || field.type->isNullable())
                    continue;
                if (why)
                    why->push_back("`" + fieldPath + "` is missing but is a required " + describeType(*field.type));
                ok = false;
                continue;
            }
            ok = matches(*field.type, *it, fieldPath, why, defaultForm) && ok;
        }
        return ok;
    }
    case AvroKind::Union: {
        if (defaultForm) // a union's default is a value of its first branch
            return matches(*type.branches.front(), value, path, why, true);
        for (const AvroType *branch : type.branches) {
            if (matches(*branch, value, path, nullptr, false))
                return true;
        }
        if (value.is_null())
            return fail("is missing (null) but is required: " + describeType(type) + " has no null");
        // Name the closest branch's problems when there is only one non-null branch.
        std::vector<const AvroType *> nonNull;
        for (const AvroType *b : type.branches)
            if (b->kind != AvroKind::Null)
                nonNull.push_back(b);
        if (nonNull.size() == 1)
            return matches(*nonNull.front(), value, path, why, false);
        return fail("matches no branch of " + describeType(type));
    }
    }
    return false;
}

class Parser {
public:
    explicit Parser(AvroSchema::Data &data) : m_data(data) {}

    const AvroType *parse(const Json &json, const std::string &space, const std::string &where)
    {
        if (json.is_string())
            return reference(json.get<std::string>(), space, where);
        if (json.is_array())
            return parseUnion(json, space, where);
        if (!json.is_object())
            fail(where, "a type must be a name, an object or a union array, not " + std::string(json.type_name()));
        const auto typeIt = json.find("type");
        if (typeIt == json.end())
            fail(where, "has no \"type\"");
        if (!typeIt->is_string()) {
            // {"type": {...}} or {"type": [...]} just wraps another schema.
            return parse(*typeIt, space, where);
        }
        const std::string type = typeIt->get<std::string>();
        AvroType *node = nullptr;
        if (type == "record" || type == "error")
            node = parseRecord(json, space, where);
        else if (type == "enum")
            node = parseEnum(json, space, where);
        else if (type == "fixed")
            node = parseFixed(json, space, where);
        else if (type == "array" || type == "map") {
            node = create(type == "array" ? AvroKind::Array : AvroKind::Map);
            const char *key = type == "array" ? "items" : "values";
            const auto it = json.find(key);
            if (it == json.end())
                fail(where, type + " has no \"" + key + "\"");
            node->items = parse(*it, space, where + (type == "array" ? "[]" : "{}"));
        } else if (const auto p = primitives().find(type); p != primitives().end()) {
            node = create(p->second);
        } else {
            // {"type": "SomeNamedType"}
            return reference(type, space, where);
        }
        if (const auto doc = json.find("doc"); doc != json.end() && doc->is_string() && node->doc.empty())
            node->doc = doc->get<std::string>();
        logical(*node, json, where);
        return node;
    }

    [[noreturn]] static void fail(const std::string &where, const std::string &what)
    {
        throw AvroSchemaError(where.empty() ? what : where + ": " + what);
    }

private:
    AvroType *create(AvroKind kind)
    {
        m_data.nodes.push_back(std::make_unique<AvroType>());
        m_data.nodes.back()->kind = kind;
        return m_data.nodes.back().get();
    }

    const AvroType *reference(const std::string &name, const std::string &space, const std::string &where)
    {
        if (const auto p = primitives().find(name); p != primitives().end())
            return create(p->second);
        const std::string full = name.find('.') == std::string::npos && !space.empty() ? space + '.' + name : name;
        if (const auto it = m_data.named.find(full); it != m_data.named.end())
            return it->second;
        if (const auto it = m_data.named.find(name); it != m_data.named.end())
            return it->second;
        fail(where, "unknown type `" + name + "` (not a primitive and not defined before this point)");
    }

    AvroType *named(AvroKind kind, const Json &json, std::string &space, const std::string &where)
    {
        const auto nameIt = json.find("name");
        if (nameIt == json.end() || !nameIt->is_string())
            fail(where, std::string(avroKindName(kind)) + " has no \"name\"");
        std::string name = nameIt->get<std::string>();
        if (const auto ns = json.find("namespace"); ns != json.end() && ns->is_string() && name.find('.') == std::string::npos)
            space = ns->get<std::string>();
        if (const auto dot = name.rfind('.'); dot != std::string::npos) {
            space = name.substr(0, dot);
            name = name.substr(dot + 1);
        }
        if (!validName(name) || (!space.empty() && !validFullName(space)))
            fail(where, "`" + (space.empty() ? name : space + '.' + name) + "` is not a valid Avro name");
        AvroType *node = create(kind);
        node->name = name;
        node->space = space;
        if (primitives().count(name))
            fail(where, "a named type cannot be called `" + name + "`");
        if (!m_data.named.emplace(node->fullName(), node).second)
            fail(where, "`" + node->fullName() + "` is defined twice");
        if (const auto doc = json.find("doc"); doc != json.end() && doc->is_string())
            node->doc = doc->get<std::string>();
        if (const auto aliases = json.find("aliases"); aliases != json.end()) {
            if (!aliases->is_array())
                fail(where, "\"aliases\" must be an array of names");
            for (const auto &a : *aliases) {
                if (!a.is_string())
                    fail(where, "\"aliases\" must be an array of names");
                node->aliases.push_back(a.get<std::string>());
            }
        }
        return node;
    }

    AvroType *parseRecord(const Json &json, std::string space, const std::string &where)
    {
        AvroType *node = named(AvroKind::Record, json, space, where);
        const std::string here = where.empty() ? node->name : where;
        const auto fields = json.find("fields");
        if (fields == json.end() || !fields->is_array())
            fail(here, "record `" + node->name + "` has no \"fields\" array");
        std::set<std::string> seen;
        for (const auto &f : *fields) {
            if (!f.is_object())
                fail(here, "a field must be an object");
            const auto name = f.find("name");
            if (name == f.end() || !name->is_string())
                fail(here, "a field has no \"name\"");
            AvroField field;
            field.name = name->get<std::string>();
            const std::string fieldWhere = here + '.' + field.name;
            if (!validName(field.name))
                fail(fieldWhere, "`" + field.name + "` is not a valid field name");
            if (!seen.insert(field.name).second)
                fail(fieldWhere, "field `" + field.name + "` is defined twice");
            const auto type = f.find("type");
            if (type == f.end())
                fail(fieldWhere, "field `" + field.name + "` has no \"type\"");
            field.type = parse(*type, space, fieldWhere);
            if (const auto doc = f.find("doc"); doc != f.end() && doc->is_string())
                field.doc = doc->get<std::string>();
            if (const auto aliases = f.find("aliases"); aliases != f.end() && aliases->is_array()) {
                for (const auto &a : *aliases)
                    if (a.is_string())
                        field.aliases.push_back(a.get<std::string>());
            }
            if (const auto def = f.find("default"); def != f.end()) {
                std::vector<std::string> why;
                if (!matches(*field.type, *def, field.name, &why, true))
                    fail(fieldWhere, "default " + def->dump() + " does not fit " + describeType(*field.type)
                                         + (field.type->kind == AvroKind::Union
                                                ? " (a union's default must be a value of its first branch)"
                                                : ""));
                field.defaultValue = *def;
            }
            node->fields.push_back(std::move(field));
        }
        return node;
    }

    AvroType *parseEnum(const Json &json, std::string space, const std::string &where)
    {
        AvroType *node = named(AvroKind::Enum, json, space, where);
        const std::string here = where.empty() ? node->name : where;
        const auto symbols = json.find("symbols");
        if (symbols == json.end() || !symbols->is_array())
            fail(here, "enum `" + node->name + "` has no \"symbols\" array");
        for (const auto &s : *symbols) {
            if (!s.is_string() || !validName(s.get<std::string>()))
                fail(here, "enum `" + node->name + "` has an invalid symbol " + s.dump());
            if (std::find(node->symbols.begin(), node->symbols.end(), s.get<std::string>()) != node->symbols.end())
                fail(here, "enum `" + node->name + "` lists " + s.dump() + " twice");
            node->symbols.push_back(s.get<std::string>());
        }
        if (const auto def = json.find("default"); def != json.end()) {
            if (!def->is_string()
                || std::find(node->symbols.begin(), node->symbols.end(), def->get<std::string>()) == node->symbols.end())
                fail(here, "enum `" + node->name + "` default " + def->dump() + " is not one of its symbols");
            node->enumDefault = def->get<std::string>();
        }
        return node;
    }

    AvroType *parseFixed(const Json &json, std::string space, const std::string &where)
    {
        AvroType *node = named(AvroKind::Fixed, json, space, where);
        const auto size = json.find("size");
        if (size == json.end() || !size->is_number_integer() || size->get<long long>() < 0)
            fail(where.empty() ? node->name : where, "fixed `" + node->name + "` needs a non-negative integer \"size\"");
        node->size = size->get<int>();
        return node;
    }

    const AvroType *parseUnion(const Json &json, const std::string &space, const std::string &where)
    {
        AvroType *node = create(AvroKind::Union);
        std::set<std::string> seen;
        for (const auto &b : json) {
            const AvroType *branch = parse(b, space, where);
            if (branch->kind == AvroKind::Union)
                fail(where, "a union cannot directly contain another union");
            const std::string key = branch->isNamed() ? branch->fullName() : std::string(avroKindName(branch->kind));
            if (!seen.insert(key).second)
                fail(where, "union " + json.dump() + " lists `" + key + "` twice");
            node->branches.push_back(branch);
        }
        if (node->branches.empty())
            fail(where, "a union needs at least one branch");
        return node;
    }

    static void logical(AvroType &node, const Json &json, const std::string &where)
    {
        const auto it = json.find("logicalType");
        if (it == json.end() || !it->is_string())
            return;
        node.logicalType = it->get<std::string>();
        if (node.logicalType == "decimal") {
            const auto p = json.find("precision");
            const auto s = json.find("scale");
            if (p == json.end() || !p->is_number_integer() || p->get<int>() <= 0)
                fail(where, "decimal needs a positive integer \"precision\"");
            node.precision = p->get<int>();
            node.scale = s != json.end() && s->is_number_integer() ? s->get<int>() : 0;
            if (node.scale < 0 || node.scale > node.precision)
                fail(where, "decimal scale must be between 0 and its precision");
        }
    }

    AvroSchema::Data &m_data;
};

} // namespace

bool avroDatumMatches(const AvroType &type, const nlohmann::json &value, const std::string &path,
                      std::vector<std::string> *why)
{
    return matches(type, value, path, why, false);
}

AvroSchema::AvroSchema()
{
    auto data = std::make_shared<Data>();
    data->json = "null";
    data->nodes.push_back(std::make_unique<AvroType>());
    data->root = data->nodes.back().get();
    m_data = std::move(data);
}

AvroSchema AvroSchema::parse(std::string_view json)
{
    Json document;
    try {
        document = Json::parse(json);
    } catch (const Json::parse_error &e) {
        throw AvroSchemaError(std::string("not JSON: ") + e.what());
    }
    return fromJson(document);
}

AvroSchema AvroSchema::fromJson(const nlohmann::json &json)
{
    auto data = std::make_shared<Data>();
    data->json = json;
    Parser parser(*data);
    data->root = parser.parse(json, {}, {});
    AvroSchema schema;
    schema.m_data = std::move(data);
    return schema;
}

const AvroType &AvroSchema::root() const { return *m_data->root; }
const nlohmann::json &AvroSchema::json() const { return m_data->json; }
std::string AvroSchema::formatted() const { return m_data->json.dump(2); }

const AvroType *AvroSchema::namedType(std::string_view name) const
{
    if (const auto it = m_data->named.find(std::string(name)); it != m_data->named.end())
        return it->second;
    const AvroType *found = nullptr;
    for (const auto &[full, type] : m_data->named) {
        if (type->name == name) {
            if (found)
                return nullptr;
            found = type;
        }
    }
    return found;
}

std::vector<std::string> AvroSchema::validate(const nlohmann::json &datum) const
{
    std::vector<std::string> why;
    matches(root(), datum, {}, &why, false);
    return why;
}
