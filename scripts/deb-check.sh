#!/usr/bin/env bash
# Builds the Debian package (cargo deb), checks what it holds, installs it,
# checks the installed tool the way an admin meets it (man page, bash
# completion, Pacemaker seeing fence_ovh_api), then purges it again, also
# when a check fails. The machine is left as it was found: files fencectl
# keeps (cache, audit log, locks) that existed before are put back, and an
# existing /usr/sbin/fence_ovh_api or fencectl package stops the check.
#
# Run as root (CI is root), else through sudo. scripts/test.sh runs it last:
# never at the same time as the cargo tests, which change /usr/sbin.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)

fail() {
    echo "deb-check: FAILED: $*" >&2
    exit 1
}

if ! cargo deb --version >/dev/null 2>&1; then
    echo "deb-check: installing cargo-deb"
    cargo install cargo-deb --locked
fi

# Refuse to clobber what the package would own or purge.
if dpkg-query -W -f='${Status}' fencectl 2>/dev/null | grep -q "installed"; then
    fail "the fencectl package is already installed; remove it first (apt-get purge fencectl)"
fi
for path in /usr/bin/fencectl /usr/sbin/fence_ovh_api; do
    if [ -e "$path" ] || [ -L "$path" ]; then
        fail "$path exists and is not from the package; the check would overwrite it (remove it first)"
    fi
done

deb_out=$(cargo deb --locked)
deb=$(printf '%s\n' "$deb_out" | tail -n 1)
[ -f "$deb" ] || fail "cargo deb made no package (it said: $deb_out)"
echo "deb-check: built $deb"

# What the package holds.
contents=$(dpkg-deb -c "$deb")
expect_in_deb() {
    grep -qE "$1" <<<"$contents" || fail "$deb does not hold $2 (dpkg-deb -c)"
}
expect_in_deb '^-rwxr-xr-x (root/root|0/0) .* \./usr/bin/fencectl$' "/usr/bin/fencectl (0755, root)"
expect_in_deb ' \./usr/sbin/fence_ovh_api -> (\.\./bin/fencectl|/usr/bin/fencectl)$' "the /usr/sbin/fence_ovh_api link"
for page in man/*.1; do
    expect_in_deb " \./usr/share/man/man1/$(basename "$page")\.gz$" "$page"
done
for page in man/*.8; do
    [ -e "$page" ] || continue
    expect_in_deb " \./usr/share/man/man8/$(basename "$page")\.gz$" "$page"
done
expect_in_deb ' \./usr/share/bash-completion/completions/fencectl$' "the bash completion"
expect_in_deb ' \./usr/share/zsh/vendor-completions/_fencectl$' "the zsh completion"
expect_in_deb ' \./usr/share/fish/vendor_completions\.d/fencectl\.fish$' "the fish completion"
expect_in_deb ' \./usr/lib/tmpfiles\.d/fencectl\.conf$' "the tmpfiles.d line"
for doc in README.md CHANGELOG.md; do
    expect_in_deb " \./usr/share/doc/fencectl/$doc$" "$doc"
done
for example in examples/*; do
    expect_in_deb " \./usr/share/doc/fencectl/examples/$(basename "$example")$" "$example"
done
control=$(dpkg-deb -f "$deb" Depends Recommends)
grep -q '^Depends: .*libc6 (>= 2\.36)' <<<"$control" || fail "Depends has no libc6 (>= 2.36): $control"
grep -q '^Recommends: fence-agents, libxml2-utils$' <<<"$control" || fail "Recommends: $control"

# Directories the package creates and purge removes: what was there before
# is moved aside and put back afterwards.
cleanup() {
    status=$?
    "${as_root[@]}" dpkg --purge fencectl >/dev/null 2>&1 || true
    for dir in "${kept_dirs[@]}"; do
        if [ -e "$saved$dir" ]; then
            "${as_root[@]}" rm -rf "$dir"
            "${as_root[@]}" mv "$saved$dir" "$dir"
        fi
    done
    "${as_root[@]}" rm -rf "$saved"
    rm -rf "$scratch"
    [ ! -e /usr/sbin/fence_ovh_api ] || echo "deb-check: /usr/sbin/fence_ovh_api is still there after the purge" >&2
    exit "$status"
}
kept_dirs=(/var/cache/fencectl /var/log/fencectl /run/lock/fencectl)
saved=$(mktemp -d /var/tmp/deb-check.XXXXXX)
scratch=$(mktemp -d)
trap cleanup EXIT
for dir in "${kept_dirs[@]}"; do
    if [ -e "$dir" ]; then
        "${as_root[@]}" mkdir -p "$saved$(dirname "$dir")"
        "${as_root[@]}" mv "$dir" "$saved$dir"
    fi
done

# Install. Recommends (fence-agents, libxml2-utils) are already installed.
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" dpkg -i "$deb" >/dev/null
[ "$(readlink -f /usr/sbin/fence_ovh_api)" = /usr/bin/fencectl ] || fail "/usr/sbin/fence_ovh_api does not link to /usr/bin/fencectl"

expect_dir() {
    local dir=$1 mode=$2
    [ -d "$dir" ] || fail "$dir was not created"
    [ "$(stat -c '%a %U %G' "$dir")" = "$mode root root" ] \
        || fail "$dir is $(stat -c '%a %U %G' "$dir"), not $mode root root"
}
expect_dir /var/cache/fencectl 755
expect_dir /var/log/fencectl 700
if command -v systemd-tmpfiles >/dev/null; then
    expect_dir /run/lock/fencectl 700
fi

# The installed binary, and the agent under Pacemaker's name.
/usr/bin/fencectl --version >/dev/null || fail "fencectl --version"
metadata=$(/usr/sbin/fence_ovh_api -o metadata) || fail "fence_ovh_api -o metadata failed"
grep -q '<resource-agent name="fence_ovh_api"' <<<"$metadata" \
    || fail "fence_ovh_api -o metadata printed no metadata"
listing=$(FENCECTL_CACHE_DIR="$scratch/cache" NO_COLOR=1 /usr/bin/fencectl list-installed ovh_api)
grep -q '(built in)' <<<"$listing" || fail "list-installed does not show fence_ovh_api installed: $listing"
if grep -q 'not installed' <<<"$listing"; then
    fail "list-installed says fence_ovh_api is not installed: $listing"
fi
installed=$(stonith_admin --list-installed)
grep -qw fence_ovh_api <<<"$installed" || fail "stonith_admin --list-installed does not list fence_ovh_api"

# The man page, through man and the installed page.
page=$(MANWIDTH=80 man -P cat fencectl 2>"$scratch/man.err") || fail "man fencectl: $(cat "$scratch/man.err")"
grep -q '^NAME' <<<"$page" || fail "man fencectl shows no NAME section"
grep -q 'fencectl' <<<"$page" || fail "man fencectl does not name fencectl"
if compgen -G 'man/*.8' >/dev/null; then
    page=$(MANWIDTH=80 man -P cat 8 fence_ovh_api) || fail "man 8 fence_ovh_api"
    grep -q '^NAME' <<<"$page" || fail "man 8 fence_ovh_api shows no NAME section"
fi

# Bash completion, loaded the way an interactive shell loads it (on demand,
# from /usr/share/bash-completion/completions/fencectl).
complete_line() {
    # $@: the words; the last one is being completed
    bash -c '
        source /usr/share/bash-completion/bash_completion
        __load_completion fencectl || exit 3
        function=$(complete -p fencectl | sed -n "s/.* -F \([^ ]*\) .*/\1/p")
        [ -n "$function" ] || exit 4
        COMP_WORDS=("$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMP_LINE="${COMP_WORDS[*]}"
        COMP_POINT=${#COMP_LINE}
        "$function" fencectl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf "%s\n" "${COMPREPLY[@]}"
    ' complete_line "$@"
}
(cd "$scratch" && complete_line fencectl metadata --ref) | grep -qx -- '--refresh' \
    || fail "bash completion of 'fencectl metadata --ref' did not offer --refresh"
(cd "$scratch" && complete_line fencectl metadata -a fence_du) | grep -qx fence_dummy \
    || fail "bash completion of 'fencectl metadata -a fence_du' did not offer fence_dummy"

# Purge: the link, the binary and fencectl's directories go.
"${as_root[@]}" dpkg --purge fencectl >/dev/null
for path in /usr/bin/fencectl /usr/sbin/fence_ovh_api /var/cache/fencectl /var/log/fencectl /run/lock/fencectl /usr/lib/tmpfiles.d/fencectl.conf; do
    if [ -e "$path" ] || [ -L "$path" ]; then
        fail "$path is still there after dpkg --purge fencectl"
    fi
done
echo "deb-check: ok"
