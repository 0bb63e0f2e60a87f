#include "items/whatifmodels.h"
#include "base/text.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

namespace {

QString limitText(const std::optional<double> &low, const std::optional<double> &high)
{
    return QStringLiteral("%1 – %2").arg(low ? QString::number(*low) : QStringLiteral("·"),
                                         high ? QString::number(*high) : QStringLiteral("·"));
}

} // namespace

int WhatIfRulesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rules.size());
}

int WhatIfRulesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WhatIfRulesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const WhatIfRuleCounts &rule = m_rules[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Analyte: return rule.display;
        case Codes: return rule.codes;
        case LiveLimits: return rule.inLive ? limitText(rule.liveLow, rule.liveHigh) + u' ' + rule.unit : tr("(none)");
        case CandidateLimits:
            return rule.inCandidate ? limitText(rule.candidateLow, rule.candidateHigh) + u' ' + rule.unit : tr("(none)");
        case Evaluated: return rule.evaluated;
        case LiveLow: return rule.liveCriticalLow;
        case LiveHigh: return rule.liveCriticalHigh;
        case CandidateLow: return rule.candidateCriticalLow;
        case CandidateHigh: return rule.candidateCriticalHigh;
        case Added: return rule.added ? QStringLiteral("+%1").arg(rule.added) : QStringLiteral("0");
        case Removed: return rule.removed ? QStringLiteral("−%1").arg(rule.removed) : QStringLiteral("0");
        }
        return {};
    case Qt::TextAlignmentRole:
        return int((index.column() >= Evaluated ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
    case Qt::BackgroundRole:
        if (index.column() == Added && rule.added)
            return QBrush(QColor(0xff, 0xcd, 0xd2));
        if (index.column() == Removed && rule.removed)
            return QBrush(QColor(0xc8, 0xe6, 0xc9));
        if (index.column() == CandidateLimits && (rule.liveLow != rule.candidateLow || rule.liveHigh != rule.candidateHigh))
            return QBrush(QColor(0xff, 0xf3, 0xc4));
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Added)
            return tr("Critical under the candidate set, not under the live set");
        if (index.column() == Removed)
            return tr("Critical under the live set, not under the candidate set");
        return {};
    }
    return {};
}

QVariant WhatIfRulesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Analyte: return tr("Analyte");
    case Codes: return tr("LOINC");
    case LiveLimits: return tr("Live limits");
    case CandidateLimits: return tr("Candidate limits");
    case Evaluated: return tr("Evaluated");
    case LiveLow: return tr("Low, live");
    case LiveHigh: return tr("High, live");
    case CandidateLow: return tr("Low, cand.");
    case CandidateHigh: return tr("High, cand.");
    case Added: return tr("Appear");
    case Removed: return tr("Vanish");
    }
    return {};
}

void WhatIfRulesModel::setComparison(const WhatIfComparison &comparison)
{
    const QList<WhatIfRuleCounts> &rules = comparison.rules();
    bool sameRows = rules.size() == m_rules.size();
    for (qsizetype i = 0; sameRows && i < rules.size(); ++i)
        sameRows = rules[i].codes == m_rules[i].codes && rules[i].liveLow == m_rules[i].liveLow
                   && rules[i].liveHigh == m_rules[i].liveHigh && rules[i].candidateLow == m_rules[i].candidateLow
                   && rules[i].candidateHigh == m_rules[i].candidateHigh;
    if (!sameRows) {
        beginResetModel();
        m_rules = rules;
        endResetModel();
        return;
    }
    m_rules = rules;
    if (!m_rules.isEmpty())
        Q_EMIT dataChanged(index(0, Evaluated), index(rowCount() - 1, Removed), {Qt::DisplayRole, Qt::BackgroundRole});
}

int WhatIfChangesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_changes.size());
}

int WhatIfChangesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WhatIfChangesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const WhatIfChange &change = m_changes[index.row()];
    const bool added = change.kind == WhatIfChange::Kind::Added;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Change: return added ? tr("appears") : tr("vanishes");
        case Time:
            return QDateTime::fromMSecsSinceEpoch(change.timestampMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case Patient: return change.patient;
        case Analyte: return change.analyte;
        case Value:
            return std::isnan(change.value) ? QString() : QStringLiteral("%1 %2").arg(change.value).arg(change.unit);
        case LiveVerdict: return Text::toQString(verdictName(change.live));
        case CandidateVerdict: return Text::toQString(verdictName(change.candidate));
        case Source: return QStringLiteral("%1[%2]@%3").arg(change.topic).arg(change.partition).arg(change.offset);
        }
        return {};
    case Qt::ForegroundRole:
        if (index.column() == Change)
            return QBrush(added ? QColor(0xb7, 0x1c, 0x1c) : QColor(0x1b, 0x5e, 0x20));
        return {};
    case Qt::TextAlignmentRole:
        return int((index.column() == Value ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
    }
    return {};
}

QVariant WhatIfChangesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Change: return tr("Alert");
    case Time: return tr("Record time");
    case Patient: return tr("Patient");
    case Analyte: return tr("Analyte");
    case Value: return tr("Value");
    case LiveVerdict: return tr("Live set");
    case CandidateVerdict: return tr("Candidate set");
    case Source: return tr("Record");
    }
    return {};
}

void WhatIfChangesModel::setComparison(const WhatIfComparison &comparison)
{
    const QList<WhatIfChange> &changes = comparison.changes();
    // Changes are only appended during one run (the first ones are kept): insert the new tail.
    if (comparison.live().get() != m_live || comparison.candidate().get() != m_candidate
        || changes.size() < m_changes.size()) {
        beginResetModel();
        m_changes = changes;
        m_live = comparison.live().get();
        m_candidate = comparison.candidate().get();
        endResetModel();
        return;
    }
    if (changes.size() == m_changes.size())
        return;
    beginInsertRows({}, int(m_changes.size()), int(changes.size()) - 1);
    m_changes = changes;
    endInsertRows();
}

void WhatIfChangesModel::clear()
{
    beginResetModel();
    m_changes.clear();
    m_live = nullptr;
    m_candidate = nullptr;
    endResetModel();
}
