#pragma once

#include "replay/whatifcomparison.h"

#include <QAbstractTableModel>

// The per rule table of a comparison, for a view. Rows with a change are highlighted.
class WhatIfRulesModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Analyte, Codes, LiveLimits, CandidateLimits, Evaluated, LiveLow, LiveHigh, CandidateLow, CandidateHigh,
        Added, Removed, ColumnCount
    };
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Counts change in place while a replay runs; rules are replaced when the sets change.
    void setComparison(const WhatIfComparison &comparison);

private:
    QList<WhatIfRuleCounts> m_rules;
};

// The changed alerts of a comparison; rows are appended as a replay finds them (one insert per snapshot).
class WhatIfChangesModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Change, Time, Patient, Analyte, Value, LiveVerdict, CandidateVerdict, Source, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setComparison(const WhatIfComparison &comparison);
    void clear();

private:
    QList<WhatIfChange> m_changes;
    const void *m_live = nullptr; // identifies the run, so a new one resets the rows
    const void *m_candidate = nullptr;
};
