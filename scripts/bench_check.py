#!/usr/bin/env python3
"""Benchmark of `fencectl check` (issue 13).

1. Probes: a 3-node cluster with 2 levels of 2 devices each (12 physical
   devices, distinct addresses), every probe (monitor, list, status) taking
   1 s. The parallel check (default --jobs 16) is compared with the longest
   per-device probe sequence (3 s) and with a serial check (--jobs 1, what
   RHEL 6's fence_check did). Target: wall time <= 1.3x the longest sequence.
2. Lint only (--offline) on a 1,000-node CIB (one IPMI device and one
   level per node). Target: under 100 ms.

Medians of RUNS runs; build with `cargo build --release` first (the script
uses target/release/fencectl when it exists, else target/debug). Speed is
not asserted by the tests; this script prints the ratios.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 5
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RECORDER = os.path.join(ROOT, "tests/fixtures/agents/fence_fctest_recorder")


def binary():
    for profile in ("release", "debug"):
        path = os.path.join(ROOT, "target", profile, "fencectl")
        if os.path.exists(path):
            return path
    sys.exit("build fencectl first: cargo build --release")


def one_second_agent(directory):
    """fence_fctest_recorder's metadata; every action takes 1 s and succeeds."""
    path = os.path.join(directory, "fence_fctest_recorder")
    with open(path, "w") as f:
        f.write(f"""#!/bin/sh
if [ "$1" = "-o" ]; then exec '{RECORDER}' "$@"; fi
plug=
while IFS= read -r line; do case "$line" in port=*) plug=${{line#port=}} ;; esac; done
sleep 1
echo "$plug,$plug"
exit 0
""")
    os.chmod(path, 0o755)


def nvpairs(rid, pairs):
    return "".join(f'<nvpair id="{rid}-{k}" name="{k}" value="{v}"/>' for k, v in pairs)


def probe_cib(path):
    resources, levels, nodes = [], [], []
    n = 0
    for node in ("node1", "node2", "node3"):
        nodes.append(f'<node id="{len(nodes) + 1}" uname="{node}"/>')
        for level in (1, 2):
            ids = []
            for d in (1, 2):
                n += 1
                rid = f"{node}-l{level}-d{d}"
                ids.append(rid)
                resources.append(f'<primitive id="{rid}" class="stonith" type="fence_fctest_recorder">'
                                 f'<instance_attributes id="{rid}-ia">'
                                 + nvpairs(rid, [("ip", f"192.0.2.{n}"), ("pcmk_host_list", node)])
                                 + '</instance_attributes></primitive>')
            levels.append(f'<fencing-level id="fl-{node}-{level}" index="{level}" target="{node}" devices="{",".join(ids)}"/>')
    write_cib(path, nodes, resources, levels)


def big_cib(path, count):
    nodes, resources, levels = [], [], []
    for i in range(1, count + 1):
        node = f"node{i}"
        nodes.append(f'<node id="{i}" uname="{node}"/>')
        rid = f"ipmi{i}"
        resources.append(f'<primitive id="{rid}" class="stonith" type="fence_ipmilan">'
                         f'<instance_attributes id="{rid}-ia">'
                         + nvpairs(rid, [("ip", f"10.{i // 65536}.{i // 256 % 256}.{i % 256}"), ("username", "admin"),
                                         ("password_script", "/usr/local/sbin/pass"), ("pcmk_host_list", node)])
                         + '</instance_attributes></primitive>')
        levels.append(f'<fencing-level id="fl-{node}" index="1" target="{node}" devices="{rid}"/>')
    write_cib(path, nodes, resources, levels)


def write_cib(path, nodes, resources, levels):
    with open(path, "w") as f:
        f.write('<cib><configuration><crm_config/><nodes>' + "".join(nodes) + '</nodes><resources>'
                + "".join(resources) + '</resources><constraints/><fencing-topology>' + "".join(levels)
                + '</fencing-topology></configuration><status/></cib>')


def timed(cmd, env):
    start = time.monotonic()
    out = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.monotonic() - start
    if out.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}): {out.stderr.decode()}")
    return elapsed


def median(cmd, env, runs=RUNS):
    return statistics.median(timed(cmd, env) for _ in range(runs))


def main():
    fencectl = binary()
    tmp = tempfile.mkdtemp(prefix="bench-check-")
    try:
        agents = os.path.join(tmp, "agents")
        os.mkdir(agents)
        one_second_agent(agents)
        env = dict(os.environ, FENCECTL_AGENT_PATH=f"{agents}:/usr/sbin", FENCECTL_CACHE_DIR=os.path.join(tmp, "cache"),
                   HOME=tmp, FENCECTL_LOCK_DIR=os.path.join(tmp, "locks"), FENCECTL_LOG_FILE=os.path.join(tmp, "log"))
        cib = os.path.join(tmp, "probe.xml")
        probe_cib(cib)
        subprocess.run([fencectl, "check", "--offline", "--cib", cib], env=env, stdout=subprocess.DEVNULL)  # warm the cache
        longest = 3.0  # monitor + list + status, 1 s each, per device
        parallel = median([fencectl, "check", "--cib", cib], env, runs=3)
        serial = median([fencectl, "check", "--jobs", "1", "--cib", cib], env, runs=1)
        print(f"conditions: {fencectl}, {os.cpu_count()} CPUs, 12 devices x 3 probes of 1 s, medians")
        print(f"probes: parallel {parallel:.2f} s, serial (--jobs 1, as fence_check) {serial:.2f} s, "
              f"longest per-device sequence {longest:.1f} s")
        print(f"probes: parallel / longest = {parallel / longest:.2f} (target <= 1.30); "
              f"serial / parallel = {serial / parallel:.1f}x")
        big = os.path.join(tmp, "big.xml")
        big_cib(big, 1000)
        subprocess.run([fencectl, "check", "--offline", "--cib", big], env=env, stdout=subprocess.DEVNULL)
        lint = median([fencectl, "check", "--offline", "--format", "json", "--cib", big], env)
        print(f"lint: 1,000-node CIB --offline {lint * 1000:.0f} ms (target < 100 ms)")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
