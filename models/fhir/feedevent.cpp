#include "fhir/feedevent.h"
#include "base/text.h"

#include "fhir/fhirenvelope.h"
#include "fhir/fhirsummary.h"

FeedEvent FeedEvent::fromRecord(const KafkaRecord &record)
{
    FeedEvent event;
    event.timestampMs = record.timestampMs;
    event.topic = record.topic;
    event.partition = record.partition;
    event.offset = record.offset;
    try {
        const auto envelope = FhirEnvelope::parse(Text::view(record.value));
        event.resourceType = QString::fromStdString(envelope.resourceType);
        event.patientId = QString::fromStdString(envelope.patientId);
        event.summary = QString::fromStdString(summarizeResource(envelope.resource, envelope.eventType));
    } catch (const EnvelopeError &error) {
        event.patientId = QString::fromUtf8(record.key);
        event.summary = QStringLiteral("unreadable (%1 bytes): %2")
                            .arg(record.value.size())
                            .arg(QString::fromUtf8(error.what()));
    }
    return event;
}
