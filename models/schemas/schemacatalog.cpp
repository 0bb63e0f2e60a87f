#include "schemas/schemacatalog.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>

SchemaCatalog SchemaCatalog::bundled()
{
    return fromDirectory(QStringLiteral(":/schemas"));
}

SchemaCatalog SchemaCatalog::fromDirectory(const QString &directory)
{
    SchemaCatalog catalog;
    catalog.load(directory);
    return catalog;
}

SchemaCatalog SchemaCatalog::fromRegistry(std::vector<CatalogEntry> entries, const QHash<QString, QString> &levels)
{
    SchemaCatalog catalog;
    for (CatalogEntry &entry : entries) {
        try {
            entry.schema = AvroSchema::parse(entry.schemaText.toStdString());
        } catch (const AvroSchemaError &e) {
            catalog.m_errors << QStringLiteral("%1 v%2: %3").arg(entry.subject).arg(entry.version).arg(QString::fromUtf8(e.what()));
            continue;
        }
        catalog.m_entries.push_back(std::move(entry));
    }
    catalog.sortEntries();
    for (auto it = levels.cbegin(); it != levels.cend(); ++it) {
        if (const auto mode = compatibilityModeFromName(it.value().toStdString()))
            catalog.m_compatibility.insert(it.key(), *mode);
        else
            catalog.m_errors << QStringLiteral("%1: unknown compatibility level `%2`").arg(it.key(), it.value());
    }
    return catalog;
}

void SchemaCatalog::sortEntries()
{
    std::sort(m_entries.begin(), m_entries.end(), [](const CatalogEntry &a, const CatalogEntry &b) {
        return a.subject != b.subject ? a.subject < b.subject : a.version < b.version;
    });
}

void SchemaCatalog::load(const QString &directory)
{
    static const QRegularExpression pattern(QStringLiteral("^(.+)\\.v([0-9]+)\\.avsc$"));
    const QDir dir(directory);
    if (!dir.exists()) {
        m_errors << directory + QStringLiteral(": no such directory");
        return;
    }
    for (const QString &file : dir.entryList({QStringLiteral("*.avsc")}, QDir::Files, QDir::Name)) {
        const auto match = pattern.match(file);
        if (!match.hasMatch()) {
            m_errors << file + QStringLiteral(": not named <subject>.v<version>.avsc");
            continue;
        }
        QFile in(dir.filePath(file));
        if (!in.open(QIODevice::ReadOnly)) {
            m_errors << file + QStringLiteral(": ") + in.errorString();
            continue;
        }
        CatalogEntry entry;
        entry.subject = match.captured(1);
        entry.version = match.captured(2).toInt();
        entry.schemaText = QString::fromUtf8(in.readAll());
        try {
            entry.schema = AvroSchema::parse(entry.schemaText.toStdString());
        } catch (const AvroSchemaError &e) {
            m_errors << file + QStringLiteral(": ") + QString::fromUtf8(e.what());
            continue;
        }
        m_entries.push_back(std::move(entry));
    }
    sortEntries();
    for (std::size_t i = 0; i < m_entries.size(); ++i)
        m_entries[i].id = int(i) + 1;
    loadCompatibility(dir.filePath(QStringLiteral("compatibility.json")));
}

QStringList SchemaCatalog::subjects() const
{
    QStringList names;
    for (const auto &e : m_entries)
        if (names.isEmpty() || names.last() != e.subject)
            names << e.subject;
    return names;
}

QList<int> SchemaCatalog::versions(const QString &subject) const
{
    QList<int> list;
    for (const auto &e : m_entries)
        if (e.subject == subject)
            list << e.version;
    return list;
}

const CatalogEntry *SchemaCatalog::find(const QString &subject, int version) const
{
    const CatalogEntry *found = nullptr;
    for (const auto &e : m_entries) {
        if (e.subject != subject)
            continue;
        if (e.version == version)
            return &e;
        if (version < 0)
            found = &e; // entries are sorted: the last one is the latest
    }
    return found;
}

const CatalogEntry *SchemaCatalog::byId(int id) const
{
    // A registry's ids need not follow subject order, nor be dense.
    const auto found = std::find_if(m_entries.begin(), m_entries.end(), [id](const CatalogEntry &e) { return e.id == id; });
    return found == m_entries.end() ? nullptr : &*found;
}

std::vector<SchemaVersionRef> SchemaCatalog::history(const QString &subject) const
{
    std::vector<SchemaVersionRef> list;
    for (const auto &e : m_entries)
        if (e.subject == subject)
            list.push_back({e.version, e.schema});
    return list;
}

CompatibilityMode SchemaCatalog::compatibility(const QString &subject) const
{
    return m_compatibility.value(subject, m_defaultCompatibility);
}

void SchemaCatalog::loadCompatibility(const QString &path)
{
    QFile in(path);
    if (!in.exists())
        return;
    const QString file = QFileInfo(path).fileName() + QStringLiteral(": ");
    if (!in.open(QIODevice::ReadOnly)) {
        m_errors << file + in.errorString();
        return;
    }
    const auto json = nlohmann::json::parse(in.readAll().toStdString(), nullptr, false);
    if (!json.is_object()) {
        m_errors << file + QStringLiteral("not a JSON object");
        return;
    }
    const auto level = [&](const nlohmann::json &value, const QString &where) -> std::optional<CompatibilityMode> {
        const auto mode = value.is_string() ? compatibilityModeFromName(value.get<std::string>()) : std::nullopt;
        if (!mode)
            m_errors << file + where + QStringLiteral(": %1 is not a compatibility level (BACKWARD, FORWARD, FULL, their _TRANSITIVE forms, NONE)")
                                           .arg(QString::fromStdString(value.dump()));
        return mode;
    };
    for (const auto &[key, value] : json.items()) {
        if (key == "default") {
            if (const auto mode = level(value, QStringLiteral("default")))
                m_defaultCompatibility = *mode;
        } else if (key == "subjects" && value.is_object()) {
            for (const auto &[subject, subjectLevel] : value.items()) {
                const QString name = QString::fromStdString(subject);
                if (!find(name))
                    m_errors << file + QStringLiteral("`%1` has no schema here").arg(name);
                else if (const auto mode = level(subjectLevel, name))
                    m_compatibility.insert(name, *mode);
            }
        } else {
            m_errors << file + QStringLiteral("unknown field `%1` (expected `default` and `subjects`)").arg(QString::fromStdString(key));
        }
    }
}
