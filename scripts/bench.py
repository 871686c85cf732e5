#!/usr/bin/env python3
"""Times fencectl against its peers in one run and prints the ratios.

Each command runs several times; the median wall-clock time is compared.
Caches: "warm" means fencectl's metadata cache is filled and the OS page
cache is warm (every command ran once before timing); "cold" means
fencectl's cache is bypassed with --refresh, so every agent is started
(the OS page cache is still warm, as it is for the peer).

Usage: scripts/bench.py [--runs N] [--fencectl PATH]
"""

import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def timed(argv, env, runs):
    """Median seconds of `runs` runs of argv (output discarded)."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def timed_pair(ours, theirs, env, runs):
    """Medians of `runs` runs of each argv, the two alternating, so that a
    change in the machine's load falls on both sides alike. Which one goes
    first swaps every round (ours, theirs, theirs, ours, ...): on this VM the
    first of a pair runs measurably slower."""
    a, b = [], []
    for i in range(runs):
        if i % 2 == 0:
            a.append(timed(ours, env, 1))
            b.append(timed(theirs, env, 1))
        else:
            b.append(timed(theirs, env, 1))
            a.append(timed(ours, env, 1))
    return statistics.median(a), statistics.median(b)


def timed_shell(script, env, runs):
    return timed(["/bin/sh", "-c", script], env, runs)


def report(title, ours, theirs, target):
    ratio = ours / theirs
    verdict = "ok" if target(ratio) else "MISSED"
    print(f"{title}\n    fencectl {ours * 1000:9.1f} ms   peer {theirs * 1000:9.1f} ms   ratio {ratio:6.3f}   {verdict}")
    return target(ratio)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--fencectl", default="target/release/fencectl")
    args = parser.parse_args()
    if not os.path.exists(args.fencectl):
        subprocess.run(["cargo", "build", "--release", "--quiet"], check=True)
    fencectl = os.path.abspath(args.fencectl)
    agents = sorted(glob.glob("/usr/sbin/fence_*"))
    if not agents or not shutil.which("stonith_admin"):
        sys.exit("needs fence-agents and pacemaker-cli-utils: apt-get install fence-agents pacemaker-cli-utils")

    cache = tempfile.mkdtemp(prefix="fencectl-bench-")
    env = dict(os.environ, FENCECTL_CACHE_DIR=cache, NO_COLOR="1")
    env.pop("FENCECTL_AGENT_PATH", None)
    runs = args.runs
    print(f"fencectl {fencectl}; {len(agents)} agents in /usr/sbin; {os.cpu_count()} cores; medians of {runs} runs")
    print(hot_symbols_current(fencectl))
    ok = True

    # Warm everything once: fencectl's cache and the page cache.
    subprocess.run([fencectl, "list-installed"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([fencectl, "metadata", "-a", "fence_ipmilan"], env=env, stdout=subprocess.DEVNULL)

    ours, theirs = timed_pair([fencectl, "list-installed"], ["stonith_admin", "--list-installed"], env, max(runs, 101))
    ok &= report("list-installed with descriptions (warm cache) vs stonith_admin --list-installed (names only), runs alternating; target <= 0.35",
                 ours, theirs, lambda r: r <= 0.35)

    if shutil.which("pcs"):
        pcs = timed(["pcs", "stonith", "list"], env, max(3, runs // 3))
        ok &= report("list-installed (warm) vs pcs stonith list; target <= 0.01", ours, pcs, lambda r: r <= 0.01)
    else:
        print("list-installed vs pcs stonith list: pcs is not installed (apt-get install pcs to compare); not measured")

    cold_runs = max(3, runs // 3)
    ours = timed([fencectl, "list-installed", "--refresh"], env, cold_runs)
    sequential = "for a in /usr/sbin/fence_*; do \"$a\" -o metadata >/dev/null 2>&1 </dev/null; done"
    theirs = timed_shell(sequential, env, cold_runs)
    ok &= report(f"list-installed --refresh (cold: every agent run) vs every agent's metadata one after another; target <= 0.6 (medians of {cold_runs})",
                 ours, theirs, lambda r: r <= 0.6)

    ours, theirs = timed_pair([fencectl, "metadata", "-a", "fence_ipmilan"],
                              ["stonith_admin", "--metadata", "-a", "fence_ipmilan"], env, runs)
    ok &= report("metadata -a fence_ipmilan (warm cache) vs stonith_admin --metadata -a fence_ipmilan; target <= 0.2",
                 ours, theirs, lambda r: r <= 0.2)

    ok &= report_completion(fencectl, env, runs)

    shutil.rmtree(cache, ignore_errors=True)
    sys.exit(0 if ok else 1)


def hot_symbols_current(fencectl):
    """How much of linker/hot-symbols.txt the binary still has (build.rs
    places those functions together; a new compiler or version renames
    some, and scripts/hot-symbols.py writes the list again)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "linker", "hot-symbols.txt")
    try:
        with open(path) as listed:
            wanted = listed.read().split()
        defined = set(subprocess.run(["nm", "--defined-only", "--format=just-symbols", fencectl],
                                     capture_output=True, text=True, check=True).stdout.split())
    except (OSError, subprocess.CalledProcessError) as err:
        return f"hot code order: cannot check ({err})"
    found = sum(name in defined for name in wanted)
    share = found / len(wanted) if wanted else 0
    advice = "" if share >= 0.9 else "; run scripts/hot-symbols.py to write the list again"
    return f"hot code order: the binary has {found} of the {len(wanted)} functions of linker/hot-symbols.txt ({share:.0%}){advice}"


def report_completion(fencectl, env, runs):
    """Shell completion (warm cache): what bash's TAB runs, in absolute
    time against a 10 ms budget (a process that does nothing takes ~1 ms)."""
    cases = [
        ("agent names: metadata -a fence_<TAB>", ["fencectl", "metadata", "-a", "fence_"]),
        ("parameter names: validate -a fence_ipmilan <TAB>", ["fencectl", "validate", "-a", "fence_ipmilan", ""]),
    ]
    ok = True
    for title, words in cases:
        argv = [fencectl, "__complete", "bash", str(len(words) - 1), "--", *words]
        ms = timed(argv, env, max(runs, 21)) * 1000
        verdict = "ok" if ms < 10 else "MISSED"
        print(f"completion of {title} (warm cache); target < 10 ms\n    fencectl {ms:9.1f} ms   {verdict}")
        ok &= ms < 10
    return ok


if __name__ == "__main__":
    main()
