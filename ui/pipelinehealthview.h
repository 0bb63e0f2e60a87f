#pragma once

#include <QWidget>

class DeadLetterModel;
class PipelineHealth;
class QLabel;

// The evaluator on the Dashboard: last minute's records in, processed, alerts and dead letters,
// its lag, and the dead letters with their reasons.
class PipelineHealthView final : public QWidget {
    Q_OBJECT
public:
    PipelineHealthView(PipelineHealth *health, DeadLetterModel *deadLetters, QWidget *parent = nullptr);

private:
    void refresh();

    PipelineHealth *m_health;
    QLabel *m_state; // red while evaluation is stopped, amber while a batch is retried
    QLabel *m_figures;
};
