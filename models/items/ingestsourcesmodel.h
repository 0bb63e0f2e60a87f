#pragma once

#include "ingest/ingeststatus.h"
#include "items/columntablemodel.h"

#include <functional>

// The FHIR ingest sources, one row per webhook subscription or polled resource type, as their
// threads report them (IngestSources::statusesChanged, at most four times a second).
class IngestSourcesModel final : public ColumnTableModel {
    Q_OBJECT
public:
    enum Column { Source, Name, State, LastEvent, PerMinute, Events, Gaps, Duplicates, Errors, LastError, ColumnCount };
    using Clock = std::function<qint64()>;

    explicit IngestSourcesModel(Clock clock = {}, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    void setStatuses(const IngestStatuses &statuses);
    const IngestSourceStatus &statusAt(int row) const { return m_rows.at(row); }

private:
    QVariant cell(int row, int column, int role) const override;

    Clock m_clock;
    IngestStatuses m_rows;
};

// "never", "12 s ago", "4 min ago", "2 h ago".
QString formatAgo(qint64 thenMs, qint64 nowMs);
