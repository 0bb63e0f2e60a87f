#pragma once

#include "audit/audittrail.h"

#include <QWidget>

class FeedModel;
class QCheckBox;
class QLabel;
class QTableView;

// The Dashboard: the live event feed, newest first, with the cluster's caveats above it.
class DashboardView final : public QWidget {
    Q_OBJECT
public:
    // clusterNotice is shown above the feed when not empty (the mock cluster's limits).
    DashboardView(FeedModel *feed, const QString &clusterNotice = {}, QWidget *parent = nullptr);

    QTableView *feedView() const { return m_feedView; }
    // Above the feed: the local cluster starting, the mock's limits, or (alarming, red) why there is no cluster.
    void setClusterNotice(const QString &text, bool alarming = false);
    QString clusterNotice() const;
    // Puts a panel (such as the evaluator's health) above the feed; the view takes ownership.
    void addPanel(QWidget *panel);

private:
    void updateCount();
    void setPatientIdsRevealed(bool revealed);

    FeedModel *m_feed;
    QTableView *m_feedView;
    QLabel *m_count;
    AuditTrail m_audit; // a reveal is appended here first; one it cannot take is not done
    QCheckBox *m_reveal;
    QLabel *m_notice;
    class QVBoxLayout *m_panels;
};
