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
    qint64 oldestRecordMs = 0; // record timestamp of the batch's oldest input, for lag
    qint64 committedAtMs = 0;
    QString thresholdSet; // "name v7" that evaluated the batch
    QList<DeadLetterEntry> deadLetterEntries;
    QList<EvaluatedValue> values;
};
