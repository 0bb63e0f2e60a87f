#include "schemas/schemadiff.h"

#include <algorithm>
#include <set>
#include <sstream>

std::string_view schemaChangeKindName(SchemaChange::Kind kind)
{
    switch (kind) {
    case SchemaChange::Kind::Added: return "added";
    case SchemaChange::Kind::Removed: return "removed";
    case SchemaChange::Kind::Changed: return "changed";
    }
    return "changed";
}

namespace {

std::string describeField(const AvroField &field)
{
    std::string text = describeType(*field.type);
    if (field.defaultValue)
        text += ", default " + field.defaultValue->dump();
    return text;
}

// The record a field's type holds, looking through unions, arrays and maps.
const AvroType *nestedRecord(const AvroType *type, std::string *suffix)
{
    if (type->kind == AvroKind::Union) {
        for (const AvroType *b : type->branches)
            if (b->kind == AvroKind::Record || b->kind == AvroKind::Array || b->kind == AvroKind::Map)
                return nestedRecord(b, suffix);
        return nullptr;
    }
    if (type->kind == AvroKind::Array) {
        *suffix += "[]";
        return nestedRecord(type->items, suffix);
    }
    if (type->kind == AvroKind::Map) {
        *suffix += "{}";
        return nestedRecord(type->items, suffix);
    }
    return type->kind == AvroKind::Record ? type : nullptr;
}

std::string join(const std::vector<std::string> &items, const char *separator = ", ")
{
    std::string text;
    for (std::size_t i = 0; i < items.size(); ++i)
        text += (i ? separator : "") + items[i];
    return text;
}

// How a type itself changed, not counting nested record fields (they get their own rows).
std::vector<std::string> typeChanges(const AvroType &a, const AvroType &b)
{
    std::vector<std::string> changes;
    if (a.kind == AvroKind::Enum && b.kind == AvroKind::Enum) {
        std::vector<std::string> added;
        std::vector<std::string> removed;
        for (const auto &s : b.symbols)
            if (std::find(a.symbols.begin(), a.symbols.end(), s) == a.symbols.end())
                added.push_back(s);
        for (const auto &s : a.symbols)
            if (std::find(b.symbols.begin(), b.symbols.end(), s) == b.symbols.end())
                removed.push_back(s);
        if (!added.empty())
            changes.push_back("symbols added: " + join(added));
        if (!removed.empty())
            changes.push_back("symbols removed: " + join(removed));
        if (a.enumDefault != b.enumDefault)
            changes.push_back("enum default " + a.enumDefault.value_or("(none)") + " → " + b.enumDefault.value_or("(none)"));
        if (a.name != b.name)
            changes.push_back("renamed " + a.name + " → " + b.name);
        return changes;
    }
    std::string suffixA;
    std::string suffixB;
    const AvroType *recordA = nestedRecord(&a, &suffixA);
    const AvroType *recordB = nestedRecord(&b, &suffixB);
    if (recordA && recordB) {
        // Compare the shapes around the record ("[null, record X]" vs "record X"), not its fields.
        const std::string da = describeType(a);
        const std::string db = describeType(b);
        if (da != db)
            changes.push_back("type " + da + " → " + db);
        return changes;
    }
    const std::string da = describeType(a);
    const std::string db = describeType(b);
    if (da != db)
        changes.push_back("type " + da + " → " + db);
    else if (a.kind == AvroKind::Union) {
        for (std::size_t i = 0; i < a.branches.size() && i < b.branches.size(); ++i) {
            if (a.branches[i]->kind == AvroKind::Enum && b.branches[i]->kind == AvroKind::Enum) {
                auto inner = typeChanges(*a.branches[i], *b.branches[i]);
                changes.insert(changes.end(), inner.begin(), inner.end());
            }
        }
    } else if (a.kind == AvroKind::Array || a.kind == AvroKind::Map) {
        return typeChanges(*a.items, *b.items);
    }
    return changes;
}

class Differ {
public:
    std::vector<SchemaChange> changes;

    void records(const AvroType &a, const AvroType &b, const std::string &prefix)
    {
        if (!m_seen.insert({&a, &b}).second)
            return;
        std::set<std::string> inB;
        for (const auto &f : b.fields)
            inB.insert(f.name);
        std::size_t ai = 0;
        for (const auto &fb : b.fields) {
            // Removals appear where they were, before the next field the newer version still has.
            while (ai < a.fields.size() && !inB.count(a.fields[ai].name)) {
                removed(a.fields[ai], prefix);
                ++ai;
            }
            if (ai < a.fields.size() && a.fields[ai].name == fb.name)
                ++ai;
            const AvroField *fa = a.field(fb.name);
            const std::string path = prefix + fb.name;
            if (!fa) {
                changes.push_back({SchemaChange::Kind::Added, path, {}, describeField(fb), "new field"});
                continue;
            }
            field(*fa, fb, path);
        }
        for (; ai < a.fields.size(); ++ai)
            if (!inB.count(a.fields[ai].name))
                removed(a.fields[ai], prefix);
    }

private:
    void removed(const AvroField &f, const std::string &prefix)
    {
        changes.push_back({SchemaChange::Kind::Removed, prefix + f.name, describeField(f), {}, "field removed"});
    }

    void field(const AvroField &a, const AvroField &b, const std::string &path)
    {
        std::vector<std::string> details = typeChanges(*a.type, *b.type);
        if (a.defaultValue != b.defaultValue) {
            if (!a.defaultValue)
                details.push_back("default added (" + b.defaultValue->dump() + ')');
            else if (!b.defaultValue)
                details.push_back("default removed (was " + a.defaultValue->dump() + ')');
            else
                details.push_back("default " + a.defaultValue->dump() + " → " + b.defaultValue->dump());
        }
        if (a.doc != b.doc)
            details.push_back("doc changed");
        if (!details.empty())
            changes.push_back({SchemaChange::Kind::Changed, path, describeField(a), describeField(b), join(details, "; ")});
        std::string sa;
        std::string sb;
        const AvroType *ra = nestedRecord(a.type, &sa);
        const AvroType *rb = nestedRecord(b.type, &sb);
        if (ra && rb)
            records(*ra, *rb, path + sb + '.');
    }

    std::set<std::pair<const AvroType *, const AvroType *>> m_seen;
};

std::vector<std::string> lines(const std::string &text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

} // namespace

std::vector<SchemaChange> diffSchemas(const AvroSchema &before, const AvroSchema &after)
{
    Differ differ;
    const AvroType &a = before.root();
    const AvroType &b = after.root();
    if (a.kind == AvroKind::Record && b.kind == AvroKind::Record) {
        if (a.fullName() != b.fullName())
            differ.changes.push_back({SchemaChange::Kind::Changed, {}, describeType(a), describeType(b),
                                      "record renamed " + a.fullName() + " → " + b.fullName()});
        differ.records(a, b, {});
    } else {
        auto details = typeChanges(a, b);
        if (!details.empty())
            differ.changes.push_back({SchemaChange::Kind::Changed, {}, describeType(a), describeType(b), join(details, "; ")});
    }
    return std::move(differ.changes);
}

std::vector<SideBySideRow> sideBySide(const std::string &leftText, const std::string &rightText)
{
    const auto l = lines(leftText);
    const auto r = lines(rightText);
    const std::size_t n = l.size();
    const std::size_t m = r.size();
    // Common-subsequence lengths from the end; schemas are short, O(n·m) is fine.
    std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;)
        for (std::size_t j = m; j-- > 0;)
            lcs[i][j] = l[i] == r[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    std::vector<SideBySideRow> rows;
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && l[i] == r[j]) {
            rows.push_back({l[i++], r[j++], false});
        } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
            rows.push_back({{}, r[j++], true});
        } else {
            rows.push_back({l[i++], {}, true});
        }
    }
    // Pair a removed line with the added line right after it, so a changed line reads across.
    std::vector<SideBySideRow> paired;
    for (std::size_t k = 0; k < rows.size(); ++k) {
        if (k + 1 < rows.size() && rows[k].differs && rows[k].right.empty() && rows[k + 1].differs
            && rows[k + 1].left.empty()) {
            paired.push_back({rows[k].left, rows[k + 1].right, true});
            ++k;
        } else if (k + 1 < rows.size() && rows[k].differs && rows[k].left.empty() && rows[k + 1].differs
                   && rows[k + 1].right.empty()) {
            paired.push_back({rows[k + 1].left, rows[k].right, true});
            ++k;
        } else {
            paired.push_back(rows[k]);
        }
    }
    return paired;
}
