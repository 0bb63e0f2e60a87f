#pragma once

#include "schemas/avroschema.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The Schema Registry's compatibility levels.
enum class CompatibilityMode { None, Backward, BackwardTransitive, Forward, ForwardTransitive, Full, FullTransitive };

std::string_view compatibilityModeName(CompatibilityMode mode); // "BACKWARD_TRANSITIVE", ...
std::optional<CompatibilityMode> compatibilityModeFromName(std::string_view name);
const std::vector<CompatibilityMode> &allCompatibilityModes();

// One reason why a reader cannot read a writer's data, at a place in the schema.
struct ResolutionProblem {
    std::string path;   // "valueQuantity.unit"; empty for the top level
    std::string reason; // "new field `unit` has no default"
};

// Avro schema resolution (the specification's "Schema Resolution" section): what stops data written
// with `writer` from being read with `reader`. Empty when every datum of the writer can be read.
std::vector<ResolutionProblem> resolutionProblems(const AvroType &reader, const AvroType &writer);

// A version of a subject, for checking a candidate against.
struct SchemaVersionRef {
    int version = 0;
    AvroSchema schema;
};

struct CompatibilityIssue {
    int version = 0;       // the earlier version involved
    bool candidateReads = true; // true: the candidate reads that version's data (backward); false: forward
    std::string path;
    std::string reason;    // the resolution problem
    std::string message;   // the whole explanation, "new field `unit` has no default: readers of v3 cannot read v2 data"
};

struct CompatibilityVerdict {
    CompatibilityMode mode = CompatibilityMode::Backward;
    bool compatible = true;
    std::vector<int> checkedVersions; // which earlier versions the mode compared against
    std::vector<CompatibilityIssue> issues;
    std::string summary() const;      // one line, then one line per issue
};

// Checks `candidate` against the earlier versions (any order) under `mode`: BACKWARD means the
// candidate can read the latest version's data, FORWARD that the latest version can read the
// candidate's, FULL both; the TRANSITIVE forms compare with every earlier version; NONE checks nothing.
// `candidateLabel` names the candidate in messages ("v4"); by default the version after the latest.
CompatibilityVerdict checkCompatibility(const AvroSchema &candidate, const std::vector<SchemaVersionRef> &earlier,
                                        CompatibilityMode mode, std::string candidateLabel = {});
