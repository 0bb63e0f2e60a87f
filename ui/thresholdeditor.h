#pragma once

#include "clinical/evaluatorreport.h"
#include "clinical/ruleactivity.h"
#include "clinical/thresholdaudit.h"

#include <QWidget>

#include <memory>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class ThresholdRulesModel;
class ThresholdSet;

// Where clinical informaticists tune critical limits: the rules as a table checked as they type,
// last hour's counts per rule, and how many results an edit would change, before applying it.
// Applying needs a name and a reason, is written to the audit log first, then goes live.
class ThresholdEditor final : public QWidget {
    Q_OBJECT
public:
    ThresholdEditor(std::shared_ptr<const ThresholdSet> live, AuditTrail audit, QWidget *parent = nullptr);

    ThresholdRulesModel *rules() const { return m_rules; }
    // Applies the edited set as `who` with `reason`; returns an error, or empty on success.
    QString apply(const QString &who, const QString &reason);

public Q_SLOTS:
    void recordActivity(const EvaluatorReport &report);
    void refreshCounts();

Q_SIGNALS:
    // A new set for the running evaluator; already audit-logged.
    void thresholdsApplied(std::shared_ptr<const ThresholdSet> thresholds);

private:
    void updateState();
    void loadFile();
    void saveFile();

    ThresholdRulesModel *m_rules;
    AuditTrail m_audit;
    RuleActivity m_activity;
    QTableView *m_table;
    QLabel *m_live;
    QLabel *m_problems;
    QLineEdit *m_who;
    QLineEdit *m_reason;
    QPushButton *m_apply;
    QPushButton *m_revert;
};
