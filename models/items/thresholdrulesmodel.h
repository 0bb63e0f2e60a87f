#pragma once

#include "clinical/ruleactivity.h"
#include "items/columntablemodel.h"

#include <memory>

class ThresholdSet;
struct ThresholdRule;

// The threshold editor's table: the rules of the live set as the informaticist edits them, checked
// as they type, beside last hour's counts per rule under the live limits and how many results
// the edited limits would classify differently. Nothing changes the evaluator until apply.
class ThresholdRulesModel final : public ColumnTableModel {
    Q_OBJECT
public:
    enum Column { Codes, Display, Unit, Low, High, Normal, CriticalLow, CriticalHigh, WouldFlip, ColumnCount };

    explicit ThresholdRulesModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

    // The live set: the rows are reset to it and the edits are gone.
    void setApplied(std::shared_ptr<const ThresholdSet> applied);
    const std::shared_ptr<const ThresholdSet> &applied() const { return m_applied; }
    // Rows, as a file to edit: replaces the rows, keeps the live set.
    void setRows(const ThresholdSet &set);

    void addRule();
    void removeRule(int row);

    bool isModified() const { return m_modified; }
    // Errors of every cell, "row 3, High: ..." one per line; empty when the table is valid.
    QStringList errors() const;
    // The edited rules as a set one version above the live one. Throws ThresholdError.
    std::shared_ptr<const ThresholdSet> candidate() const;

    // Recounts last hour's results; call on a timer, not per batch.
    void refreshCounts(const RuleActivity &activity);

Q_SIGNALS:
    void validityChanged();

private:
    struct Row {
        QString cells[High + 1];
        QString live[High + 1]; // the live rule's cells, to show what an edit changes
        QString basis;
        QString errors[High + 1];
        RuleActivity::Counts counts;
    };

    QVariant cell(int row, int column, int role) const override;
    void validate();
    static Row rowFrom(const ThresholdRule &rule);

    std::shared_ptr<const ThresholdSet> m_applied;
    QList<Row> m_rows;
    bool m_modified = false;
};
