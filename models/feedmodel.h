#pragma once

#include "feedevent.h"

#include <QAbstractTableModel>

#include <deque>

// The live event feed: newest first, bounded. Rows arrive in batches; when the
// capacity is reached the oldest rows leave, so memory stays flat however long it runs.
class FeedModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Time, Topic, Resource, Patient, Summary, ColumnCount };

    explicit FeedModel(int capacity = 10'000, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    int capacity() const { return m_capacity; }
    qint64 totalReceived() const { return m_totalReceived; }
    const FeedEvent &eventAt(int row) const;

    bool patientIdsRevealed() const { return m_revealPatientIds; }
    void setPatientIdsRevealed(bool revealed);

public Q_SLOTS:
    void appendBatch(const QList<FeedEvent> &batch);

private:
    int m_capacity;
    std::deque<FeedEvent> m_events; // oldest at the front; row 0 is the back
    qint64 m_totalReceived = 0;
    bool m_revealPatientIds = false;
};
