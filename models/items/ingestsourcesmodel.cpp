#include "items/ingestsourcesmodel.h"

#include <QColor>
#include <QDateTime>
#include <QLocale>

QString formatAgo(qint64 thenMs, qint64 nowMs)
{
    if (thenMs <= 0)
        return QStringLiteral("never");
    const qint64 seconds = std::max<qint64>(0, (nowMs - thenMs) / 1000);
    if (seconds < 120)
        return QStringLiteral("%1 s ago").arg(seconds);
    if (seconds < 7200)
        return QStringLiteral("%1 min ago").arg(seconds / 60);
    return QStringLiteral("%1 h ago").arg(seconds / 3600);
}

IngestSourcesModel::IngestSourcesModel(Clock clock, QObject *parent)
    : ColumnTableModel({tr("Source"), tr("Subscription / type"), tr("State"), tr("Last event"), tr("Events/min"),
                        tr("Events"), tr("Gaps (missing)"), tr("Duplicates"), tr("Errors"), tr("Last error")},
                       parent),
      m_clock(clock ? std::move(clock) : Clock([] { return QDateTime::currentMSecsSinceEpoch(); }))
{
    Q_ASSERT(columnCount() == ColumnCount);
}

int IngestSourcesModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

void IngestSourcesModel::setStatuses(const IngestStatuses &statuses)
{
    const bool sameRows = statuses.size() == m_rows.size()
        && std::equal(statuses.begin(), statuses.end(), m_rows.begin(), [](const IngestSourceStatus &a, const IngestSourceStatus &b) {
               return a.source == b.source && a.name == b.name;
           });
    if (sameRows) {
        m_rows = statuses;
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = statuses;
    endResetModel();
}

QVariant IngestSourcesModel::cell(int row, int column, int role) const
{
    const IngestSourceStatus &s = m_rows.at(row);
    const QLocale locale = QLocale::system();
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Source: return s.source;
        case Name: return s.name;
        case State: return s.state;
        case LastEvent: return formatAgo(s.lastEventMs, m_clock());
        case PerMinute: return locale.toString(s.eventsPerMinute);
        case Events: return locale.toString(s.events);
        case Gaps: return s.gaps == 0 ? QStringLiteral("0") : QStringLiteral("%1 (%2)").arg(s.gaps).arg(s.unmended);
        case Duplicates: return locale.toString(s.duplicates);
        case Errors: return locale.toString(s.errors);
        case LastError: return s.lastError;
        }
        return {};
    case Qt::BackgroundRole:
        if (column == Gaps && s.unmended > 0)
            return QColor(0xf8, 0xd7, 0xda);
        if (column == State && s.state.startsWith(QLatin1String("Kafka unavailable")))
            return QColor(0xf8, 0xd7, 0xda);
        if (column == Errors && s.errors > 0)
            return QColor(0xff, 0xf3, 0xcd);
        return {};
    case Qt::ToolTipRole:
        if (column == Gaps)
            return tr("event numbers found missing (not fetched yet)");
        return column == LastError || column == State ? QVariant(column == State ? s.state : s.lastError) : QVariant();
    case Qt::TextAlignmentRole:
        return column >= PerMinute && column <= Errors ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    }
    return {};
}
