#include "schemaviewer.h"
#include "base/text.h"

#include "schemas/schemadiff.h"
#include "items/schematreemodel.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStringListModel>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeView>
#include <QVBoxLayout>

namespace {
void setVerdictStyle(QLabel *label, bool ok)
{
    label->setStyleSheet(ok ? QStringLiteral("QLabel { color: white; background: #2e7d32; font-weight: bold; }")
                            : QStringLiteral("QLabel { color: white; background: #c62828; font-weight: bold; }"));
}
} // namespace

SchemaViewer::SchemaViewer(SchemaCatalog catalog, QWidget *parent) : QWidget(parent), m_catalog(std::move(catalog))
{
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);

    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter subjects"));
    m_filter->setClearButtonEnabled(true);
    m_subjects = new QStringListModel(this);
    m_filtered = new QSortFilterProxyModel(this);
    m_filtered->setSourceModel(m_subjects);
    m_filtered->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_subjectList = new QListView(this);
    m_subjectList->setModel(m_filtered);
    m_subjectList->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    m_source = new QLabel(tr("Bundled schemas (a local, read-only registry)"), left);
    m_source->setObjectName(QStringLiteral("schemaSource"));
    m_source->setWordWrap(true);
    leftLayout->addWidget(m_source);
    leftLayout->addWidget(new QLabel(tr("Subjects"), left));
    leftLayout->addWidget(m_filter);
    leftLayout->addWidget(m_subjectList);

    // Schema tab: versions, compatibility level, tree and JSON.
    auto *schemaTab = new QWidget(this);
    m_version = new QComboBox(schemaTab);
    m_compatibility = new QLabel(schemaTab);
    m_treeModel = new SchemaTreeModel(this);
    m_tree = new QTreeView(schemaTab);
    m_tree->setModel(m_treeModel);
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_json = new QPlainTextEdit(schemaTab);
    m_json->setReadOnly(true);
    m_json->setFont(mono);
    auto *schemaSplit = new QSplitter(Qt::Vertical, schemaTab);
    schemaSplit->addWidget(m_tree);
    schemaSplit->addWidget(m_json);
    schemaSplit->setStretchFactor(0, 3);
    schemaSplit->setStretchFactor(1, 2);
    auto *versionRow = new QHBoxLayout;
    versionRow->addWidget(new QLabel(tr("Version"), schemaTab));
    versionRow->addWidget(m_version);
    versionRow->addSpacing(20);
    versionRow->addWidget(m_compatibility, 1); // the rest of the row: the level's name is never cut
    auto *schemaLayout = new QVBoxLayout(schemaTab);
    schemaLayout->addLayout(versionRow);
    schemaLayout->addWidget(schemaSplit);

    // Diff tab.
    auto *diffTab = new QWidget(this);
    m_diffFrom = new QComboBox(diffTab);
    m_diffTo = new QComboBox(diffTab);
    m_changes = new QTableWidget(0, 5, diffTab);
    m_changes->setHorizontalHeaderLabels({tr("Change"), tr("Field"), tr("Before"), tr("After"), tr("What")});
    m_changes->horizontalHeader()->setStretchLastSection(true);
    m_changes->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_changes->verticalHeader()->hide();
    m_sideBySide = new QTableWidget(0, 2, diffTab);
    m_sideBySide->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_sideBySide->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_sideBySide->verticalHeader()->hide();
    m_sideBySide->setShowGrid(false);
    m_sideBySide->setFont(mono);
    m_sideBySide->verticalHeader()->setDefaultSectionSize(m_sideBySide->fontMetrics().height() + 2);
    auto *diffRow = new QHBoxLayout;
    diffRow->addWidget(new QLabel(tr("From"), diffTab));
    diffRow->addWidget(m_diffFrom);
    diffRow->addWidget(new QLabel(tr("to"), diffTab));
    diffRow->addWidget(m_diffTo);
    diffRow->addStretch();
    auto *diffSplit = new QSplitter(Qt::Vertical, diffTab);
    diffSplit->addWidget(m_changes);
    diffSplit->addWidget(m_sideBySide);
    diffSplit->setStretchFactor(1, 2);
    auto *diffLayout = new QVBoxLayout(diffTab);
    diffLayout->addLayout(diffRow);
    diffLayout->addWidget(diffSplit);

    // Check tab.
    auto *checkTab = new QWidget(this);
    m_candidate = new QPlainTextEdit(checkTab);
    m_candidate->setFont(mono);
    m_candidate->setPlaceholderText(tr("Paste a candidate schema (Avro JSON)"));
    m_mode = new QComboBox(checkTab);
    for (const CompatibilityMode mode : allCompatibilityModes())
        m_mode->addItem(QString::fromUtf8(compatibilityModeName(mode)), int(mode));
    auto *check = new QPushButton(tr("Check"), checkTab);
    check->setObjectName(QStringLiteral("checkButton"));
    m_verdictHeadline = new QLabel(checkTab);
    m_verdictHeadline->setWordWrap(true);
    m_verdictHeadline->setMargin(6);
    m_verdict = new QPlainTextEdit(checkTab);
    m_verdict->setReadOnly(true);
    m_registryVerdict = new QLabel(checkTab);
    m_registryVerdict->setWordWrap(true);
    m_registryVerdict->setMargin(6);
    auto *checkRow = new QHBoxLayout;
    checkRow->addWidget(new QLabel(tr("Mode"), checkTab));
    checkRow->addWidget(m_mode);
    checkRow->addWidget(check);
    checkRow->addStretch();
    auto *results = new QWidget(checkTab);
    auto *resultsLayout = new QVBoxLayout(results);
    resultsLayout->setContentsMargins(0, 0, 0, 0);
    resultsLayout->addWidget(new QLabel(tr("Vigil's verdict"), results));
    resultsLayout->addWidget(m_verdictHeadline);
    resultsLayout->addWidget(m_verdict, 1);
    resultsLayout->addWidget(new QLabel(tr("Registry's verdict"), results));
    resultsLayout->addWidget(m_registryVerdict);
    auto *checkSplit = new QSplitter(Qt::Horizontal, checkTab);
    checkSplit->addWidget(m_candidate);
    checkSplit->addWidget(results);
    auto *checkLayout = new QVBoxLayout(checkTab);
    checkLayout->addLayout(checkRow);
    checkLayout->addWidget(checkSplit);

    m_tabs = new QTabWidget(this);
    m_tabs->addTab(schemaTab, tr("Schema"));
    m_tabs->addTab(diffTab, tr("Diff"));
    m_tabs->addTab(checkTab, tr("Check a candidate"));
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(m_tabs);
    split->setStretchFactor(1, 4);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split);

    connect(m_filter, &QLineEdit::textChanged, m_filtered, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_subjectList->selectionModel(), &QItemSelectionModel::currentChanged, this, &SchemaViewer::subjectChanged);
    connect(m_version, &QComboBox::currentIndexChanged, this, &SchemaViewer::versionChanged);
    connect(m_diffFrom, &QComboBox::currentIndexChanged, this, &SchemaViewer::diffChanged);
    connect(m_diffTo, &QComboBox::currentIndexChanged, this, &SchemaViewer::diffChanged);
    connect(check, &QPushButton::clicked, this, &SchemaViewer::checkCandidate);
    setRegistryAvailable(false);
    fillSubjects();
}

SchemaViewer::~SchemaViewer() = default;

void SchemaViewer::setCatalog(SchemaCatalog catalog)
{
    m_catalog = std::move(catalog);
    fillSubjects();
}

void SchemaViewer::setSource(const QString &description, bool problem)
{
    m_source->setText(description);
    m_source->setStyleSheet(problem ? QStringLiteral("color: #b00020;") : QString());
}

QString SchemaViewer::sourceText() const
{
    return m_source->text();
}

void SchemaViewer::setRegistryAvailable(bool available, const QString &registryName)
{
    m_registry = available;
    m_registryName = registryName;
    m_registryVerdict->setStyleSheet({});
    m_registryVerdict->setText(available ? tr("Ask %1 with Check.").arg(registryName)
                                         : tr("No schema registry configured: only Vigil's own check (bundled schemas)."));
}

void SchemaViewer::fillSubjects()
{
    m_subjects->setStringList(m_catalog.subjects());
    if (m_filtered->rowCount() > 0)
        m_subjectList->setCurrentIndex(m_filtered->index(0, 0));
}

bool SchemaViewer::selectSubject(const QString &subject)
{
    for (int row = 0; row < m_filtered->rowCount(); ++row) {
        if (m_filtered->index(row, 0).data().toString() == subject) {
            m_subjectList->setCurrentIndex(m_filtered->index(row, 0));
            return true;
        }
    }
    return false;
}

QString SchemaViewer::currentSubject() const { return m_subjectList->currentIndex().data().toString(); }

void SchemaViewer::subjectChanged()
{
    const QString subject = currentSubject();
    const QList<int> versions = m_catalog.versions(subject);
    const QSignalBlocker blockVersion(m_version);
    const QSignalBlocker blockFrom(m_diffFrom);
    const QSignalBlocker blockTo(m_diffTo);
    m_version->clear();
    m_diffFrom->clear();
    m_diffTo->clear();
    for (const int v : versions) {
        const CatalogEntry *entry = m_catalog.find(subject, v);
        const QString label = tr("v%1 (id %2)").arg(v).arg(entry->id);
        m_version->addItem(label, v);
        m_diffFrom->addItem(label, v);
        m_diffTo->addItem(label, v);
    }
    m_version->setCurrentIndex(int(versions.size()) - 1);
    m_diffTo->setCurrentIndex(int(versions.size()) - 1);
    m_diffFrom->setCurrentIndex(qMax(0, int(versions.size()) - 2));
    m_compatibility->setText(subject.isEmpty() ? QString()
                                               : tr("Compatibility level: %1").arg(QString::fromUtf8(
                                                   compatibilityModeName(m_catalog.compatibility(subject)))));
    const int mode = m_mode->findData(int(m_catalog.compatibility(subject)));
    if (mode >= 0)
        m_mode->setCurrentIndex(mode);
    versionChanged();
    diffChanged();
    if (const CatalogEntry *latest = m_catalog.find(subject); latest && m_candidate->toPlainText().isEmpty())
        m_candidate->setPlainText(Text::toQString(latest->schema.formatted()));
}

void SchemaViewer::selectVersion(int version)
{
    const int index = m_version->findData(version);
    if (index >= 0)
        m_version->setCurrentIndex(index);
}

void SchemaViewer::versionChanged()
{
    const CatalogEntry *entry = m_catalog.find(currentSubject(), m_version->currentData().toInt());
    if (!entry) {
        m_treeModel->clear();
        m_json->clear();
        return;
    }
    m_treeModel->setSchema(entry->schema);
    m_tree->expandToDepth(1);
    m_json->setPlainText(Text::toQString(entry->schema.formatted()));
}

void SchemaViewer::showDiff(int fromVersion, int toVersion)
{
    const QSignalBlocker block(m_diffFrom);
    m_diffFrom->setCurrentIndex(m_diffFrom->findData(fromVersion));
    m_diffTo->setCurrentIndex(m_diffTo->findData(toVersion)); // triggers diffChanged
    diffChanged();
}

void SchemaViewer::diffChanged()
{
    const QString subject = currentSubject();
    const CatalogEntry *from = m_catalog.find(subject, m_diffFrom->currentData().toInt());
    const CatalogEntry *to = m_catalog.find(subject, m_diffTo->currentData().toInt());
    m_changes->setRowCount(0);
    m_sideBySide->setRowCount(0);
    if (!from || !to)
        return;
    m_sideBySide->setHorizontalHeaderLabels({tr("v%1").arg(from->version), tr("v%1").arg(to->version)});
    const auto changes = diffSchemas(from->schema, to->schema);
    m_changes->setRowCount(int(changes.size()));
    for (int row = 0; row < int(changes.size()); ++row) {
        const SchemaChange &c = changes[std::size_t(row)];
        const QStringList cells{Text::toQString(std::string(schemaChangeKindName(c.kind))), Text::toQString(c.path), Text::toQString(c.before), Text::toQString(c.after),
                                Text::toQString(c.detail)};
        const QColor tint = c.kind == SchemaChange::Kind::Added     ? QColor(0xe8, 0xf5, 0xe9)
                            : c.kind == SchemaChange::Kind::Removed ? QColor(0xff, 0xeb, 0xee)
                                                                    : QColor(0xff, 0xf8, 0xe1);
        for (int column = 0; column < cells.size(); ++column) {
            auto *item = new QTableWidgetItem(cells[column]);
            item->setBackground(tint);
            m_changes->setItem(row, column, item);
        }
    }
    m_changes->resizeColumnsToContents();
    const auto rows = sideBySide(from->schema.formatted(), to->schema.formatted());
    m_sideBySide->setRowCount(int(rows.size()));
    for (int row = 0; row < int(rows.size()); ++row) {
        const SideBySideRow &r = rows[std::size_t(row)];
        auto *left = new QTableWidgetItem(Text::toQString(r.left));
        auto *right = new QTableWidgetItem(Text::toQString(r.right));
        if (r.differs) {
            left->setBackground(r.left.empty() ? QColor(0xee, 0xee, 0xee) : QColor(0xff, 0xeb, 0xee));
            right->setBackground(r.right.empty() ? QColor(0xee, 0xee, 0xee) : QColor(0xe8, 0xf5, 0xe9));
        }
        m_sideBySide->setItem(row, 0, left);
        m_sideBySide->setItem(row, 1, right);
    }
}

void SchemaViewer::setCandidate(const QString &schemaJson, CompatibilityMode mode)
{
    m_candidate->setPlainText(schemaJson);
    m_mode->setCurrentIndex(m_mode->findData(int(mode)));
}

void SchemaViewer::showCheckPane() { m_tabs->setCurrentIndex(2); }
void SchemaViewer::showDiffPane() { m_tabs->setCurrentIndex(1); }

void SchemaViewer::checkCandidate()
{
    const QString subject = currentSubject();
    const auto mode = CompatibilityMode(m_mode->currentData().toInt());
    AvroSchema candidate;
    try {
        candidate = AvroSchema::parse(m_candidate->toPlainText().toStdString());
    } catch (const AvroSchemaError &e) {
        m_verdictHeadline->setText(tr("Not a valid Avro schema"));
        setVerdictStyle(m_verdictHeadline, false);
        m_verdict->setPlainText(QString::fromUtf8(e.what()));
        return;
    }
    const CompatibilityVerdict verdict = checkCompatibility(candidate, m_catalog.history(subject), mode);
    const std::string summary = verdict.summary();
    const auto newline = summary.find('\n');
    m_verdictHeadline->setText(Text::toQString(summary.substr(0, newline)));
    setVerdictStyle(m_verdictHeadline, verdict.compatible);
    QString details;
    for (const auto &issue : verdict.issues)
        details += QStringLiteral("• ") + Text::toQString(issue.message) + u'\n';
    if (verdict.issues.empty())
        details = tr("Every consumer of the compared versions can go on reading.");
    m_verdict->setPlainText(details);
    if (m_registry) {
        m_registryVerdict->setStyleSheet({});
        m_registryVerdict->setText(tr("Asking %1…").arg(m_registryName));
        emit registryCheckRequested(subject, m_candidate->toPlainText(), mode);
    }
}

void SchemaViewer::setRegistryVerdict(const QString &verdict, bool compatible)
{
    m_registryVerdict->setText(verdict);
    setVerdictStyle(m_registryVerdict, compatible);
}

QString SchemaViewer::verdictText() const { return m_verdictHeadline->text() + u'\n' + m_verdict->toPlainText(); }
QString SchemaViewer::registryVerdictText() const { return m_registryVerdict->text(); }
int SchemaViewer::diffChangeCount() const { return m_changes->rowCount(); }
