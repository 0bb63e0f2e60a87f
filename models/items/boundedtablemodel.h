#pragma once

#include "items/columntablemodel.h"

#include <deque>

// A table of value rows for a live view: rows arrive in batches, the newest shows first, and past
// the capacity the oldest leave, so memory stays flat however long the view runs (DESIGN.md
// rules 2 and 3). One beginInsertRows per batch; subclasses provide the column titles and cell().
template <typename Row>
class BoundedTableModel : public ColumnTableModel {
public:
    BoundedTableModel(QStringList titles, int capacity, QObject *parent = nullptr)
        : ColumnTableModel(std::move(titles), parent), m_capacity(qMax(1, capacity))
    {
    }

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }
    int capacity() const { return m_capacity; }
    // Row 0 is the newest.
    const Row &rowAt(int row) const { return m_rows[m_rows.size() - 1 - size_t(row)]; }

protected:
    void appendRows(const QList<Row> &batch)
    {
        if (batch.isEmpty())
            return;
        // Only the newest `capacity` rows of an oversized batch can ever be seen.
        const qsizetype incoming = qMin<qsizetype>(batch.size(), m_capacity);
        const qsizetype overflow = qsizetype(m_rows.size()) + incoming - m_capacity;
        if (overflow > 0) {
            beginRemoveRows({}, int(m_rows.size() - overflow), int(m_rows.size()) - 1);
            m_rows.erase(m_rows.begin(), m_rows.begin() + overflow);
            endRemoveRows();
        }
        beginInsertRows({}, 0, int(incoming) - 1);
        m_rows.insert(m_rows.end(), batch.end() - incoming, batch.end());
        endInsertRows();
    }

private:
    int m_capacity;
    std::deque<Row> m_rows; // oldest at the front
};
