#pragma once

#include <QWidget>

class ConsumerLagModel;
class QChart;
class QChartView;

// The lag trend per consumer group over the history ConsumerLagModel keeps, drawn with Qt Charts.
// Kept thin so Qt Charts (deprecated from Qt 6.10) can be swapped for Qt Graphs here alone.
class LagChart final : public QWidget {
    Q_OBJECT
public:
    explicit LagChart(QWidget *parent = nullptr);

    // Redraws on every historyUpdated of the model; the model must outlive this chart.
    void setModel(const ConsumerLagModel *model);
    // Empty: every group the model watches.
    void setGroup(const QString &group);
    QString group() const { return m_group; }
    // Groups drawn and points in total, as last drawn (for tests and the status line).
    int seriesCount() const { return m_seriesCount; }
    int pointCount() const { return m_pointCount; }

public Q_SLOTS:
    void redraw();

private:
    const ConsumerLagModel *m_model = nullptr;
    QChart *m_chart;
    QChartView *m_view;
    QString m_group;
    int m_seriesCount = 0;
    int m_pointCount = 0;
};
