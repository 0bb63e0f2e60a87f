#include "schemas/schemacompatibility.h"

#include <algorithm>
#include <set>
#include <utility>

std::string_view compatibilityModeName(CompatibilityMode mode)
{
    switch (mode) {
    case CompatibilityMode::None: return "NONE";
    case CompatibilityMode::Backward: return "BACKWARD";
    case CompatibilityMode::BackwardTransitive: return "BACKWARD_TRANSITIVE";
    case CompatibilityMode::Forward: return "FORWARD";
    case CompatibilityMode::ForwardTransitive: return "FORWARD_TRANSITIVE";
    case CompatibilityMode::Full: return "FULL";
    case CompatibilityMode::FullTransitive: return "FULL_TRANSITIVE";
    }
    return "NONE";
}

const std::vector<CompatibilityMode> &allCompatibilityModes()
{
    static const std::vector<CompatibilityMode> modes{
        CompatibilityMode::Backward, CompatibilityMode::BackwardTransitive, CompatibilityMode::Forward,
        CompatibilityMode::ForwardTransitive, CompatibilityMode::Full, CompatibilityMode::FullTransitive,
        CompatibilityMode::None};
    return modes;
}

std::optional<CompatibilityMode> compatibilityModeFromName(std::string_view name)
{
    for (const CompatibilityMode mode : allCompatibilityModes()) {
        if (compatibilityModeName(mode) == name)
            return mode;
    }
    return std::nullopt;
}

namespace {

// Words for the two sides: the problems read differently when the reader is the newer schema.
struct Sides {
    bool readerIsNewer = true;
    std::string reader = "the reader";
    std::string writer = "the writer";
};

bool isPromotion(AvroKind writer, AvroKind reader)
{
    switch (writer) {
    case AvroKind::Int: return reader == AvroKind::Long || reader == AvroKind::Float || reader == AvroKind::Double;
    case AvroKind::Long: return reader == AvroKind::Float || reader == AvroKind::Double;
    case AvroKind::Float: return reader == AvroKind::Double;
    case AvroKind::String: return reader == AvroKind::Bytes;
    case AvroKind::Bytes: return reader == AvroKind::String;
    default: return false;
    }
}

// Named types match by unqualified name, or when the reader lists the writer's name as an alias.
bool namesMatch(const AvroType &reader, const AvroType &writer)
{
    if (reader.name == writer.name)
        return true;
    return std::any_of(reader.aliases.begin(), reader.aliases.end(), [&](const std::string &alias) {
        const auto dot = alias.rfind('.');
        return alias == writer.fullName() || (dot == std::string::npos ? alias : alias.substr(dot + 1)) == writer.name;
    });
}

// The specification's "match" used to pick a reader union branch for a writer's type.
bool branchMatches(const AvroType &reader, const AvroType &writer)
{
    if (reader.kind == writer.kind)
        return !reader.isNamed() || namesMatch(reader, writer);
    return isPromotion(writer.kind, reader.kind);
}

std::string quoted(const std::string &path) { return '`' + path + '`'; }

class Resolver {
public:
    explicit Resolver(Sides sides) : m_sides(std::move(sides)) {}

    void resolve(const AvroType &reader, const AvroType &writer, const std::string &path)
    {
        if (!m_inProgress.insert({&reader, &writer}).second)
            return; // a recursive type already being compared on this path
        resolveOnce(reader, writer, path);
        m_inProgress.erase({&reader, &writer});
    }

    std::vector<ResolutionProblem> problems;

private:
    void add(const std::string &path, std::string reason) { problems.push_back({path, std::move(reason)}); }

    std::string older(const AvroType &reader, const AvroType &writer) const
    {
        return describeType(m_sides.readerIsNewer ? writer : reader);
    }
    std::string newer(const AvroType &reader, const AvroType &writer) const
    {
        return describeType(m_sides.readerIsNewer ? reader : writer);
    }

    void resolveOnce(const AvroType &reader, const AvroType &writer, const std::string &path)
    {
        const std::string where = path.empty() ? std::string("the top-level type") : quoted(path);
        if (writer.kind == AvroKind::Union) {
            // Every branch the writer may write must be readable.
            for (const AvroType *branch : writer.branches) {
                if (reader.kind == AvroKind::Union) {
                    const auto it = std::find_if(reader.branches.begin(), reader.branches.end(),
                                                 [&](const AvroType *r) { return branchMatches(*r, *branch); });
                    if (it == reader.branches.end()) {
                        add(path, m_sides.readerIsNewer
                                      ? "branch `" + describeType(*branch) + "` was removed from the union " + where
                                      : "new branch `" + describeType(*branch) + "` in the union " + where);
                        continue;
                    }
                    resolve(**it, *branch, path);
                } else if (!branchMatches(reader, *branch)) {
                    add(path, where + " changed from " + older(reader, writer) + " to " + newer(reader, writer) + ": "
                                  + m_sides.writer + " may write a " + describeType(*branch) + ", which a "
                                  + describeType(reader) + " cannot hold");
                } else {
                    resolve(reader, *branch, path);
                }
            }
            return;
        }
        if (reader.kind == AvroKind::Union) {
            const auto it = std::find_if(reader.branches.begin(), reader.branches.end(),
                                         [&](const AvroType *r) { return branchMatches(*r, writer); });
            if (it == reader.branches.end()) {
                add(path, where + " changed from " + older(reader, writer) + " to " + newer(reader, writer)
                              + ": no branch of " + describeType(reader) + " can hold a " + describeType(writer));
                return;
            }
            resolve(**it, writer, path);
            return;
        }
        if (reader.kind != writer.kind) {
            if (isPromotion(writer.kind, reader.kind))
                return;
            add(path, where + " changed type from " + older(reader, writer) + " to " + newer(reader, writer)
                          + " (Avro promotes only int→long→float→double and string↔bytes)");
            return;
        }
        switch (reader.kind) {
        case AvroKind::Record: resolveRecord(reader, writer, path); break;
        case AvroKind::Enum: resolveEnum(reader, writer, path); break;
        case AvroKind::Fixed:
            if (!namesMatch(reader, writer))
                renamed(reader, writer, path);
            else if (reader.size != writer.size)
                add(path, where + " changed size from " + std::to_string(m_sides.readerIsNewer ? writer.size : reader.size)
                              + " to " + std::to_string(m_sides.readerIsNewer ? reader.size : writer.size) + " bytes");
            break;
        case AvroKind::Array: resolve(*reader.items, *writer.items, path + "[]"); break;
        case AvroKind::Map: resolve(*reader.items, *writer.items, path + "{}"); break;
        default: break; // same primitive
        }
    }

    void renamed(const AvroType &reader, const AvroType &writer, const std::string &path)
    {
        const AvroType &from = m_sides.readerIsNewer ? writer : reader;
        const AvroType &to = m_sides.readerIsNewer ? reader : writer;
        add(path, std::string(avroKindName(reader.kind)) + ' ' + quoted(from.name) + " was renamed to " + quoted(to.name)
                      + " without " + (m_sides.readerIsNewer ? "an alias for the old name" : "the old reader knowing it"));
    }

    void resolveRecord(const AvroType &reader, const AvroType &writer, const std::string &path)
    {
        if (!namesMatch(reader, writer)) {
            renamed(reader, writer, path);
            return;
        }
        for (const AvroField &field : reader.fields) {
            const std::string fieldPath = path.empty() ? field.name : path + '.' + field.name;
            const AvroField *written = writer.field(field.name);
            for (std::size_t a = 0; !written && a < field.aliases.size(); ++a)
                written = writer.field(field.aliases[a]);
            if (written) {
                resolve(*field.type, *written->type, fieldPath);
                continue;
            }
            if (field.defaultValue)
                continue;
            add(fieldPath, m_sides.readerIsNewer
                               ? "new field " + quoted(fieldPath) + " has no default"
                               : "field " + quoted(fieldPath) + " was removed, and " + m_sides.reader
                                     + " has no default for it");
        }
    }

    void resolveEnum(const AvroType &reader, const AvroType &writer, const std::string &path)
    {
        if (!namesMatch(reader, writer)) {
            renamed(reader, writer, path);
            return;
        }
        if (reader.enumDefault)
            return; // an unknown symbol reads as the reader's default
        for (const std::string &symbol : writer.symbols) {
            if (std::find(reader.symbols.begin(), reader.symbols.end(), symbol) != reader.symbols.end())
                continue;
            const std::string where = path.empty() ? quoted(reader.name) : quoted(path);
            add(path, m_sides.readerIsNewer
                          ? "symbol `" + symbol + "` was removed from enum " + where + ", which has no default"
                          : "new symbol `" + symbol + "` in enum " + where + ", and " + m_sides.reader
                                + "'s enum has no default to read it as");
        }
    }

    Sides m_sides;
    std::set<std::pair<const AvroType *, const AvroType *>> m_inProgress;
};

std::vector<ResolutionProblem> resolve(const AvroType &reader, const AvroType &writer, Sides sides)
{
    Resolver resolver(std::move(sides));
    resolver.resolve(reader, writer, {});
    return std::move(resolver.problems);
}

} // namespace

std::vector<ResolutionProblem> resolutionProblems(const AvroType &reader, const AvroType &writer)
{
    return resolve(reader, writer, Sides{});
}

std::string CompatibilityVerdict::summary() const
{
    std::string text;
    if (mode == CompatibilityMode::None)
        text = "compatible: NONE checks nothing";
    else if (checkedVersions.empty())
        text = "compatible: there is no earlier version to compare with";
    else {
        text = compatible ? "compatible" : "INCOMPATIBLE";
        text += " under " + std::string(compatibilityModeName(mode)) + " with v";
        for (std::size_t i = 0; i < checkedVersions.size(); ++i)
            text += (i ? ", v" : "") + std::to_string(checkedVersions[i]);
    }
    for (const auto &issue : issues)
        text += "\n- " + issue.message;
    return text;
}

CompatibilityVerdict checkCompatibility(const AvroSchema &candidate, const std::vector<SchemaVersionRef> &earlier,
                                        CompatibilityMode mode, std::string candidateLabel)
{
    CompatibilityVerdict verdict;
    verdict.mode = mode;
    if (mode == CompatibilityMode::None || earlier.empty())
        return verdict;
    std::vector<const SchemaVersionRef *> sorted;
    for (const auto &v : earlier)
        sorted.push_back(&v);
    std::sort(sorted.begin(), sorted.end(), [](auto *a, auto *b) { return a->version < b->version; });
    if (candidateLabel.empty())
        candidateLabel = 'v' + std::to_string(sorted.back()->version + 1);

    const bool transitive = mode == CompatibilityMode::BackwardTransitive || mode == CompatibilityMode::ForwardTransitive
        || mode == CompatibilityMode::FullTransitive;
    const bool backward = mode == CompatibilityMode::Backward || mode == CompatibilityMode::BackwardTransitive
        || mode == CompatibilityMode::Full || mode == CompatibilityMode::FullTransitive;
    const bool forward = mode == CompatibilityMode::Forward || mode == CompatibilityMode::ForwardTransitive
        || mode == CompatibilityMode::Full || mode == CompatibilityMode::FullTransitive;
    if (!transitive)
        sorted.erase(sorted.begin(), sorted.end() - 1);

    // Newest first: the latest version's problems are the ones people look at first.
    for (auto it = sorted.rbegin(); it != sorted.rend(); ++it) {
        const SchemaVersionRef &old = **it;
        const std::string oldLabel = 'v' + std::to_string(old.version);
        verdict.checkedVersions.push_back(old.version);
        if (backward) {
            for (auto &problem : resolve(candidate.root(), old.schema.root(), Sides{true, candidateLabel, oldLabel})) {
                verdict.issues.push_back({old.version, true, problem.path, problem.reason,
                                          problem.reason + ": readers of " + candidateLabel + " cannot read " + oldLabel
                                              + " data"});
            }
        }
        if (forward) {
            for (auto &problem : resolve(old.schema.root(), candidate.root(), Sides{false, oldLabel, candidateLabel})) {
                verdict.issues.push_back({old.version, false, problem.path, problem.reason,
                                          problem.reason + ": readers of " + oldLabel + " cannot read "
                                              + candidateLabel + " data"});
            }
        }
    }
    verdict.compatible = verdict.issues.empty();
    return verdict;
}
