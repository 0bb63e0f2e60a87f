#pragma once

#include "cluster/clustersnapshot.h"
#include "items/columntablemodel.h"

// The message browser's rows: one page at a time, or filter matches appended in batches up to a
// bound. Patient identifiers (the key and the envelope's patient) are masked unless revealed.
class MessagesModel final : public ColumnTableModel {
    Q_OBJECT
public:
    enum Column { Partition, Offset, Timestamp, Key, Size, Headers, Type, Patient, Summary, ColumnCount };
    enum Role { TruncatedRole = Qt::UserRole + 1 };

    explicit MessagesModel(int capacity = 5000, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;

    // Replaces the rows with a page (one reset).
    void setPage(const QList<BrowsedMessage> &messages);
    // Appends a batch of filter matches (one beginInsertRows); past the capacity the rest are dropped
    // and counted, since a search result list is read from its top.
    void appendMatches(const QList<BrowsedMessage> &matches);
    void clear();
    // Replaces a truncated row's value once it has been loaded in full.
    void setFullValue(const QString &topic, int partition, qint64 offset, const QByteArray &value);

    void setRevealed(bool revealed);
    bool revealed() const { return m_revealed; }
    int capacity() const { return m_capacity; }
    qint64 droppedMatches() const { return m_dropped; }
    const BrowsedMessage &messageAt(int row) const { return m_rows.at(row); }

    // What the view shows for a patient identifier under the current reveal state.
    QString displayPatient(const QString &id) const;

private:
    QVariant cell(int row, int column, int role) const override;

    int m_capacity;
    QList<BrowsedMessage> m_rows;
    bool m_revealed = false;
    qint64 m_dropped = 0;
};
