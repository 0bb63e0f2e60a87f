#pragma once

#include "replay/replayrange.h"
#include "clinical/thresholdaudit.h"

#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFrame;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTableView;
class ReplayCharts;
class ThresholdRulesModel;
class ThresholdSet;
class WhatIfChangesModel;
class WhatIfRulesModel;

// Where a range of history is replayed (DESIGN.md data flow: "replay session -> replay panel"):
// what-if thresholds (live against a candidate edited in place or loaded from a file, per rule counts,
// changed alerts, alerts per hour, a histogram with both sets' limits, CSV, apply to the evaluator),
// re-publish with a dry-run count and an inline confirmation naming the target (twice for a source
// topic), the dead-letter redrive preset, and export to JSON Lines or CSV. Replays run on the
// ReplayControl's worker; this widget only starts, cancels and shows them.
class ReplayPanel final : public QWidget {
    Q_OBJECT
public:
    ReplayPanel(ReplayControl *control, std::shared_ptr<const ThresholdSet> live, AuditTrail audit,
                QWidget *parent = nullptr);
    ~ReplayPanel() override;

    enum Tab { WhatIfTab, RepublishTab, ExportTab };
    enum class Preset { CopyRange, DeadLetterRedrive };

    ThresholdRulesModel *candidateRules() const { return m_candidate; }
    WhatIfRulesModel *ruleResults() const { return m_ruleResults; }
    WhatIfChangesModel *changedAlerts() const { return m_changes; }
    const WhatIfComparison &comparison() const { return m_comparison; }
    const ReplayResult &lastResult() const { return m_lastResult; }

    // The range fields, as a person types them. Returns an error, or empty.
    void setRange(const QString &topics, const QString &partitions, const QString &from, const QString &to);
    void setPreset(Preset preset);
    void setTarget(const QString &topic);
    void setExport(const QString &path, ExportFormat format);
    void showTab(Tab tab);
    void showHistogramOf(int rule);

    // The buttons, for the lead's shortcuts and for tests. Each returns an error, or empty when started.
    QString runWhatIf();
    QString countRepublish();   // the dry run; a confirmation naming the target follows it
    QString confirmRepublish(); // the confirmation's button (twice for a source topic)
    QString runExport();
    QString exportComparison(const QString &path) const;
    // Applies the edited candidate as `who` with `reason`, audit-logged first. Returns an error or empty.
    QString applyCandidate(const QString &who, const QString &reason);

public Q_SLOTS:
    // The live set changed elsewhere (the threshold editor): compared against from now on.
    void setLiveThresholds(std::shared_ptr<const ThresholdSet> live);
    void cancel();

Q_SIGNALS:
    // A new set for the running evaluator; already audit-logged.
    void thresholdsApplied(std::shared_ptr<const ThresholdSet> thresholds);

private:
    // Appends the action to the audit trail; empty when it was, else why the action must not happen.
    QString audited(const QString &action, const ReplayRequest &request);
    QWidget *buildWhatIfTab();
    QWidget *buildRepublishTab();
    QWidget *buildExportTab();
    std::optional<ReplayRange> range(QString *error) const;
    QString startReplay(ReplayRequest request);
    void showProgress(const ReplayProgress &progress);
    void showComparison(const WhatIfComparison &comparison);
    void showResult(const ReplayResult &result);
    void updateState();
    void hideConfirmation();
    void loadCandidate();

    ReplayControl *m_control;
    std::shared_ptr<const ThresholdSet> m_live;
    AuditTrail m_audit;
    ThresholdRulesModel *m_candidate;
    WhatIfRulesModel *m_ruleResults;
    WhatIfChangesModel *m_changes;
    WhatIfComparison m_comparison;
    ReplayResult m_lastResult;
    Preset m_preset = Preset::CopyRange;

    QLineEdit *m_topics;
    QLineEdit *m_partitions;
    QLineEdit *m_from;
    QLineEdit *m_to;
    QTabWidget *m_tabs;
    QProgressBar *m_progressBar;
    QLabel *m_status;
    QPushButton *m_cancel;

    QLabel *m_liveLabel;
    QLabel *m_candidateProblems;
    QPushButton *m_runWhatIf;
    QTableView *m_candidateTable;
    QTableView *m_resultsTable;
    QTableView *m_changesTable;
    QLabel *m_summary;
    QLabel *m_leftOut;
    QComboBox *m_analyte;
    ReplayCharts *m_charts;
    QLineEdit *m_who;
    QLineEdit *m_reason;
    QPushButton *m_apply;
    QPushButton *m_exportComparison;

    QComboBox *m_presetBox;
    QLineEdit *m_target;
    QDoubleSpinBox *m_rate;
    QPushButton *m_count;
    QFrame *m_confirmation;
    QLabel *m_confirmText;
    QLabel *m_republishResult;
    QPushButton *m_confirm;
    QPushButton *m_discard;
    ReplayRequest m_started;   // the latest request started
    ReplayRequest m_confirmed; // the request the dry run counted
    int m_confirmationsNeeded = 0;

    QComboBox *m_format;
    QLineEdit *m_exportPath;
    QCheckBox *m_patientIds;
    QPushButton *m_export;
};
