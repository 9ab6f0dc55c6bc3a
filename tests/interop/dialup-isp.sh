#!/usr/bin/env bash
# dialup-isp.sh PEER_DIR DIALTONE_LINK — dialtone-link dials the Linux ISP (chat + pppd 2.4.9 on
# the VM's ttyS1, a host pty) and, with DialFirst=, stacks a PPTP tunnel to pptpd in the same VM
# on top of that dial-up link.
#
# Two VM boots, so that pppd's own policy decides the method:
#   1. ISP `require-pap`, pptpd (started with --run) requiring MS-CHAP v2 + MPPE-128:
#      a PAP call (address 203.0.113.2, ping to 203.0.113.1, pppd logs the PAP success);
#      a CHAP-only profile is refused (exit 3: we never fall back to PAP unasked);
#      DialFirst: the dial-up link, the host route to 203.0.113.1 through it, the tunnel up
#      (pppd logs MPPE 128-bit), a ping to 198.51.100.1 through both, SIGTERM takes it down in
#      reverse order (exit 0).
#   2. ISP `require-chap require-mschap-v2`: a CHAP-MD5 call and an MS-CHAP v2 call, each with a
#      ping and pppd's CHAP success in its log.
# The link runs in a namespace of its own; after every case no dt TUN, no proto-68 route and no
# lock file is left. Skips (77) when not root or without the peer; every wait is bounded.
set -euo pipefail

PEER_DIR=$(realpath -m "${1:?usage: $0 PEER_DIR DIALTONE_LINK}")
PEER_START=$(realpath "$(dirname "$0")")/peer-start
LINK=$(realpath -m "${2:?usage: $0 PEER_DIR DIALTONE_LINK}")
BUILD_TIMEOUT=${DT_INTEROP_BUILD_TIMEOUT:-300}
READY_TIMEOUT=90

skip() {
    echo "SKIP: $*"
    exit 77
}
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

[ "$(id -u)" -eq 0 ] || skip "needs root (the peer harness, TUN, namespaces)"
[ -x "$PEER_DIR/build" ] || skip "no reference peer at $PEER_DIR"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"

T0=$(now)
TMP=$(mktemp -d /tmp/dt-dialup-interop.XXXXXX)
NS="dialup-$$"
VM=""
LINK_PID=""
cleanup() {
    if [ -n "$LINK_PID" ]; then
        kill -TERM "$LINK_PID" 2>/dev/null || true
        for _ in $(seq 200); do kill -0 "$LINK_PID" 2>/dev/null || break; sleep 0.05; done
        kill -9 "$LINK_PID" 2>/dev/null || true
    fi
    [ -z "$VM" ] || "$PEER_DIR/stop" --name "$VM" >/dev/null 2>&1 || true
    local pids
    pids=$(ip netns pids "$NS" 2>/dev/null || true)
    [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

mkdir -p "$HOME/.cache"
rc=0
flock -w "$BUILD_TIMEOUT" "$HOME/.cache/dialtone-peer.lock" \
    timeout "$BUILD_TIMEOUT" "$PEER_DIR/build" >"$TMP/build.log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
    tail -20 "$TMP/build.log" >&2
    command -v qemu-system-x86_64 >/dev/null || skip "qemu could not be installed"
    fail "the peer image build failed (exit $rc)"
fi
echo "# build: $(tail -1 "$TMP/build.log") ($(since "$T0") s)"

ip netns add "$NS"
ip -n "$NS" link set lo up

ISP_USER=bob ISP_PASS=Pw-bob-1
VPN_USER=alice VPN_PASS=Secret-123
umask 077
printf '%s\n' "$ISP_PASS" >"$TMP/isp-password"
printf '%s\n' "$VPN_PASS" >"$TMP/vpn-password"
printf 'wrong\n' >"$TMP/wrong"
ISP_ID=3f1c0000-0000-4000-8000-0000000000e1
VPN_ID=3f1c0000-0000-4000-8000-0000000000e2
mkdir -p "$TMP/profiles"
TUN="dtdu$$"
TUN=${TUN:0:15}

# The pptpd role's configuration, started beside the ISP by --run.
PPTPD_RUN="printf 'option /etc/ppp/pptpd-options\nlocalip 198.51.100.1\nremoteip 198.51.100.10-19\n' >/etc/pptpd.conf; printf 'name pptpd\ndebug\nnodefaultroute\nrequire-mschap-v2\nrequire-mppe-128\n' >/etc/ppp/pptpd-options; pptpd --fg -c /etc/pptpd.conf -o /etc/ppp/pptpd-options"

CALL=1
# start_vm TAG POLICY [RUN]
start_vm() {
    local t
    t=$(now)
    VM="du$$$1"
    VM=${VM:0:12}
    local args=(--role isp --serial pty --name "$VM" --user "$ISP_USER:$ISP_PASS"
        --user "$VPN_USER:$VPN_PASS" --policy "$2" --timeout "$READY_TIMEOUT")
    [ -z "${3:-}" ] || args+=(--run "$3")
    "$PEER_START" "$PEER_DIR" "${args[@]}" >"$TMP/start.env" 2>"$TMP/start.log" || {
        cat "$TMP/start.log" >&2
        fail "the ISP VM did not get ready"
    }
    SERIAL=$(sed -n 's/^serial=//p' "$TMP/start.env")
    CONSOLE=$(sed -n 's/^console=//p' "$TMP/start.env")
    [ -n "$SERIAL" ] && [ -n "$CONSOLE" ] || fail "start printed no serial/console"
    CALL=1
    echo "# VM $VM ($2): ISP on $SERIAL, boot $(since "$t") s"
}

stop_vm() {
    "$PEER_DIR/stop" --name "$VM" >/dev/null 2>&1 || true
    rm -rf "${DT_PEER_RUN:-/tmp/dialtone-peer}/$VM"
    VM=""
}

console_tail() {
    echo "--- VM console (pppd, chat, PEER):" >&2
    grep -a -E 'PEER|pppd|chat|pptp|CHAP|PAP|MPPE' "$CONSOLE" | tail -40 >&2 || true
}

show() {
    echo "--- link stderr:" >&2
    cat "$TMP/link.err" >&2
    echo "--- link stdout:" >&2
    cat "$TMP/link.out" >&2
    console_tail
}

# The ISP answers the next call once it says WAITING for it (after NO CARRIER of the last).
wait_isp_ready() {
    for _ in $(seq 300); do
        grep -a -q "PEER ISP WAITING call=$CALL" "$CONSOLE" && return 0
        sleep 0.1
    done
    console_tail
    fail "the ISP is not waiting for call $CALL"
}

# isp_profile AUTH
isp_profile() {
    cat >"$TMP/profiles/$ISP_ID.conf" <<CONF
[Profile]
Id=$ISP_ID
Name=VM ISP
Type=dialup

[Dialup]
Device=$SERIAL
Speed=115200
FlowControl=none
Init=ATZ
DialCommand=ATDT
Phone=5551234
User=$ISP_USER

[Security]
Authentication=$1
Encryption=none
Compression=false

[IPv4]
DefaultRoute=false
DNS=auto

[IPv6]
Enabled=false

[PPP]
EchoInterval=0
CONF
}

vpn_profile() {
    cat >"$TMP/profiles/$VPN_ID.conf" <<CONF
[Profile]
Id=$VPN_ID
Name=VPN over the ISP
Type=pptp
DialFirst=$ISP_ID

[PPTP]
Server=203.0.113.1
User=$VPN_USER

[Security]
Authentication=mschapv2
Encryption=require-128

[IPv4]
DefaultRoute=false
DNS=auto

[IPv6]
Enabled=false

[PPP]
EchoInterval=0
CONF
}

# run_link PROFILE EXTRA-ARGS...
run_link() {
    wait_isp_ready
    : >"$TMP/link.out"
    : >"$TMP/link.err"
    # DNS=auto: the link rewrites /etc/resolv.conf, so it gets a private mount namespace with a
    # resolv.conf of the test's own bound over the machine's, and its backup goes to $TMP/state.
    [ -e "$TMP/resolv.conf" ] || printf 'nameserver 192.0.2.153\n' >"$TMP/resolv.conf"
    mkdir -p "$TMP/state"
    DIALTONE_STATE_DIR="$TMP/state" ip netns exec "$NS" unshare -m --propagation private \
        sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$TMP/resolv.conf" \
        "$LINK" --standalone "$TMP/profiles/$1.conf" "${@:2}" \
        >"$TMP/link.out" 2>"$TMP/link.err" &
    LINK_PID=$!
    CALL=$((CALL + 1))
}

wait_exit() { # bounded: 60 s
    for _ in $(seq 600); do kill -0 "$LINK_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$LINK_PID" 2>/dev/null && {
        show
        fail "$1: dialtone-link did not exit"
    }
    RC=0
    wait "$LINK_PID" || RC=$?
    LINK_PID=""
}

wait_up() { # PATTERN CASE, bounded: 90 s
    for _ in $(seq 900); do
        grep -q "$1" "$TMP/link.err" && return 0
        kill -0 "$LINK_PID" 2>/dev/null || break
        sleep 0.1
    done
    show
    fail "$2: not up"
}

check_clean() {
    for _ in $(seq 100); do
        ip -n "$NS" -o link show | grep -q ' dt' || break
        sleep 0.05
    done
    ! ip -n "$NS" -o link show | grep -q ' dt' || fail "$1: a dt TUN is left"
    [ -z "$(ip -n "$NS" route show proto 68)" ] || fail "$1: routes with proto 68 are left"
    ! ls /var/lock/LCK..pts_* /run/lock/LCK..pts_* 2>/dev/null | grep -q "pts_${SERIAL##*/}\$" ||
        fail "$1: the lock file for $SERIAL is left"
}

# dial_ok AUTH PPPD-LINE: a call that authenticates with AUTH, pings the ISP end, hangs up.
dial_ok() {
    local t before
    t=$(now)
    before=$(grep -a -c "$2" "$CONSOLE" || true)
    isp_profile "$1"
    run_link "$ISP_ID" --password-file "$TMP/isp-password" --interface "$TUN"
    wait_up 'stage=network-up' "$1"
    grep -q "stage=auth method=$1 result=ok" "$TMP/link.err" || {
        show
        fail "$1: we did not authenticate with $1"
    }
    grep -q 'Address:        203.0.113.2, ISP end 203.0.113.1' "$TMP/link.out" || {
        show
        fail "$1: not the address pppd gave"
    }
    ip netns exec "$NS" ping -c 3 -W 5 203.0.113.1 >"$TMP/ping.log" || {
        cat "$TMP/ping.log" >&2
        show
        fail "$1: no ping reply from the ISP end"
    }
    for _ in $(seq 50); do [ "$(grep -a -c "$2" "$CONSOLE")" -gt "$before" ] && break; sleep 0.1; done
    [ "$(grep -a -c "$2" "$CONSOLE")" -gt "$before" ] || {
        show
        fail "$1: pppd did not log \"$2\""
    }
    kill -TERM "$LINK_PID"
    wait_exit "$1"
    [ "$RC" -eq 0 ] || {
        show
        fail "$1: exit status $RC after SIGTERM"
    }
    check_clean "$1"
    echo "ok - $1 against pppd: 203.0.113.2, ping, hung up ($(since "$t") s)"
}

# ---- VM 1: require-pap, and pptpd beside it ----
start_vm p 'require-pap' "$PPTPD_RUN"
dial_ok pap "PAP peer authentication succeeded for $ISP_USER"

t=$(now)
isp_profile chap
run_link "$ISP_ID" --password-file "$TMP/isp-password" --interface "$TUN"
wait_exit chap-vs-pap
[ "$RC" -eq 3 ] || {
    show
    fail "chap-only profile against require-pap: exit $RC, want 3 (authentication)"
}
grep -q 'reason=auth-refused' "$TMP/link.err" || {
    show
    fail "chap-only profile against require-pap: not auth-refused"
}
check_clean chap-vs-pap
echo "ok - a CHAP-only profile refuses pppd's require-pap: exit 3 ($(since "$t") s)"

t=$(now)
isp_profile pap
vpn_profile
run_link "$VPN_ID" --password-file "$TMP/vpn-password" --dial-password-file \
    "$TMP/isp-password" --interface "$TUN"
wait_up 'stage=network-up tun='"$TUN" dialfirst
grep -q 'stage=route added=.*203.0.113.1/32.*via=lower-link\|stage=route .*203.0.113.1.*lower-link' \
    "$TMP/link.err" || {
    show
    fail "dialfirst: no host route to the PPTP server through the dial-up link"
}
ip netns exec "$NS" ping -c 3 -W 5 198.51.100.1 >"$TMP/ping.log" || {
    cat "$TMP/ping.log" >&2
    show
    fail "dialfirst: no ping reply through the tunnel"
}
grep -a -q 'MPPE 128-bit stateless compression enabled' "$CONSOLE" || {
    show
    fail "dialfirst: pptpd's pppd did not enable MPPE-128"
}
kill -TERM "$LINK_PID"
wait_exit dialfirst
[ "$RC" -eq 0 ] || {
    show
    fail "dialfirst: exit $RC after SIGTERM"
}
# Reverse order: the tunnel's disconnect is logged before the lower link is stopped.
awk '/stage=down reason=local-request/ && !t { t = NR } /stage=lower-link stop=yes/ { s = NR }
     END { exit !(t && s && t < s) }' "$TMP/link.err" || {
    show
    fail "dialfirst: the tunnel was not taken down before the dial-up link"
}
check_clean dialfirst
echo "ok - DialFirst: dial-up, route, PPTP + MPPE-128 over it, ping, reverse teardown ($(since "$t") s)"

# The lower link goes down under the tunnel (its dialtone-link hangs up): the tunnel ends with
# lower-link-down, exit 15, and nothing is left behind.
t=$(now)
run_link "$VPN_ID" --password-file "$TMP/vpn-password" --dial-password-file \
    "$TMP/isp-password" --interface "$TUN"
wait_up 'stage=network-up tun='"$TUN" lower-down
# By its command line: the tunnel's own sandboxed protocol child is a child of LINK_PID too.
CHILD=$(pgrep -P "$LINK_PID" -f -- '--lower-link' | head -1 || true)
[ -n "$CHILD" ] || fail "lower-down: no dial-up child process"
kill -TERM "$CHILD"
wait_exit lower-down
[ "$RC" -eq 15 ] || {
    show
    fail "lower-down: exit $RC, want 15 (lower link down)"
}
grep -q 'stage=end reason=lower-link-down status=15' "$TMP/link.err" || {
    show
    fail "lower-down: reason is not lower-link-down"
}
check_clean lower-down
echo "ok - the dial-up link ends under the tunnel: lower-link-down, exit 15 ($(since "$t") s)"
stop_vm

# ---- VM 2: require-chap require-mschap-v2 ----
start_vm c 'require-chap require-mschap-v2'
dial_ok chap "sent \[CHAP Success"
dial_ok mschapv2 "sent \[CHAP Success id=0x[0-9a-f]* \"S="
stop_vm
echo "# total $(since "$T0") s"
