#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

// A value that cannot be encoded or decoded; the message says why (unknown schema id, wrong magic
// byte, corrupt bytes, a datum that does not fit its schema).
class AvroCodecError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Avro values in the Confluent wire format: magic byte 0, the schema id as 4 bytes big-endian, then
// the Avro binary encoding. The binary encoding itself is Avro C's (libavro); JSON is the plain form
// AvroSchema::validate reads: union values written as the value itself, bytes as ISO-8859-1 strings.
namespace AvroCodec {

// The schema's JSON text for an id, or nullopt when the id is unknown.
using SchemaLookup = std::function<std::optional<std::string>(int schemaId)>;

// Avro binary of `datum` (no header). Throws AvroCodecError.
std::string encodeBinary(std::string_view schemaJson, const nlohmann::json &datum);
// The datum in Avro binary, all of `bytes`. Throws AvroCodecError.
nlohmann::json decodeBinary(std::string_view schemaJson, std::string_view bytes);

// Header + binary. Throws AvroCodecError.
std::string encode(int schemaId, std::string_view schemaJson, const nlohmann::json &datum);

struct Decoded {
    int schemaId = 0;
    nlohmann::json datum;
};
// Whether `bytes` start like a Confluent wire-format value (magic 0 and room for the id).
bool looksLikeWireFormat(std::string_view bytes);
// Throws AvroCodecError: "not the Confluent wire format (first byte 0x7b, expected 0x00)",
// "unknown schema id 42", "corrupt Avro data for schema id 3: ...".
Decoded decode(std::string_view bytes, const SchemaLookup &lookup);

} // namespace AvroCodec
