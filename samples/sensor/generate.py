#!/usr/bin/env python3
"""Writes the demo's sensor readings (deterministic: run it again and the file is identical).

readings.jsonl: one reading a second from one sensor for 2000 seconds, as the Kinesis Data Analytics
RANDOM_CUT_FOREST example made them: values 10-20, and 1% of readings 100-120 (the anomalies the demo
must find). expected.properties says how many readings there are and which were injected.
"""
import json
import random
from datetime import datetime, timedelta, timezone

rng = random.Random(20261103)
START = datetime(2026, 11, 3, 0, 0, 0, tzinfo=timezone.utc)
COUNT = 2000

injected = []
with open("readings.jsonl", "w") as out:
    for i in range(COUNT):
        at = (START + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        spike = rng.random() < 0.01
        value = round(100 + 20 * rng.random() if spike else 10 + 10 * rng.random(), 2)
        if spike:
            injected.append(at)
        out.write(json.dumps({"sensor_id": "sensor-1", "value": value, "timestamp": at}, separators=(",", ":")) + "\n")

with open("expected.properties", "w") as out:
    out.write("# Written by generate.py: what the demo must find after replaying readings.jsonl.\n")
    out.write("readings=%d\n" % COUNT)
    out.write("injected=%s\n" % ",".join(injected))
