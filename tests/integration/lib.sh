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

DT_TMP=$(mktemp -d /tmp/dt-itest.XXXXXX)

dt_cleanup() {
    local ns pids
    for ns in "${DT_NETNS_LIST[@]}"; do
        pids=$(ip netns pids "$ns" 2>/dev/null || true)
        [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "$DT_TMP"
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

# dt_wait TRIES COMMAND...: retries every 50 ms, at most TRIES times.
dt_wait() {
    local tries=$1
    shift
    for ((i = 0; i < tries; i++)); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.05
    done
    return 1
}

dt_fail() {
    echo "FAIL: $*" >&2
    exit 1
}

dt_link_absent() { ! ip -n "$1" link show dev "$2" >/dev/null 2>&1; }
