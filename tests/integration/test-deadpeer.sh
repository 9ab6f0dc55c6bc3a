#!/usr/bin/env bash
# test-deadpeer.sh DTIO-ITEST DIALTONE-SERVER DIALTONE-LINK — dead-peer detection (issue 11).
#
# dialtone-link --standalone (EchoInterval=1, EchoFailures=3) is connected to dialtone-server,
# then the path is blackholed with nftables: every packet between the two ends is dropped on
# receipt, so neither side gets an error, only silence. The link must notice on its own through
# LCP keepalive, end with ECHO_TIMEOUT (exit status 7 and the reason's words), and leave nothing
# behind. Two cases: the whole path gone, and GRE alone blocked with the TCP control connection
# still answering (a NAT that lost the call's GRE mapping). Then IdleDisconnect: busy, the link
# stays; quiet, it hangs up by itself. Every wait is bounded.
source "$(dirname "$0")/lib.sh" "$1"
SERVER=${2:?}
LINK=${3:?}
command -v nft >/dev/null || dt_skip "no nft (tools/deps)"

dt_pair_new dead
PASSWORD="pw-Dead-Peer-3"
umask 077
printf 'alice * "%s" *\n' "$PASSWORD" >"$DT_TMP/chap-secrets"
printf '%s\n' "$PASSWORD" >"$DT_TMP/password"

cat >"$DT_TMP/server.conf" <<CONF
[Server]
Listen=192.0.2.1
LocalAddress=198.51.100.1
RemoteAddresses=198.51.100.10-198.51.100.20
Secrets=$DT_TMP/chap-secrets

[PPP]
EchoInterval=0
CONF

cat >"$DT_TMP/profile.conf" <<CONF
[Profile]
Id=3f1c0000-0000-4000-8000-0000000000dd
Name=Dead peer
Type=pptp

[PPTP]
Server=192.0.2.1
User=alice

[IPv4]
DefaultRoute=false
DNS=none

[IPv6]
Enabled=false

[PPP]
EchoInterval=1
EchoFailures=3
CONF

dt_show_on_fail "$DT_TMP/server.log"
SRV_PID=""
LINK_PID=""
start_server() {
    : >"$DT_TMP/server.log"
    ip netns exec "$NS_S" "$SERVER" --config "$DT_TMP/server.conf" 2>>"$DT_TMP/server.log" &
    SRV_PID=$!
    dt_wait 100 grep -q "event=listen" "$DT_TMP/server.log" || {
        cat "$DT_TMP/server.log" >&2
        dt_fail "dialtone-server did not start"
    }
}
stop_server() {
    [ -n "$SRV_PID" ] || return 0
    kill -TERM "$SRV_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$SRV_PID" 2>/dev/null || true
    wait "$SRV_PID" 2>/dev/null || true
    SRV_PID=""
}

# blackhole WHAT: drop, on receipt in both namespaces, what nft expression WHAT matches.
blackhole() {
    local ns
    for ns in "$NS_S" "$NS_C"; do
        ip netns exec "$ns" nft add table inet dtblack
        ip netns exec "$ns" nft add chain inet dtblack in \
            '{ type filter hook prerouting priority -300; policy accept; }'
        ip netns exec "$ns" nft add rule inet dtblack in $1 counter drop
    done
}
unblackhole() {
    local ns
    for ns in "$NS_S" "$NS_C"; do
        ip netns exec "$ns" nft delete table inet dtblack 2>/dev/null || true
    done
}
dropped() { # NS: packets the blackhole took there
    ip netns exec "$1" nft list table inet dtblack | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p'
}

# run_case NAME NFT-MATCH
run_case() {
    local name=$1 t0 t1 rc=0
    start_server
    : >"$DT_TMP/link.out"
    : >"$DT_TMP/link.err"
    "$DT_NS_EXEC" "$NS_C" "$LINK" --standalone "$DT_TMP/profile.conf" \
        --password-file "$DT_TMP/password" >"$DT_TMP/link.out" 2>"$DT_TMP/link.err" &
    LINK_PID=$!
    dt_wait 300 grep -q "^Connected to" "$DT_TMP/link.out" || {
        cat "$DT_TMP/link.err" "$DT_TMP/server.log" >&2
        dt_fail "$name: the link did not come up in 15 s"
    }
    # Alive with keepalive answered: a few intervals pass and the link stays.
    sleep 3
    kill -0 "$LINK_PID" 2>/dev/null || { cat "$DT_TMP/link.err" >&2; dt_fail "$name: link ended before the blackhole"; }
    t0=$(date +%s%N)
    blackhole "$2"
    # Bounded: EchoInterval × EchoFailures is 3 s; 30 s is far beyond any scheduling noise.
    for _ in $(seq 600); do kill -0 "$LINK_PID" 2>/dev/null || break; sleep 0.05; done
    t1=$(date +%s%N)
    if kill -0 "$LINK_PID" 2>/dev/null; then
        kill -9 "$LINK_PID"
        wait "$LINK_PID" 2>/dev/null || true
        cat "$DT_TMP/link.err" >&2
        dt_fail "$name: the link did not notice the dead peer within 30 s"
    fi
    wait "$LINK_PID" || rc=$?
    LINK_PID=""
    [ "$rc" -eq 7 ] || { cat "$DT_TMP/link.err" >&2; dt_fail "$name: exit $rc, want 7 (timeout)"; }
    grep -q "reason=echo-timeout" "$DT_TMP/link.err" ||
        { cat "$DT_TMP/link.err" >&2; dt_fail "$name: no reason=echo-timeout"; }
    grep -qi "stopped answering" "$DT_TMP/link.err" ||
        { cat "$DT_TMP/link.err" >&2; dt_fail "$name: no plain-words reason"; }
    # At least the three unanswered requests were sent into the hole (and dropped there).
    [ "$(dropped "$NS_S")" -ge 3 ] || dt_fail "$name: the server side dropped $(dropped "$NS_S") packets, want >= 3"
    left=$(ip -n "$NS_C" route show table all proto 68)
    [ -z "$left" ] || dt_fail "$name: routes left behind: $left"
    ! ip -n "$NS_C" -o link show | grep -q ' dt[0-9]' || dt_fail "$name: a TUN was left behind"
    dt_resolv_restored "$name"
    echo "== $name: ECHO_TIMEOUT after $(((t1 - t0) / 1000000)) ms (EchoInterval=1 s × EchoFailures=3); $(tail -n 1 "$DT_TMP/link.err")"
    unblackhole
    stop_server
}

run_case path-gone "ip saddr { 192.0.2.1, 192.0.2.2 }"
run_case gre-blocked "meta l4proto gre"

# IdleDisconnect: a ping keeps the link (data either way counts), answered keepalive does not;
# quiet for IdleDisconnect seconds, the link hangs up by itself with idle-timeout.
printf '\n[Redial]\nIdleDisconnect=4\n' >>"$DT_TMP/profile.conf"
start_server
: >"$DT_TMP/link.err"
"$DT_NS_EXEC" "$NS_C" "$LINK" --standalone "$DT_TMP/profile.conf" \
    --password-file "$DT_TMP/password" >"$DT_TMP/link.out" 2>"$DT_TMP/link.err" &
LINK_PID=$!
dt_wait 300 grep -q "^Connected to" "$DT_TMP/link.out" || {
    cat "$DT_TMP/link.err" >&2
    dt_fail "idle: the link did not come up in 15 s"
}
ip netns exec "$NS_C" ping -q -c 8 -i 1 -W 2 198.51.100.1 >/dev/null ||
    { cat "$DT_TMP/link.err" >&2; dt_fail "idle: ping through the tunnel failed"; }
kill -0 "$LINK_PID" 2>/dev/null || { cat "$DT_TMP/link.err" >&2; dt_fail "idle: hung up while busy"; }
for _ in $(seq 600); do kill -0 "$LINK_PID" 2>/dev/null || break; sleep 0.05; done
kill -0 "$LINK_PID" 2>/dev/null && { kill -9 "$LINK_PID"; dt_fail "idle: still up 30 s after the traffic stopped"; }
rc=0
wait "$LINK_PID" || rc=$?
LINK_PID=""
[ "$rc" -eq 7 ] || { cat "$DT_TMP/link.err" >&2; dt_fail "idle: exit $rc, want 7"; }
grep -q "reason=idle-timeout" "$DT_TMP/link.err" || { cat "$DT_TMP/link.err" >&2; dt_fail "idle: no reason=idle-timeout"; }
! ip -n "$NS_C" -o link show | grep -q ' dt[0-9]' || dt_fail "idle: a TUN was left behind"
echo "== idle: $(tail -n 1 "$DT_TMP/link.err")"
stop_server
echo "PASS"
