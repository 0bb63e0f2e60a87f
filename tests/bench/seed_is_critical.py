#!/usr/bin/python3
"""The seed article's critical-value logic, as the peer that bench_pipeline measures Vigil against.

A confluent-kafka consumer reads a topic from the beginning to its end, json.loads each value and runs the
seed's naive is_critical check: a dict of LOINC code -> (low, high) compared with valueQuantity.value, no unit
conversion, no status check, no dead letters. Prints one line of JSON with the figures, e.g.
  {"records": 200000, "seconds": 4.1, "records_per_s": 48780, "critical": 1234, "errors": 0}

Run it with Debian's /usr/bin/python3, which has python3-confluent-kafka (the python3 on PATH may not):
  /usr/bin/python3 tests/bench/seed_is_critical.py --bootstrap HOST:PORT [--topic healthcare.labs.results]
"""

import argparse
import json
import os
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition

# The seed's kind of table: near-normal ranges rather than critical limits (see CLINICAL.md). The numbers do
# not change what is measured here, the cost of the seed's way of checking.
CRITICAL_RANGES = {
    "2823-3": (3.5, 5.0),    # potassium, mmol/L
    "2951-2": (135, 145),    # sodium, mmol/L
    "2345-7": (70, 100),     # glucose, mg/dL
    "2160-0": (0.6, 1.2),    # creatinine, mg/dL
}


def is_critical(observation):
    try:
        code = observation["code"]["coding"][0]["code"]
        value = observation["valueQuantity"]["value"]
    except (KeyError, IndexError, TypeError):
        return False
    if code not in CRITICAL_RANGES:
        return False
    low, high = CRITICAL_RANGES[code]
    return value < low or value > high


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", default="healthcare.labs.results")
    parser.add_argument("--timeout", type=float, default=120.0, help="give up after this many seconds")
    args = parser.parse_args()

    started = time.perf_counter()
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": "seed-is-critical-%d" % os.getpid(),
        "enable.auto.commit": False,
        "enable.partition.eof": True,
    })
    metadata = consumer.list_topics(args.topic, timeout=10)
    topic = metadata.topics.get(args.topic)
    if topic is None or topic.error is not None or not topic.partitions:
        print("no such topic: %s" % args.topic, file=sys.stderr)
        return 1
    partitions = sorted(topic.partitions)
    consumer.assign([TopicPartition(args.topic, p, OFFSET_BEGINNING) for p in partitions])

    pending = set(partitions)
    records = critical = errors = 0
    deadline = started + args.timeout
    while pending and time.perf_counter() < deadline:
        message = consumer.poll(1.0)
        if message is None:
            continue
        if message.error():
            if message.error().code() == KafkaError._PARTITION_EOF:
                pending.discard(message.partition())
            else:
                errors += 1
            continue
        records += 1
        event = json.loads(message.value())
        resource = event.get("fhir_resource", event)  # the seed envelope, or a bare FHIR resource
        if resource.get("resourceType") == "Observation" and is_critical(resource):
            critical += 1
    elapsed = time.perf_counter() - started
    consumer.close()

    print(json.dumps({
        "records": records,
        "seconds": round(elapsed, 3),
        "records_per_s": round(records / elapsed) if elapsed > 0 else 0,
        "critical": critical,
        "errors": errors,
        "complete": not pending,
    }))
    return 0 if not pending else 2


if __name__ == "__main__":
    sys.exit(main())
