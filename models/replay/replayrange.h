#pragma once

#include "replay/replayexport.h"
#include "replay/whatifcomparison.h"

#include <QList>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <optional>

class ThresholdSet;

// One end of a replay range. For the start, Edge is the beginning of each partition; for the end,
// it is "now": the end offsets captured when the replay starts.
struct ReplayBound {
    enum class Kind : std::uint8_t { Edge, Offset, Timestamp };
    Kind kind = Kind::Edge;
    qint64 value = 0; // an offset, or milliseconds since the epoch

    // "beginning"/"earliest"/"now"/"end"/"" -> Edge; "123" or "@123" -> Offset; "-24h", "-30m", "-7d",
    // "2026-11-27T10:00:00Z" or "2026-11-27 10:00" (local time) -> Timestamp. nullopt and *error when unreadable.
    static std::optional<ReplayBound> parse(const QString &text, qint64 nowMs, QString *error);
    QString describe(bool isEnd) const;

    bool operator==(const ReplayBound &) const = default;
};

// Which records a replay reads: topics and partitions, from a bound up to a bound (exclusive).
struct ReplayRange {
    QStringList topics;
    QList<int> partitions; // empty: every partition
    ReplayBound from;
    ReplayBound to;

    // Empty when the range can be replayed; else why not, for people.
    QString validate() const;
    QString describe() const;

    // "", "all" -> empty (every partition); "0,2,5-7" -> 0,2,5,6,7. nullopt and *error when unreadable.
    static std::optional<QList<int>> parsePartitions(const QString &text, QString *error);
    static QStringList parseTopics(const QString &text);
};

// The offsets one partition of a range resolved to when a replay started: [start, end).
struct ReplaySpan {
    QString topic;
    int partition = -1;
    qint64 start = 0;
    qint64 end = 0;

    bool operator==(const ReplaySpan &) const = default;
};

enum class ReplayMode : std::uint8_t {
    WhatIf,    // evaluate every record under the live and the candidate set; nothing written anywhere
    Republish, // copy to targetTopic, keys, timestamps and headers kept, plus a vigil-replay header
    Redrive,   // from the dead-letter topic back to each record's vigil.source.topic
    Export,    // write rows to exportPath
};

// Everything a replay needs except the cluster, which the ReplayControl knows.
struct ReplayRequest {
    QString name; // names the replay in the header of re-published records; made up when empty
    ReplayRange range;
    ReplayMode mode = ReplayMode::WhatIf;

    std::shared_ptr<const ThresholdSet> live;      // what-if
    std::shared_ptr<const ThresholdSet> candidate; // what-if
    int changeCapacity = 2000;

    QString targetTopic;            // re-publish
    bool allowWriteToSource = false; // re-publish and redrive: the UI asked twice
    bool dryRun = false;            // re-publish and redrive: count what would be written, write nothing
    double maxRecordsPerSecond = 0; // 0: no limit

    // When set, these offsets are replayed instead of resolving the range again: the write after a dry run
    // covers exactly the records the dry run counted, whatever arrived since.
    QList<ReplaySpan> pinned;

    QString exportPath; // export
    ExportFormat exportFormat = ExportFormat::JsonLines;
    bool exportPatientIds = false;
};

// Header names a re-published or redriven record carries.
namespace ReplayHeaders {
inline constexpr char Replay[] = "vigil-replay";        // the replay's name
inline constexpr char Origin[] = "vigil-replay-origin"; // topic/partition@offset the record was copied from
} // namespace ReplayHeaders

struct ReplayProgress {
    qint64 records = 0;   // read from the range
    qint64 bytes = 0;     // keys and values read
    qint64 expected = 0;  // offsets in the range (transaction markers included, so an upper bound)
    qint64 written = 0;   // committed to targets (re-publish, redrive, export rows)
    qint64 elapsedMs = 0;
    double recordsPerSecond = 0;
    qint64 etaMs = -1;    // unknown when negative
    QString lastError;    // the latest non-fatal client error
};

struct ReplayResult {
    enum class Status : std::uint8_t { Completed, Cancelled, Failed };
    Status status = Status::Completed;
    ReplayMode mode = ReplayMode::WhatIf;
    bool dryRun = false;
    QString message; // why it failed or was cancelled; a summary otherwise
    ReplayProgress progress;
    QMap<QString, qint64> perTarget; // records written (or, in a dry run, that would be) per target topic
    QMap<QString, qint64> skipped;   // records not written, per reason
    WhatIfComparison comparison;     // what-if
    QList<ReplaySpan> spans;         // the offsets the range resolved to (partitions with nothing left out)
    QString groupId;                 // the consumer's group.id; it never joins the group nor commits
    QString exportPath;
};

// The replay panel's handle on replays: starts one at a time on a worker and reports in batches.
// Lives on the GUI thread; kafka/ implements it (KafkaReplayControl), so the panel needs no librdkafka.
class ReplayControl : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    virtual bool isRunning() const = 0;

public Q_SLOTS:
    // Ignored (with finished(Failed)) while one runs.
    virtual void start(const ReplayRequest &request) = 0;
    virtual void cancel() = 0;

Q_SIGNALS:
    void progressed(const ReplayProgress &progress); // at most every ~100 ms
    void comparisonUpdated(const WhatIfComparison &comparison); // what-if, at most every ~1 s
    void finished(const ReplayResult &result);
};
