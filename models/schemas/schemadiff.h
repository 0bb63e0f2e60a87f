#pragma once

#include "schemas/avroschema.h"

#include <string>
#include <vector>

// What changed between two versions of a schema, field by field.
struct SchemaChange {
    enum class Kind { Added, Removed, Changed };
    Kind kind = Kind::Changed;
    std::string path;   // "valueQuantity.unit"; "" for the top-level type
    std::string before; // the older side's description ("string, default \"\""), empty when added
    std::string after;  // the newer side's, empty when removed
    std::string detail; // "type string → [null, string]; default added"
};

std::string_view schemaChangeKindName(SchemaChange::Kind kind); // "added", "removed", "changed"

// Fields added, removed and changed from `before` to `after`, walking into nested records (also those
// inside unions, arrays and maps), in the order of the newer schema with removals where they were.
std::vector<SchemaChange> diffSchemas(const AvroSchema &before, const AvroSchema &after);

// The two formatted schemas aligned line by line for a side-by-side view (a longest-common-subsequence
// alignment): each row has a left and a right line, either empty where the other side has a line of its own.
struct SideBySideRow {
    std::string left;
    std::string right;
    bool differs = false;
};
std::vector<SideBySideRow> sideBySide(const std::string &leftText, const std::string &rightText);
