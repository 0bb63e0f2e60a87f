#pragma once

#include "wall/alertboard.h"
#include "wall/wallfeed.h"

#include <QWidget>

#include <set>
#include <string>
#include <vector>

// The rows of a wall display, painted large enough to read from three metres on a 1080p screen:
// the type scales with the window. Each open row carries one large ACKNOWLEDGE action, each
// acknowledged row a RESOLVE action; rows that do not fit are counted, never silently cut.
class WallBoard final : public QWidget {
    Q_OBJECT
public:
    explicit WallBoard(QWidget *parent = nullptr);

    void setRows(std::vector<BoardRow> rows);
    // Alerts that have just arrived, outlined until untilMs.
    void highlight(const std::vector<std::string> &alertIds, qint64 untilMs);
    void setNow(qint64 nowMs);
    // Shown on an empty board ("No open critical results", with the time of the last update).
    void setEmptyText(const QString &headline, const QString &detail);

    const std::vector<BoardRow> &rows() const { return m_rows; }
    // The action area of row `index` in widget coordinates (tests click it).
    QRect actionRect(int index) const;
    int visibleRowCount() const;
    // The pixel size of the value and the bed, the texts read from across the room.
    int largeTextPixels() const;
    QString emptyHeadline() const { return m_emptyHeadline; }

Q_SIGNALS:
    void actionClicked(const QString &alertId, AlertAction::Kind kind);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    int rowHeight() const;
    QRect rowRect(int index) const;
    void paintRow(QPainter &painter, int index, const QRect &rect, bool highlighted) const;
    void paintEmpty(QPainter &painter) const;

    std::vector<BoardRow> m_rows;
    std::set<std::string> m_highlighted;
    qint64 m_highlightUntilMs = 0;
    qint64 m_nowMs = 0;
    QString m_emptyHeadline;
    QString m_emptyDetail;
};
