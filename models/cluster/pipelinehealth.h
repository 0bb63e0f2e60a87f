#pragma once

#include "clinical/evaluatorreport.h"

#include <QObject>

#include <array>

// The evaluator's throughput over the last minute (records in, processed, alerts, dead letters),
// its lag, and totals since start; fed one EvaluatorReport per committed transaction.
class PipelineHealth final : public QObject {
    Q_OBJECT
public:
    struct Minute {
        qint64 records = 0, processed = 0, alerts = 0, deadLetters = 0;
    };

    explicit PipelineHealth(QObject *parent = nullptr);

    // Counts of the 60 seconds up to nowMs.
    Minute lastMinute(qint64 nowMs) const;
    Minute totals() const { return m_totals; }
    qint64 lagMs() const { return m_lagMs; }
    QString thresholdSet() const { return m_thresholdSet; }
    bool hasReports() const { return m_totals.records > 0; }
    const EvaluatorStatus &status() const { return m_status; }
    qint64 stubbed() const { return m_stubbed; }
    qint64 undeliverable() const { return m_undeliverable; }

public Q_SLOTS:
    void record(const EvaluatorReport &report);
    void setStatus(const EvaluatorStatus &status) { m_status = status; }

private:
    struct Second {
        qint64 second = -1;
        Minute counts;
    };
    std::array<Second, 60> m_seconds;
    Minute m_totals;
    qint64 m_lagMs = 0;
    QString m_thresholdSet;
    EvaluatorStatus m_status;
    qint64 m_stubbed = 0;
    qint64 m_undeliverable = 0;
};
