#include "cluster/clustersnapshot.h"
#include "base/text.h"

#include "fhir/fhirenvelope.h"
#include "fhir/fhirsummary.h"

BrowsedMessage BrowsedMessage::fromRecord(KafkaRecord record, const AvroCodec::SchemaLookup &schemas)
{
    BrowsedMessage message;
    message.valueSize = record.value.size();
    if (message.valueSize >= LargeValueBytes) {
        // A value this large is neither decoded nor kept in the row; the detail pane loads it on demand.
        message.truncated = true;
        record.value.truncate(PreviewBytes);
        message.summary = QStringLiteral("large value (%1 MB), loaded on demand").arg(double(message.valueSize) / (1024.0 * 1024.0), 0, 'f', 1);
        message.patientId = QString::fromUtf8(record.key);
    } else if (const std::string_view bytes = Text::view(record.value);
               schemas && AvroCodec::looksLikeWireFormat(bytes)) {
        message.patientId = QString::fromUtf8(record.key);
        try {
            const AvroCodec::Decoded decoded = AvroCodec::decode(bytes, schemas);
            message.avroJson = QByteArray::fromStdString(decoded.datum.dump(2));
            message.summary = QStringLiteral("Avro, schema id %1").arg(decoded.schemaId);
            if (decoded.datum.contains("patient_id") && decoded.datum["patient_id"].is_string())
                message.patientId = QString::fromStdString(decoded.datum["patient_id"].get<std::string>());
        } catch (const AvroCodecError &error) {
            message.summary = QStringLiteral("unreadable Avro: %1").arg(QString::fromUtf8(error.what()));
        }
    } else {
        try {
            const auto envelope = FhirEnvelope::parse(Text::view(record.value));
            message.resourceType = QString::fromStdString(envelope.resourceType);
            message.patientId = QString::fromStdString(envelope.patientId);
            message.summary = QString::fromStdString(summarizeResource(envelope.resource, envelope.eventType));
        } catch (const std::exception &error) {
            message.patientId = QString::fromUtf8(record.key);
            message.summary = QStringLiteral("not FHIR: %1").arg(QString::fromUtf8(error.what()).left(80));
        }
    }
    message.record = std::move(record);
    return message;
}
