#include "wallboard.h"
#include "base/text.h"

#include "walltheme.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

namespace {

constexpr int MinRowHeight = 72;
constexpr int RowsPerScreen = 7; // at 1080p a row is about 150 px: values read from 3 m

// Column widths as shares of the row: location, patient, analyte, value, age, state, action.
constexpr double Columns[] = {0.12, 0.17, 0.17, 0.19, 0.10, 0.14, 0.11};
enum Column { Location, Patient, Analyte, Value, Age, State, Action, ColumnCount };

QRect columnRect(const QRect &row, Column column)
{
    double left = 0.0;
    for (int i = 0; i < column; ++i)
        left += Columns[i];
    const int x = row.left() + int(left * row.width());
    return QRect(x, row.top(), int(Columns[column] * row.width()), row.height()).adjusted(12, 0, -12, 0);
}

QString stateHeadline(const BoardRow &row)
{
    switch (row.alert.state) {
    case AlertState::Open: return row.alert.corrected ? WallBoard::tr("CORRECTED") : WallBoard::tr("OPEN");
    case AlertState::Acknowledged: return WallBoard::tr("ACK");
    case AlertState::Resolved: return WallBoard::tr("RESOLVED");
    case AlertState::Retracted: return WallBoard::tr("WITHDRAWN");
    }
    return {};
}

QString stateDetail(const BoardRow &row)
{
    switch (row.alert.state) {
    case AlertState::Open:
        if (row.alert.corrected)
            return WallBoard::tr("not critical · %1").arg(wallDuration(row.waitingMs));
        return WallBoard::tr("waiting %1").arg(wallDuration(row.waitingMs));
    case AlertState::Acknowledged: return WallBoard::tr("by %1").arg(Text::toQString(row.alert.ackedBy));
    case AlertState::Resolved: return WallBoard::tr("by %1").arg(Text::toQString(row.alert.resolvedBy));
    case AlertState::Retracted: return WallBoard::tr("result withdrawn");
    }
    return {};
}

// One value set large, with an optional smaller line under it.
void paintCell(QPainter &painter, const QRect &rect, const QString &large, const QString &small, const QColor &color,
               int largePx, bool bold = true)
{
    QFont font = painter.font();
    font.setPixelSize(largePx);
    font.setBold(bold);
    // A word that is wider than its column ("CORRECTED") is set smaller, down to 70 %, before it is elided.
    if (const int width = QFontMetrics(font).horizontalAdvance(large); width > rect.width())
        font.setPixelSize(std::max(largePx * 7 / 10, largePx * rect.width() / width));
    painter.setFont(font);
    painter.setPen(color);
    const QFontMetrics large_metrics(font);
    const int smallPx = std::max(12, largePx * 11 / 20);
    const int total = large_metrics.height() + (small.isEmpty() ? 0 : smallPx + 4);
    QRect top(rect.left(), rect.center().y() - total / 2, rect.width(), large_metrics.height());
    painter.drawText(top, Qt::AlignLeft | Qt::AlignVCenter, large_metrics.elidedText(large, Qt::ElideRight, rect.width()));
    if (small.isEmpty())
        return;
    font.setPixelSize(smallPx);
    font.setBold(false);
    painter.setFont(font);
    painter.setPen(WallTheme::secondaryText());
    const QRect bottom(rect.left(), top.bottom() + 4, rect.width(), smallPx + 4);
    painter.drawText(bottom, Qt::AlignLeft | Qt::AlignVCenter, QFontMetrics(font).elidedText(small, Qt::ElideRight, rect.width()));
}

} // namespace

WallBoard::WallBoard(QWidget *parent) : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumHeight(MinRowHeight * 2);
}

void WallBoard::setRows(std::vector<BoardRow> rows)
{
    m_rows = std::move(rows);
    update();
}

void WallBoard::highlight(const std::vector<std::string> &alertIds, qint64 untilMs)
{
    m_highlighted.insert(alertIds.begin(), alertIds.end());
    m_highlightUntilMs = std::max(m_highlightUntilMs, untilMs);
    update();
}

void WallBoard::setNow(qint64 nowMs)
{
    m_nowMs = nowMs;
    if (!m_highlighted.empty() && nowMs >= m_highlightUntilMs)
        m_highlighted.clear();
    update();
}

void WallBoard::setEmptyText(const QString &headline, const QString &detail)
{
    m_emptyHeadline = headline;
    m_emptyDetail = detail;
    update();
}

int WallBoard::rowHeight() const
{
    // Scaled with the window, not with the number of rows: a busy board keeps readable rows.
    return std::max(MinRowHeight, window()->height() / RowsPerScreen);
}

int WallBoard::visibleRowCount() const
{
    const int fit = std::max(1, height() / rowHeight());
    if (int(m_rows.size()) <= fit)
        return int(m_rows.size());
    return fit - 1; // the last line says how many more there are
}

int WallBoard::largeTextPixels() const
{
    return rowRect(0).height() * 2 / 5;
}

QRect WallBoard::rowRect(int index) const
{
    const int h = rowHeight();
    return QRect(0, index * h, width(), h).adjusted(8, 4, -8, -4);
}

QRect WallBoard::actionRect(int index) const
{
    const QRect cell = columnRect(rowRect(index), Action);
    return cell.adjusted(0, cell.height() / 6, 0, -cell.height() / 6);
}

void WallBoard::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.fillRect(rect(), WallTheme::background());
    if (m_rows.empty()) {
        paintEmpty(painter);
        return;
    }
    const bool blinkOn = (m_nowMs / 500) % 2 == 0;
    const int visible = visibleRowCount();
    for (int i = 0; i < visible; ++i) {
        const BoardRow &row = m_rows[std::size_t(i)];
        paintRow(painter, i, rowRect(i), blinkOn && m_highlighted.count(row.alert.alertId) > 0);
    }
    if (visible < int(m_rows.size())) {
        const int hidden = int(m_rows.size()) - visible;
        paintCell(painter, rowRect(visible),
                  hidden == 1 ? tr("+ 1 more critical result not shown") : tr("+ %1 more critical results not shown").arg(hidden), {},
                  WallTheme::warningText(), rowHeight() / 4);
    }
}

void WallBoard::paintRow(QPainter &painter, int index, const QRect &rect, bool highlighted) const
{
    const BoardRow &row = m_rows[std::size_t(index)];
    const bool active = row.alert.state == AlertState::Open || row.alert.state == AlertState::Acknowledged;
    QPainterPath shape;
    shape.addRoundedRect(rect, 10, 10);
    painter.fillPath(shape, WallTheme::rowBackground(row.alert.state, row.escalation));
    if (highlighted) {
        painter.setPen(QPen(WallTheme::highlight(), 6));
        painter.drawPath(shape);
    }

    const int largePx = largeTextPixels();
    const QColor text = active ? WallTheme::text() : WallTheme::secondaryText();
    const QString bed = row.bed.empty() ? Text::toQString(row.room) : Text::toQString(row.bed);
    paintCell(painter, columnRect(rect, Location), bed.isEmpty() ? tr("no bed") : bed,
              row.room.empty() ? QString() : tr("Room %1").arg(Text::toQString(row.room)), text, largePx);
    paintCell(painter, columnRect(rect, Patient), Text::toQString(row.patient), {}, text, largePx * 3 / 4);
    paintCell(painter, columnRect(rect, Analyte), Text::toQString(row.analyte), {}, text, largePx * 3 / 4);
    const QString arrow = row.direction == BoardRow::Direction::Up ? QStringLiteral(" \u25B2") : QStringLiteral(" \u25BC");
    // An amended or corrected result says what was reported before, in place of the limit's name.
    const QString limit = row.alert.previousValue ? tr("was %1").arg(QString::number(*row.alert.previousValue, 'g', 10))
                          : row.alert.severity == AlertSeverity::CriticalLow  ? tr("critical low")
                          : row.alert.severity == AlertSeverity::CriticalHigh ? tr("critical high")
                                                                              : tr("rising fast");
    // The number large, the unit under it: "118 mmol/L" at this size would not fit the column.
    paintCell(painter, columnRect(rect, Value), Text::toQString(row.number) + (row.alert.corrected ? QString() : arrow),
              Text::toQString(row.unit) + QStringLiteral(" · ") + limit,
              row.alert.corrected ? text : WallTheme::value(row.alert.severity, active), largePx);
    paintCell(painter, columnRect(rect, Age), wallDuration(row.ageMs), tr("since result"), text, largePx * 3 / 4);
    paintCell(painter, columnRect(rect, State), stateHeadline(row), stateDetail(row), text, largePx * 3 / 4);

    if (!active)
        return;
    const QRect button = actionRect(index);
    QPainterPath buttonShape;
    buttonShape.addRoundedRect(button, 12, 12);
    painter.fillPath(buttonShape, WallTheme::actionBackground(row.alert.state));
    QFont font = painter.font();
    font.setPixelSize(std::max(14, button.height() / 3));
    font.setBold(true);
    painter.setFont(font);
    painter.setPen(WallTheme::actionText());
    painter.drawText(button, Qt::AlignCenter, row.alert.state == AlertState::Open ? tr("ACK") : tr("RESOLVE"));
}

void WallBoard::paintEmpty(QPainter &painter) const
{
    const QRect area = rect().adjusted(24, 0, -24, 0);
    QFont font = painter.font();
    font.setPixelSize(std::max(24, height() / 10));
    font.setBold(true);
    painter.setFont(font);
    painter.setPen(WallTheme::calmText());
    const QRect top(area.left(), area.center().y() - font.pixelSize(), area.width(), font.pixelSize() + 8);
    painter.drawText(top, Qt::AlignCenter, m_emptyHeadline);
    font.setPixelSize(std::max(16, height() / 24));
    font.setBold(false);
    painter.setFont(font);
    painter.setPen(WallTheme::secondaryText());
    painter.drawText(QRect(area.left(), top.bottom() + 16, area.width(), font.pixelSize() + 8), Qt::AlignCenter,
                     m_emptyDetail);
}

void WallBoard::mouseReleaseEvent(QMouseEvent *event)
{
    const int visible = visibleRowCount();
    for (int i = 0; i < visible; ++i) {
        const BoardRow &row = m_rows[std::size_t(i)];
        if (!actionRect(i).contains(event->position().toPoint()))
            continue;
        if (row.alert.state == AlertState::Open)
            Q_EMIT actionClicked(Text::toQString(row.alert.alertId), AlertAction::Kind::Acknowledge);
        else if (row.alert.state == AlertState::Acknowledged)
            Q_EMIT actionClicked(Text::toQString(row.alert.alertId), AlertAction::Kind::Resolve);
        return;
    }
}
