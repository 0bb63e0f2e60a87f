#include "jobs/messagebrowser.h"
#include "base/text.h"

#include "client/clientroles.h"
#include "client/consumer.h"
#include "client/kafkaerror.h"
#include "client/producer.h"
#include "client/topicmetadata.h"

#include <QDeadlineTimer>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <limits>

namespace {

ClientConfig browsingConfig(const BrowserSettings &settings, const char *role)
{
    ClientConfig config = ClientRoles::assignOnlyReader(settings.config, QStringLiteral("vigil-browser-") + QLatin1String(role));
    config.set(QStringLiteral("auto.offset.reset"), QStringLiteral("earliest"));
    config.set(QStringLiteral("fetch.wait.max.ms"), QString::number(settings.fetchWaitMs));
    return config;
}

// ASCII case folding by table: the filter folds every byte it scans, and libc's tolower per byte
// was most of its time (tests/bench/bench_browser).
struct AsciiFold {
    std::array<unsigned char, 256> lower{};
    constexpr AsciiFold()
    {
        for (int c = 0; c < 256; ++c)
            lower[std::size_t(c)] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    unsigned char operator()(unsigned char c) const { return lower[c]; }
};
constexpr AsciiFold fold;

// Boyer-Moore-Horspool over folded bytes: the window moves by up to the needle's length at a time.
bool containsCaseInsensitive(const QByteArray &haystack, const QByteArray &lowerNeedle)
{
    const qsizetype n = lowerNeedle.size();
    const qsizetype length = haystack.size();
    if (n == 0)
        return true;
    if (n > length)
        return false;
    const auto *hay = reinterpret_cast<const unsigned char *>(haystack.constData());
    const auto *needle = reinterpret_cast<const unsigned char *>(lowerNeedle.constData());
    std::array<qint32, 256> skip; // how far to move when the window ends in this (folded) byte
    skip.fill(qint32(qMin<qsizetype>(n, std::numeric_limits<qint32>::max())));
    for (qsizetype i = 0; i + 1 < n; ++i)
        skip[needle[i]] = qint32(n - 1 - i);
    for (qsizetype at = 0; at + n <= length; at += skip[fold(hay[at + n - 1])]) {
        qsizetype i = n - 1;
        while (fold(hay[at + i]) == needle[i]) {
            if (i == 0)
                return true;
            --i;
        }
    }
    return false;
}

} // namespace

MessageBrowser::MessageBrowser(BrowserSettings settings, QObject *parent) : KafkaWorker(parent), m_settings(std::move(settings)) {}

MessageBrowser::~MessageBrowser() = default;

void MessageBrowser::open()
{
    m_consumer = std::make_unique<Consumer>(browsingConfig(m_settings, "page"));
    m_scanner = std::make_unique<Consumer>(browsingConfig(m_settings, "filter"));
}

void MessageBrowser::releaseClients()
{
    m_scan.reset();
    for (auto *consumer : {&m_consumer, &m_scanner}) {
        if (*consumer) {
            (*consumer)->close(2000);
            consumer->reset();
        }
    }
    if (m_producer) {
        m_producer->flush(2000);
        m_producer.reset();
    }
}

QList<int> MessageBrowser::partitionsOf(const QString &topic, const QList<int> &chosen)
{
    if (!chosen.isEmpty())
        return chosen;
    const int count = partitionCountOf(m_consumer->handle(), topic.toStdString(), m_settings.requestTimeoutMs);
    QList<int> all;
    for (int p = 0; p < count; ++p)
        all.append(p);
    return all;
}

void MessageBrowser::readWatermarks(const QString &topic, QMap<int, Range> &ranges)
{
    // Every partition in one request per leader for each end, bounded by the request timeout.
    QList<QPair<QString, int>> partitions;
    for (auto it = ranges.cbegin(); it != ranges.cend(); ++it)
        partitions.append({topic, it.key()});
    rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
    const auto highs = listOffsets(m_consumer->handle(), partitions, RD_KAFKA_OFFSET_END, m_settings.requestTimeoutMs, &error);
    const auto lows = highs.size() == partitions.size()
                          ? listOffsets(m_consumer->handle(), partitions, RD_KAFKA_OFFSET_BEGINNING, m_settings.requestTimeoutMs, &error)
                          : decltype(highs)();
    for (auto it = ranges.begin(); it != ranges.end(); ++it) {
        const QPair<QString, int> key{topic, it.key()};
        if (!highs.contains(key) || !lows.contains(key))
            throwIfError(error ? error : RD_KAFKA_RESP_ERR__TIMED_OUT,
                         QStringLiteral("watermarks of %1[%2]").arg(topic).arg(it.key()));
        it->low = lows.value(key);
        it->high = highs.value(key);
    }
}

QList<KafkaRecord> MessageBrowser::readRanges(const QString &topic, const QMap<int, QPair<qint64, qint64>> &ranges, int deadlineMs)
{
    QList<KafkaRecord> records;
    const QByteArray name = topic.toUtf8();
    RdPartitionListPtr list(rd_kafka_topic_partition_list_new(int(ranges.size())));
    QMap<int, qint64> pending; // partition -> one past the last wanted offset
    for (auto it = ranges.begin(); it != ranges.end(); ++it) {
        if (it->first >= it->second)
            continue;
        rd_kafka_topic_partition_list_add(list.get(), name.constData(), it.key())->offset = it->first;
        pending.insert(it.key(), it->second);
    }
    if (pending.isEmpty())
        return records;
    throwIfError(rd_kafka_assign(m_consumer->handle(), list.get()), QStringLiteral("assign"));
    QDeadlineTimer deadline(deadlineMs);
    while (!pending.isEmpty() && !deadline.hasExpired()) {
        RdMessagePtr message = m_consumer->poll(int(qMin<qint64>(100, deadline.remainingTime())));
        if (!message)
            continue;
        const auto wanted = pending.constFind(message->partition);
        if (wanted == pending.constEnd())
            continue;
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            pending.remove(message->partition); // compacted or truncated: nothing more to read
            continue;
        }
        if (isAuthorizationError(message->err))
            throw KafkaException(consumeError(*message)); // not a page that stays empty until its deadline
        if (message->err)
            continue;
        if (message->offset >= *wanted) {
            pending.remove(message->partition);
            continue;
        }
        KafkaRecord record = Consumer::toRecord(*message);
        const bool last = record.offset + 1 >= *wanted;
        records.append(std::move(record));
        if (last)
            pending.remove(message->partition);
    }
    rd_kafka_assign(m_consumer->handle(), nullptr);
    return records;
}

void MessageBrowser::browse(quint64 requestId, const BrowseRequest &request)
{
    BrowsePage page;
    page.requestId = requestId;
    if (!m_consumer) {
        page.error = QStringLiteral("the browser has no client");
        Q_EMIT pageReady(page);
        return;
    }
    try {
        m_topic = request.topic;
        m_pageSize = qMax(1, request.pageSize);
        m_ranges.clear();
        for (int p : partitionsOf(request.topic, request.partitions))
            m_ranges.insert(p, {});
        readWatermarks(request.topic, m_ranges);
        QMap<int, qint64> starts;
        switch (request.start) {
        case BrowseRequest::Start::Beginning:
            for (auto it = m_ranges.begin(); it != m_ranges.end(); ++it)
                starts.insert(it.key(), it->low);
            break;
        case BrowseRequest::Start::EndMinusN:
            for (auto it = m_ranges.begin(); it != m_ranges.end(); ++it)
                starts.insert(it.key(), qMax(it->low, it->high - qMax<qint64>(0, request.offset)));
            break;
        case BrowseRequest::Start::Offset:
            for (auto it = m_ranges.begin(); it != m_ranges.end(); ++it)
                starts.insert(it.key(), qBound(it->low, request.offset, it->high));
            break;
        case BrowseRequest::Start::Timestamp: {
            const QByteArray name = request.topic.toUtf8();
            const auto lookUp = [&](qint64 timestampMs) {
                RdPartitionListPtr list(rd_kafka_topic_partition_list_new(int(m_ranges.size())));
                for (auto it = m_ranges.begin(); it != m_ranges.end(); ++it)
                    rd_kafka_topic_partition_list_add(list.get(), name.constData(), it.key())->offset = timestampMs;
                throwIfError(rd_kafka_offsets_for_times(m_consumer->handle(), list.get(), m_settings.requestTimeoutMs),
                             QStringLiteral("offsets for times"));
                QMap<int, qint64> found; // -1: no record at or after that time
                for (int i = 0; i < list->cnt; ++i)
                    found.insert(list->elems[i].partition, list->elems[i].err ? -1 : qint64(list->elems[i].offset));
                return found;
            };
            const QMap<int, qint64> found = lookUp(request.timestampMs);
            const auto noneFound = [this](const QMap<int, qint64> &offsets) {
                for (auto it = offsets.cbegin(); it != offsets.cend(); ++it) {
                    if (*it >= 0 || m_ranges.value(it.key()).low >= m_ranges.value(it.key()).high)
                        return false;
                }
                return !offsets.isEmpty();
            };
            // Nothing at or after the time, not even after the epoch, in partitions that hold records: the
            // cluster cannot look offsets up by time (the mock cluster answers every lookup with "none").
            if (noneFound(found) && noneFound(lookUp(0)))
                throw std::runtime_error("this cluster cannot look offsets up by time (it answers every lookup with "
                                         "\"no such record\"); start at an offset instead");
            for (auto it = found.cbegin(); it != found.cend(); ++it) {
                const Range range = m_ranges.value(it.key());
                starts.insert(it.key(), *it < 0 ? range.high : qBound(range.low, *it, range.high));
            }
            break;
        }
        }
        readPage(requestId, starts);
    } catch (const KafkaException &error) {
        page.error = error.error().message;
        Q_EMIT pageReady(page);
    } catch (const std::exception &error) {
        page.error = QString::fromUtf8(error.what());
        Q_EMIT pageReady(page);
    }
}

void MessageBrowser::readPage(quint64 requestId, const QMap<int, qint64> &starts)
{
    const qint64 perPartition = qMax<qint64>(1, (m_pageSize + qsizetype(starts.size()) - 1) / qMax<qsizetype>(1, starts.size()));
    QMap<int, QPair<qint64, qint64>> wanted;
    for (auto it = starts.begin(); it != starts.end(); ++it) {
        Range &range = m_ranges[it.key()];
        range.pageStart = it.value();
        range.pageEnd = qMin(range.high, it.value() + perPartition);
        wanted.insert(it.key(), {range.pageStart, range.pageEnd});
    }
    BrowsePage page;
    page.requestId = requestId;
    const QList<KafkaRecord> records = readRanges(m_topic, wanted, m_settings.requestTimeoutMs);
    QMap<int, qint64> lastSeen;
    for (const auto &record : records) {
        page.messages.append(BrowsedMessage::fromRecord(record, m_settings.schemas));
        lastSeen[record.partition] = qMax(lastSeen.value(record.partition, -1), record.offset);
    }
    std::sort(page.messages.begin(), page.messages.end(), [](const BrowsedMessage &a, const BrowsedMessage &b) {
        if (a.record.timestampMs != b.record.timestampMs)
            return a.record.timestampMs < b.record.timestampMs;
        return a.record.partition != b.record.partition ? a.record.partition < b.record.partition : a.record.offset < b.record.offset;
    });
    page.atBeginning = true;
    page.atEnd = true;
    for (auto it = m_ranges.begin(); it != m_ranges.end(); ++it) {
        page.atBeginning = page.atBeginning && it->pageStart <= it->low;
        page.atEnd = page.atEnd && it->pageEnd >= it->high;
    }
    Q_EMIT pageReady(page);
}

void MessageBrowser::pageForward(quint64 requestId)
{
    if (!m_consumer || m_ranges.isEmpty())
        return;
    try {
        readWatermarks(m_topic, m_ranges); // records may have arrived since
        QMap<int, qint64> starts;
        for (auto it = m_ranges.begin(); it != m_ranges.end(); ++it)
            starts.insert(it.key(), qMin(it->pageEnd, it->high));
        readPage(requestId, starts);
    } catch (const KafkaException &error) {
        Q_EMIT pageReady({requestId, {}, false, false, error.error().message});
    }
}

void MessageBrowser::pageBackward(quint64 requestId)
{
    if (!m_consumer || m_ranges.isEmpty())
        return;
    const qint64 perPartition = qMax<qint64>(1, (m_pageSize + qsizetype(m_ranges.size()) - 1) / m_ranges.size());
    QMap<int, qint64> starts;
    for (auto it = m_ranges.begin(); it != m_ranges.end(); ++it)
        starts.insert(it.key(), qMax(it->low, it->pageStart - perPartition));
    try {
        readPage(requestId, starts);
    } catch (const KafkaException &error) {
        Q_EMIT pageReady({requestId, {}, false, false, error.error().message});
    }
}

void MessageBrowser::loadFullValue(const QString &topic, int partition, qint64 offset)
{
    if (!m_consumer)
        return;
    try {
        const auto records = readRanges(topic, {{partition, {offset, offset + 1}}}, m_settings.requestTimeoutMs * 2);
        for (const auto &record : records) {
            if (record.offset == offset)
                Q_EMIT fullValueLoaded(topic, partition, offset, record.value);
        }
    } catch (const KafkaException &error) {
        Q_EMIT errorOccurred(error.error());
    }
}

void MessageBrowser::cancelFilter()
{
    if (m_scan)
        requestCancel(m_scan->requestId);
}

void MessageBrowser::filter(quint64 requestId, const FilterRequest &request)
{
    auto scan = std::make_unique<Scan>();
    scan->requestId = requestId;
    scan->request = request;
    scan->progress.requestId = requestId;
    scan->key = request.key.toUtf8();
    scan->needle = request.text.toUtf8().toLower();
    if (!m_scanner) {
        scan->progress.error = QStringLiteral("the browser has no client");
        scan->progress.finished = true;
        Q_EMIT filterProgress(scan->progress);
        return;
    }
    try {
        QMap<int, Range> ranges;
        for (int p : partitionsOf(request.topic, request.partitions))
            ranges.insert(p, {});
        readWatermarks(request.topic, ranges);
        RdPartitionListPtr list(rd_kafka_topic_partition_list_new(int(ranges.size())));
        const QByteArray name = request.topic.toUtf8();
        for (auto it = ranges.begin(); it != ranges.end(); ++it) {
            scan->progress.totalMessages += it->high - it->low;
            if (it->high <= it->low)
                continue;
            scan->next.insert(it.key(), it->low);
            scan->end.insert(it.key(), it->high);
            rd_kafka_topic_partition_list_add(list.get(), name.constData(), it.key())->offset = it->low;
        }
        throwIfError(rd_kafka_assign(m_scanner->handle(), list.get()), QStringLiteral("assign"));
    } catch (const KafkaException &error) {
        scan->progress.error = error.error().message;
        scan->progress.finished = true;
        Q_EMIT filterProgress(scan->progress);
        return;
    }
    scan->sinceProgress.start();
    m_scan = std::move(scan);
    QMetaObject::invokeMethod(this, &MessageBrowser::scanSlice, Qt::QueuedConnection);
}

void MessageBrowser::scanSlice()
{
    if (!m_scan || !m_scanner)
        return;
    Scan &scan = *m_scan;
    QDeadlineTimer slice(30);
    while (!scan.next.isEmpty() && !slice.hasExpired()) {
        if (scan.requestId <= m_cancelledThrough.load()) {
            scan.progress.cancelled = true;
            break;
        }
        if (scan.progress.scannedBytes >= scan.request.maxBytes) {
            scan.progress.byteCapReached = true;
            break;
        }
        RdMessagePtr message = m_scanner->poll(int(qMax<qint64>(0, qMin<qint64>(20, slice.remainingTime()))));
        if (!message)
            continue;
        const auto end = scan.end.constFind(message->partition);
        if (end == scan.end.constEnd() || !scan.next.contains(message->partition))
            continue;
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            scan.next.remove(message->partition);
            continue;
        }
        if (message->err)
            continue;
        if (message->offset >= *end) {
            scan.next.remove(message->partition);
            continue;
        }
        ++scan.progress.scannedMessages;
        scan.progress.scannedBytes += qint64(message->len) + qint64(message->key_len);
        const QByteArray key = QByteArray::fromRawData(static_cast<const char *>(message->key), qsizetype(message->key_len));
        const QByteArray value = QByteArray::fromRawData(static_cast<const char *>(message->payload), qsizetype(message->len));
        if ((scan.key.isEmpty() || key == scan.key) && containsCaseInsensitive(value, scan.needle)
            && scan.matches < scan.request.maxMatches) {
            ++scan.matches;
            scan.progress.matches.append(BrowsedMessage::fromRecord(Consumer::toRecord(*message), m_settings.schemas));
        }
        if (message->offset + 1 >= *end)
            scan.next.remove(message->partition);
        else
            scan.next[message->partition] = message->offset + 1;
    }
    const bool done = scan.next.isEmpty() || scan.progress.cancelled || scan.progress.byteCapReached;
    if (done) {
        finishScan();
        return;
    }
    if (scan.sinceProgress.elapsed() >= m_settings.progressEveryMs) {
        Q_EMIT filterProgress(scan.progress);
        scan.progress.matches.clear();
        scan.sinceProgress.restart();
    }
    QMetaObject::invokeMethod(this, &MessageBrowser::scanSlice, Qt::QueuedConnection);
}

void MessageBrowser::finishScan()
{
    m_scan->progress.finished = true;
    rd_kafka_assign(m_scanner->handle(), nullptr);
    Q_EMIT filterProgress(m_scan->progress);
    m_scan.reset();
}

Producer &MessageBrowser::producer()
{
    if (!m_producer) {
        ClientConfig config = ClientRoles::producer(m_settings.config, QStringLiteral("vigil-browser-producer"));
        config.set(QStringLiteral("linger.ms"), QStringLiteral("0"));
        m_producer = std::make_unique<Producer>(config);
        auto counting = m_producer->callbacks().onDelivery;
        m_producer->callbacks().onDelivery = [this, counting](const rd_kafka_message_t &message) {
            counting(message);
            ProduceResult result;
            result.topic = QString::fromUtf8(rd_kafka_topic_name(message.rkt));
            result.partition = message.partition;
            result.offset = message.offset;
            if (message.err)
                result.error = m_producer->deliveryError(message).message;
            m_deliveries.append(result);
        };
    }
    return *m_producer;
}

ProduceResult MessageBrowser::send(const QString &topic, int partition, const QByteArray &key, const QList<KafkaHeader> &headers,
                                   const QByteArray &value)
{
    m_deliveries.clear();
    Producer &client = producer();
    client.produce(topic.toStdString(), Text::view(key), Text::view(value), headers, 0,
                   partition < 0 ? RD_KAFKA_PARTITION_UA : partition);
    if (client.flush(m_settings.requestTimeoutMs) > 0 || m_deliveries.isEmpty())
        return {topic, partition, -1, QStringLiteral("not delivered within %1 ms").arg(m_settings.requestTimeoutMs)};
    return m_deliveries.last();
}

void MessageBrowser::produce(const ProduceRequest &request)
{
    ProduceResult result;
    result.topic = request.topic;
    if (request.topic.isEmpty()) {
        result.error = QStringLiteral("choose a topic");
    } else if (request.requireJson && !nlohmann::json::accept(request.value.constData(), request.value.constData() + request.value.size())) {
        result.error = QStringLiteral("the value is not valid JSON");
    } else if (const auto why = m_settings.enforcer
                                    ? m_settings.enforcer->refusal(request.topic.toStdString(),
                                                                   Text::view(request.value))
                                    : std::nullopt) {
        result.error = QStringLiteral("not sent, the topic's schema refuses it: %1").arg(QString::fromStdString(*why));
    } else {
        try {
            result = send(request.topic, request.partition, request.key, request.headers, request.value);
        } catch (const std::exception &error) {
            result.error = QString::fromUtf8(error.what());
        }
    }
    Q_EMIT produced(result);
}

void MessageBrowser::republish(const BrowsedMessage &message, const QString &targetTopic)
{
    ProduceResult result;
    result.topic = targetTopic;
    try {
        QByteArray value = message.record.value;
        if (message.truncated) {
            const auto records = readRanges(message.record.topic, {{message.record.partition, {message.record.offset, message.record.offset + 1}}},
                                            m_settings.requestTimeoutMs * 2);
            if (records.isEmpty() || records.first().offset != message.record.offset)
                throw std::runtime_error("the original record could not be read again");
            value = records.first().value;
        }
        if (const auto why = m_settings.enforcer ? m_settings.enforcer->refusal(targetTopic.toStdString(),
                                                                                 Text::view(value))
                                                 : std::nullopt)
            throw std::runtime_error("not sent, the topic's schema refuses it: " + *why);
        result = send(targetTopic, -1, message.record.key, message.record.headers, value);
    } catch (const std::exception &error) {
        result.error = QString::fromUtf8(error.what());
    }
    Q_EMIT produced(result);
}
