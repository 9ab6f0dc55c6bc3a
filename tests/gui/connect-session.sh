#!/usr/bin/env bash
# connect-session.sh APP SERVER LINK HELPER DATA-DIR TEST.py — the world for a GUI test
# that really connects: dialtone-server in a server namespace; on a private system bus
# (data/'s policy included as installed) python3-dbusmock's polkitd template and the real
# dialtone-helper in a client namespace, in a mount namespace of its own whose
# /etc/resolv.conf is a bind-mounted temporary file (the helper can never touch the
# machine's); then gui-session.sh (Xvfb, a private session bus, gnome-keyring) with a real
# notification server runs TEST.py. Root only (namespaces): exit 77 otherwise.
# Everything is stopped by PID and every namespace deleted on exit.
set -euo pipefail
APP=${1:?} SERVER=${2:?} LINK=${3:?} HELPER=${4:?} DATA=${5:?} TEST=${6:?}
HERE=$(cd "$(dirname "$0")" && pwd)

skip() {
    echo "SKIP: $*"
    exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, TUN)"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
for t in ip unshare dbus-daemon gdbus dbus-monitor; do
    command -v "$t" >/dev/null || skip "no $t (tools/deps)"
done
PY=/usr/bin/python3
"$PY" -c 'import dbusmock' 2>/dev/null || skip "no python3-dbusmock (tools/deps)"
NOTIFYD=/usr/lib/notification-daemon/notification-daemon
[ -x "$NOTIFYD" ] || skip "no notification-daemon (tools/deps)"

TMP=$(mktemp -d /tmp/dt-app-connect.XXXXXX)
chmod 755 "$TMP"
NS_S="app-srv-$$"
NS_C="app-cli-$$"
PIDS=()
cleanup() {
    local i ns pids
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        kill -TERM "${PIDS[i]}" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "${PIDS[i]}" 2>/dev/null || break; sleep 0.05; done
        kill -9 "${PIDS[i]}" 2>/dev/null || true
    done
    for ns in "$NS_C" "$NS_S" ${NS_I:-}; do
        pids=$(ip netns pids "$ns" 2>/dev/null || true)
        [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
wait_for() { # TRIES COMMAND...: every 50 ms
    local tries=$1
    shift
    for ((i = 0; i < tries; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    return 1
}

ip netns add "$NS_S" || skip "cannot create network namespaces"
ip netns add "$NS_C"
ip -n "$NS_S" link set lo up
ip -n "$NS_C" link set lo up
VS="appvs$$"
VC="appvc$$"
ip link add "$VC" netns "$NS_C" type veth peer name "$VS" netns "$NS_S"
ip -n "$NS_S" addr add 192.0.2.1/24 dev "$VS"
ip -n "$NS_C" addr add 192.0.2.2/24 dev "$VC"
ip -n "$NS_S" link set "$VS" up
ip -n "$NS_C" link set "$VC" up

umask 077
printf 'alice * "%s" *\n' "$DT_GUI_PASSWORD" >"$TMP/chap-secrets"
# MPPC on, as the article's Details page shows it: MS-CHAP v2, MPPC, MPPE 128-bit stateless.
cat >"$TMP/server.conf" <<CONF
[Server]
Listen=192.0.2.1
LocalAddress=198.51.100.1
RemoteAddresses=198.51.100.10-198.51.100.20
DNS=198.51.100.53
Secrets=$TMP/chap-secrets
MaxCalls=4

[Security]
Authentication=mschapv2
Encryption=require-128
AllowStateful=false
Compression=true

[PPP]
EchoInterval=0
CONF
umask 022

cat >"$TMP/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$TMP/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <allow send_destination="org.freedesktop.PolicyKit1"/>
  </policy>
  <policy user="root"><allow own="org.freedesktop.PolicyKit1"/></policy>
  <include>$DATA/org.dialtone.Helper1.conf</include>
</busconfig>
CONF
dbus-daemon --config-file="$TMP/bus.conf" --nofork --print-address=7 7>"$TMP/address" \
    2>"$TMP/dbus.log" &
PIDS+=($!)
wait_for 100 test -s "$TMP/address" || fail "dbus-daemon did not start: $(cat "$TMP/dbus.log")"
DBUS_SYSTEM_BUS_ADDRESS=$(head -n1 "$TMP/address")
export DBUS_SYSTEM_BUS_ADDRESS

"$PY" -m dbusmock --system -t polkitd >"$TMP/polkit.log" 2>&1 &
PIDS+=($!)
gdbus wait --system --timeout 10 org.freedesktop.PolicyKit1 || fail "no polkit mock"

ip netns exec "$NS_S" "$SERVER" --config "$TMP/server.conf" 2>"$TMP/server.log" &
PIDS+=($!)
export DT_GUI_SERVER_PID=$! # for test-connect.py's server crash; never a machine-wide pkill
wait_for 100 grep -q "event=listen" "$TMP/server.log" || fail "dialtone-server did not start"

# DT_GUI_ISP=itest-dialup-isp: a fake modem and ISP on a pty as well, routing into a third
# namespace where a second dialtone-server listens on 10.77.0.1 — the article's two stacked
# profiles (DialFirst). Exports DT_GUI_ISP_PTY and DT_GUI_ISP_PASSWORD.
if [ -n "${DT_GUI_ISP:-}" ]; then
    NS_I="app-isp-$$"
    ISP_TUN="appisp$$"
    ISP_TUN=${ISP_TUN:0:15}
    export DT_GUI_ISP_PASSWORD="isp-Pw-Gui4"
    ip netns add "$NS_I"
    ip -n "$NS_I" link set lo up
    ip netns exec "$NS_I" "$DT_GUI_ISP" "$TMP/ttyModem" ok mschapv2 bob "$DT_GUI_ISP_PASSWORD" \
        --tun "$ISP_TUN" >"$TMP/isp.out" 2>"$TMP/isp.log" &
    PIDS+=($!)
    wait_for 100 grep -q '^ready pty=/dev/' "$TMP/isp.out" || fail "the fake ISP did not start"
    export DT_GUI_ISP_PTY=$(sed -n 's/^ready pty=\([^ ]*\).*/\1/p' "$TMP/isp.out")
    ip -n "$NS_I" addr add 10.77.0.1 peer 10.77.0.2 dev "$ISP_TUN"
    ip -n "$NS_I" link set "$ISP_TUN" up
    sed 's/^Listen=192.0.2.1$/Listen=10.77.0.1/' "$TMP/server.conf" >"$TMP/isp-server.conf"
    ip netns exec "$NS_I" "$SERVER" --config "$TMP/isp-server.conf" 2>"$TMP/isp-server.log" &
    PIDS+=($!)
    wait_for 100 grep -q "event=listen" "$TMP/isp-server.log" || fail "the second dialtone-server did not start"
fi

# The helper in its own mount namespace: whatever it does to /etc/resolv.conf lands in
# this temporary file.
printf 'nameserver 192.0.2.53\n' >"$TMP/resolv.conf"
ip netns exec "$NS_C" unshare -m --propagation private sh -c \
    'mount --bind "$1" /etc/resolv.conf && exec "$2" --link-path "$3"' \
    sh "$TMP/resolv.conf" "$HELPER" "$LINK" 2>"$TMP/helper.log" &
PIDS+=($!)
gdbus wait --system --timeout 10 org.dialtone.Helper1 || fail "helper: $(cat "$TMP/helper.log")"

export DT_GUI_NS_CLIENT="$NS_C" DT_GUI_NOTIFICATIONS="$NOTIFYD"
rc=0
"$HERE/gui-session.sh" "$APP" "$TEST" || rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ "$rc" -ne 130 ]; then
    echo "--- helper log"
    tail -n 40 "$TMP/helper.log"
    echo "--- server log"
    tail -n 20 "$TMP/server.log"
    if [ -n "${DT_GUI_ISP:-}" ]; then
        echo "--- fake ISP log"
        tail -n 20 "$TMP/isp.log"
        echo "--- second server log"
        tail -n 20 "$TMP/isp-server.log"
    fi
fi
grep -q "$DT_GUI_PASSWORD" "$TMP/helper.log" "$TMP/server.log" && fail "a log holds the password"
[ -z "${DT_GUI_ISP_PASSWORD:-}" ] || ! grep -q "$DT_GUI_ISP_PASSWORD" "$TMP/helper.log" ||
    fail "the helper's log holds the dial-up password"
exit "$rc"
