#!/usr/bin/env python3
"""Times `fencectl fence` (issue 4): plan resolution in a 5,000-node CIB,
and the overhead of running fence_dummy through fencectl.

Medians of 30 runs each; warm caches (fencectl's metadata cache filled,
page cache warm: every command runs once before timing).

Usage: scripts/bench_fence.py [--runs N] [--fencectl PATH]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def median_seconds(argv, env, runs, stdin=None):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def big_cib(path, nodes):
    with open(path, "w") as out:
        out.write('<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">\n')
        out.write("<configuration><crm_config/><nodes>\n")
        for n in range(1, nodes + 1):
            out.write(f'<node id="{n}" uname="node{n}"/>\n')
        out.write("</nodes><resources>\n")
        for n in range(1, nodes + 1):
            out.write(
                f'<primitive id="fence-node{n}" class="stonith" type="fence_dummy">'
                f'<instance_attributes id="fence-node{n}-instance_attributes">'
                f'<nvpair id="fence-node{n}-instance_attributes-pcmk_host_list" name="pcmk_host_list" value="node{n}"/>'
                f'<nvpair id="fence-node{n}-instance_attributes-status_file" name="status_file" value="/tmp/fencectl-bench-{n}"/>'
                "</instance_attributes></primitive>\n"
            )
        out.write("</resources><constraints/></configuration><status/></cib>\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--fencectl", default="target/release/fencectl")
    args = parser.parse_args()
    if not os.path.exists(args.fencectl):
        subprocess.run(["cargo", "build", "--release", "--quiet"], check=True)
    fencectl = os.path.abspath(args.fencectl)
    work = tempfile.mkdtemp(prefix="fencectl-bench-fence-")
    env = dict(os.environ, FENCECTL_CACHE_DIR=os.path.join(work, "cache"), FENCECTL_LOG_FILE=os.path.join(work, "fence.log"),
               FENCECTL_LOCK_DIR=os.path.join(work, "locks"), NO_COLOR="1")
    env.pop("FENCECTL_AGENT_PATH", None)
    ok = True
    print(f"{os.cpu_count()} cores; medians of {args.runs} runs; warm caches")

    cib = os.path.join(work, "cib.xml")
    big_cib(cib, 5000)
    plan = [fencectl, "fence", "node4999", "--cib", cib, "--dry-run", "--offline", "--format", "json"]
    subprocess.run(plan, env=env, stdout=subprocess.DEVNULL, check=True)
    seconds = median_seconds(plan, env, args.runs)
    verdict = seconds < 0.100
    ok &= verdict
    print(f"plan for one node in a 5,000-node, 5,000-device CIB (static host lists): {seconds * 1000:.1f} ms; "
          f"target < 100 ms; ratio to target {seconds / 0.100:.2f}  {'ok' if verdict else 'MISSED'}")

    status_file = os.path.join(work, "dummy.status")
    conf = os.path.join(work, "cluster.conf")
    with open(conf, "w") as out:
        out.write(f'<cluster name="b" config_version="1"><fencedevices><fencedevice name="d" agent="fence_dummy" '
                  f'type="file" status_file="{status_file}"/></fencedevices><clusternodes><clusternode name="node1" nodeid="1">'
                  '<fence><method name="1"><device name="d" action="status"/></method></fence></clusternode></clusternodes></cluster>\n')
    with open(status_file, "w") as out:
        out.write("on")
    stdin = f"action=status\nnodename=node1\nagent=fence_dummy\ntype=file\nstatus_file={status_file}\n".encode()
    through = [fencectl, "fence", "node1", "--config", conf]
    subprocess.run(through, env=env, stdout=subprocess.DEVNULL, check=True)
    ours = median_seconds(through, env, args.runs)
    direct = median_seconds(["/usr/sbin/fence_dummy"], env, args.runs, stdin=stdin)
    overhead = ours - direct
    verdict = overhead < 0.005
    ok &= verdict
    print(f"fence_dummy through fencectl {ours * 1000:.1f} ms vs directly with the same stdin {direct * 1000:.1f} ms: "
          f"overhead {overhead * 1000:.1f} ms (ratio {ours / direct:.3f}); target < 5 ms  {'ok' if verdict else 'MISSED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
