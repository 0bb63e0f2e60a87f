#pragma once

#include "items/boundedtablemodel.h"
#include "fhir/feedevent.h"

// The live event feed: newest first, bounded.
class FeedModel final : public BoundedTableModel<FeedEvent> {
    Q_OBJECT
public:
    enum Column { Time, Topic, Resource, Patient, Summary, ColumnCount };

    explicit FeedModel(int capacity = 10'000, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    qint64 totalReceived() const { return m_totalReceived; }
    const FeedEvent &eventAt(int row) const { return rowAt(row); }

    bool patientIdsRevealed() const { return m_revealPatientIds; }
    void setPatientIdsRevealed(bool revealed);

public Q_SLOTS:
    void appendBatch(const QList<FeedEvent> &batch);

private:
    qint64 m_totalReceived = 0;
    bool m_revealPatientIds = false;
};
