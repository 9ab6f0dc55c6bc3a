#!/usr/bin/env bash
# test-faults.sh DTIO-ITEST DIALTONE-SERVER DIALTONE-LINK DIALTONE-HELPER DIALTONECTL DATA-DIR
#
# Faults on a working tunnel (issue 11), with a ping running through it each time:
#   1. The server reboots: dialtone-server is SIGKILLed mid-transfer and a new process starts
#      (the old calls are gone with it). The helper's link sees the control connection close,
#      says so, redials per [Redial] and comes up on the new server; the client namespace
#      holds one TUN and only the pinned server route, the server namespace only the new
#      call's TUN.
#   2. The path flaps for 1 s, shorter than EchoInterval × EchoFailures (1 s × 3): the link
#      rides it out on the same attempt and the ping gets through again.
#   3. The path goes away: the link notices (echo-timeout), the helper redials and,
#      once the path is back a second later, the link is up again (attempt 3, or a later one
#      when an attempt fell into the outage).
#   4. The client dies (SIGKILL of dialtone-link --standalone and its sandboxed child) against
#      a server with one address in its pool: the server frees the call, its TUN and the
#      address, and a second client gets that same address.
# Every wait is bounded; lib.sh's trap removes what is left.
source "$(dirname "$0")/lib.sh" "$1"
SERVER=${2:?}
LINK=${3:?}
HELPER=${4:?}
CTL=${5:?}
DATA=${6:?}
source "$(dirname "$0")/helper-lib.sh"
command -v nft >/dev/null || dt_skip "no nft (tools/deps)"
command -v pgrep >/dev/null || dt_skip "no pgrep (procps)"
PASSWORD="pw-Faults-5"

dt_pair_new flt

umask 077
printf 'alice * "%s" *\n' "$PASSWORD" >"$DT_TMP/chap-secrets"
printf '%s\n' "$PASSWORD" >"$DT_TMP/password"
server_conf() { # POOL
    cat >"$DT_TMP/server.conf" <<CONF
[Server]
Listen=192.0.2.1
LocalAddress=198.51.100.1
RemoteAddresses=$1
DNS=198.51.100.53
Secrets=$DT_TMP/chap-secrets
MaxCalls=4

[PPP]
EchoInterval=0
CONF
}
umask 022
cat >"$DT_TMP/office.conf" <<CONF
[Profile]
Id=3f1c0000-0000-4000-8000-0000000000fa
Name=Faulty
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

[Redial]
Attempts=5
Interval=1
OnLinkFailure=true
CONF

dt_bus_start "$DATA"
dt_polkit_start
dt_show_on_fail "$DT_TMP/server.log"
SRV_PID=""
start_server() {
    : >"$DT_TMP/server.log"
    ip netns exec "$NS_S" "$SERVER" --config "$DT_TMP/server.conf" 2>"$DT_TMP/server.log" &
    SRV_PID=$!
    DT_PIDS+=($SRV_PID)
    dt_wait 100 grep -q "event=listen" "$DT_TMP/server.log" || dt_fail "dialtone-server did not start"
}
server_conf 198.51.100.10-198.51.100.20
start_server
dt_helper_start "$NS_C" "$HELPER" "$LINK"

status_has() { # PATTERN...: dialtonectl status Faulty matches every pattern
    "$CTL" status Faulty >"$DT_TMP/status" 2>/dev/null || return 1
    local p
    for p in "$@"; do grep -q -- "$p" "$DT_TMP/status" || return 1; done
}
tuns() { ip -n "$1" -o link show | grep -cE '^[0-9]+: dt(srv)?[0-9]+:' || true; }
tagged() { ip -n "$NS_C" route show table all proto 68; }
ping_ok() { ip netns exec "$NS_C" ping -c 1 -W 1 198.51.100.1 >/dev/null 2>&1; }
PING_PID=""
ping_start() {
    ip netns exec "$NS_C" ping -q -i 0.2 -w 60 198.51.100.1 >/dev/null 2>&1 &
    PING_PID=$!
    DT_PIDS+=($PING_PID)
}
ping_stop() { [ -z "$PING_PID" ] || dt_stop_pid "$PING_PID"; PING_PID=""; }
blackhole() { # drop, on receipt in both namespaces, everything between the two ends
    local ns
    for ns in "$NS_S" "$NS_C"; do
        ip netns exec "$ns" nft add table inet dtflap
        ip netns exec "$ns" nft add chain inet dtflap in \
            '{ type filter hook prerouting priority -300; policy accept; }'
        ip netns exec "$ns" nft add rule inet dtflap in ip saddr '{ 192.0.2.1, 192.0.2.2 }' drop
    done
}
unblackhole() {
    local ns
    for ns in "$NS_S" "$NS_C"; do ip netns exec "$ns" nft delete table inet dtflap 2>/dev/null || true; done
}
attempt() { sed -n 's/^ *Attempt: *//p' "$DT_TMP/status"; }

"$CTL" connect --file "$DT_TMP/office.conf" --password-stdin <<<"$PASSWORD" >"$DT_TMP/out" \
    2>"$DT_TMP/err" || dt_fail "connect: $(cat "$DT_TMP/err" "$DT_TMP/out")"
grep -q 'state=connected' "$DT_TMP/out" || dt_fail "not connected: $(cat "$DT_TMP/out")"
ping_ok || dt_fail "no ping through the tunnel"

# 1. The server reboots mid-transfer.
ping_start
sleep 0.5
kill -9 "$SRV_PID"
wait "$SRV_PID" 2>/dev/null || true
start_server
dt_wait 400 status_has 'state=connected' 'Attempt: *2' ||
    dt_fail "no redial onto the new server: $(cat "$DT_TMP/status")"
grep -q 'event=connect user=alice' "$DT_TMP/server.log" || dt_fail "the new server saw no call"
grep -q 'control connection' "$DT_TMP/helper.log" ||
    dt_fail "the helper did not say the control connection closed"
dt_wait 100 ping_ok || dt_fail "no ping after the server came back"
[ "$(tuns "$NS_C")" -eq 1 ] || dt_fail "client TUNs after the reboot: $(ip -n "$NS_C" -o link show)"
[ "$(tuns "$NS_S")" -eq 1 ] || dt_fail "server TUNs after the reboot: $(ip -n "$NS_S" -o link show)"
[ "$(tagged | wc -l)" -eq 1 ] && tagged | grep -q '^192.0.2.1 ' ||
    dt_fail "client routes after the reboot: $(tagged)"
ping_stop
echo "ok: server rebooted mid-transfer → control closed, redial 2 up on the new process, nothing stale"

# 2. A 1 s flap: below the dead-peer threshold, the link stays.
ping_start
blackhole
sleep 1
unblackhole
sleep 2
status_has 'state=connected' 'Attempt: *2' || dt_fail "a 1 s flap took the link down: $(cat "$DT_TMP/status")"
dt_wait 100 ping_ok || dt_fail "no ping after a 1 s flap"
ping_stop
echo "ok: path flapped for 1 s (< 1 s × 3 echo) → same attempt, traffic again"

# 3. No path: echo-timeout, redial, up again once the path is back.
blackhole
dt_wait 300 grep -q 'echo-timeout' "$DT_TMP/helper.log" ||
    dt_fail "6 s without a path and no echo-timeout"
sleep 1
unblackhole
dt_wait 600 status_has 'state=connected' 'Attempt: *[3-5]' ||
    dt_fail "no redial after the path came back: $(cat "$DT_TMP/status")"
dt_wait 100 ping_ok || dt_fail "no ping after the outage"
[ "$(tuns "$NS_C")" -eq 1 ] || dt_fail "client TUNs after the outage: $(ip -n "$NS_C" -o link show)"
[ "$(tagged | wc -l)" -eq 1 ] || dt_fail "client routes after the outage: $(tagged)"
echo "ok: path gone → echo-timeout, redialled (attempt $(attempt)) and up when it returned, nothing stale"
"$CTL" disconnect Faulty >/dev/null 2>&1 || dt_fail "disconnect"
dt_wait 100 test "$(tuns "$NS_C")" -eq 0 || dt_fail "a TUN after disconnect"
dt_helper_stop

# 4. The client is killed outright: the server frees the call and its one address.
dt_stop_pid "$SRV_PID"
server_conf 198.51.100.10-198.51.100.10
start_server
sed -i 's/^EchoInterval=1$/EchoInterval=0/' "$DT_TMP/office.conf"
run_client() { # N
    : >"$DT_TMP/link$1.out"
    "$DT_NS_EXEC" "$NS_C" "$LINK" --standalone "$DT_TMP/office.conf" \
        --password-file "$DT_TMP/password" >"$DT_TMP/link$1.out" 2>"$DT_TMP/link$1.err" &
    LINK_PID=$!
    DT_PIDS+=($LINK_PID)
    dt_wait 300 grep -q '^Connected to' "$DT_TMP/link$1.out" ||
        dt_fail "client $1 did not come up: $(cat "$DT_TMP/link$1.err")"
}
run_client 1
grep -q 'local=198.51.100.10' "$DT_TMP/link1.err" || dt_fail "client 1 got another address"
kids=$(pgrep -P "$LINK_PID" || true)
kill -9 "$LINK_PID" $kids 2>/dev/null || true
wait "$LINK_PID" 2>/dev/null || true
dt_wait 200 grep -q 'event=disconnect user=alice' "$DT_TMP/server.log" ||
    dt_fail "the server did not free the killed client's call"
dt_wait 100 test "$(tuns "$NS_S")" -eq 0 || dt_fail "the server kept the dead call's TUN"
# The killed client's TUN went with its process; its pinned route stays (nobody was left to
# remove it), which is the helper's job in managed mode (test-helper-crash.sh).
ip -n "$NS_C" route del 192.0.2.1/32 proto 68 2>/dev/null || true
run_client 2
grep -q 'local=198.51.100.10' "$DT_TMP/link2.err" ||
    dt_fail "the freed address was not given again: $(grep stage=network "$DT_TMP/link2.err")"
echo "ok: client SIGKILLed → the server freed the call, its TUN and 198.51.100.10, given to the next client"
