#pragma once

#include <QList>
#include <QString>

// A dead letter as the console lists it: where the record was and why it could not be evaluated.
struct DeadLetterEntry {
    QString reason;  // a DeadLetterReason code
    QString message; // for people; names fields and units, never patients or values
    QString topic;
    int partition = -1;
    qint64 offset = -1;
    qint64 timestampMs = -1;
};

// A result a rule applied to, in the rule's unit: what the threshold editor counts.
struct EvaluatedValue {
    QString loinc;
    double value = 0;
    QString comparator;
    qint64 timestampMs = 0;
};

// What one transaction of the evaluator job did, handed to the GUI thread as one value.
struct EvaluatorReport {
    int records = 0;     // consumed from healthcare.labs.results
    int processed = 0;   // written to healthcare.labs.processed
    int alerts = 0;      // alert records written to healthcare.alerts.critical
    int deadLetters = 0; // written to healthcare.dlq
    int stubbed = 0;     // inputs too large to copy, written as a stub (to processed or dlq)
    int undeliverable = 0; // inputs no topic would take even as a stub: said, counted, skipped
    qint64 oldestRecordMs = 0; // record timestamp of the batch's oldest input, for lag
    qint64 committedAtMs = 0;
    QString thresholdSet; // "name v7" that evaluated the batch
    QList<DeadLetterEntry> deadLetterEntries;
    QList<EvaluatedValue> values;
};

// Whether the evaluator is evaluating, waiting to try a batch again, or has stopped for good; handed
// to the GUI thread whenever it changes, so Pipeline health and the wall displays can say it.
struct EvaluatorStatus {
    enum class State : quint8 { Starting, Running, Retrying, Stopped };
    State state = State::Starting;
    QString reason;             // why it is retrying or stopped; empty while running
    qint64 sinceMs = 0;         // when this state began
    qint64 retryInMs = 0;       // Retrying: the wait before the next try (bounded exponential backoff)
    qint64 failedAttempts = 0;  // Retrying: tries of the current batch that failed
    qint64 abortedTransactions = 0; // since start

    bool operator==(const EvaluatorStatus &) const = default;
};
