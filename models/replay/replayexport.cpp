#include "replay/replayexport.h"
#include "base/text.h"

#include "fhir/fhirdatetime.h"
#include "fhir/fhirenvelope.h"
#include "fhir/fhirsummary.h"
#include "fhir/patientmask.h"

#include <nlohmann/json.hpp>

namespace {

using json = nlohmann::json;

// The fields of one row, in columns() order.
struct Row {
    QString topic;
    int partition = -1;
    qint64 offset = -1;
    QString timestamp;
    qint64 timestampMs = -1;
    QString key;
    QString eventType;
    QString resourceType;
    QString resourceId;
    QString patientId;
    QString status;
    QString loinc;
    QString analyte;
    QString value; // as the record gave it; empty when none
    QString unit;
    QString effective;
    QString issued;
    QString summary;
    QString error;
};

QString text(const json &node, const char *name)
{
    if (!node.is_object())
        return {};
    const auto it = node.find(name);
    return it != node.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

Row rowOf(const KafkaRecord &record, bool includePatientIds)
{
    Row row;
    row.topic = record.topic;
    row.partition = record.partition;
    row.offset = record.offset;
    row.timestampMs = record.timestampMs;
    row.timestamp = record.timestampMs >= 0 ? QString::fromStdString(msToFhirInstant(record.timestampMs)) : QString();
    const QString key = QString::fromUtf8(record.key);
    row.key = includePatientIds ? key : maskedPatientId(key);
    try {
        const FhirEnvelope envelope = FhirEnvelope::parse(Text::view(record.value));
        const json &resource = envelope.resource;
        row.eventType = QString::fromStdString(envelope.eventType);
        row.resourceType = QString::fromStdString(envelope.resourceType);
        row.resourceId = QString::fromStdString(envelope.resourceId);
        const QString patient = QString::fromStdString(envelope.patientId);
        row.patientId = includePatientIds ? patient : maskedPatientId(patient);
        row.status = text(resource, "status");
        if (const auto code = resource.find("code"); code != resource.end() && code->is_object()) {
            if (const auto codings = code->find("coding"); codings != code->end() && codings->is_array()) {
                for (const auto &coding : *codings) {
                    if (text(coding, "system") == u"http://loinc.org" && row.loinc.isEmpty()) {
                        row.loinc = text(coding, "code");
                        row.analyte = text(coding, "display");
                    }
                }
            }
            if (row.analyte.isEmpty())
                row.analyte = text(*code, "text");
        }
        if (const QString shortName = QString::fromStdString(shortAnalyteName(row.loinc.toStdString()));
            !shortName.isEmpty() && row.analyte.isEmpty())
            row.analyte = shortName;
        if (const auto quantity = resource.find("valueQuantity"); quantity != resource.end() && quantity->is_object()) {
            if (const auto value = quantity->find("value"); value != quantity->end() && value->is_number())
                row.value = QString::fromStdString(value->dump());
            row.unit = text(*quantity, "code");
            if (row.unit.isEmpty())
                row.unit = text(*quantity, "unit");
        }
        row.effective = text(resource, "effectiveDateTime");
        if (row.effective.isEmpty())
            row.effective = text(resource, "effectiveInstant");
        if (row.effective.isEmpty())
            if (const auto period = resource.find("effectivePeriod"); period != resource.end())
                row.effective = text(*period, "start");
        row.issued = text(resource, "issued");
        row.summary = QString::fromStdString(summarizeResource(resource, envelope.eventType));
    } catch (const EnvelopeError &error) {
        row.error = QString::fromStdString(error.reason());
    } catch (const std::exception &error) {
        row.error = QStringLiteral("unreadable");
    }
    return row;
}

} // namespace

ReplayExport::ReplayExport(ExportFormat format, bool includePatientIds)
    : m_format(format), m_includePatientIds(includePatientIds)
{
}

QStringList ReplayExport::columns()
{
    return {QStringLiteral("topic"),         QStringLiteral("partition"),   QStringLiteral("offset"),
            QStringLiteral("timestamp"),     QStringLiteral("key"),         QStringLiteral("event_type"),
            QStringLiteral("resource_type"), QStringLiteral("resource_id"), QStringLiteral("patient_id"),
            QStringLiteral("status"),        QStringLiteral("loinc"),       QStringLiteral("analyte"),
            QStringLiteral("value"),         QStringLiteral("unit"),        QStringLiteral("effective"),
            QStringLiteral("issued"),        QStringLiteral("summary"),     QStringLiteral("error")};
}

QByteArray ReplayExport::header() const
{
    return m_format == ExportFormat::Csv ? csvLine(columns()) : QByteArray();
}

QString ReplayExport::csvField(const QString &text)
{
    QString field = text;
    if (!field.isEmpty() && QStringView(u"=+-@").contains(field.front())) {
        bool number = false;
        field.toDouble(&number);
        if (!number)
            field.prepend(u'\'');
    }
    const bool quote = field.contains(u',') || field.contains(u'"') || field.contains(u'\n') || field.contains(u'\r')
                       || (!field.isEmpty() && (field.front().isSpace() || field.back().isSpace()));
    if (!quote)
        return field;
    field.replace(QStringLiteral("\""), QStringLiteral("\"\""));
    return u'"' + field + u'"';
}

QByteArray ReplayExport::csvLine(const QStringList &fields)
{
    QStringList quoted;
    quoted.reserve(fields.size());
    for (const QString &field : fields)
        quoted.append(csvField(field));
    return quoted.join(u',').toUtf8() + "\r\n";
}

QByteArray ReplayExport::row(const KafkaRecord &record) const
{
    const Row r = rowOf(record, m_includePatientIds);
    if (m_format == ExportFormat::Csv) {
        return csvLine({r.topic, QString::number(r.partition), QString::number(r.offset), r.timestamp, r.key,
                        r.eventType, r.resourceType, r.resourceId, r.patientId, r.status, r.loinc, r.analyte, r.value,
                        r.unit, r.effective, r.issued, r.summary, r.error});
    }
    auto orNull = [](const QString &s) { return s.isEmpty() ? json() : json(s.toStdString()); };
    json line = {
        {"topic", r.topic.toStdString()},
        {"partition", r.partition},
        {"offset", r.offset},
        {"timestamp", orNull(r.timestamp)},
        {"key", orNull(r.key)},
        {"event_type", orNull(r.eventType)},
        {"resource_type", orNull(r.resourceType)},
        {"resource_id", orNull(r.resourceId)},
        {"patient_id", orNull(r.patientId)},
        {"status", orNull(r.status)},
        {"loinc", orNull(r.loinc)},
        {"analyte", orNull(r.analyte)},
        {"value", r.value.isEmpty() ? json() : json::parse(r.value.toStdString())},
        {"unit", orNull(r.unit)},
        {"effective", orNull(r.effective)},
        {"issued", orNull(r.issued)},
        {"summary", orNull(r.summary)},
        {"error", orNull(r.error)},
    };
    return QByteArray::fromStdString(line.dump(-1, ' ', false, json::error_handler_t::replace)) + '\n';
}
