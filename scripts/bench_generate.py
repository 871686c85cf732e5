#!/usr/bin/env python3
"""Times `fencectl generate` (issue 3): a 1,000-node, 1,000-device
inventory must generate in under 100 ms, and 10,000 nodes in at most 12x
the time of 1,000 (no worse than linear, give or take).

Medians of several runs; warm caches (fencectl's metadata cache filled,
page cache warm). Both formats are timed; each device is an IPMI device
fencing its node, each node has one fencing level.

Usage: scripts/bench_generate.py [--runs N] [--fencectl PATH]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def inventory(path, nodes):
    with open(path, "w") as out:
        out.write('[cluster]\nname = "bench"\n\n')
        for n in range(1, nodes + 1):
            out.write(f'[[node]]\nname = "node{n}"\nnodeid = {n}\n\n')
        for n in range(1, nodes + 1):
            out.write(
                f'[[device]]\nid = "ipmi-node{n}"\nagent = "fence_ipmilan"\n'
                f'params = {{ ip = "10.{n // 65536}.{n // 256 % 256}.{n % 256}", username = "admin", password = "secret", lanplus = true }}\n'
                f'hosts = ["node{n}"]\n\n'
            )
        for n in range(1, nodes + 1):
            out.write(f'[[fencing]]\ntarget = "node{n}"\nlevels = [["ipmi-node{n}"]]\n\n')


def median_seconds(argv, env, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
        if result.returncode != 0:
            sys.exit(f"{' '.join(argv)} failed")
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--fencectl", default="target/release/fencectl")
    args = parser.parse_args()
    if not os.path.exists(args.fencectl):
        subprocess.run(["cargo", "build", "--release", "--quiet"], check=True)
    fencectl = os.path.abspath(args.fencectl)
    work = tempfile.mkdtemp(prefix="fencectl-bench-generate-")
    env = dict(os.environ, FENCECTL_CACHE_DIR=os.path.join(work, "cache"), NO_COLOR="1")
    env.pop("FENCECTL_AGENT_PATH", None)
    print(f"{os.cpu_count()} cores; medians of {args.runs} runs; warm caches")
    ok = True
    for fmt in ["cib", "cluster-conf"]:
        times = {}
        for nodes in [1000, 10000]:
            path = os.path.join(work, f"inventory-{nodes}.toml")
            if not os.path.exists(path):
                inventory(path, nodes)
            argv = [fencectl, "-q", "generate", fmt, path]
            subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
            times[nodes] = median_seconds(argv, env, args.runs if nodes == 1000 else max(3, args.runs // 3))
        small, large = times[1000], times[10000]
        fast = small < 0.100
        linear = large <= 12 * small
        ok &= fast and linear
        print(f"generate {fmt}: 1,000 nodes {small * 1000:.1f} ms (target < 100 ms, ratio to target {small / 0.1:.2f}) "
              f"{'ok' if fast else 'MISSED'}; 10,000 nodes {large * 1000:.1f} ms = {large / small:.1f}x (target <= 12x) "
              f"{'ok' if linear else 'MISSED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
