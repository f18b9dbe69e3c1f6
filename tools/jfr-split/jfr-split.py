#!/usr/bin/env python3
"""Where a bench process's CPU goes, per window: CPU per operation and its split by side.

Usage: tools/jfr-split/jfr-split.py RECORDING.jfr NAME:FROM:TO:OPS_PER_SECOND ...
  FROM and TO are seconds since the recording started (bin/bench prints its own clock, which
  starts with the JVM); OPS_PER_SECOND is the window's requests (or loads, or pages) per second
  from the bench's report. Needs the JDK's `jfr` tool (JAVA_HOME or PATH) and a recording made
  with FACTUM_BENCH_JVM_OPTS="-XX:StartFlightRecording=filename=...,settings=profile".

CPU per operation is the JVM's user + system time (jdk.CPULoad, times the machine's cores)
divided by the operations per second. The user part is split as the jdk.ExecutionSample stacks
of the window are: client (a dev.factum.client or load-generator frame, no server frame), server
(a dev.factum.server or sun.net.httpserver frame), engine (store frames only), other. Kernel time
is not split. See docs/BENCHMARKS.md, "Where the time goes over HTTP".
"""
import collections
import datetime
import json
import os
import subprocess
import sys


def events(recording, kinds):
    jfr = os.path.join(os.environ["JAVA_HOME"], "bin", "jfr") if "JAVA_HOME" in os.environ else "jfr"
    out = subprocess.run(
        [jfr, "print", "--json", "--stack-depth", "64", "--events", kinds, recording],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out)["recording"]["events"]


def at(event):
    return datetime.datetime.fromisoformat(event["values"]["startTime"].replace("Z", "+00:00"))


def side(event):
    frames = (event["values"].get("stackTrace") or {}).get("frames", [])
    names = " ".join(f["method"]["type"]["name"].replace("/", ".") for f in frames)
    server = "dev.factum.server" in names or "sun.net.httpserver" in names
    if "dev.factum.client" in names or ("dev.factum.bench" in names and not server):
        return "client"
    if server:
        return "server"
    if any(p in names for p in ("dev.factum.engine", "dev.factum.storage", "org.rocksdb")):
        return "engine"
    return "other"


def main():
    recording, windows = sys.argv[1], sys.argv[2:]
    cpu = events(recording, "jdk.CPULoad")
    samples = events(recording, "jdk.ExecutionSample")
    start = min(at(e) for e in cpu + samples)
    cores = os.cpu_count()
    print("| window | ops/s | CPU µs per op | user: server | client | engine | other | kernel |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for window in windows:
        name, lo, hi, rate = window.split(":")
        lo, hi, rate = float(lo), float(hi), float(rate)
        inside = [e for e in cpu if lo <= (at(e) - start).total_seconds() <= hi]
        if not inside:
            print(f"| {name} | no jdk.CPULoad event in the window |")
            continue
        user = cores * sum(e["values"]["jvmUser"] for e in inside) / len(inside)
        kernel = cores * sum(e["values"]["jvmSystem"] for e in inside) / len(inside)
        sides = collections.Counter(
            side(e) for e in samples if lo <= (at(e) - start).total_seconds() <= hi)
        total = sum(sides.values()) or 1
        per_op = 1e6 / rate
        split = [user * per_op * sides[s] / total for s in ("server", "client", "engine", "other")]
        print(f"| {name} | {rate:,.0f} | {(user + kernel) * per_op:,.0f} | "
              + " | ".join(f"{v:,.0f}" for v in split) + f" | {kernel * per_op:,.0f} |")


if __name__ == "__main__":
    main()
