#include "items/unitoverviewmodel.h"

#include <QBrush>
#include <QColor>

#include <algorithm>
#include <unordered_set>

UnitOverviewModel::UnitOverviewModel(QObject *parent)
    : ColumnTableModel({tr("Unit"), tr("Admitted"), tr("Open"), tr("Acknowledged"), tr("Oldest unacknowledged wait")}, parent)
{
    Q_ASSERT(columnCount() == ColumnCount);
}

int UnitOverviewModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QString UnitOverviewModel::waitText(std::int64_t waitMs)
{
    const std::int64_t minutes = waitMs / 60'000;
    if (minutes < 1)
        return tr("<1 min");
    if (minutes < 60)
        return tr("%1 min").arg(minutes);
    return tr("%1 h %2 min").arg(minutes / 60).arg(minutes % 60, 2, 10, QLatin1Char('0'));
}

QVariant UnitOverviewModel::cell(int row, int column, int role) const
{
    const UnitSummary &summary = m_rows[std::size_t(row)];
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Unit:
            return summary.unit.empty() ? tr("Not on a unit census") : QString::fromStdString(summary.unit);
        case Admitted:
            return summary.unit.empty() ? QVariant() : QVariant(summary.admitted); // no census, no count
        case Open:
            return summary.open;
        case Acknowledged:
            return summary.acknowledged;
        case OldestWait:
            return summary.oldestUnacknowledgedWaitMs ? waitText(*summary.oldestUnacknowledgedWaitMs) : QString();
        }
        return {};
    case Qt::TextAlignmentRole:
        if (column == Unit)
            return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    // The whole row is tinted, so an escalated unit stands out from across the desk.
    case Qt::BackgroundRole:
        if (summary.maxEscalation >= 2)
            return QBrush(QColor(0xc6, 0x28, 0x28));
        if (summary.maxEscalation == 1)
            return QBrush(QColor(0xff, 0xd5, 0x4f));
        return {};
    case Qt::ForegroundRole:
        if (summary.maxEscalation >= 2)
            return QBrush(QColor(Qt::white));
        if (summary.maxEscalation == 1)
            return QBrush(QColor(Qt::black));
        return {};
    }
    return {};
}

void UnitOverviewModel::removeVanished(const std::vector<UnitSummary> &summaries)
{
    std::unordered_set<std::string> staying;
    for (const UnitSummary &summary : summaries)
        staying.insert(summary.unit);
    // From the end, one removal per run of vanished rows, so earlier row numbers stay valid.
    for (int last = int(m_rows.size()) - 1; last >= 0; --last) {
        if (staying.contains(m_rows[std::size_t(last)].unit))
            continue;
        int first = last;
        while (first > 0 && !staying.contains(m_rows[std::size_t(first - 1)].unit))
            --first;
        beginRemoveRows({}, first, last);
        m_rows.erase(m_rows.begin() + first, m_rows.begin() + last + 1);
        endRemoveRows();
        last = first;
    }
}

int UnitOverviewModel::rowOf(const std::string &unit, int from) const
{
    const auto it = std::find_if(m_rows.begin() + from, m_rows.end(),
                                 [&](const UnitSummary &row) { return row.unit == unit; });
    return it == m_rows.end() ? -1 : int(it - m_rows.begin());
}

void UnitOverviewModel::setSummaries(std::vector<UnitSummary> summaries)
{
    removeVanished(summaries);
    int firstChanged = -1;
    int lastChanged = -1;
    for (int row = 0; row < int(summaries.size());) {
        const int at = rowOf(summaries[std::size_t(row)].unit, row);
        if (at < 0) {
            // New units next to each other arrive in one insertion.
            int end = row + 1;
            while (end < int(summaries.size()) && rowOf(summaries[std::size_t(end)].unit, row) < 0)
                ++end;
            beginInsertRows({}, row, end - 1);
            m_rows.insert(m_rows.begin() + row, std::make_move_iterator(summaries.begin() + row),
                          std::make_move_iterator(summaries.begin() + end));
            endInsertRows();
            row = end;
            continue;
        }
        if (at != row) {
            beginMoveRows({}, at, at, {}, row);
            std::rotate(m_rows.begin() + row, m_rows.begin() + at, m_rows.begin() + at + 1);
            endMoveRows();
        }
        if (m_rows[std::size_t(row)] != summaries[std::size_t(row)]) {
            m_rows[std::size_t(row)] = std::move(summaries[std::size_t(row)]);
            firstChanged = firstChanged < 0 ? row : firstChanged;
            lastChanged = row;
        }
        ++row;
    }
    if (firstChanged >= 0)
        Q_EMIT dataChanged(index(firstChanged, 0), index(lastChanged, ColumnCount - 1));
}
