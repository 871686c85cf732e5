#!/usr/bin/env bash
# Runs every check CI runs: installs the Debian packages the tests need
# when they are missing, then rustfmt, clippy and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(fence-agents pacemaker-cli-utils libxml2-utils xsltproc pacemaker corosync iproute2 python3 python3-venv graphviz zsh fish bash-completion man-db)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    as_root=()
    [ "$(id -u)" -eq 0 ] || as_root=(sudo)
    echo "installing ${missing[*]}"
    "${as_root[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# python-ovh, the reference OVH client the tests compare with
venv=target/py-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import importlib.metadata as m, sys; sys.exit(m.version("ovh") != "1.2.0")' 2>/dev/null; then
    echo "installing python-ovh 1.2.0 into $venv"
    mkdir -p target
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'ovh==1.2.0'
fi

cargo fmt --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked --all-targets
# --all-targets leaves out the doctests (the crate-level example runs fence_dummy)
cargo test --locked --doc
RUSTDOCFLAGS="-D warnings" cargo doc --locked --no-deps

# The cargo examples (examples/*.rs), against fence_dummy and a temporary status file
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf on >"$tmp/status"
sed "s|@STATUS_FILE@|$tmp/status|" tests/fixtures/pacemaker/fence-dummy.cib.xml >"$tmp/cib.xml"
cargo run --locked -q --example list_agents | grep -q '^fence_dummy '
cargo run --locked -q --example validate_device -- fence_dummy type=file "status_file=$tmp/status"
cargo run --locked -q --example fence_from_cib -- "$tmp/cib.xml" node2 off
test "$(cat "$tmp/status")" = off
echo "examples: ok"

# The Debian package: built, installed, checked and purged. Last, and alone:
# the cargo tests above scan and change /usr/sbin.
./scripts/deb-check.sh
