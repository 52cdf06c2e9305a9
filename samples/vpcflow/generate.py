#!/usr/bin/env python3
"""Writes the demo's sample VPC flow logs (deterministic: run it again and the files are identical).

Two days of traffic for six network interfaces in one VPC:
  flows-2026-11-01.log      the default v2 format, no header (as CloudWatch Logs delivers it),
                            plus one NODATA line and one malformed line;
  flows-2026-11-02.log.gz   gzip with a header line naming a custom format (v2 fields plus v3/v5 ones),
                            as VPC Flow Logs delivers files to S3.
expected.properties says how many documents each daily index must get and how many dead letters.
"""
import gzip
import io
import random
from datetime import datetime, timezone

rng = random.Random(20261101)
ACCOUNT = "123456789012"
VPC = "vpc-0a1b2c3d4e5f60718"
ENIS = [  # interface, private address, subnet, instance
    ("eni-0a11a11a11a11a11a", "10.0.1.10", "subnet-0a1b2c3d4e5f60001", "i-0aa1aa1aa1aa1aa1a"),  # web
    ("eni-0b22b22b22b22b22b", "10.0.1.11", "subnet-0a1b2c3d4e5f60001", "i-0bb2bb2bb2bb2bb2b"),  # web
    ("eni-0c33c33c33c33c33c", "10.0.2.20", "subnet-0a1b2c3d4e5f60002", "i-0cc3cc3cc3cc3cc3c"),  # app
    ("eni-0d44d44d44d44d44d", "10.0.3.30", "subnet-0a1b2c3d4e5f60003", "i-0dd4dd4dd4dd4dd4d"),  # database
    ("eni-0e55e55e55e55e55e", "10.0.0.5", "subnet-0a1b2c3d4e5f60000", "i-0ee5ee5ee5ee5ee5e"),   # bastion
    ("eni-0f66f66f66f66f66f", "10.0.0.6", "subnet-0a1b2c3d4e5f60000", "-"),                     # NAT gateway
]
CLIENTS = ["54.239.28.85", "52.95.110.1", "34.117.59.81", "151.101.1.69", "104.16.132.229", "23.32.5.10",
           "81.2.69.142", "89.160.20.112", "2.125.160.216", "175.16.199.1"]
SCANNERS = ["185.220.101.4", "45.155.205.233", "193.32.162.157", "92.63.197.153", "218.92.0.107", "61.177.172.13"]
SERVICES = ["52.94.133.131", "52.216.8.3", "54.231.0.10", "3.5.140.2"]  # AWS service endpoints


def day_start(day):
    return int(datetime(2026, 11, day, tzinfo=timezone.utc).timestamp())


def flow(day):
    """One flow: (eni, src, dst, srcport, dstport, protocol, packets, bytes, start, end, action, tcp flags, direction)."""
    start = day_start(day) + rng.randrange(0, 86400 - 120)
    end = start + rng.randrange(5, 60)
    kind = rng.random()
    if kind < 0.40:  # public clients to the web servers
        eni = rng.choice(ENIS[:2])
        return (eni, rng.choice(CLIENTS), eni[1], rng.randrange(32768, 61000), rng.choice([443, 443, 443, 80]), 6,
                rng.randrange(4, 60), rng.randrange(400, 90000), start, end, "ACCEPT", 19, "ingress")
    if kind < 0.60:  # scanners knocking on closed ports
        eni = rng.choice(ENIS)
        return (eni, rng.choice(SCANNERS), eni[1], rng.randrange(1024, 65535), rng.choice([22, 23, 445, 3389, 1433, 5900]), 6,
                1, 40 + rng.randrange(0, 20), start, end, "REJECT", 2, "ingress")
    if kind < 0.80:  # app to database
        return (ENIS[3], ENIS[2][1], ENIS[3][1], rng.randrange(32768, 61000), 5432, 6,
                rng.randrange(10, 400), rng.randrange(2000, 600000), start, end, "ACCEPT", 27, "ingress")
    if kind < 0.95:  # outbound to AWS services through the NAT gateway
        return (ENIS[5], ENIS[2][1], rng.choice(SERVICES), rng.randrange(32768, 61000), 443, 6,
                rng.randrange(10, 300), rng.randrange(3000, 900000), start, end, "ACCEPT", 19, "egress")
    # DNS from the bastion
    return (ENIS[4], ENIS[4][1], "10.0.0.2", rng.randrange(32768, 61000), 53, 17, 2, rng.randrange(120, 300),
            start, end, "ACCEPT", 0, "egress")


def v2(f):
    eni, src, dst, sport, dport, proto, packets, nbytes, start, end, action, _, _ = f
    return f"2 {ACCOUNT} {eni[0]} {src} {dst} {sport} {dport} {proto} {packets} {nbytes} {start} {end} {action} OK"


CUSTOM = ("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action "
          "log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr flow-direction")


def custom(f):
    eni, src, dst, sport, dport, proto, packets, nbytes, start, end, action, flags, direction = f
    return (f"5 {ACCOUNT} {eni[0]} {src} {dst} {sport} {dport} {proto} {packets} {nbytes} {start} {end} {action} OK "
            f"{VPC} {eni[2]} {eni[3]} {flags} IPv4 {src} {dst} {direction}")


def main():
    day1 = sorted((flow(1) for _ in range(1500)), key=lambda f: f[8])
    lines = [v2(f) for f in day1]
    lines.insert(700, f"2 {ACCOUNT} {ENIS[4][0]} - - - - - - - {day_start(1) + 43200} {day_start(1) + 43260} - NODATA")
    lines.insert(1200, f"2 {ACCOUNT} {ENIS[0][0]} 10.0.1.10 this-line-was-cut-short")
    with open("flows-2026-11-01.log", "w") as out:
        out.write("\n".join(lines) + "\n")

    day2 = sorted((flow(2) for _ in range(1500)), key=lambda f: f[8])
    text = CUSTOM + "\n" + "\n".join(custom(f) for f in day2) + "\n"
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as gz:
        gz.write(text.encode())
    with open("flows-2026-11-02.log.gz", "wb") as out:
        out.write(buffer.getvalue())

    with open("expected.properties", "w") as out:
        out.write("# Written by generate.py: what the demo must find after replaying the files of this folder.\n")
        out.write("index.cwl-vpcflow-2026.11.01=1501\n")  # 1500 flows and the NODATA record
        out.write("index.cwl-vpcflow-2026.11.02=1500\n")
        out.write("dead_letters=1\n")  # the malformed line


if __name__ == "__main__":
    main()
