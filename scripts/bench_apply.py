#!/usr/bin/env python3
"""Times the patch `fencectl generate cib --apply` computes (issue 14)
against `crm_diff` on the same two CIBs, for a 1,000-node cluster.

Two cases, each a CIB file with 1,000 node entries (no cluster needed:
`--apply --dry-run --against-cib FILE` computes the same patch `--apply`
sends to a running cluster):
  add:    the CIB has no stonith configuration yet; the inventory brings
          1,000 devices and 1,000 levels (every element is created);
  change: the CIB already has them and one device's parameter changes.
The peer is `crm_diff --original OLD --new NEW` (NEW = OLD with the
inventory's configuration, as Pacemaker would hold it after the patch).

fencectl runs with --no-metadata (no agent is started) and -q; each
command runs once before timing (page cache warm), then the median of
--runs wall-clock runs is taken (process start included for both).
Target: fencectl under 200 ms and at most 0.5x crm_diff.

Usage: scripts/bench_apply.py [--runs N] [--fencectl PATH] [--nodes N]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET


def timed(argv, runs):
    """Median seconds of `runs` runs of argv (output discarded)."""
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def base_cib(nodes):
    """`cibadmin --empty` with its dc-version and `nodes` node entries."""
    empty = subprocess.run(["cibadmin", "--empty"], capture_output=True, check=True, text=True).stdout
    root = ET.fromstring(empty)
    root.set("epoch", "5")
    root.set("num_updates", "0")
    root.set("admin_epoch", "0")
    # A running cluster's CIB names the DC's Pacemaker (fencectl reads the
    # option names from it).
    props = ET.SubElement(root.find("configuration/crm_config"), "cluster_property_set",
                          id="cib-bootstrap-options")
    version = subprocess.run(["pacemakerd", "--version"], capture_output=True, text=True).stdout.split()[1]
    ET.SubElement(props, "nvpair", id="cib-bootstrap-options-dc-version", name="dc-version",
                  value=f"{version}-0")
    xml_nodes = root.find("configuration/nodes")
    for i in range(1, nodes + 1):
        ET.SubElement(xml_nodes, "node", id=str(i), uname=f"node{i}")
    return root


def inventory(nodes, changed_ip=None):
    lines = ['[cluster]\nname = "big"\nstack = "pacemaker"\n']
    for i in range(1, nodes + 1):
        lines.append(f'[[node]]\nname = "node{i}"\nnodeid = {i}\n')
    for i in range(1, nodes + 1):
        ip = changed_ip if (changed_ip and i == nodes // 2) else f"10.0.{i // 250}.{i % 250}"
        lines.append(
            f'[[device]]\nid = "ipmi-{i}"\nagent = "fence_ipmilan"\n'
            f'params = {{ ip = "{ip}", username = "admin" }}\nhosts = ["node{i}"]\n'
        )
    for i in range(1, nodes + 1):
        lines.append(f'[[fencing]]\ntarget = "node{i}"\nlevels = [["ipmi-{i}"]]\n')
    return "\n".join(lines)


def with_configuration(root, fencectl, inventory_file):
    """`root` with the inventory's resources and fencing topology."""
    generated = subprocess.run(
        [fencectl, "-q", "generate", "cib", inventory_file, "--no-metadata",
         "--pacemaker-version", "2.1"],
        capture_output=True, check=True, text=True,
    ).stdout
    configuration = ET.fromstring(generated)
    new = ET.fromstring(ET.tostring(root))
    target = new.find("configuration")
    target.remove(target.find("resources"))
    for child in configuration:
        target.append(child)
    new.set("epoch", str(int(root.get("epoch")) + 1))
    return new


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--fencectl", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "target", "release", "fencectl"))
    args = parser.parse_args()
    if not os.access(args.fencectl, os.X_OK):
        sys.exit(f"{args.fencectl} not found: cargo build --release")
    with tempfile.TemporaryDirectory() as tmp:
        def write(name, text):
            path = os.path.join(tmp, name)
            with open(path, "w") as f:
                f.write(text)
            return path

        inv = write("inventory.toml", inventory(args.nodes))
        inv_changed = write("changed.toml", inventory(args.nodes, changed_ip="10.9.9.9"))
        base = base_cib(args.nodes)
        full = with_configuration(base, args.fencectl, inv)
        full_changed = with_configuration(full, args.fencectl, inv_changed)
        base_file = write("base.xml", ET.tostring(base, encoding="unicode"))
        full_file = write("full.xml", ET.tostring(full, encoding="unicode"))
        changed_file = write("changed.xml", ET.tostring(full_changed, encoding="unicode"))

        print(f"{args.nodes} nodes, {args.nodes} devices, {args.nodes} levels; "
              f"median of {args.runs} runs, warm page cache, fencectl --no-metadata; "
              f"{os.cpu_count()} CPUs (shared)")
        print(f"{'case':8} {'fencectl':>10} {'crm_diff':>10} {'ratio':>7}")
        failed = False
        for case, inventory_file, old, new in [
            ("add", inv, base_file, full_file),
            ("change", inv_changed, full_file, changed_file),
        ]:
            ours = [args.fencectl, "-q", "generate", "cib", inventory_file, "--apply", "--dry-run",
                    "--no-metadata", "--against-cib", old]
            check = subprocess.run(ours, capture_output=True, text=True)
            if check.returncode != 0:
                sys.exit(f"fencectl failed: {check.stderr}")
            peer = ["crm_diff", "--original", old, "--new", new]
            t_ours = timed(ours, args.runs)
            t_peer = timed(peer, args.runs)
            ratio = t_ours / t_peer
            print(f"{case:8} {t_ours * 1000:8.1f}ms {t_peer * 1000:8.1f}ms {ratio:6.2f}x")
            failed |= t_ours > 0.2 or ratio > 0.5
        print("target (under 200 ms and at most 0.5x crm_diff):", "missed" if failed else "met")


if __name__ == "__main__":
    main()
