#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// A schema that is not valid Avro; the message says where and why.
class AvroSchemaError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class AvroKind { Null, Boolean, Int, Long, Float, Double, Bytes, String, Record, Enum, Array, Map, Union, Fixed };

std::string_view avroKindName(AvroKind kind); // "null", "record", "union", ...

struct AvroType;

struct AvroField {
    std::string name;
    const AvroType *type = nullptr;
    std::optional<nlohmann::json> defaultValue; // as written in the schema
    std::string doc;
    std::vector<std::string> aliases;
};

// One node of a parsed schema. Named types (record, enum, fixed) are shared: every reference to a
// name points at the one definition, so a recursive record is a cycle of pointers, not a copy.
struct AvroType {
    AvroKind kind = AvroKind::Null;
    std::string name;      // named types: the unqualified name
    std::string space;     // named types: the namespace, possibly empty
    std::string doc;
    std::string logicalType; // "timestamp-millis", "decimal", "uuid", ... as written; empty when none
    int precision = 0;       // decimal
    int scale = 0;           // decimal
    std::vector<std::string> aliases;   // named types, as written
    std::vector<AvroField> fields;      // record
    std::vector<std::string> symbols;   // enum
    std::optional<std::string> enumDefault;
    const AvroType *items = nullptr;    // array items, map values
    std::vector<const AvroType *> branches; // union
    int size = 0;                       // fixed

    bool isNamed() const { return kind == AvroKind::Record || kind == AvroKind::Enum || kind == AvroKind::Fixed; }
    std::string fullName() const { return space.empty() ? name : space + '.' + name; }
    const AvroField *field(std::string_view fieldName) const;
    bool isNullable() const; // null, or a union with a null branch
};

// "string", "long (timestamp-millis)", "[null, string]", "array<string>", "map<long>", "record Patient",
// "enum Status", "fixed Md5(16)".
std::string describeType(const AvroType &type);

// An Avro schema parsed into Vigil's own tree: cheap to copy, immutable, shared between threads.
class AvroSchema {
public:
    AvroSchema(); // the schema "null"

    // Throws AvroSchemaError.
    static AvroSchema parse(std::string_view json);
    static AvroSchema fromJson(const nlohmann::json &json);

    const AvroType &root() const;
    const nlohmann::json &json() const; // the schema as written
    std::string formatted() const;      // pretty-printed, two-space indent
    // A named type defined anywhere in the schema, by full or (when unambiguous) short name.
    const AvroType *namedType(std::string_view name) const;

    // Problems of a JSON datum against this schema (Avro's JSON shape, but union values written plainly,
    // not as {"type": value}): empty when it fits. Each names the field path and why.
    std::vector<std::string> validate(const nlohmann::json &datum) const;

    struct Data; // the parsed nodes; defined in the .cpp

private:
    std::shared_ptr<const Data> m_data;
};

// Whether `value` is a valid datum of `type` in the JSON form above; on failure `why` says why
// (paths are relative to `path`).
bool avroDatumMatches(const AvroType &type, const nlohmann::json &value, const std::string &path,
                      std::vector<std::string> *why);
