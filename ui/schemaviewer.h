#pragma once

#include "schemas/schemacatalog.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QPlainTextEdit;
class QSortFilterProxyModel;
class QStringListModel;
class QTabWidget;
class QTableWidget;
class QTreeView;
class SchemaTreeModel;

// Subjects (with a filter), their versions as a tree and as formatted JSON, a side-by-side diff of two
// versions, and a pane that checks a pasted candidate schema with Vigil's explained compatibility check.
// Works from a SchemaCatalog: the bundled one when no registry is configured, or one filled from a registry.
// With a registry, the composition root answers registryCheckRequested with setRegistryVerdict.
class SchemaViewer final : public QWidget {
    Q_OBJECT
public:
    explicit SchemaViewer(SchemaCatalog catalog, QWidget *parent = nullptr);
    ~SchemaViewer() override;

    void setCatalog(SchemaCatalog catalog);
    // Where the catalog came from ("Bundled schemas", "From the registry at ..."), in red for a problem.
    void setSource(const QString &description, bool problem = false);
    QString sourceText() const;
    const SchemaCatalog &catalog() const { return m_catalog; }
    // Whether a registry answers compatibility checks beside Vigil's; off by default.
    void setRegistryAvailable(bool available, const QString &registryName = {});

    bool selectSubject(const QString &subject);
    QString currentSubject() const;
    void selectVersion(int version);
    void showDiff(int fromVersion, int toVersion);
    void setCandidate(const QString &schemaJson, CompatibilityMode mode);
    void showCheckPane();
    void showDiffPane();

    // What the widgets show, for tests.
    QString verdictText() const;
    QString registryVerdictText() const;
    int diffChangeCount() const;
    SchemaTreeModel *treeModel() const { return m_treeModel; }

public slots:
    void checkCandidate();
    void setRegistryVerdict(const QString &verdict, bool compatible);

signals:
    // The user asked for a check; with a registry configured, ask it and answer setRegistryVerdict.
    void registryCheckRequested(const QString &subject, const QString &candidateSchema, CompatibilityMode mode);

private:
    void fillSubjects();
    void subjectChanged();
    void versionChanged();
    void diffChanged();

    SchemaCatalog m_catalog;
    bool m_registry = false;
    QString m_registryName;
    QLineEdit *m_filter = nullptr;
    QStringListModel *m_subjects = nullptr;
    QSortFilterProxyModel *m_filtered = nullptr;
    QListView *m_subjectList = nullptr;
    QTabWidget *m_tabs = nullptr;
    QComboBox *m_version = nullptr;
    QLabel *m_compatibility = nullptr;
    QLabel *m_source = nullptr;
    SchemaTreeModel *m_treeModel = nullptr;
    QTreeView *m_tree = nullptr;
    QPlainTextEdit *m_json = nullptr;
    QComboBox *m_diffFrom = nullptr;
    QComboBox *m_diffTo = nullptr;
    QTableWidget *m_changes = nullptr;
    QTableWidget *m_sideBySide = nullptr;
    QPlainTextEdit *m_candidate = nullptr;
    QComboBox *m_mode = nullptr;
    QPlainTextEdit *m_verdict = nullptr;
    QLabel *m_verdictHeadline = nullptr;
    QLabel *m_registryVerdict = nullptr;
};
