#pragma once

#include "schemas/avroschema.h"
#include "schemas/schemacompatibility.h"

#include <QHash>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

// One registered version of a subject.
struct CatalogEntry {
    QString subject;    // "healthcare.labs.results-value"
    int version = 0;    // 1, 2, ...
    int id = 0;         // the registry-wide schema id, as in the wire format
    QString schemaText; // the .avsc as written
    AvroSchema schema;
};

// The bundled Avro schemas as a local, read-only schema registry: subjects, versions and ids, so the
// viewer, the enforcer and the Avro decoder work on the mock cluster with no registry configured.
// Files are named <subject>.v<version>.avsc; ids are given in order of subject, then version, from 1.
class SchemaCatalog {
public:
    SchemaCatalog() = default; // empty

    // The schemas compiled into the application (":/schemas"; needs vigil_resources linked in).
    static SchemaCatalog bundled();
    // Every *.avsc in a directory (tests point this at resources/schemas in the source tree).
    static SchemaCatalog fromDirectory(const QString &directory);
    // What a schema registry holds: entries with subject, version, id and schemaText (parsed here; one
    // that does not parse is left out and named in errors()), and each subject's level by name.
    static SchemaCatalog fromRegistry(std::vector<CatalogEntry> entries, const QHash<QString, QString> &levels);

    bool isEmpty() const { return m_entries.empty(); }
    QStringList subjects() const;                       // sorted
    QList<int> versions(const QString &subject) const;  // ascending
    const CatalogEntry *find(const QString &subject, int version = -1) const; // -1: the latest
    const CatalogEntry *byId(int id) const;
    const std::vector<CatalogEntry> &entries() const { return m_entries; }
    // Every version of the subject for a compatibility check.
    std::vector<SchemaVersionRef> history(const QString &subject) const;
    // The subject's level from compatibility.json beside the schemas ({"default": LEVEL, "subjects":
    // {subject: LEVEL}}); BACKWARD, the Schema Registry's default, when neither names it.
    CompatibilityMode compatibility(const QString &subject) const;
    // Files that could not be read or parsed, each "file: why"; they are left out.
    const QStringList &errors() const { return m_errors; }

    // Confluent's TopicNameStrategy: the value schema of topic T is subject "T-value".
    static QString valueSubject(const QString &topic) { return topic + QStringLiteral("-value"); }

private:
    void load(const QString &directory);
    void loadCompatibility(const QString &path);
    void sortEntries();
    std::vector<CatalogEntry> m_entries;
    CompatibilityMode m_defaultCompatibility = CompatibilityMode::Backward;
    QHash<QString, CompatibilityMode> m_compatibility;
    QStringList m_errors;
};

// A catalog that one thread replaces while others read it (the registry's arrives after start; the
// message browser's worker decodes with whichever is current). Readers keep the snapshot they got.
class SharedCatalog {
public:
    explicit SharedCatalog(SchemaCatalog catalog = {}) : m_catalog(std::make_shared<const SchemaCatalog>(std::move(catalog))) {}
    void set(SchemaCatalog catalog)
    {
        auto next = std::make_shared<const SchemaCatalog>(std::move(catalog));
        QMutexLocker lock(&m_mutex);
        m_catalog = std::move(next);
    }
    std::shared_ptr<const SchemaCatalog> get() const
    {
        QMutexLocker lock(&m_mutex);
        return m_catalog;
    }

private:
    mutable QMutex m_mutex;
    std::shared_ptr<const SchemaCatalog> m_catalog;
};
