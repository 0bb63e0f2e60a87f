#include "schemas/avrocodec.h"
#include "base/text.h"

#include "schemas/avroschema.h"

#include <QString>

#include <avro.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>

using Json = nlohmann::json;

namespace {

// Avro C allocates a string's or array's length as read from the data before it checks the data
// holds that many bytes; corrupt bytes could ask for terabytes. Refuse anything this large instead.
constexpr std::size_t MaxAllocation = 64u * 1024u * 1024u;

void *boundedAllocator(void *, void *ptr, size_t, size_t newSize)
{
    if (newSize == 0) {
        std::free(ptr);
        return nullptr;
    }
    if (newSize > MaxAllocation)
        return nullptr;
    return std::realloc(ptr, newSize);
}

void installAllocator()
{
    static std::once_flag once;
    std::call_once(once, [] { avro_set_allocator(boundedAllocator, nullptr); });
}

struct SchemaDeleter {
    void operator()(avro_obj_t *schema) const { avro_schema_decref(schema); }
};
using SchemaPtr = std::unique_ptr<avro_obj_t, SchemaDeleter>;

struct IfaceDeleter {
    void operator()(avro_value_iface_t *iface) const { avro_value_iface_decref(iface); }
};
using IfacePtr = std::unique_ptr<avro_value_iface_t, IfaceDeleter>;

struct ReaderDeleter {
    void operator()(avro_reader_t reader) const { avro_reader_free(reader); }
};
using ReaderPtr = std::unique_ptr<std::remove_pointer_t<avro_reader_t>, ReaderDeleter>;

struct WriterDeleter {
    void operator()(avro_writer_t writer) const { avro_writer_free(writer); }
};
using WriterPtr = std::unique_ptr<std::remove_pointer_t<avro_writer_t>, WriterDeleter>;

// An avro_value_t that owns its reference.
class OwnedValue {
public:
    explicit OwnedValue(avro_value_iface_t *iface)
    {
        if (avro_generic_value_new(iface, &m_value) != 0)
            throw AvroCodecError(std::string("cannot create an Avro value: ") + avro_strerror());
    }
    ~OwnedValue() { avro_value_decref(&m_value); }
    OwnedValue(const OwnedValue &) = delete;
    OwnedValue &operator=(const OwnedValue &) = delete;
    avro_value_t *get() { return &m_value; }

private:
    avro_value_t m_value{};
};

// The schema in both forms: Vigil's tree guides the JSON mapping, Avro C's does the encoding.
struct Compiled {
    AvroSchema tree;
    SchemaPtr schema;
    IfacePtr iface;
};

Compiled compile(std::string_view schemaJson)
{
    installAllocator();
    Compiled compiled;
    try {
        compiled.tree = AvroSchema::parse(schemaJson);
    } catch (const AvroSchemaError &e) {
        throw AvroCodecError(std::string("invalid schema: ") + e.what());
    }
    avro_schema_t raw = nullptr;
    if (avro_schema_from_json_length(schemaJson.data(), schemaJson.size(), &raw) != 0)
        throw AvroCodecError(std::string("invalid schema: ") + avro_strerror());
    compiled.schema.reset(raw);
    compiled.iface.reset(avro_generic_class_from_schema(raw));
    if (!compiled.iface)
        throw AvroCodecError(std::string("cannot use schema: ") + avro_strerror());
    return compiled;
}

void check(int rc, const std::string &path, const char *what)
{
    if (rc != 0)
        throw AvroCodecError((path.empty() ? std::string("value") : '`' + path + '`') + ": " + what + ": "
                             + avro_strerror());
}

std::string latin1(const std::string &utf8)
{
    const QByteArray bytes = Text::toQString(utf8).toLatin1();
    return Text::toStdString(bytes);
}

std::string utf8FromLatin1(const char *data, std::size_t size)
{
    const QByteArray bytes = QString::fromLatin1(data, qsizetype(size)).toUtf8();
    return Text::toStdString(bytes);
}

void fill(const AvroType &type, const Json &json, avro_value_t *value, const std::string &path)
{
    switch (type.kind) {
    case AvroKind::Null: check(avro_value_set_null(value), path, "null"); return;
    case AvroKind::Boolean: check(avro_value_set_boolean(value, json.get<bool>()), path, "boolean"); return;
    case AvroKind::Int: check(avro_value_set_int(value, json.get<std::int32_t>()), path, "int"); return;
    case AvroKind::Long: check(avro_value_set_long(value, json.get<std::int64_t>()), path, "long"); return;
    case AvroKind::Float: check(avro_value_set_float(value, json.get<float>()), path, "float"); return;
    case AvroKind::Double: check(avro_value_set_double(value, json.get<double>()), path, "double"); return;
    case AvroKind::String: {
        const auto &s = json.get_ref<const std::string &>();
        // Avro C counts the terminating NUL in a string's size.
        check(avro_value_set_string_len(value, s.c_str(), s.size() + 1), path, "string");
        return;
    }
    case AvroKind::Bytes: {
        std::string bytes = latin1(json.get<std::string>());
        check(avro_value_set_bytes(value, bytes.data(), bytes.size()), path, "bytes");
        return;
    }
    case AvroKind::Fixed: {
        std::string bytes = latin1(json.get<std::string>());
        check(avro_value_set_fixed(value, bytes.data(), bytes.size()), path, "fixed");
        return;
    }
    case AvroKind::Enum: {
        const auto &symbol = json.get_ref<const std::string &>();
        const auto it = std::find(type.symbols.begin(), type.symbols.end(), symbol);
        check(avro_value_set_enum(value, int(it - type.symbols.begin())), path, "enum");
        return;
    }
    case AvroKind::Array:
        for (std::size_t i = 0; i < json.size(); ++i) {
            avro_value_t child;
            check(avro_value_append(value, &child, nullptr), path, "array");
            fill(*type.items, json[i], &child, path + '[' + std::to_string(i) + ']');
        }
        return;
    case AvroKind::Map:
        for (auto it = json.begin(); it != json.end(); ++it) {
            avro_value_t child;
            check(avro_value_add(value, it.key().c_str(), &child, nullptr, nullptr), path, "map");
            fill(*type.items, it.value(), &child, path + '[' + it.key() + ']');
        }
        return;
    case AvroKind::Record:
        for (std::size_t i = 0; i < type.fields.size(); ++i) {
            const AvroField &field = type.fields[i];
            const std::string fieldPath = path.empty() ? field.name : path + '.' + field.name;
            avro_value_t child;
            check(avro_value_get_by_index(value, i, &child, nullptr), fieldPath, "field");
            const auto it = json.find(field.name);
            if (it != json.end())
                fill(*field.type, *it, &child, fieldPath);
            else if (field.defaultValue)
                fill(*field.type, *field.defaultValue, &child, fieldPath);
            else
                fill(*field.type, Json(nullptr), &child, fieldPath); // a nullable field left out
        }
        return;
    case AvroKind::Union:
        for (std::size_t i = 0; i < type.branches.size(); ++i) {
            if (!avroDatumMatches(*type.branches[i], json, path, nullptr))
                continue;
            avro_value_t branch;
            check(avro_value_set_branch(value, int(i), &branch), path, "union");
            fill(*type.branches[i], json, &branch, path);
            return;
        }
        throw AvroCodecError('`' + path + "` matches no branch of " + describeType(type));
    }
}

Json read(const AvroType &type, avro_value_t *value, const std::string &path)
{
    switch (type.kind) {
    case AvroKind::Null: return nullptr;
    case AvroKind::Boolean: {
        int b = 0;
        check(avro_value_get_boolean(value, &b), path, "boolean");
        return b != 0;
    }
    case AvroKind::Int: {
        std::int32_t v = 0;
        check(avro_value_get_int(value, &v), path, "int");
        return v;
    }
    case AvroKind::Long: {
        std::int64_t v = 0;
        check(avro_value_get_long(value, &v), path, "long");
        return v;
    }
    case AvroKind::Float: {
        float v = 0;
        check(avro_value_get_float(value, &v), path, "float");
        return v;
    }
    case AvroKind::Double: {
        double v = 0;
        check(avro_value_get_double(value, &v), path, "double");
        return v;
    }
    case AvroKind::String: {
        const char *s = nullptr;
        size_t size = 0;
        check(avro_value_get_string(value, &s, &size), path, "string");
        std::string text(s, size ? size - 1 : 0);
        // Invalid UTF-8 cannot become JSON text; say so rather than fail later.
        if (Text::toQString(text).toUtf8().size() != qsizetype(text.size()))
            throw AvroCodecError('`' + path + "`: string is not valid UTF-8");
        return text;
    }
    case AvroKind::Bytes: {
        const void *buf = nullptr;
        size_t size = 0;
        check(avro_value_get_bytes(value, &buf, &size), path, "bytes");
        return utf8FromLatin1(static_cast<const char *>(buf), size);
    }
    case AvroKind::Fixed: {
        const void *buf = nullptr;
        size_t size = 0;
        check(avro_value_get_fixed(value, &buf, &size), path, "fixed");
        return utf8FromLatin1(static_cast<const char *>(buf), size);
    }
    case AvroKind::Enum: {
        int index = 0;
        check(avro_value_get_enum(value, &index), path, "enum");
        if (index < 0 || std::size_t(index) >= type.symbols.size())
            throw AvroCodecError('`' + path + "`: enum index " + std::to_string(index) + " out of range");
        return type.symbols[std::size_t(index)];
    }
    case AvroKind::Array: {
        Json array = Json::array();
        size_t count = 0;
        check(avro_value_get_size(value, &count), path, "array");
        for (size_t i = 0; i < count; ++i) {
            avro_value_t child;
            check(avro_value_get_by_index(value, i, &child, nullptr), path, "array");
            array.push_back(read(*type.items, &child, path + '[' + std::to_string(i) + ']'));
        }
        return array;
    }
    case AvroKind::Map: {
        Json map = Json::object();
        size_t count = 0;
        check(avro_value_get_size(value, &count), path, "map");
        for (size_t i = 0; i < count; ++i) {
            avro_value_t child;
            const char *key = nullptr;
            check(avro_value_get_by_index(value, i, &child, &key), path, "map");
            map[key] = read(*type.items, &child, path + '[' + key + ']');
        }
        return map;
    }
    case AvroKind::Record: {
        Json record = Json::object();
        for (std::size_t i = 0; i < type.fields.size(); ++i) {
            const std::string fieldPath = path.empty() ? type.fields[i].name : path + '.' + type.fields[i].name;
            avro_value_t child;
            check(avro_value_get_by_index(value, i, &child, nullptr), fieldPath, "field");
            record[type.fields[i].name] = read(*type.fields[i].type, &child, fieldPath);
        }
        return record;
    }
    case AvroKind::Union: {
        int discriminant = -1;
        check(avro_value_get_discriminant(value, &discriminant), path, "union");
        if (discriminant < 0 || std::size_t(discriminant) >= type.branches.size())
            throw AvroCodecError('`' + path + "`: union branch " + std::to_string(discriminant) + " out of range");
        avro_value_t branch;
        check(avro_value_get_current_branch(value, &branch), path, "union");
        return read(*type.branches[std::size_t(discriminant)], &branch, path);
    }
    }
    return nullptr;
}

} // namespace

namespace AvroCodec {

std::string encodeBinary(std::string_view schemaJson, const nlohmann::json &datum)
{
    Compiled compiled = compile(schemaJson);
    const auto problems = compiled.tree.validate(datum);
    if (!problems.empty())
        throw AvroCodecError("the value does not fit the schema: " + problems.front());
    OwnedValue value(compiled.iface.get());
    fill(compiled.tree.root(), datum, value.get(), {});
    size_t size = 0;
    check(avro_value_sizeof(value.get(), &size), {}, "size");
    std::string out(size, '\0');
    WriterPtr writer(avro_writer_memory(out.data(), int64_t(out.size())));
    if (!writer)
        throw AvroCodecError(std::string("cannot create an Avro writer: ") + avro_strerror());
    check(avro_value_write(writer.get(), value.get()), {}, "write");
    return out;
}

nlohmann::json decodeBinary(std::string_view schemaJson, std::string_view bytes)
{
    Compiled compiled = compile(schemaJson);
    // Walk the bytes first: Avro C's skipping allocates nothing, while its reading leaks the buffers of a
    // value that fails half way (libavro 1.11.1), so corrupt data is caught here.
    {
        ReaderPtr skipper(avro_reader_memory(bytes.data(), int64_t(bytes.size())));
        if (!skipper)
            throw AvroCodecError(std::string("cannot create an Avro reader: ") + avro_strerror());
        if (avro_skip_data(skipper.get(), compiled.schema.get()) != 0)
            throw AvroCodecError(std::string("corrupt Avro data: ") + avro_strerror());
    }
    OwnedValue value(compiled.iface.get());
    ReaderPtr reader(avro_reader_memory(bytes.data(), int64_t(bytes.size())));
    if (!reader)
        throw AvroCodecError(std::string("cannot create an Avro reader: ") + avro_strerror());
    if (avro_value_read(reader.get(), value.get()) != 0)
        throw AvroCodecError(std::string("corrupt Avro data: ") + avro_strerror());
    // Avro C does not say where it stopped; the value's own encoded size does.
    size_t size = 0;
    check(avro_value_sizeof(value.get(), &size), {}, "size");
    if (size != bytes.size())
        throw AvroCodecError("corrupt Avro data: " + std::to_string(bytes.size() - std::min(bytes.size(), size))
                             + " bytes left after the value (" + std::to_string(bytes.size())
                             + " bytes, the value takes " + std::to_string(size) + ')');
    return read(compiled.tree.root(), value.get(), {});
}

std::string encode(int schemaId, std::string_view schemaJson, const nlohmann::json &datum)
{
    std::string out(5, '\0');
    const auto id = std::uint32_t(schemaId);
    out[1] = char((id >> 24) & 0xff);
    out[2] = char((id >> 16) & 0xff);
    out[3] = char((id >> 8) & 0xff);
    out[4] = char(id & 0xff);
    out += encodeBinary(schemaJson, datum);
    return out;
}

bool looksLikeWireFormat(std::string_view bytes)
{
    return bytes.size() >= 5 && bytes[0] == '\0';
}

Decoded decode(std::string_view bytes, const SchemaLookup &lookup)
{
    if (bytes.empty())
        throw AvroCodecError("empty value: no Confluent wire-format header");
    if (bytes[0] != '\0') {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", unsigned(static_cast<unsigned char>(bytes[0])));
        throw AvroCodecError(std::string("not the Confluent wire format (first byte ") + hex + ", expected 0x00)");
    }
    if (bytes.size() < 5)
        throw AvroCodecError("truncated header: " + std::to_string(bytes.size())
                             + " bytes, the wire format needs 5 (magic byte and 4-byte schema id)");
    const auto byte = [&](std::size_t i) { return std::uint32_t(static_cast<unsigned char>(bytes[i])); };
    Decoded decoded;
    decoded.schemaId = int(byte(1) << 24 | byte(2) << 16 | byte(3) << 8 | byte(4));
    const std::optional<std::string> schema = lookup ? lookup(decoded.schemaId) : std::nullopt;
    if (!schema)
        throw AvroCodecError("unknown schema id " + std::to_string(decoded.schemaId));
    try {
        decoded.datum = decodeBinary(*schema, bytes.substr(5));
    } catch (const AvroCodecError &e) {
        throw AvroCodecError("schema id " + std::to_string(decoded.schemaId) + ": " + e.what());
    }
    return decoded;
}

} // namespace AvroCodec
