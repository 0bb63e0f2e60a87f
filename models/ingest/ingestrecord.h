#pragma once

#include <QMetaType>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

// One record an ingest source writes: an event in the seed envelope, or a cursor.
struct IngestRecord {
    std::string topic;
    std::string key;
    std::string value;
};

// What one transaction writes: all of it or none. `versions` are the resource versions it carries
// (SeenVersions keys), remembered once it is committed.
struct IngestBatch {
    std::vector<IngestRecord> records;
    std::vector<std::string> versions;
};
Q_DECLARE_METATYPE(IngestBatch)

// What became of one batch an ingest source handed over.
enum class IngestOutcome {
    Committed, // all of it is durable
    Failed,    // none of it is: the cluster failed the transaction (try again later)
    Refused,   // none of it is, and sending it again fails again (a record too large for its topic)
    Unknown,   // the commit timed out and goes on in the background; Committed or Failed follows
};
Q_DECLARE_METATYPE(IngestOutcome)

// The seed's event_type for a FHIR request method: POST create, PUT (and PATCH) update, DELETE
// delete; a resource without a request (a collection, a poll) is an update.
std::string_view eventTypeOfMethod(std::string_view method);

// The seed envelope {"event_type","resource_type","resource_id","patient_id","timestamp",
// "fhir_resource"} of one resource, on its topic (Topics::forResourceType; a resource without a
// patient goes to healthcare.fhir.other, as the seed's bridge does), keyed by its patient id (a
// patient-less one by "Type/id", so its versions stay in order). `timestamp` is when Vigil took it.
IngestRecord envelopeRecord(const nlohmann::json &resource, std::string_view method, std::string_view timestamp);

// A deleted resource named only by its reference ("Observation/123"): its envelope carries
// {"resourceType","id"} and no patient.
IngestRecord deletionRecord(std::string_view reference, std::string_view timestamp);

// The key that tells one version of a resource from another: "Type/id/_history/versionId", else
// "Type/id@meta.lastUpdated"; empty when the resource carries neither (it cannot be told apart).
std::string versionKey(const nlohmann::json &resource);
// The key of a deletion of "Type/id": with the version it ended when known (an entry's ETag
// W/"4"), else one per resource, so a notification sent again does not delete twice.
std::string deletionKey(std::string_view reference, std::string_view version);
