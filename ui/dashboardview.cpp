#include "dashboardview.h"

#include "items/feedmodel.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QDateTime>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>


DashboardView::DashboardView(FeedModel *feed, const QString &clusterNotice, QWidget *parent)
    : QWidget(parent), m_feed(feed), m_feedView(new QTableView(this)), m_count(new QLabel(this)),
      m_reveal(new QCheckBox(tr("Show patient identifiers"), this)), m_notice(new QLabel(this)),
      m_panels(new QVBoxLayout)
{
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(m_panels);

    auto *title = new QLabel(tr("Live event feed"), this);
    title->setStyleSheet(QStringLiteral("font-size: 15pt; font-weight: 600"));
    layout->addWidget(title);

    m_notice->setObjectName(QStringLiteral("clusterNotice"));
    m_notice->setWordWrap(true);
    m_notice->setTextInteractionFlags(Qt::TextSelectableByMouse); // commands in it can be copied
    layout->addWidget(m_notice);
    setClusterNotice(clusterNotice);

    auto *toolbar = new QHBoxLayout;
    toolbar->addWidget(m_count);
    toolbar->addStretch();
    toolbar->addWidget(m_reveal);
    layout->addLayout(toolbar);

    m_feedView->setObjectName(QStringLiteral("feedView"));
    m_feedView->setModel(feed);
    m_feedView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_feedView->setAlternatingRowColors(true);
    m_feedView->setWordWrap(false);
    m_feedView->verticalHeader()->hide();
    // Fixed row heights keep inserting thousands of rows a second cheap.
    m_feedView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_feedView->verticalHeader()->setDefaultSectionSize(m_feedView->fontMetrics().height() + 6);
    m_feedView->horizontalHeader()->setStretchLastSection(true);
    m_feedView->setColumnWidth(FeedModel::Time, 100);
    m_feedView->setColumnWidth(FeedModel::Topic, 230);
    m_feedView->setColumnWidth(FeedModel::Resource, 140);
    m_feedView->setColumnWidth(FeedModel::Patient, 120);
    layout->addWidget(m_feedView, 1);

    connect(m_reveal, &QCheckBox::toggled, this, &DashboardView::setPatientIdsRevealed);
    // The count is read on a timer, not per batch: cheap and steady under any rate.
    auto *countTimer = new QTimer(this);
    connect(countTimer, &QTimer::timeout, this, &DashboardView::updateCount);
    countTimer->start(500);
    updateCount();
}

void DashboardView::setClusterNotice(const QString &text, bool alarming)
{
    m_notice->setText(text);
    m_notice->setVisible(!text.isEmpty());
    m_notice->setStyleSheet(alarming ? QStringLiteral("background: #ffebee; color: #b71c1c; border: 2px solid #c62828; "
                                                      "border-radius: 4px; padding: 6px; font-weight: 600")
                                     : QStringLiteral("background: #fff8e1; color: #4e3b00; border: 1px solid #ffcc80; "
                                                      "border-radius: 4px; padding: 6px"));
}

void DashboardView::addPanel(QWidget *panel)
{
    panel->setParent(this);
    m_panels->addWidget(panel);
}

void DashboardView::updateCount()
{
    m_count->setText(tr("%1 events received · showing the latest %2")
                         .arg(QLocale().toString(m_feed->totalReceived()))
                         .arg(QLocale().toString(m_feed->rowCount())));
}

void DashboardView::setPatientIdsRevealed(bool revealed)
{
    if (revealed) {
        try {
            m_audit.append({QStringLiteral("reveal-patient-ids"), {{"area", "live feed"}}, {}, {}}, QDateTime::currentMSecsSinceEpoch());
        } catch (const std::exception &error) {
            const QSignalBlocker block(m_reveal);
            m_reveal->setChecked(false); // not audited: not revealed
            m_notice->setText(tr("Patient IDs stay hidden: %1").arg(QString::fromUtf8(error.what())));
            m_notice->show();
            return;
        }
    }
    m_feed->setPatientIdsRevealed(revealed);
}

QString DashboardView::clusterNotice() const
{
    return m_notice->text();
}
