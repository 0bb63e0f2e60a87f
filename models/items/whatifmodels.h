#pragma once

#include "items/columntablemodel.h"
#include "replay/whatifcomparison.h"

// The per rule table of a comparison, for a view. Rows with a change are highlighted.
class WhatIfRulesModel final : public ColumnTableModel {
    Q_OBJECT
public:
    enum Column {
        Analyte, Codes, LiveLimits, CandidateLimits, Evaluated, LiveLow, LiveHigh, CandidateLow, CandidateHigh,
        Added, Removed, ColumnCount
    };

    explicit WhatIfRulesModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;

    // Counts change in place while a replay runs; rules are replaced when the sets change.
    void setComparison(const WhatIfComparison &comparison);

private:
    QVariant cell(int row, int column, int role) const override;

    QList<WhatIfRuleCounts> m_rules;
};

// The changed alerts of a comparison; rows are appended as a replay finds them (one insert per snapshot).
class WhatIfChangesModel final : public ColumnTableModel {
    Q_OBJECT
public:
    enum Column { Change, Time, Patient, Analyte, Value, LiveVerdict, CandidateVerdict, Source, ColumnCount };

    explicit WhatIfChangesModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;

    void setComparison(const WhatIfComparison &comparison);
    void clear();

private:
    QVariant cell(int row, int column, int role) const override;

    QList<WhatIfChange> m_changes;
    const void *m_live = nullptr; // identifies the run, so a new one resets the rows
    const void *m_candidate = nullptr;
};
