// Live feed under load: 50,000 events/s into the Dashboard's model and view (offscreen),
// delivered the way Vigil does it (a batch every 50 ms) beside the naive way (a queued signal
// per record). Prints GUI event-loop latency and throughput for both, and the decode rate.
//
//   QT_QPA_PLATFORM=offscreen build/bin/bench_feed [seconds-per-run]
#include "fhir/feedevent.h"
#include "items/feedmodel.h"
#include "simulator/hospitalsimulator.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QTableView>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>

namespace {

constexpr int EventsPerSecond = 50'000;
constexpr int BatchMs = 50;

QList<FeedEvent> simulatedFeed(int count)
{
    HospitalSimulator hospital(7);
    QList<FeedEvent> events;
    qint64 now = 1'790'000'000'000;
    while (events.size() < count) {
        for (const auto &event : hospital.next(now += 2).events) {
            KafkaRecord record;
            record.topic = QString::fromStdString(event.topic);
            record.key = QByteArray::fromStdString(event.key);
            record.value = QByteArray::fromStdString(event.value);
            record.timestampMs = event.timestampMs;
            events.append(FeedEvent::fromRecord(record));
        }
    }
    return events;
}

double decodeRate(const QList<KafkaRecord> &records)
{
    QElapsedTimer clock;
    clock.start();
    qint64 checksum = 0;
    for (const auto &record : records)
        checksum += FeedEvent::fromRecord(record).summary.size();
    const double seconds = double(clock.nsecsElapsed()) / 1e9;
    return checksum > 0 ? double(records.size()) / seconds : 0;
}

// Emits the feed from its own thread at a steady rate, batched or one signal per record.
class FeedSource final : public QObject {
    Q_OBJECT
public:
    FeedSource(QList<FeedEvent> events, bool batched) : m_events(std::move(events)), m_batched(batched) {}

    void start()
    {
        m_timer = new QTimer(this);
        m_timer->setTimerType(Qt::PreciseTimer);
        connect(m_timer, &QTimer::timeout, this, &FeedSource::tick);
        m_clock.start();
        m_timer->start(BatchMs);
    }
    void stop() { m_timer->stop(); }

Q_SIGNALS:
    void batch(const QList<FeedEvent> &events);
    void single(const FeedEvent &event);

private:
    void tick()
    {
        const qint64 due = m_clock.elapsed() * EventsPerSecond / 1000 - m_sent;
        QList<FeedEvent> out;
        for (qint64 i = 0; i < due; ++i)
            out.append(m_events[(m_sent + i) % m_events.size()]);
        m_sent += due;
        if (m_batched) {
            Q_EMIT batch(out);
        } else {
            for (const auto &event : out)
                Q_EMIT single(event);
        }
    }

    QList<FeedEvent> m_events;
    bool m_batched;
    QTimer *m_timer = nullptr;
    QElapsedTimer m_clock;
    qint64 m_sent = 0;
};

struct RunResult {
    double rowsPerSecond;
    double p50Ms, p99Ms, maxMs;
};

RunResult run(const QList<FeedEvent> &events, bool batched, int seconds)
{
    FeedModel model(10'000);
    QTableView view;
    view.setModel(&model);
    view.verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view.verticalHeader()->hide();
    view.resize(1200, 800);
    view.show();

    QThread thread;
    FeedSource source(events, batched);
    source.moveToThread(&thread);
    QObject::connect(&source, &FeedSource::batch, &model, &FeedModel::appendBatch);
    QObject::connect(&source, &FeedSource::single, &model, [&model](const FeedEvent &event) {
        model.appendBatch({event});
    });
    thread.start();
    QMetaObject::invokeMethod(&source, &FeedSource::start, Qt::QueuedConnection);

    // A 10 ms heartbeat on the GUI thread: how late it fires is what a user feels.
    std::vector<double> lateness;
    QElapsedTimer clock;
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    QObject::connect(&heartbeat, &QTimer::timeout, &model, [&] {
        lateness.push_back(std::max(0.0, double(clock.nsecsElapsed()) / 1e6 - 10.0));
        clock.restart();
    });
    QEventLoop loop;
    QTimer::singleShot(seconds * 1000, &loop, &QEventLoop::quit);
    clock.start();
    heartbeat.start(10);
    QElapsedTimer total;
    total.start();
    loop.exec();
    const qint64 received = model.totalReceived();
    const double elapsed = double(total.elapsed()) / 1000.0;
    QMetaObject::invokeMethod(&source, &FeedSource::stop, Qt::BlockingQueuedConnection);
    thread.quit();
    thread.wait();
    QCoreApplication::processEvents(); // drop what is still queued before the model goes

    std::sort(lateness.begin(), lateness.end());
    auto percentile = [&](double p) { return lateness.empty() ? 0.0 : lateness[size_t(p * double(lateness.size() - 1))]; };
    return {double(received) / elapsed, percentile(0.5), percentile(0.99), lateness.empty() ? 0.0 : lateness.back()};
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const int seconds = argc > 1 ? std::max(1, atoi(argv[1])) : 5;

    HospitalSimulator hospital(3);
    QList<KafkaRecord> records;
    qint64 now = 1'790'000'000'000;
    while (records.size() < 200'000) {
        for (const auto &event : hospital.next(now += 2).events) {
            KafkaRecord record;
            record.topic = QString::fromStdString(event.topic);
            record.value = QByteArray::fromStdString(event.value);
            records.append(record);
        }
    }
    std::printf("Feed decode (FeedEvent::fromRecord, one core): %.0f records/s over %lld records\n\n",
                decodeRate(records), qlonglong(records.size()));

    const QList<FeedEvent> events = simulatedFeed(20'000);
    std::printf("Live feed at %d events/s for %d s into a 10,000-row model and table view (offscreen)\n", EventsPerSecond, seconds);
    std::printf("%-34s %14s %12s %12s %12s\n", "delivery", "rows/s shown", "loop p50 ms", "loop p99 ms", "loop max ms");
    for (bool batched : {true, false}) {
        const RunResult r = run(events, batched, seconds);
        std::printf("%-34s %14.0f %12.2f %12.2f %12.2f\n",
                    batched ? "Vigil: one batch per 50 ms" : "naive: one queued signal per record",
                    r.rowsPerSecond, r.p50Ms, r.p99Ms, r.maxMs);
    }
    return 0;
}

#include "bench_feed.moc"
