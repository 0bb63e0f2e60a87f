#include "items/thresholdrulesmodel.h"

#include "clinical/thresholdset.h"
#include "clinical/ucumunits.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QRegularExpression>
#include <QSet>

namespace {

QStringList codesOf(const QString &text)
{
    return text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
}

QString limitText(const std::optional<double> &limit)
{
    return limit ? QString::number(*limit) : QString();
}

// An empty cell is no limit; anything else must be a finite number.
std::optional<double> parseLimit(const QString &text, QString *error)
{
    if (text.trimmed().isEmpty())
        return std::nullopt;
    bool ok = false;
    const double value = text.trimmed().toDouble(&ok);
    if (!ok || !qIsFinite(value)) {
        *error = QObject::tr("not a number");
        return std::nullopt;
    }
    return value;
}

RuleActivity::Limits limitsOf(const ThresholdRule &rule)
{
    return {rule.low, rule.high};
}

} // namespace

ThresholdRulesModel::ThresholdRulesModel(QObject *parent)
    : ColumnTableModel({tr("LOINC codes"), tr("Analyte"), tr("Unit (UCUM)"), tr("Critical low <"), tr("Critical high >"),
                        tr("Normal (1 h)"), tr("Crit. low (1 h)"), tr("Crit. high (1 h)"), tr("Would change")},
                       parent)
{
    Q_ASSERT(columnCount() == ColumnCount);
}

int ThresholdRulesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

ThresholdRulesModel::Row ThresholdRulesModel::rowFrom(const ThresholdRule &rule)
{
    Row row;
    QStringList codes;
    for (const auto &code : rule.loinc)
        codes.append(QString::fromStdString(code));
    row.cells[Codes] = codes.join(QStringLiteral(", "));
    row.cells[Display] = QString::fromStdString(rule.display);
    row.cells[Unit] = QString::fromStdString(rule.unit);
    row.cells[Low] = limitText(rule.low);
    row.cells[High] = limitText(rule.high);
    row.basis = QString::fromStdString(rule.basis);
    return row;
}

void ThresholdRulesModel::setApplied(std::shared_ptr<const ThresholdSet> applied)
{
    m_applied = std::move(applied);
    setRows(*m_applied);
    for (Row &row : m_rows)
        std::copy(std::begin(row.cells), std::end(row.cells), std::begin(row.live));
    m_modified = false;
    Q_EMIT validityChanged();
}

void ThresholdRulesModel::setRows(const ThresholdSet &set)
{
    beginResetModel();
    m_rows.clear();
    for (const auto &rule : set.rules()) {
        Row row = rowFrom(rule);
        if (const ThresholdRule *live = m_applied ? m_applied->ruleFor(rule.loinc.front()) : nullptr) {
            const Row liveRow = rowFrom(*live);
            std::copy(std::begin(liveRow.cells), std::end(liveRow.cells), std::begin(row.live));
        }
        m_rows.append(row);
    }
    m_modified = true;
    validate();
    endResetModel();
    Q_EMIT validityChanged();
}

QVariant ThresholdRulesModel::cell(int rowNumber, int column, int role) const
{
    const Row &row = m_rows[rowNumber];
    const bool editable = column <= High;
    const QString error = editable ? row.errors[column] : QString();
    const bool edited = editable && row.cells[column] != row.live[column];

    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        if (editable)
            return row.cells[column];
        switch (column) {
        case Normal: return row.counts.normal;
        case CriticalLow: return row.counts.criticalLow;
        case CriticalHigh: return row.counts.criticalHigh;
        case WouldFlip: return row.counts.flipped;
        }
        return {};
    case Qt::ToolTipRole:
        if (!error.isEmpty())
            return error;
        if (edited)
            return row.live[column].isEmpty() ? tr("new; not live yet") : tr("live: %1").arg(row.live[column]);
        if (column == Display && !row.basis.isEmpty())
            return tr("Basis: %1").arg(row.basis);
        if (column == WouldFlip)
            return tr("Results of the last hour the edited limits would classify differently");
        return {};
    case Qt::BackgroundRole:
        if (!error.isEmpty())
            return QBrush(QColor(0xff, 0xcd, 0xd2));
        if (column == WouldFlip && row.counts.flipped > 0)
            return QBrush(QColor(0xff, 0xf3, 0xc4));
        return {};
    case Qt::FontRole:
        if (edited) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::ForegroundRole:
        return edited ? QVariant(QBrush(QColor(0x0d, 0x47, 0xa1))) : QVariant();
    case Qt::TextAlignmentRole:
        return int((column >= Low ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
    }
    return {};
}

Qt::ItemFlags ThresholdRulesModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags flags = ColumnTableModel::flags(index);
    if (index.isValid() && index.column() <= High)
        flags |= Qt::ItemIsEditable;
    return flags;
}

bool ThresholdRulesModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !checkIndex(index, CheckIndexOption::IndexIsValid) || index.column() > High)
        return false;
    QString &current = m_rows[index.row()].cells[index.column()];
    const QString text = value.toString().trimmed();
    if (current == text)
        return true;
    current = text;
    m_modified = true;
    validate();
    // Validation is across rows (a code in two rules), so every cell may change colour.
    Q_EMIT dataChanged(this->index(0, 0), this->index(rowCount() - 1, High));
    Q_EMIT validityChanged();
    return true;
}

void ThresholdRulesModel::addRule()
{
    beginInsertRows({}, rowCount(), rowCount());
    m_rows.append(Row{});
    m_modified = true;
    validate();
    endInsertRows();
    Q_EMIT validityChanged();
}

void ThresholdRulesModel::removeRule(int row)
{
    if (row < 0 || row >= rowCount())
        return;
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    m_modified = true;
    validate();
    endRemoveRows();
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, High));
    Q_EMIT validityChanged();
}

void ThresholdRulesModel::validate()
{
    QHash<QString, int> firstRowOfCode;
    for (int r = 0; r < m_rows.size(); ++r) {
        Row &row = m_rows[r];
        for (auto &error : row.errors)
            error.clear();

        const QStringList codes = codesOf(row.cells[Codes]);
        static const QRegularExpression loincPattern(QStringLiteral("^\\d{1,7}-\\d$"));
        if (codes.isEmpty())
            row.errors[Codes] = tr("at least one LOINC code");
        for (const auto &code : codes) {
            if (!loincPattern.match(code).hasMatch())
                row.errors[Codes] = tr("\"%1\" is not a LOINC code (digits, a dash, a check digit)").arg(code);
            else if (firstRowOfCode.contains(code) && firstRowOfCode[code] != r)
                row.errors[Codes] = tr("%1 is already in row %2").arg(code).arg(firstRowOfCode[code] + 1);
            else
                firstRowOfCode.insert(code, r);
        }
        if (row.cells[Display].isEmpty())
            row.errors[Display] = tr("name the analyte");
        if (row.cells[Unit].isEmpty())
            row.errors[Unit] = tr("a UCUM unit is required");
        else if (!UcumUnits::isKnownUnit(row.cells[Unit].toStdString()))
            row.errors[Unit] = tr("\"%1\" is not a UCUM unit Vigil can convert (they are case-sensitive)").arg(row.cells[Unit]);

        const auto low = parseLimit(row.cells[Low], &row.errors[Low]);
        const auto high = parseLimit(row.cells[High], &row.errors[High]);
        if (row.errors[Low].isEmpty() && row.errors[High].isEmpty()) {
            if (!low && !high)
                row.errors[High] = tr("give a low limit, a high limit, or both");
            else if (low && high && *low >= *high)
                row.errors[High] = tr("must be above the low limit (%1)").arg(*low);
        }
    }
}

QStringList ThresholdRulesModel::errors() const
{
    QStringList all;
    for (int r = 0; r < m_rows.size(); ++r) {
        for (int c = 0; c <= High; ++c) {
            if (!m_rows[r].errors[c].isEmpty())
                all.append(tr("row %1, %2: %3").arg(r + 1).arg(headerData(c, Qt::Horizontal).toString(), m_rows[r].errors[c]));
        }
    }
    return all;
}

std::shared_ptr<const ThresholdSet> ThresholdRulesModel::candidate() const
{
    if (const QStringList problems = errors(); !problems.isEmpty())
        throw ThresholdError(problems.first().toStdString());
    std::vector<ThresholdRule> rules;
    for (const Row &row : m_rows) {
        ThresholdRule rule;
        for (const auto &code : codesOf(row.cells[Codes]))
            rule.loinc.push_back(code.toStdString());
        rule.display = row.cells[Display].toStdString();
        rule.unit = row.cells[Unit].toStdString();
        QString ignored;
        rule.low = parseLimit(row.cells[Low], &ignored);
        rule.high = parseLimit(row.cells[High], &ignored);
        rule.basis = row.basis.toStdString();
        rules.push_back(std::move(rule));
    }
    const std::string name = m_applied ? m_applied->name() : std::string("Edited critical values");
    const int version = m_applied ? m_applied->version() + 1 : 1;
    return std::make_shared<const ThresholdSet>(name, version, std::move(rules),
                                                m_applied ? m_applied->sources() : std::vector<std::string>{});
}

void ThresholdRulesModel::refreshCounts(const RuleActivity &activity)
{
    if (m_rows.isEmpty())
        return;
    for (Row &row : m_rows) {
        const QStringList codes = codesOf(row.cells[Codes]);
        RuleActivity::Limits current;
        if (m_applied && !codes.isEmpty()) {
            if (const ThresholdRule *rule = m_applied->ruleFor(codes.first().toStdString()))
                current = limitsOf(*rule);
        }
        QString ignored;
        const RuleActivity::Limits candidate{parseLimit(row.cells[Low], &ignored), parseLimit(row.cells[High], &ignored)};
        row.counts = activity.count(codes, current, candidate);
    }
    Q_EMIT dataChanged(index(0, Normal), index(rowCount() - 1, WouldFlip), {Qt::DisplayRole, Qt::BackgroundRole});
}
