#pragma once

#include "clinical/evaluatorreport.h"
#include "items/boundedtablemodel.h"

// The newest dead letters first, bounded: reason, message and where the record is.
class DeadLetterModel final : public BoundedTableModel<DeadLetterEntry> {
    Q_OBJECT
public:
    enum Column { Time, Reason, Message, Source, ColumnCount };

    explicit DeadLetterModel(int capacity = 1000, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

public Q_SLOTS:
    void append(const EvaluatorReport &report) { appendRows(report.deadLetterEntries); }
};
