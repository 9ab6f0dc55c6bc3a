# lib.sh — shared by the integration drivers: skip rules, private namespaces, cleanup.
# Sourced with the dtio-itest path as $1. Every namespace is named dt-test-<what>-<pid> and
# deleted on exit, with whatever still runs inside it; every wait is bounded.
set -euo pipefail

ITEST=${1:?usage: $0 PATH-TO-dtio-itest}
DT_NETNS_LIST=()

dt_skip() {
    echo "SKIP: $*"
    exit 77
}

[ "$(id -u)" -eq 0 ] || dt_skip "needs root (network namespaces, TUN, raw sockets)"
[ -c /dev/net/tun ] || dt_skip "no /dev/net/tun"
command -v ip >/dev/null || dt_skip "no iproute2"
command -v jq >/dev/null || dt_skip "no jq"

command -v unshare >/dev/null || dt_skip "no unshare (util-linux)"

DT_TMP=$(mktemp -d /tmp/dt-itest.XXXXXX)

# The machine's resolver file is never ours to change: every program a test starts that may
# apply DNS (dialtone-link --standalone, dialtone-helper) runs through dt_ns_exec, in a mount
# namespace where $DT_TMP/resolv.conf is bind-mounted over /etc/resolv.conf and the backup goes
# to $DT_TMP/state. As a second line, the real file is copied here and checked on exit; a test
# that changed it anyway fails, after the copy is put back.
DT_RESOLV_ORIG="$DT_TMP/resolv.conf.machine"
cp -p /etc/resolv.conf "$DT_RESOLV_ORIG" 2>/dev/null || : >"$DT_RESOLV_ORIG"
mkdir -p "$DT_TMP/state"
printf 'nameserver 192.0.2.153\nsearch test-home.example\noptions edns0\n' >"$DT_TMP/resolv.conf"
chmod 644 "$DT_TMP/resolv.conf"
cp "$DT_TMP/resolv.conf" "$DT_TMP/resolv.conf.before"

# dt_resolv_restored WHAT: the test's resolv.conf is back as it was and no backup is left.
dt_resolv_restored() {
    cmp -s "$DT_TMP/resolv.conf" "$DT_TMP/resolv.conf.before" ||
        dt_fail "$1: resolv.conf not restored: $(cat "$DT_TMP/resolv.conf")"
    [ ! -e "$DT_TMP/state/resolv.conf.dialtone-backup" ] || dt_fail "$1: the resolv.conf backup was left"
}
export DIALTONE_STATE_DIR="$DT_TMP/state"

# dt_ns_exec NS COMMAND...: COMMAND in network namespace NS and a private mount namespace with
# the test's resolv.conf in place of /etc/resolv.conf. A script, not a function, so that `&`
# leaves the command's own PID in $! (the script, ip, unshare and sh all exec).
DT_NS_EXEC="$DT_TMP/ns-exec"
cat >"$DT_NS_EXEC" <<'SH'
#!/bin/sh
ns=$1
shift
exec ip netns exec "$ns" unshare -m --propagation private \
    sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$DT_TMP/resolv.conf" "$@"
SH
chmod 755 "$DT_NS_EXEC"
export DT_TMP
dt_ns_exec() { "$DT_NS_EXEC" "$@"; }

dt_check_machine_resolv() {
    [ -f "$DT_RESOLV_ORIG" ] || return 0 # checked already
    if ! cmp -s "$DT_RESOLV_ORIG" /etc/resolv.conf; then
        echo "FAIL: a test changed the machine's /etc/resolv.conf (put back); it read:" >&2
        sed 's/^/    /' /etc/resolv.conf >&2
        cat "$DT_RESOLV_ORIG" >/etc/resolv.conf
        return 1
    fi
}

# The programs under test are built with ASan and UBSan: a report in any log the test kept
# (a leak at exit, an overflow in a child whose status nobody checked) fails the test.
dt_check_sanitizers() {
    local hits
    hits=$(grep -rlaE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$DT_TMP" 2>/dev/null || true)
    [ -n "$hits" ] || return 0
    for f in $hits; do
        echo "FAIL: a sanitizer report in ${f#"$DT_TMP"/}:" >&2
        grep -aE -A30 "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$f" | head -60 >&2
    done
    return 1
}

# The test's password (PASSWORD, when the test sets one) in any file the test kept, but for
# the files that are there to hold it: the password files, the server's secrets and the
# profiles' keyring stand-ins. Logs, reports, captures and command output must never have it.
dt_check_secrets() {
    local hits f bad=""
    [ -n "${PASSWORD:-}" ] || return 0
    hits=$(grep -rlaF -- "$PASSWORD" "$DT_TMP" 2>/dev/null || true)
    for f in $hits; do
        case ${f##*/} in
            password* | *pwfile* | wrongfile | chap-secrets* | *secrets* | *.pw) ;;
            *) bad="$bad ${f#"$DT_TMP"/}" ;;
        esac
    done
    [ -n "$bad" ] || return 0
    echo "FAIL: the test password is in:$bad" >&2
    return 1
}

dt_cleanup() {
    local ns pids rc=0
    for ns in "${DT_NETNS_LIST[@]}"; do
        pids=$(ip netns pids "$ns" 2>/dev/null || true)
        [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
        ip netns del "$ns" 2>/dev/null || true
    done
    DT_NETNS_LIST=()
    dt_check_machine_resolv || rc=1
    dt_check_sanitizers || rc=1
    dt_check_secrets || rc=1
    rm -rf "$DT_TMP"
    [ "$rc" -eq 0 ] || exit 1
}
trap dt_cleanup EXIT
trap 'exit 1' INT TERM

# dt_netns_new VAR WHAT: makes namespace dt-test-WHAT-PID (lo up) and stores its name in VAR.
# Not a $(...) function: the list the cleanup reads must be this shell's, not a subshell's.
dt_netns_new() {
    local _dt_ns="dt-test-$2-$$"
    ip netns add "$_dt_ns" || dt_skip "cannot create network namespaces"
    DT_NETNS_LIST+=("$_dt_ns")
    ip -n "$_dt_ns" link set lo up
    printf -v "$1" '%s' "$_dt_ns"
}

# dt_pair_new TAG: the two-namespace set-up most drivers use. Sets NS_S and NS_C (namespaces
# dt-test-TAGs-PID and dt-test-TAGc-PID) and VS and VC, a veth pair between them with the server
# end at 192.0.2.1/24 and the client end at 192.0.2.2/24, both up. TAG: at most 5 characters,
# unique to the driver, so that interface names stay within 15 and parallel drivers never meet.
dt_pair_new() {
    dt_netns_new NS_S "${1}s"
    dt_netns_new NS_C "${1}c"
    VS="dt${1}s$$"
    VC="dt${1}c$$"
    ip link add "$VC" netns "$NS_C" type veth peer name "$VS" netns "$NS_S"
    ip -n "$NS_S" addr add 192.0.2.1/24 dev "$VS"
    ip -n "$NS_C" addr add 192.0.2.2/24 dev "$VC"
    ip -n "$NS_S" link set "$VS" up
    ip -n "$NS_C" link set "$VC" up
}

# dt_wait TRIES COMMAND...: retries every 50 ms, at most TRIES times.
dt_wait() {
    local tries=$1 _dt_try # local: a caller's own loop may count with i
    shift
    for ((_dt_try = 0; _dt_try < tries; _dt_try++)); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.05
    done
    return 1
}

# dt_show_on_fail FILE...: logs whose tails dt_fail prints, so that a failure seen once (in CI,
# under load) can be understood from its output alone.
DT_FAIL_LOGS=()
dt_show_on_fail() {
    local f g
    for f in "$@"; do
        for g in "${DT_FAIL_LOGS[@]}"; do [ "$g" != "$f" ] || continue 2; done
        DT_FAIL_LOGS+=("$f")
    done
}

dt_fail() {
    echo "FAIL: $*" >&2
    local f
    for f in "${DT_FAIL_LOGS[@]}"; do
        [ -s "$f" ] || continue
        echo "--- last lines of ${f##*/}" >&2
        tail -n 40 "$f" >&2
    done
    exit 1
}

dt_link_absent() { ! ip -n "$1" link show dev "$2" >/dev/null 2>&1; }
