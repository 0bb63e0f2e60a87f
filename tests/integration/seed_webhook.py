#!/usr/bin/python3
"""The seed's Flask FHIR Subscription bridge, for Vigil's peer test (tst_webhookbridge).

As the seed describes it: Flask's POST /fhir-webhook takes a FHIR Bundle; for each entry with a
resource it writes the seed envelope {"event_type","resource_type","resource_id","patient_id",
"timestamp","fhir_resource"} with key = patient id to the topic of the resource type (Patient and
Encounter -> healthcare.adt.events, Observation and DiagnosticReport -> healthcare.labs.results,
MedicationRequest -> healthcare.medications.orders, anything else -> healthcare.fhir.other; a
resource without a patient goes to healthcare.fhir.other), event_type from request.method (POST
create, PUT update, DELETE delete), and answers 200 at once -- before the records are durable
(it only queues them; flush happens later). Those are the seed's behaviours Vigil's bridge is
compared with, and improves on.

usage: seed_webhook.py --bootstrap host:port --port N
Prints "listening" on stdout once Flask serves. Exit status 3 when flask or confluent_kafka is missing.
"""

import argparse
import datetime
import json
import sys

try:
    from confluent_kafka import Producer
    from flask import Flask, request
except ImportError as error:
    print(f"seed_webhook: {error} (Debian: apt-get install python3-flask python3-confluent-kafka)", file=sys.stderr)
    sys.exit(3)

TOPICS = {
    "Patient": "healthcare.adt.events",
    "Encounter": "healthcare.adt.events",
    "Observation": "healthcare.labs.results",
    "DiagnosticReport": "healthcare.labs.results",
    "MedicationRequest": "healthcare.medications.orders",
}
EVENT_TYPES = {"POST": "create", "PUT": "update", "DELETE": "delete"}


def now_iso():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def patient_of(resource):
    if resource.get("resourceType") == "Patient":
        return resource.get("id")
    reference = (resource.get("subject") or {}).get("reference", "")
    if "Patient/" in reference:
        return reference.rsplit("Patient/", 1)[1].split("/")[0]
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    producer = Producer({"bootstrap.servers": args.bootstrap, "enable.idempotence": True, "acks": "all"})
    app = Flask("seed-webhook")

    @app.route("/fhir-webhook", methods=["POST"])
    def webhook():
        bundle = request.get_json(force=True)
        for entry in bundle.get("entry", []):
            method = (entry.get("request") or {}).get("method", "PUT")
            resource = entry.get("resource")
            if resource is None and method == "DELETE":  # a deletion names its resource only
                kind, _, rid = (entry.get("request") or {}).get("url", "").partition("/")
                resource = {"resourceType": kind, "id": rid}
            if resource is None:
                continue
            patient = patient_of(resource)
            kind = resource.get("resourceType")
            topic = TOPICS.get(kind, "healthcare.fhir.other") if patient else "healthcare.fhir.other"
            value = json.dumps({
                "event_type": EVENT_TYPES.get(method, "update"),
                "resource_type": kind,
                "resource_id": resource.get("id"),
                "patient_id": patient,
                "timestamp": now_iso(),
                "fhir_resource": resource,
            }, separators=(",", ":"))
            producer.produce(topic, key=patient, value=value)  # no key for a patient-less resource
        producer.poll(0)
        return "", 200

    print("listening", flush=True)
    try:
        app.run(host="127.0.0.1", port=args.port)
    finally:
        producer.flush(10)


if __name__ == "__main__":
    main()
