#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ one after the other, SECONDS each
# (default 300), and prints each target's executions, corpus and findings.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`); it runs on the
# stable toolchain with RUSTC_BOOTSTRAP=1. One fuzzing process at a time
# (no -jobs/-workers). Limits: no input over 1 s, no allocation over
# 256 MiB (AddressSanitizer itself needs more RSS, hence -rss_limit_mb).
# The grown corpus goes to fuzz/corpus/TARGET, crashes to
# fuzz/artifacts/TARGET, logs to fuzz/logs (all git-ignored); the committed
# inputs are fuzz/seeds/ and fuzz/regressions/ (the regressions also run in
# `cargo test`, see tests/cli/fuzz_regressions.rs).
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-300}
shift || true
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz is missing: cargo install cargo-fuzz --locked" >&2
    exit 2
fi

if (($#)); then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list --fuzz-dir fuzz)
fi

# Seed directories per target (the XML reader also reads the XML models').
seeds_for() {
    case "$1" in
        xml) echo fuzz/seeds/metadata fuzz/seeds/cib fuzz/seeds/cluster_conf ;;
        *) echo "fuzz/seeds/$1" ;;
    esac
}

cargo fuzz build --fuzz-dir fuzz || exit 2
bin=fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release
mkdir -p fuzz/logs

summary=()
failed=0
for target in "${targets[@]}"; do
    corpus=fuzz/corpus/$target
    artifacts=fuzz/artifacts/$target
    mkdir -p "$corpus" "$artifacts" "fuzz/regressions/$target"
    before=$(find "$artifacts" -type f | wc -l)
    log=fuzz/logs/$target.log
    dict=()
    [ -f "fuzz/dicts/$target.dict" ] && dict=("-dict=fuzz/dicts/$target.dict")
    echo "== $target: ${seconds}s (log: $log)"
    # The binary built above, run directly: editing the sources during a
    # campaign does not rebuild it half-way.
    # shellcheck disable=SC2046
    "$bin/$target" "$corpus" $(seeds_for "$target") "fuzz/regressions/$target" \
        -max_total_time="$seconds" -timeout=1 -malloc_limit_mb=256 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" >"$log" 2>&1
    status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    corpus_line=$(grep -o 'corp: [0-9]*/[0-9a-zA-Z]*' "$log" | tail -1)
    slowest=$(sed -n 's/^stat::slowest_unit_time_sec: *//p' "$log" | tail -1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
    found=$(($(find "$artifacts" -type f | wc -l) - before))
    if ((status != 0 || found > 0)); then
        failed=1
        grep -E '^==[0-9]+== ?ERROR|panicked at|^SUMMARY|Test unit written' "$log" | head -5
    fi
    line="$target: ${seconds}s, ${runs:-?} executions, ${corpus_line:-corp: ?}, slowest ${slowest:-?}s, peak RSS ${rss:-?} MB, findings: $found (exit $status)"
    echo "$line"
    summary+=("$line")
done

echo
echo "== summary"
printf '%s\n' "${summary[@]}"
exit $failed
