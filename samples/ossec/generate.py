#!/usr/bin/env python3
"""Writes the demo's HIDS alerts (deterministic: run it again and the files are identical).

The seed's HIDS set-up (seed 003, OSSEC HIDS through CloudWatch Logs): two EC2 instances run OSSEC, whose
alerts.json lines the CloudWatch Logs agent sends to one log group, one log stream per instance (named by its
instance id); a subscription delivers them. The simulated alerts are the seed's seven kinds (sudo to ROOT, web
server 400 error code, SSH insecure connection attempt, login session opened and closed, Yum package installed
and deleted), with the instance's own local address as srcip, as in the seed.

alerts-cwl.json.gz: what a subscription delivers, as Firehose writes it to S3: each payload gzipped on its own
and the members back to back. A CONTROL_MESSAGE first (the health check, no data), then DATA_MESSAGEs of up to
ten log events of one stream each. One event of the second instance holds a cut-off alert line: the Streams app
dead-letters it (dlq.ossec). expected.properties says what the demo must find.
"""
import gzip
import json
import random
from datetime import datetime, timedelta, timezone

rng = random.Random(20261105)
START = datetime(2026, 11, 5, 8, 0, 0, tzinfo=timezone.utc)
LOG_GROUP = "ossec-hids-alerts"
OWNER = "123456789012"
# the seed's example instance (its query filters on it), and a second one; each with its local address
INSTANCES = [("i-0e427a8594852eca2", "10.10.10.10"), ("i-0c71a2b3c4d5e6f70", "10.10.20.20")]
PER_INSTANCE = 60
BATCH = 10
SEED_QUERY = 'rule.level: 6 AND @log_stream: "i-0e427a8594852eca2" AND srcip: 10.10.10.10'


def syslog_time(at):
    return at.strftime("%b ") + ("%2d" % at.day) + at.strftime(" %H:%M:%S")


def alert(kind, at, host, ip, seq):
    """One OSSEC 2.x alerts.json object of the given kind."""
    h = "ip-" + ip.replace(".", "-")
    base = {"TimeStamp": int(at.timestamp() * 1000), "id": "%d.%d" % (int(at.timestamp()), 1000 + seq), "hostname": h}
    if kind == "sudo":
        rule = (5402, 3, "Successful sudo to ROOT executed", "syslog,sudo,")
        base.update(location="/var/log/secure", program_name="sudo", decoder="sudo", srcuser="ec2-user", dstuser="root",
                    full_log="%s %s sudo: ec2-user : TTY=pts/0 ; PWD=/home/ec2-user ; USER=root ; COMMAND=/bin/cat /var/log/secure"
                    % (syslog_time(at), h))
    elif kind == "web400":
        rule = (31101, 5, "Web server 400 error code.", "web,accesslog,attack,")
        base.update(location="/var/log/httpd/access_log", decoder="web-accesslog", srcip=ip, url="/admin.php",
                    full_log='%s - - [%s] "GET /admin.php HTTP/1.1" 404 209 "-" "curl/7.53.1"'
                    % (ip, at.strftime("%d/%b/%Y:%H:%M:%S +0000")))
    elif kind == "sshscan":
        rule = (5706, 6, "SSH insecure connection attempt (scan).", "syslog,sshd,recon,")
        base.update(location="/var/log/secure", program_name="sshd", decoder="sshd", srcip=ip,
                    full_log="%s %s sshd[%d]: Did not receive identification string from %s" % (syslog_time(at), h, 2000 + seq, ip))
    elif kind == "opened":
        rule = (5501, 3, "Login session opened.", "pam,syslog,authentication_success,")
        base.update(location="/var/log/secure", program_name="sudo", decoder="pam", dstuser="root",
                    full_log="%s %s sudo: pam_unix(sudo:session): session opened for user root by ec2-user(uid=0)" % (syslog_time(at), h))
    elif kind == "closed":
        rule = (5502, 3, "Login session closed.", "pam,syslog,")
        base.update(location="/var/log/secure", program_name="sudo", decoder="pam", dstuser="root",
                    full_log="%s %s sudo: pam_unix(sudo:session): session closed for user root" % (syslog_time(at), h))
    elif kind == "yum-installed":
        rule = (2932, 7, "New Yum package installed.", "syslog,yum,config_changed,")
        base.update(location="/var/log/yum.log", decoder="yum",
                    full_log="%s Installed: nmap-6.40-7.amzn2.x86_64" % at.strftime("%b %d %H:%M:%S"))
    else:
        rule = (2934, 7, "Yum package deleted.", "syslog,yum,config_changed,")
        base.update(location="/var/log/yum.log", decoder="yum",
                    full_log="%s Erased: nmap-6.40-7.amzn2.x86_64" % at.strftime("%b %d %H:%M:%S"))
    sid, level, comment, group = rule
    doc = {"rule": {"level": level, "comment": comment, "sidid": sid, "group": group}}
    doc.update(base)
    return doc


KINDS = ["sudo", "web400", "sshscan", "opened", "closed", "yum-installed", "yum-deleted"]

events = {stream: [] for stream, _ in INSTANCES}
seed_hits = 0
for n, (stream, ip) in enumerate(INSTANCES):
    at = START + timedelta(seconds=n * 7)
    for seq in range(PER_INSTANCE):
        at += timedelta(seconds=rng.randint(5, 55))
        kind = rng.choice(KINDS)
        a = alert(kind, at, stream, ip, seq)
        if a["rule"]["level"] == 6 and stream == INSTANCES[0][0] and a.get("srcip") == "10.10.10.10":
            seed_hits += 1
        ms = a["TimeStamp"]
        events[stream].append({"id": "%013d%03d%040d" % (ms, n, seq), "timestamp": ms,
                               "message": json.dumps(a, separators=(",", ":"))})
# a line the agent cut off: valid as a log event, not as an alert
last = events[INSTANCES[1][0]][-1]
cut_ms = last["timestamp"] + 1000
events[INSTANCES[1][0]].append({"id": "%013d%03d%040d" % (cut_ms, 1, PER_INSTANCE), "timestamp": cut_ms,
                                "message": '{"rule":{"level":5,"comment":"Web server 400 error code.","sidid":31101,"gro'})

payloads = [{"messageType": "CONTROL_MESSAGE", "owner": "CloudwatchLogs", "logGroup": "", "logStream": "",
             "subscriptionFilters": [], "logEvents": [{"id": "", "timestamp": int(START.timestamp() * 1000),
                                                       "message": "CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}]
batches = []
for stream, _ in INSTANCES:
    evs = events[stream]
    for i in range(0, len(evs), BATCH):
        batches.append((evs[i]["timestamp"], stream, evs[i:i + BATCH]))
for _, stream, evs in sorted(batches):
    payloads.append({"messageType": "DATA_MESSAGE", "owner": OWNER, "logGroup": LOG_GROUP, "logStream": stream,
                     "subscriptionFilters": ["hids-to-secpipe"], "logEvents": evs})

with open("alerts-cwl.json.gz", "wb") as out:
    for p in payloads:
        out.write(gzip.compress(json.dumps(p, separators=(",", ":")).encode(), compresslevel=9, mtime=0))

with open("expected.properties", "w") as out:
    out.write("# Written by generate.py: what the demo must find after replaying alerts-cwl.json.gz.\n")
    out.write("index.cwl-ossec-%s=%d\n" % (START.strftime("%Y.%m.%d"), PER_INSTANCE * len(INSTANCES)))
    for stream, _ in INSTANCES:
        out.write("log_stream.%s=%d\n" % (stream, PER_INSTANCE))
    out.write("log_group=%s\n" % LOG_GROUP)
    out.write("owner=%s\n" % OWNER)
    out.write("dead_letters=1\n")
    out.write("dead_letters.dlq.ossec=1\n")
    out.write("seed.query=%s\n" % SEED_QUERY)
    out.write("seed.query.hits=%d\n" % seed_hits)
