#pragma once

#include "items/columntablemodel.h"
#include "wall/alertboard.h"

#include <vector>

// The Dashboard's charge-nurse overview: one row per unit from AlertBoard::summaries(). Refreshed
// every second, so rows change in place rather than by a reset that would lose the selection.
class UnitOverviewModel final : public ColumnTableModel {
    Q_OBJECT
public:
    enum Column { Unit, Admitted, Open, Acknowledged, OldestWait, ColumnCount };

    explicit UnitOverviewModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;

    // In the order given (summaries() sorts them); a unit keeps its row while it stays.
    void setSummaries(std::vector<UnitSummary> summaries);
    const UnitSummary &summaryAt(int row) const { return m_rows[std::size_t(row)]; }

    // "12 min", "1 h 05 min"; under a minute "<1 min".
    static QString waitText(std::int64_t waitMs);

private:
    QVariant cell(int row, int column, int role) const override;
    void removeVanished(const std::vector<UnitSummary> &summaries);
    int rowOf(const std::string &unit, int from) const;

    std::vector<UnitSummary> m_rows;
};
