#pragma once

#include "items/boundedtablemodel.h"
#include "fhir/feedevent.h"

// The live event feed: newest first, bounded.
class FeedModel final : public BoundedTableModel<FeedEvent> {
    Q_OBJECT
public:
    enum Column { Time, Topic, Resource, Patient, Summary, ColumnCount };

    explicit FeedModel(int capacity = 10'000, QObject *parent = nullptr);

    qint64 totalReceived() const { return m_totalReceived; }
    const FeedEvent &eventAt(int row) const { return rowAt(row); }

    bool patientIdsRevealed() const { return m_revealPatientIds; }
    void setPatientIdsRevealed(bool revealed);

public Q_SLOTS:
    void appendBatch(const QList<FeedEvent> &batch);

private:
    QVariant cell(int row, int column, int role) const override;

    qint64 m_totalReceived = 0;
    bool m_revealPatientIds = false;
};
