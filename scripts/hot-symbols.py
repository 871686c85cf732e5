#!/usr/bin/env python3
"""Writes linker/hot-symbols.txt: the functions fencectl runs in its short,
frequent commands, which build.rs asks the linker (lld) to place together.

A short command's cost is mostly page faults, and on a VM a fault that maps
code costs about 5 us. Spread over the 7 MiB of code, the 500 functions
that a warm `list-installed` runs touch some 60 separate 64 KiB windows
(one fault each); placed together they fit in 6. That is about a tenth of
the command's time (scripts/bench.py).

The list names symbols as the compiler mangles them, and those names carry
a hash of the crate's build settings: a new compiler, a dependency's new
version or fencectl's own version changes some of them. A name the binary
lacks is skipped, so a stale list only loses speed; scripts/bench.py says
how much of it still matches. Run this script again after such a change:

    scripts/hot-symbols.py            (needs valgrind: apt-get install valgrind)

It runs each command once under callgrind, which records every function
executed, and keeps fencectl's own (not libc's), first-run order.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

# What admins and Pacemaker run often, with fencectl's metadata cache warm.
COMMANDS = [
    ["list-installed"],
    ["list-installed", "ipmi"],
    ["list-installed", "--names-only"],
    ["--format", "json", "list-installed"],
    ["metadata", "-a", "fence_ipmilan"],
    ["metadata", "-a", "fence_ipmilan", "--format", "xml"],
    ["metadata", "-a", "fence_ipmilan", "--format", "json"],
    ["__complete", "bash", "2", "--", "fencectl", "metadata", "-a", "fence_"],
    ["__complete", "bash", "4", "--", "fencectl", "validate", "-a", "fence_ipmilan", ""],
    ["--version"],
]

# The built-in agent as Pacemaker asks it for its metadata (argv and stdin).
AGENT_RUNS = [
    (["-o", "metadata"], ""),
    ([], "action=metadata\n"),
]


def executed_functions(callgrind_out, binary):
    """Names of the functions of `binary` in a callgrind output file, in the
    order callgrind first lists them."""
    objects, functions, names = {}, {}, []
    current = None
    seen = set()
    with open(callgrind_out, encoding="utf-8", errors="replace") as out:
        for line in out:
            line = line.rstrip("\n")
            m = re.match(r"^(ob|cob)=\((\d+)\)(?: (.*))?$", line)
            if m:
                kind, ident, name = m.groups()
                if name:
                    objects[ident] = name
                if kind == "ob":
                    current = objects.get(ident)
                continue
            m = re.match(r"^(fn|cfn)=\((\d+)\)(?: (.*))?$", line)
            if m:
                kind, ident, name = m.groups()
                if name:
                    functions[ident] = name
                name = functions.get(ident)
                if kind == "fn" and current and os.path.realpath(current) == binary and name not in seen:
                    seen.add(name)
                    names.append(name)
    return names


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fencectl", default="target/release/fencectl")
    parser.add_argument("--out", default="linker/hot-symbols.txt")
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("needs valgrind: apt-get install valgrind")
    subprocess.run(["cargo", "build", "--release", "--quiet"], check=True)
    binary = os.path.realpath(args.fencectl)
    defined = set(subprocess.run(["nm", "--defined-only", "--format=just-symbols", binary],
                                 capture_output=True, text=True, check=True).stdout.split())

    work = tempfile.mkdtemp(prefix="fencectl-hot-")
    env = dict(os.environ, FENCECTL_CACHE_DIR=os.path.join(work, "cache"), NO_COLOR="1")
    env.pop("FENCECTL_AGENT_PATH", None)
    agent = os.path.join(work, "fence_ovh_api")
    os.symlink(binary, agent)
    # Warm the cache first: the list is of warm runs.
    for argv in (["list-installed"], ["metadata", "-a", "fence_ipmilan"]):
        subprocess.run([binary, *argv], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    runs = [([binary, *argv], "") for argv in COMMANDS] + [([agent, *argv], stdin) for argv, stdin in AGENT_RUNS]
    order, seen = [], set()
    for i, (argv, stdin) in enumerate(runs):
        out = os.path.join(work, f"callgrind.{i}")
        subprocess.run(["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}", *argv],
                       env=env, input=stdin, text=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for name in executed_functions(out, binary):
            if name in defined and name not in seen:
                seen.add(name)
                order.append(name)
    shutil.rmtree(work, ignore_errors=True)
    if len(order) < 100:
        sys.exit(f"only {len(order)} functions recorded: is valgrind working?")
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as out:
        out.write("\n".join(order) + "\n")
    print(f"{args.out}: {len(order)} functions")


if __name__ == "__main__":
    main()
