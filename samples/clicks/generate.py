#!/usr/bin/env python3
"""Writes the demo's clickstream sample (deterministic: run it again and the files are identical).

users.csv     ref.users: user_id,gender,segment_id for 200 users; every tenth user is missing (they count as
              gender and segment "unknown"), u-7 has no gender, and one row is malformed (a dead letter).
clicks.jsonl  9 minutes 40 seconds of events, ten a second, {"article_id","user_id","action","timestamp"}: an
              impression, or a click about one time in ten; plus one line that is not JSON (a dead letter).

expected.properties: what the demo must find in clicks-minute-* once the stream time (the last events, at
10:09:39) has closed the windows whose end plus the 2-minute grace has passed: those of 10:00 to 10:06. The
windows of 10:07 on stay open, as they would until more events came.
"""
import json
import random
from collections import defaultdict
from datetime import datetime, timedelta, timezone

rng = random.Random(20261104)
START = datetime(2026, 11, 4, 10, 0, 0, tzinfo=timezone.utc)
EVENTS = 5800  # 580 s at ten a second
USERS = 200
ARTICLES = 30
GRACE_S = 120

users = {}
with open("users.csv", "w") as out:
    out.write("user_id,gender,segment_id\n")
    for u in range(1, USERS + 1):
        if u % 10 == 0:
            continue
        gender = "" if u == 7 else rng.choice(["f", "m", "x"])
        segment = "s-%d" % rng.randint(1, 4)
        users["u-%d" % u] = (gender or "unknown", segment)
        out.write("u-%d,%s,%s\n" % (u, gender, segment))
        if u == 51:
            out.write("u-bad,f\n")  # two columns where the header has three

windows = defaultdict(lambda: [0, 0])
max_ms = 0
with open("clicks.jsonl", "w") as out:
    for i in range(EVENTS):
        at = START + timedelta(milliseconds=100 * i)
        r = rng.random()
        article = "a-%d" % (1 + int(r * r * ARTICLES))
        user = "u-%d" % rng.randint(1, USERS)
        click = rng.random() < 0.1
        stamp = at.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (at.microsecond // 1000)
        out.write(json.dumps({"article_id": article, "user_id": user, "action": "click" if click else "impression",
                              "timestamp": stamp}, separators=(",", ":")) + "\n")
        if i == 1000:
            out.write('{"article_id":"a-1","user_id":\n')
        gender, segment = users.get(user, ("unknown", "unknown"))
        ms = int(at.timestamp() * 1000)
        max_ms = max(max_ms, ms)
        window = ms - ms % 60000
        windows[(gender, segment, article, window)][1 if click else 0] += 1

closed = {k: v for k, v in windows.items() if k[3] + 60000 + GRACE_S * 1000 <= max_ms}
day = START.strftime("%Y.%m.%d")
with open("expected.properties", "w") as out:
    out.write("# Written by generate.py: what the demo must find after replaying users.csv and clicks.jsonl.\n")
    out.write("users=%d\n" % len(users))
    out.write("users.dead_letters=1\n")
    out.write("events=%d\n" % EVENTS)
    out.write("events.dead_letters=1\n")
    out.write("index.clicks-minute-%s=%d\n" % (day, len(closed)))
    out.write("impressions=%d\n" % sum(v[0] for v in closed.values()))
    out.write("clicks=%d\n" % sum(v[1] for v in closed.values()))
    out.write("unknown.impressions=%d\n" % sum(v[0] for k, v in closed.items() if k[0] == "unknown"))
    out.write("closed.windows=%s\n" % ",".join(sorted({datetime.fromtimestamp(k[3] / 1000, timezone.utc)
                                                         .strftime("%H:%M") for k in closed})))
