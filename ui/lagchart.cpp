#include "lagchart.h"

#include "items/consumerlagmodel.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLineSeries>
#include <QValueAxis>
#include <QVBoxLayout>

#include <limits>

LagChart::LagChart(QWidget *parent) : QWidget(parent), m_chart(new QChart), m_view(new QChartView(m_chart, this))
{
    m_chart->setTitle(tr("Lag trend (messages)"));
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumHeight(180);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
}

void LagChart::setModel(const ConsumerLagModel *model)
{
    m_model = model;
    if (m_model)
        connect(m_model, &ConsumerLagModel::historyUpdated, this, &LagChart::redraw);
    redraw();
}

void LagChart::setGroup(const QString &group)
{
    m_group = group;
    redraw();
}

void LagChart::redraw()
{
    // Rebuilt whole: at most a few groups of a few thousand bounded points, once per refresh.
    m_chart->removeAllSeries();
    for (QAbstractAxis *axis : m_chart->axes())
        m_chart->removeAxis(axis);
    m_seriesCount = 0;
    m_pointCount = 0;
    if (!m_model)
        return;
    auto *time = new QDateTimeAxis;
    time->setFormat(QStringLiteral("HH:mm:ss"));
    time->setTitleText(tr("time"));
    time->setTickCount(4);
    auto *lag = new QValueAxis;
    lag->setTitleText(tr("lag"));
    lag->setLabelFormat(QStringLiteral("%.0f"));
    m_chart->addAxis(time, Qt::AlignBottom);
    m_chart->addAxis(lag, Qt::AlignLeft);
    qint64 minT = std::numeric_limits<qint64>::max(), maxT = 0, maxLag = 0;
    const QStringList groups = m_group.isEmpty() ? m_model->groupIds() : QStringList{m_group};
    for (const QString &group : groups) {
        const auto points = m_model->history(group);
        if (points.isEmpty())
            continue;
        auto *series = new QLineSeries;
        series->setName(group);
        for (const auto &p : points) {
            series->append(double(p.atMs), double(p.lag));
            minT = qMin(minT, p.atMs);
            maxT = qMax(maxT, p.atMs);
            maxLag = qMax(maxLag, p.lag);
        }
        m_chart->addSeries(series);
        series->attachAxis(time);
        series->attachAxis(lag);
        ++m_seriesCount;
        m_pointCount += int(points.size());
    }
    if (m_seriesCount == 0) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        minT = now - 60'000;
        maxT = now;
    }
    if (maxT <= minT)
        maxT = minT + 1000;
    time->setRange(QDateTime::fromMSecsSinceEpoch(minT), QDateTime::fromMSecsSinceEpoch(maxT));
    lag->setRange(0, qMax<qint64>(10, maxLag + maxLag / 10));
    lag->applyNiceNumbers();
}
