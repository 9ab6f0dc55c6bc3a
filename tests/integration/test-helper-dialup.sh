#!/usr/bin/env bash
# test-helper-dialup.sh DTIO-ITEST DIALTONE-SERVER DIALTONE-LINK DIALTONE-HELPER DIALTONECTL
#                       ITEST-DIALUP-ISP DATA-DIR
#
# Dial-up through the helper, as a desktop user gets it: the real dialtone-helper on a private
# system bus (python3-dbusmock's polkitd the one mock), its dialtone-link --managed worker in a
# client namespace, and itest-dialup-isp playing modem and ISP on a pty.
#   1. Device validation: /dev/null, /dev/tty, a regular file, a relative path and a missing
#      device each get InvalidArgument naming Dialup.Device; nothing starts.
#   2. A dial-up profile: connected, the stages from dialling to network-up on the bus, CHAP-MD5,
#      the ISP's address and DNS (applied to resolv.conf and removed), a ping to the ISP end;
#      disconnect leaves no TUN, no lock file, no route.
#   3. A PPTP profile with DialFirst=: the dial-up profile nested, both passwords; the ISP
#      routes into its own namespace, where dialtone-server listens. The bus shows the lower-*
#      stages and then the tunnel's; MPPE 128-bit over the dial-up link; ping through both;
#      disconnect takes down the tunnel and then the dial-up link.
#   4. DialFirst against a busy line: the connection fails with modem-busy, no tunnel started.
#   5. DialFirst, the worker SIGKILLed while up: the dial-up child hangs up by itself (no lock
#      file, no TUN left), and the helper reports the failure.
# Every wait is bounded; the EXIT trap stops what is left.
source "$(dirname "$0")/lib.sh" "$1"
SERVER=${2:?}
LINK=${3:?}
HELPER=${4:?}
CTL=${5:?}
ISP=${6:?}
DATA=${7:?}
source "$(dirname "$0")/helper-lib.sh"

ISP_PASSWORD="isp-Pw-5k"
VPN_PASSWORD="vpn-Pw-8q"
PASSWORD=$VPN_PASSWORD # dt_check_secrets looks for this one in every kept file
ISP_ID=3f1c0000-0000-4000-8000-0000000000e1
VPN_ID=3f1c0000-0000-4000-8000-0000000000e2
DEV="$DT_TMP/ttyModem"
LOCK_DIR=/var/lock
[ -d "$LOCK_DIR" ] || LOCK_DIR=/run/lock
chmod 755 "$DT_TMP"

dt_netns_new NS_C hdc
dt_netns_new NS_I hdi
ISP_TUN="dthdi$$"
ISP_TUN=${ISP_TUN:0:15}

umask 077
printf '%s\n' "$ISP_PASSWORD" >"$DT_TMP/isp.pw"
printf '%s\n' "$VPN_PASSWORD" >"$DT_TMP/vpn.pw"
printf 'alice * "%s" *\n' "$VPN_PASSWORD" >"$DT_TMP/chap-secrets"
umask 022
mkdir -p "$DT_TMP/profiles"

# isp_profile DEVICE: the dial-up profile, <Id>.conf in profiles/ (the store's layout).
isp_profile() {
    cat >"$DT_TMP/profiles/$ISP_ID.conf" <<CONF
[Profile]
Id=$ISP_ID
Name=Test ISP
Type=dialup

[Dialup]
Device=$1
Speed=115200
FlowControl=none
Init=ATZ
Phone=5551234
User=bob

[Security]
Authentication=chap
Encryption=none
Compression=false

[IPv4]
DefaultRoute=false
DNS=auto

[IPv6]
Enabled=false

[PPP]
EchoInterval=0

[Redial]
Attempts=0
CONF
}

cat >"$DT_TMP/profiles/office.conf" <<CONF
[Profile]
Id=$VPN_ID
Name=Office
Type=pptp
DialFirst=$ISP_ID

[PPTP]
Server=10.77.0.1
User=alice

[Security]
Authentication=mschapv2
Encryption=require-128
AllowStateful=false
Compression=false

[IPv4]
DefaultRoute=false
Routes=198.51.100.0/24

[IPv6]
Enabled=false

[PPP]
EchoInterval=0

[Redial]
Attempts=0
CONF

cat >"$DT_TMP/server.conf" <<CONF
[Server]
Listen=10.77.0.1
LocalAddress=198.51.100.1
RemoteAddresses=198.51.100.10-198.51.100.20
DNS=198.51.100.53
Secrets=$DT_TMP/chap-secrets

[Security]
Authentication=mschapv2
Encryption=require-128
AllowStateful=false
Compression=false

[PPP]
EchoInterval=0
CONF

ISP_PID=""
stop_isp() {
    [ -n "$ISP_PID" ] || return 0
    dt_stop_pid "$ISP_PID"
    ISP_PID=""
}

# start_isp MODE [--tun NAME]: the fake modem and ISP (in NS_I: its TUN lives there).
start_isp() {
    stop_isp
    : >"$DT_TMP/isp.out"
    : >"$DT_TMP/isp.log"
    ip netns exec "$NS_I" "$ISP" "$DEV" "$1" chap bob "$ISP_PASSWORD" "${@:2}" \
        >"$DT_TMP/isp.out" 2>>"$DT_TMP/isp.log" &
    ISP_PID=$!
    DT_PIDS+=($ISP_PID)
    dt_wait 100 grep -q '^ready pty=/dev/.' "$DT_TMP/isp.out" || dt_fail "the fake ISP did not start"
    PTY=$(sed -n 's/^ready pty=\([^ ]*\).*/\1/p' "$DT_TMP/isp.out")
    LOCK="$LOCK_DIR/LCK..${PTY#/dev/}"
    LOCK=${LOCK//pts\//pts_}
    isp_profile "$PTY" # each ISP has a pty of its own
}

# The bus's StageChanged signals, for the order of the stages.
watch_stages() {
    : >"$DT_TMP/monitor"
    gdbus monitor --system --dest org.dialtone.Helper1 >"$DT_TMP/monitor" 2>&1 &
    MONITOR_PID=$!
    DT_PIDS+=($MONITOR_PID)
    sleep 0.3
}
stop_watch() { dt_stop_pid "$MONITOR_PID"; }
saw_stage() { grep -q "StageChanged ('[^']*', '$1')" "$DT_TMP/monitor"; }

dt_no_dt_tun() { ! ip -n "$NS_C" -o link show | grep -q ': dt[0-9]'; }
check_clean() { # WHAT
    dt_wait 100 dt_no_dt_tun || dt_fail "$1: a dt TUN is left: $(ip -n "$NS_C" -o link show)"
    dt_wait 100 test ! -e "$LOCK" || dt_fail "$1: the lock file $LOCK is left"
    [ -z "$(ip -n "$NS_C" route show table all proto 68)" ] || dt_fail "$1: proto 68 routes left"
}

dt_bus_start "$DATA"
dt_polkit_start
dt_show_on_fail "$DT_TMP/isp.log" "$DT_TMP/monitor"
dt_helper_start "$NS_C" "$HELPER" "$LINK"

# 1. Device validation.
connect_raw() { # PROFILE-DICT
    gdbus call --system --dest org.dialtone.Helper1 --object-path /org/dialtone/Helper1 \
        --method org.dialtone.Helper1.Connect "$1" "{'password': <'x'>}" "{}" 2>&1 || true
}
BASE="'Profile.Id': <'$ISP_ID'>, 'Profile.Name': <'Bad'>, 'Profile.Type': <'dialup'>, 'Dialup.Phone': <'555'>, 'Dialup.User': <'bob'>"
: >"$DT_TMP/regular"
for dev in /dev/null /dev/tty "$DT_TMP/regular" dev/ttyS0 /dev/ttyDoesNotExist9; do
    out=$(connect_raw "{$BASE, 'Dialup.Device': <'$dev'>}")
    grep -q 'org.dialtone.Error.InvalidArgument' <<<"$out" || dt_fail "Device=$dev: not refused: $out"
    grep -q 'Dialup.Device' <<<"$out" || dt_fail "Device=$dev: the error names no key: $out"
    echo "ok: Device=$dev → InvalidArgument: ${out#*Dialup.Device: }"
done
[ "$(gdbus call --system --dest org.dialtone.Helper1 --object-path /org/dialtone/Helper1 \
    --method org.dialtone.Helper1.ListConnections)" = "(@ao [],)" ] || dt_fail "a refused Connect left a connection"

# 2. A dial-up profile through the helper.
start_isp ok
cp "$DT_TMP/resolv.conf" "$DT_TMP/resolv.conf.before"
watch_stages
rc=0
"$CTL" connect --file "$DT_TMP/profiles/$ISP_ID.conf" --password-file "$DT_TMP/isp.pw" \
    >"$DT_TMP/out" 2>"$DT_TMP/err" || rc=$?
[ "$rc" -eq 0 ] || dt_fail "dial-up connect: exit $rc: $(cat "$DT_TMP/err" "$DT_TMP/out")"
cat "$DT_TMP/out"
CONN=$(head -n1 "$DT_TMP/out")
grep -q 'state=connected stage=network-up' "$DT_TMP/out" || dt_fail "dial-up: not network-up"
grep -q "Link:           dial-up on $PTY, CONNECT 115200" "$DT_TMP/out" || dt_fail "dial-up: no link line"
grep -q 'Authentication: CHAP' "$DT_TMP/out" || dt_fail "dial-up: not CHAP"
grep -q 'Address:        10.77.0.2, ISP end 10.77.0.1' "$DT_TMP/out" || dt_fail "dial-up: addresses"
grep -q 'DNS:            10.77.0.53 (through resolv.conf)' "$DT_TMP/out" || dt_fail "dial-up: DNS"
[ "$(grep '^nameserver' "$DT_TMP/resolv.conf")" = "nameserver 10.77.0.53" ] ||
    dt_fail "dial-up: resolv.conf: $(cat "$DT_TMP/resolv.conf")"
ip netns exec "$NS_C" ping -c 3 -i 0.2 -W 2 10.77.0.1 >/dev/null || dt_fail "dial-up: no ping"
for st in dialling line-up lcp-up authenticated network-up; do
    dt_wait 40 saw_stage "$st" || dt_fail "dial-up: no stage $st on the bus"
done
grep -q 'stage=connected connect=' "$DT_TMP/monitor" || dt_fail "dial-up: the modem's CONNECT is not in the LogLine signals"
[ -e "$LOCK" ] || dt_fail "dial-up: no UUCP lock while the line is in use"
# The worker's protocol child (the modem dialogue and PPP) runs unprivileged under seccomp.
WORKER=$(pgrep -P "$HELPER_PID" | head -n1)
CHILD=$(pgrep -P "${WORKER:-0}" | head -n1)
[ -n "$CHILD" ] && grep -q '^Seccomp:[[:space:]]*2' "/proc/$CHILD/status" &&
    [ "$(awk '/^Uid:/ { print $2 }' "/proc/$CHILD/status")" != 0 ] ||
    dt_fail "dial-up: the worker's protocol child is not sandboxed (worker ${WORKER:-none})"
echo "ok: the dial-up link's protocol runs in an unprivileged, seccomp-filtered child"
stop_watch
"$CTL" disconnect "$CONN" >"$DT_TMP/out" 2>"$DT_TMP/err" || dt_fail "dial-up disconnect: $(cat "$DT_TMP/err")"
grep -q 'state=disconnected' "$DT_TMP/out" || dt_fail "dial-up: $(cat "$DT_TMP/out")"
check_clean "dial-up"
dt_resolv_restored "dial-up disconnect"
"$CTL" log 'Test ISP' | grep -q 'bob dialling Test ISP (5551234 on ' || dt_fail "dial-up: no log entry"
echo "ok: dial-up through the helper → dialling … network-up, CHAP, 10.77.0.2, DNS applied, ping, nothing left"

# 3. DialFirst: the ISP routes into NS_I, where dialtone-server listens on 10.77.0.1.
start_isp ok --tun "$ISP_TUN"
dt_wait 100 ip -n "$NS_I" link show dev "$ISP_TUN" >/dev/null || dt_fail "no ISP TUN"
ip -n "$NS_I" addr add 10.77.0.1 peer 10.77.0.2 dev "$ISP_TUN"
ip -n "$NS_I" link set "$ISP_TUN" up
ip netns exec "$NS_I" "$SERVER" --config "$DT_TMP/server.conf" 2>"$DT_TMP/server.log" &
DT_PIDS+=($!)
dt_show_on_fail "$DT_TMP/server.log"
dt_wait 100 grep -q "event=listen" "$DT_TMP/server.log" || dt_fail "dialtone-server did not start"
watch_stages
rc=0
"$CTL" connect --file "$DT_TMP/profiles/office.conf" --password-file "$DT_TMP/vpn.pw" \
    --dial-password-file "$DT_TMP/isp.pw" >"$DT_TMP/out" 2>"$DT_TMP/err" || rc=$?
[ "$rc" -eq 0 ] || dt_fail "DialFirst connect: exit $rc: $(cat "$DT_TMP/err" "$DT_TMP/out")"
cat "$DT_TMP/out"
CONN=$(head -n1 "$DT_TMP/out")
grep -q 'state=connected stage=network-up' "$DT_TMP/out" || dt_fail "DialFirst: not network-up"
grep -q 'Encryption:     MPPE 128-bit' "$DT_TMP/out" || dt_fail "DialFirst: not MPPE 128-bit"
grep -q 'Dialled first:  dt[0-9]*, address 10.77.0.2, ISP end 10.77.0.1' "$DT_TMP/out" ||
    dt_fail "DialFirst: the dial-up link is not shown"
grep -q 'Address:        198.51.100.1[0-9], server end 198.51.100.1' "$DT_TMP/out" ||
    dt_fail "DialFirst: tunnel addresses"
ip netns exec "$NS_C" ping -c 3 -i 0.2 -W 2 198.51.100.1 >/dev/null || dt_fail "DialFirst: no ping through the tunnel"
ip -n "$NS_C" route get 10.77.0.1 | grep -q 'dev dt' || dt_fail "DialFirst: the server is not routed over the dial-up link"
for st in lower-dialling lower-line-up lower-lcp-up lower-authenticated lower-network-up control \
    call-up lcp-up authenticated network-up; do
    dt_wait 40 saw_stage "$st" || dt_fail "DialFirst: no stage $st on the bus"
done
# The lower stages all come before the tunnel's first.
first_tunnel=$(grep -n "StageChanged ('[^']*', 'control')" "$DT_TMP/monitor" | head -n1 | cut -d: -f1)
last_lower=$(grep -n "StageChanged ('[^']*', 'lower-network-up')" "$DT_TMP/monitor" | head -n1 | cut -d: -f1)
[ "$last_lower" -lt "$first_tunnel" ] || dt_fail "DialFirst: the tunnel started before the dial-up link was up"
stop_watch
[ "$(ip -n "$NS_C" -o link show | grep -c ': dt[0-9]')" -eq 2 ] || dt_fail "DialFirst: want two TUNs"
"$CTL" disconnect "$CONN" >"$DT_TMP/out" 2>"$DT_TMP/err" || dt_fail "DialFirst disconnect: $(cat "$DT_TMP/err")"
check_clean "DialFirst"
grep -q 'isp: down reason=peer-terminated\|isp: line closed by the link' "$DT_TMP/isp.log" ||
    dt_fail "DialFirst: the dial-up link was not hung up: $(tail -n 5 "$DT_TMP/isp.log")"
echo "ok: DialFirst through the helper → lower-dialling … lower-network-up, then the tunnel, MPPE 128-bit, ping, both down"

# 4. DialFirst against a busy line: modem-busy, no tunnel.
start_isp busy
rc=0
"$CTL" connect --file "$DT_TMP/profiles/office.conf" --password-file "$DT_TMP/vpn.pw" \
    --dial-password-file "$DT_TMP/isp.pw" >"$DT_TMP/out" 2>"$DT_TMP/err" || rc=$?
[ "$rc" -ne 0 ] || dt_fail "DialFirst busy: connected"
grep -q 'error=modem-busy' "$DT_TMP/out" || dt_fail "DialFirst busy: $(cat "$DT_TMP/out" "$DT_TMP/err")"
check_clean "DialFirst busy"
echo "ok: DialFirst, busy line → failed with modem-busy, no tunnel, nothing left"

# 5. DialFirst, the worker SIGKILLed: the dial-up child hangs up on its own.
start_isp ok --tun "$ISP_TUN"
dt_wait 100 ip -n "$NS_I" link show dev "$ISP_TUN" >/dev/null || dt_fail "no ISP TUN"
ip -n "$NS_I" addr add 10.77.0.1 peer 10.77.0.2 dev "$ISP_TUN"
ip -n "$NS_I" link set "$ISP_TUN" up
rc=0
"$CTL" connect --file "$DT_TMP/profiles/office.conf" --password-file "$DT_TMP/vpn.pw" \
    --dial-password-file "$DT_TMP/isp.pw" >"$DT_TMP/out" 2>"$DT_TMP/err" || rc=$?
[ "$rc" -eq 0 ] || dt_fail "DialFirst (kill): exit $rc: $(cat "$DT_TMP/err" "$DT_TMP/out")"
CONN=$(head -n1 "$DT_TMP/out")
WORKER=$(pgrep -P "$HELPER_PID" -f 'dialtone-link --managed' | head -n1)
[ -n "$WORKER" ] || WORKER=$(pgrep -f 'dialtone-link --managed' | head -n1)
[ -n "$WORKER" ] || dt_fail "DialFirst (kill): no worker found"
kill -KILL "$WORKER"
state_failed() {
    gdbus call --system --dest org.dialtone.Helper1 --object-path "$CONN" \
        --method org.freedesktop.DBus.Properties.Get org.dialtone.Connection1 State 2>/dev/null |
        grep -q "'failed'"
}
dt_wait 200 state_failed || dt_fail "DialFirst (kill): the helper did not report the failure"
check_clean "DialFirst (kill)"
no_lower() { ! pgrep -f 'dialtone-link --lower-link' >/dev/null; }
dt_wait 200 no_lower || dt_fail "DialFirst (kill): the dial-up child still runs"
echo "ok: DialFirst, worker SIGKILLed → the dial-up link hung up by itself, failure reported, nothing left"

stop_isp
grep -q -- "$ISP_PASSWORD" "$DT_TMP/helper.log" && dt_fail "the helper logged the dial-up password"
grep -q -- "$VPN_PASSWORD" "$DT_TMP/helper.log" && dt_fail "the helper logged the VPN password"
echo "ok: no password in the helper's log"
