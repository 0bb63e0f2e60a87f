#pragma once

#include "clinical/evaluatorreport.h"
#include "items/boundedtablemodel.h"

// The newest dead letters first, bounded: reason, message and where the record is.
class DeadLetterModel final : public BoundedTableModel<DeadLetterEntry> {
    Q_OBJECT
public:
    enum Column { Time, Reason, Message, Source, ColumnCount };

    explicit DeadLetterModel(int capacity = 1000, QObject *parent = nullptr);

public Q_SLOTS:
    void append(const EvaluatorReport &report) { appendRows(report.deadLetterEntries); }

private:
    QVariant cell(int row, int column, int role) const override;
};
