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

WhatIfRulesModel::WhatIfRulesModel(QObject *parent)
    : ColumnTableModel({tr("Analyte"), tr("LOINC"), tr("Live limits"), tr("Candidate limits"), tr("Evaluated"), tr("Low, live"),
                        tr("High, live"), tr("Low, cand."), tr("High, cand."), tr("Appear"), tr("Vanish")},
                       parent)
{
    Q_ASSERT(columnCount() == ColumnCount);
}

int WhatIfRulesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rules.size());
}

QVariant WhatIfRulesModel::cell(int row, int column, int role) const
{
    const WhatIfRuleCounts &rule = m_rules[row];
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
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
        return int((column >= Evaluated ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
    case Qt::BackgroundRole:
        if (column == Added && rule.added)
            return QBrush(QColor(0xff, 0xcd, 0xd2));
        if (column == Removed && rule.removed)
            return QBrush(QColor(0xc8, 0xe6, 0xc9));
        if (column == CandidateLimits && (rule.liveLow != rule.candidateLow || rule.liveHigh != rule.candidateHigh))
            return QBrush(QColor(0xff, 0xf3, 0xc4));
        return {};
    case Qt::ToolTipRole:
        if (column == Added)
            return tr("Critical under the candidate set, not under the live set");
        if (column == Removed)
            return tr("Critical under the live set, not under the candidate set");
        return {};
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

WhatIfChangesModel::WhatIfChangesModel(QObject *parent)
    : ColumnTableModel({tr("Alert"), tr("Record time"), tr("Patient"), tr("Analyte"), tr("Value"), tr("Live set"),
                        tr("Candidate set"), tr("Record")},
                       parent)
{
    Q_ASSERT(columnCount() == ColumnCount);
}

int WhatIfChangesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_changes.size());
}

QVariant WhatIfChangesModel::cell(int row, int column, int role) const
{
    const WhatIfChange &change = m_changes[row];
    const bool added = change.kind == WhatIfChange::Kind::Added;
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
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
        if (column == Change)
            return QBrush(added ? QColor(0xb7, 0x1c, 0x1c) : QColor(0x1b, 0x5e, 0x20));
        return {};
    case Qt::TextAlignmentRole:
        return int((column == Value ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
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
