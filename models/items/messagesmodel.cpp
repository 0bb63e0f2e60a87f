#include "items/messagesmodel.h"

#include "fhir/patientmask.h"

#include <QColor>
#include <QDateTime>
#include <QLocale>

MessagesModel::MessagesModel(int capacity, QObject *parent)
    : ColumnTableModel({tr("P"), tr("Offset"), tr("Timestamp"), tr("Key"), tr("Size"), tr("Headers"), tr("Resource"),
                        tr("Patient"), tr("Summary")},
                       parent),
      m_capacity(qMax(1, capacity))
{
    Q_ASSERT(columnCount() == ColumnCount);
}

int MessagesModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

QString MessagesModel::displayPatient(const QString &id) const
{
    if (id.isEmpty())
        return {};
    return m_revealed ? id : maskedPatientId(id);
}

static QString sizeText(qint64 bytes)
{
    if (bytes >= 1024 * 1024)
        return QStringLiteral("%1 MB").arg(double(bytes) / (1024.0 * 1024.0), 0, 'f', 1);
    if (bytes >= 1024)
        return QStringLiteral("%1 kB").arg(double(bytes) / 1024.0, 0, 'f', 1);
    return QStringLiteral("%1 B").arg(bytes);
}

QVariant MessagesModel::cell(int row, int column, int role) const
{
    const BrowsedMessage &m = m_rows.at(row);
    // Display strings are built here, lazily, as Wireshark's packet list does.
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Partition: return m.record.partition;
        case Offset: return m.record.offset;
        case Timestamp:
            return m.record.timestampMs < 0 ? QString()
                                            : QDateTime::fromMSecsSinceEpoch(m.record.timestampMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
        case Key: return displayPatient(QString::fromUtf8(m.record.key));
        case Size: return sizeText(m.valueSize);
        case Headers: {
            QStringList names;
            for (const auto &h : m.record.headers)
                names.append(QString::fromUtf8(h.name));
            return names.join(QStringLiteral(", "));
        }
        case Type: return m.resourceType;
        case Patient: return displayPatient(m.patientId);
        case Summary: return m.summary;
        }
        return {};
    }
    if (role == Qt::ForegroundRole && m.truncated && column == Size)
        return QColor(0xb0, 0x4a, 0x00);
    if (role == TruncatedRole)
        return m.truncated;
    if (role == Qt::TextAlignmentRole && (column == Offset || column == Size || column == Partition))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

void MessagesModel::setPage(const QList<BrowsedMessage> &messages)
{
    beginResetModel();
    m_rows = messages.mid(0, m_capacity);
    m_dropped = 0;
    endResetModel();
}

void MessagesModel::appendMatches(const QList<BrowsedMessage> &matches)
{
    const qsizetype room = m_capacity - m_rows.size();
    const qsizetype take = qMin(room, matches.size());
    m_dropped += matches.size() - qMax<qsizetype>(0, take);
    if (take <= 0)
        return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + take) - 1);
    m_rows.append(matches.mid(0, take));
    endInsertRows();
}

void MessagesModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_dropped = 0;
    endResetModel();
}

void MessagesModel::setFullValue(const QString &topic, int partition, qint64 offset, const QByteArray &value)
{
    for (int i = 0; i < m_rows.size(); ++i) {
        BrowsedMessage &m = m_rows[i];
        if (m.record.topic == topic && m.record.partition == partition && m.record.offset == offset) {
            m.record.value = value;
            m.truncated = false;
            Q_EMIT dataChanged(index(i, 0), index(i, ColumnCount - 1));
        }
    }
}

void MessagesModel::setRevealed(bool revealed)
{
    if (revealed == m_revealed)
        return;
    m_revealed = revealed;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, Key), index(int(m_rows.size()) - 1, Patient));
}
