#!/usr/bin/python3
"""The seed's Python producer code path, for Vigil's interop test (tst_pythoninterop).

An idempotent, acks=all, lz4-compressed, transactional confluent-kafka producer writing seed
envelopes {"event_type","resource_type","resource_id","patient_id","timestamp","fhir_resource"}
with key = patient id:

  * for each of --patients N patients, ONE transaction with the admission (Patient, then
    Encounter, on healthcare.adt.events) and a MedicationRequest (healthcare.medications.orders);
  * then --labs L rounds of lab Observations (healthcare.labs.results), one transaction per round,
    so each patient's results carry sequence numbers 1..L (in resource_id and in an identifier);
  * with --aborted-patients K, halfway through the admissions, K more admissions in a transaction
    that is aborted after its records reached the broker (read_committed must never show them).

A transaction that fails with an abortable error is aborted and sent again, as the seed does.

Run it with Debian's interpreter, /usr/bin/python3 (package python3-confluent-kafka).
Prints one JSON line on stdout: what was committed and aborted, per topic; the offset of the last
record it wrote to each partition (a reader knows where to stop); and the versions.
Exit status: 0 done; 1 Kafka error; 2 bad arguments; 3 confluent_kafka is not installed.
"""

import argparse
import datetime
import json
import sys

try:
    from confluent_kafka import KafkaException, Producer
    import confluent_kafka
except ImportError as error:  # the test checks first; say it plainly when run by hand
    print(f"seed_producer: confluent_kafka is not available to {sys.executable}: {error} "
          "(Debian: apt-get install python3-confluent-kafka, and run /usr/bin/python3)", file=sys.stderr)
    sys.exit(3)

ADT = "healthcare.adt.events"
LABS = "healthcare.labs.results"
MEDICATIONS = "healthcare.medications.orders"

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SEQUENCE_SYSTEM = "urn:vigil:test:lab-sequence"


def now_iso():
    """ISO 8601 UTC with milliseconds, as the seed writes its timestamps."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def envelope(event_type, resource, patient_id):
    return json.dumps({
        "event_type": event_type,
        "resource_type": resource["resourceType"],
        "resource_id": resource["id"],
        "patient_id": patient_id,
        "timestamp": now_iso(),
        "fhir_resource": resource,
    }, separators=(",", ":"))


def admission(patient_id, number, run):
    """Patient and Encounter on the ADT topic, then the first MedicationRequest: (topic, key, value)."""
    encounter_id = f"enc-{run}-{number}"
    patient = {
        "resourceType": "Patient",
        "id": patient_id,
        "identifier": [{"system": "http://hospital.example.org/mrn", "value": f"MRN-{run}-{number}"}],
        "active": True,
        "name": [{"use": "official", "family": "Interop", "given": [f"Test{number}"]}],
        "gender": "unknown",
        "birthDate": "1970-01-01",
    }
    encounter = {
        "resourceType": "Encounter",
        "id": encounter_id,
        "status": "in-progress",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP",
                  "display": "inpatient encounter"},
        "subject": {"reference": f"Patient/{patient_id}"},
        "period": {"start": now_iso()},
        "location": [{"location": {"display": "4 West Medicine"}, "status": "active"}],
    }
    medication = {
        "resourceType": "MedicationRequest",
        "id": f"med-{run}-{number}",
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": {
            "coding": [{"system": RXNORM, "code": "197361", "display": "Amlodipine 5 MG Oral Tablet"}]},
        "subject": {"reference": f"Patient/{patient_id}"},
        "encounter": {"reference": f"Encounter/{encounter_id}"},
        "authoredOn": now_iso(),
        "dosageInstruction": [{"text": "5 mg by mouth once daily"}],
    }
    return [
        (ADT, patient_id, envelope("patient_registered", patient, patient_id)),
        (ADT, patient_id, envelope("admission", encounter, patient_id)),
        (MEDICATIONS, patient_id, envelope("medication_order", medication, patient_id)),
    ]


def lab_result(patient_id, number, run, sequence):
    observation = {
        "resourceType": "Observation",
        "id": f"obs-{run}-{number}-{sequence:03d}",
        "identifier": [{"system": SEQUENCE_SYSTEM, "value": str(sequence)}],
        "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                  "code": "laboratory"}]}],
        "code": {"coding": [{"system": LOINC, "code": "2823-3",
                             "display": "Potassium [Moles/volume] in Serum or Plasma"}]},
        "subject": {"reference": f"Patient/{patient_id}"},
        "encounter": {"reference": f"Encounter/enc-{run}-{number}"},
        "effectiveDateTime": now_iso(),
        "issued": now_iso(),
        "valueQuantity": {"value": round(3.6 + 0.1 * sequence, 1), "unit": "mmol/L", "system": UCUM,
                          "code": "mmol/L"},
    }
    return (LABS, patient_id, envelope("lab_result", observation, patient_id))


class SeedProducer:
    def __init__(self, bootstrap, transactional_id, timeout):
        self.timeout = timeout
        self.delivery_errors = []
        self.last_offsets = {}  # topic -> partition -> offset of the last record delivered there
        self.committed = {}
        self.aborted = {}
        self.transactions = {"committed": 0, "aborted": 0, "retried": 0}
        self.producer = Producer({
            "bootstrap.servers": bootstrap,
            "client.id": "vigil-seed-producer",
            "enable.idempotence": True,
            "acks": "all",
            "compression.type": "lz4",
            "linger.ms": 5,
            "transactional.id": transactional_id,
        })
        self.producer.init_transactions(timeout)

    def _delivered(self, error, message):
        if error is not None:
            self.delivery_errors.append(f"{message.topic()}: {error}")
            return
        partitions = self.last_offsets.setdefault(message.topic(), {})
        partitions[message.partition()] = max(partitions.get(message.partition(), -1), message.offset())

    def _produce_all(self, records):
        for topic, key, value in records:
            while True:
                try:
                    self.producer.produce(topic, key=key.encode(), value=value.encode(), on_delivery=self._delivered)
                    break
                except BufferError:  # local queue full: let deliveries drain it
                    self.producer.poll(0.1)
            self.producer.poll(0)

    @staticmethod
    def _count(counts, records):
        for topic, _, _ in records:
            counts[topic] = counts.get(topic, 0) + 1

    def commit(self, records):
        """One transaction with these records, committed; aborted and sent again on an abortable error."""
        for _ in range(3):
            self.producer.begin_transaction()
            self._produce_all(records)
            try:
                for commit_try in range(3):
                    try:
                        self.producer.commit_transaction(self.timeout)
                        break
                    except KafkaException as error:
                        if error.args[0].retriable() and commit_try < 2:
                            continue
                        raise
                self.transactions["committed"] += 1
                self._count(self.committed, records)
                return
            except KafkaException as error:
                if not error.args[0].txn_requires_abort():
                    raise
                self.producer.abort_transaction(self.timeout)
                self.transactions["retried"] += 1
        raise RuntimeError("a transaction failed three times")

    def abort(self, records):
        """One transaction with these records, on the broker's log, then aborted."""
        self.producer.begin_transaction()
        self._produce_all(records)
        remaining = self.producer.flush(self.timeout)  # abort drops what is still queued in the client
        if remaining:
            raise RuntimeError(f"{remaining} records not delivered before the abort")
        self.producer.abort_transaction(self.timeout)
        self.transactions["aborted"] += 1
        self._count(self.aborted, records)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap", required=True, help="host:port[,...]")
    parser.add_argument("--run-id", required=True, help="makes patient ids and the transactional.id unique")
    parser.add_argument("--patients", type=int, default=20)
    parser.add_argument("--labs", type=int, default=4, help="lab results per patient")
    parser.add_argument("--aborted-patients", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds for each transaction call")
    args = parser.parse_args()
    if args.patients < 1 or args.labs < 0 or args.aborted_patients < 0:
        parser.error("--patients must be at least 1, --labs and --aborted-patients at least 0")

    transactional_id = f"vigil-seed-producer-{args.run_id}"
    try:
        seed = SeedProducer(args.bootstrap, transactional_id, args.timeout)
        patients = [(f"pat-{args.run_id}-{n:04d}", f"{n:04d}") for n in range(1, args.patients + 1)]
        for index, (patient_id, number) in enumerate(patients):
            if index == args.patients // 2 and args.aborted_patients:
                aborted = []
                for n in range(1, args.aborted_patients + 1):
                    aborted += admission(f"pat-{args.run_id}-aborted-{n:02d}", f"aborted-{n:02d}", args.run_id)
                seed.abort(aborted)
            seed.commit(admission(patient_id, number, args.run_id))
        for sequence in range(1, args.labs + 1):
            seed.commit([lab_result(patient_id, number, args.run_id, sequence) for patient_id, number in patients])
        seed.producer.flush(args.timeout)
        if seed.delivery_errors:
            raise RuntimeError("delivery failed: " + "; ".join(seed.delivery_errors[:5]))
    except (KafkaException, RuntimeError) as error:
        print(f"seed_producer: {error}", file=sys.stderr)
        return 1

    print(json.dumps({
        "transactional_id": transactional_id,
        "patients": args.patients,
        "labs_per_patient": args.labs,
        "committed": seed.committed,
        "aborted": seed.aborted,
        "last_offsets": {topic: {str(p): o for p, o in parts.items()} for topic, parts in seed.last_offsets.items()},
        "transactions": seed.transactions,
        "confluent_kafka": confluent_kafka.version()[0],
        "librdkafka": confluent_kafka.libversion()[0],
    }, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
