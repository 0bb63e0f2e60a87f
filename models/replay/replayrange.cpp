#include "replay/replayrange.h"

#include "clinical/alert.h"

#include <QDateTime>
#include <QRegularExpression>

std::optional<ReplayBound> ReplayBound::parse(const QString &input, qint64 nowMs, QString *error)
{
    const QString text = input.trimmed();
    const QString lower = text.toLower();
    if (lower.isEmpty() || lower == u"beginning" || lower == u"earliest" || lower == u"now" || lower == u"end"
        || lower == u"latest")
        return ReplayBound{};
    static const QRegularExpression offsetPattern(QStringLiteral("^@?\\s*(\\d+)$"));
    if (const auto match = offsetPattern.match(text); match.hasMatch()) {
        bool ok = false;
        const qint64 offset = match.captured(1).toLongLong(&ok);
        if (ok)
            return ReplayBound{Kind::Offset, offset};
    }
    static const QRegularExpression relativePattern(QStringLiteral("^-\\s*(\\d+(?:\\.\\d+)?)\\s*(s|m|min|h|d|w)$"));
    if (const auto match = relativePattern.match(lower); match.hasMatch()) {
        const double amount = match.captured(1).toDouble();
        const QString unit = match.captured(2);
        const double unitMs = unit == u"s" ? 1e3 : (unit == u"m" || unit == u"min") ? 6e4 : unit == u"h" ? 3.6e6
                              : unit == u"d" ? 8.64e7 : 6.048e8;
        return ReplayBound{Kind::Timestamp, nowMs - qint64(amount * unitMs)};
    }
    if (const auto ms = fhirDateTimeToMs(text.toStdString()); ms && text.size() >= 10)
        return ReplayBound{Kind::Timestamp, *ms};
    for (const QString &format : {QStringLiteral("yyyy-MM-dd HH:mm:ss"), QStringLiteral("yyyy-MM-dd HH:mm")}) {
        const QDateTime local = QDateTime::fromString(text, format);
        if (local.isValid())
            return ReplayBound{Kind::Timestamp, local.toMSecsSinceEpoch()};
    }
    if (error)
        *error = QObject::tr("\"%1\" is neither an offset (123), a time (2026-11-27T10:00:00Z, 2026-11-27 10:00, -24h) "
                             "nor beginning/now")
                     .arg(text);
    return std::nullopt;
}

QString ReplayBound::describe(bool isEnd) const
{
    switch (kind) {
    case Kind::Edge: return isEnd ? QObject::tr("now") : QObject::tr("the beginning");
    case Kind::Offset: return QObject::tr("offset %1").arg(value);
    case Kind::Timestamp:
        return QDateTime::fromMSecsSinceEpoch(value).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    }
    return {};
}

QString ReplayRange::validate() const
{
    if (topics.isEmpty())
        return QObject::tr("Name at least one topic.");
    static const QRegularExpression topicPattern(QStringLiteral("^[A-Za-z0-9._-]{1,249}$"));
    for (const QString &topic : topics) {
        if (!topicPattern.match(topic).hasMatch())
            return QObject::tr("\"%1\" is not a Kafka topic name (letters, digits, '.', '_', '-').").arg(topic);
    }
    for (const int partition : partitions) {
        if (partition < 0)
            return QObject::tr("Partition %1 does not exist: partitions count from 0.").arg(partition);
    }
    if (from.kind == to.kind && from.kind != ReplayBound::Kind::Edge && to.value <= from.value)
        return QObject::tr("The range is empty: it ends (%1) where or before it starts (%2).")
            .arg(to.describe(true), from.describe(false));
    return {};
}

QString ReplayRange::describe() const
{
    QString where = topics.join(QStringLiteral(", "));
    if (!partitions.isEmpty()) {
        QStringList numbers;
        for (const int partition : partitions)
            numbers.append(QString::number(partition));
        where += QObject::tr(" partitions %1").arg(numbers.join(u','));
    }
    return QObject::tr("%1 from %2 to %3").arg(where, from.describe(false), to.describe(true));
}

std::optional<QList<int>> ReplayRange::parsePartitions(const QString &input, QString *error)
{
    const QString text = input.trimmed().toLower();
    if (text.isEmpty() || text == u"all" || text == u"*")
        return QList<int>{};
    QList<int> partitions;
    for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
        const QStringList ends = part.trimmed().split(u'-');
        bool okFirst = false;
        bool okLast = ends.size() == 1;
        const int first = ends.value(0).trimmed().toInt(&okFirst);
        const int last = ends.size() == 2 ? ends[1].trimmed().toInt(&okLast) : first;
        if (!okFirst || !okLast || ends.size() > 2 || first < 0 || last < first || last - first > 10'000) {
            if (error)
                *error = QObject::tr("\"%1\" is not a partition or a range of partitions (0,2,5-7)").arg(part.trimmed());
            return std::nullopt;
        }
        for (int p = first; p <= last; ++p) {
            if (!partitions.contains(p))
                partitions.append(p);
        }
    }
    std::sort(partitions.begin(), partitions.end());
    return partitions;
}

QStringList ReplayRange::parseTopics(const QString &text)
{
    QStringList topics;
    for (const QString &topic : text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts)) {
        if (!topics.contains(topic))
            topics.append(topic);
    }
    return topics;
}
