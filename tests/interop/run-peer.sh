#!/usr/bin/env bash
# run-peer.sh — one interop test against the Linux reference peer in a qemu VM: build the peer
# image (idempotent), boot one instance, run the test program on it, always stop the VM.
#
#   run-peer.sh PEER_DIR TEST_PROGRAM
#
# Today: the serial ISP (pppd behind chat on a pty) and interop-modem. pppd gets
# `lcp-max-configure 3` so that an unanswered call ends in ~9 s (RFC 1661 §4.6 Max-Configure)
# instead of the default 30 s: the test's hang-up on a pty (no DTR) ends the call that way.
# Skips (77) when not root or when qemu cannot be installed; every wait is bounded.
set -euo pipefail

PEER_DIR=$(realpath -m "${1:?usage: $0 PEER_DIR TEST_PROGRAM}")
PEER_START=$(realpath "$(dirname "$0")")/peer-start
PROGRAM=$(realpath -m "${2:?usage: $0 PEER_DIR TEST_PROGRAM}")
BUILD_TIMEOUT=${DT_INTEROP_BUILD_TIMEOUT:-300} # a fresh machine apt-installs qemu (~2 min here)
READY_TIMEOUT=60
TEST_TIMEOUT=120

skip() {
    echo "SKIP: $*"
    exit 77
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

[ "$(id -u)" -eq 0 ] || skip "needs root (the peer harness uses apt-get, mknod and qemu)"
[ -x "$PEER_DIR/build" ] || skip "no reference peer at $PEER_DIR"

LOGS=$(mktemp -d /tmp/dt-interop.XXXXXX)
trap 'rm -rf "$LOGS"' EXIT
trap 'exit 1' INT TERM HUP # so that the EXIT trap runs on a signal too
cd "$LOGS"

# The harness builds into one cache per user and is not safe against a second build running
# at the same time (two checkouts, or two tests): serialise builds with a lock beside the cache.
T0=$(now)
mkdir -p "$HOME/.cache"
rc=0
flock -w "$BUILD_TIMEOUT" "$HOME/.cache/dialtone-peer.lock" \
    timeout "$BUILD_TIMEOUT" "$PEER_DIR/build" >build.log 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
    tail -20 build.log >&2
    command -v qemu-system-x86_64 >/dev/null || skip "qemu could not be installed (see build.log)"
    if [ "$rc" -eq 124 ]; then
        echo "FAIL: the peer image did not build within ${BUILD_TIMEOUT} s" >&2
    else
        echo "FAIL: the peer image build failed (exit $rc; its log is above)" >&2
    fi
    exit 1
fi
echo "# build: $(tail -1 build.log) ($(since "$T0") s)"

# A name of our own, so that parallel checkouts do not stop each other's VMs.
NAME="ser$$"
NAME=${NAME:0:12}
stop_vm() {
    "$PEER_DIR/stop" --name "$NAME" >/dev/null 2>&1 || true
    rm -rf "$LOGS"
}
trap stop_vm EXIT

T1=$(now)
if ! "$PEER_START" "$PEER_DIR" --role isp --serial pty --name "$NAME" --policy 'require-pap' \
    --pppd-opts 'lcp-max-configure 3' --timeout "$READY_TIMEOUT" >start.env 2>start.log; then
    cat start.log >&2
    echo "FAIL: the ISP VM did not get ready within ${READY_TIMEOUT} s" >&2
    exit 1
fi
echo "# boot: $(since "$T1") s"
SERIAL=$(sed -n 's/^serial=//p' start.env)
CONSOLE=$(sed -n 's/^console=//p' start.env)
[ -n "$SERIAL" ] && [ -n "$CONSOLE" ] || {
    cat start.env >&2
    echo "FAIL: start printed no serial/console" >&2
    exit 1
}
echo "# ISP on $SERIAL, console $CONSOLE"

T2=$(now)
rc=0
timeout "$TEST_TIMEOUT" "$PROGRAM" "$SERIAL" "$CONSOLE" pap || rc=$?
echo "# test: $(since "$T2") s, rc=$rc; total $(since "$T0") s"
if [ "$rc" -ne 0 ]; then
    echo "--- last lines of the VM console (all of it stays in ${CONSOLE%/*}):" >&2
    grep -a -E 'PEER|pppd|chat' "$CONSOLE" | tail -30 >&2 || true
    exit "$rc"
fi
stop_vm
rm -rf "${DT_PEER_RUN:-/tmp/dialtone-peer}/$NAME"
exit 0
