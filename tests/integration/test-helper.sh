#!/usr/bin/env bash
# test-helper.sh DTIO-ITEST DIALTONE-SERVER DIALTONE-LINK DIALTONE-HELPER DIALTONECTL DATA-DIR
#
# The real dialtone-helper on a private system bus whose policy includes data/'s
# org.dialtone.Helper1.conf, with python3-dbusmock's polkitd template as polkit (the one
# mock): polkit denial, argument validation, the ownership rule for Disconnect, and a real
# connect — dialtonectl against dialtone-server in a server namespace, the helper and its
# dialtone-link --managed worker in a client namespace — with ping through the tunnel and
# nothing left behind after disconnect (no TUN, no proto 68 route).
source "$(dirname "$0")/lib.sh" "$1"
SERVER=${2:?}
LINK=${3:?}
HELPER=${4:?}
CTL=${5:?}
DATA=${6:?}
command -v dbus-daemon >/dev/null || dt_skip "no dbus-daemon (tools/deps)"
command -v gdbus >/dev/null || dt_skip "no gdbus"
command -v setpriv >/dev/null || dt_skip "no setpriv"
PY=/usr/bin/python3 # the Debian python that python3-dbusmock installs into
"$PY" -c 'import dbusmock' 2>/dev/null || dt_skip "no python3-dbusmock (tools/deps)"

PASSWORD="pw-Alice-7"
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
chmod 755 "$DT_TMP" # the unprivileged caller reads the profile and reaches the bus socket
PIDS=()
stop_all() {
    local i
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        kill -TERM "${PIDS[i]}" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "${PIDS[i]}" 2>/dev/null || break; sleep 0.05; done
        kill -9 "${PIDS[i]}" 2>/dev/null || true
    done
    PIDS=()
    dt_cleanup
}
trap stop_all EXIT

# The network: as test-vpn.sh.
dt_netns_new NS_S srv
dt_netns_new NS_C cli
VS="dtvs$$"
VC="dtvc$$"
ip link add "$VC" netns "$NS_C" type veth peer name "$VS" netns "$NS_S"
ip -n "$NS_S" addr add 192.0.2.1/24 dev "$VS"
ip -n "$NS_C" addr add 192.0.2.2/24 dev "$VC"
ip -n "$NS_S" link set "$VS" up
ip -n "$NS_C" link set "$VC" up

umask 077
printf 'alice * "%s" *\n' "$PASSWORD" >"$DT_TMP/chap-secrets"
cat >"$DT_TMP/server.conf" <<CONF
[Server]
Listen=192.0.2.1
LocalAddress=198.51.100.1
RemoteAddresses=198.51.100.10-198.51.100.20
DNS=198.51.100.53
Secrets=$DT_TMP/chap-secrets
MaxCalls=4

[Security]
Authentication=mschapv2
Encryption=require-128
AllowStateful=false
Compression=false

[PPP]
EchoInterval=0
CONF
umask 022
cat >"$DT_TMP/office.conf" <<CONF
[Profile]
Id=3f1c0000-0000-4000-8000-0000000000ab
Name=Office
Type=pptp

[PPTP]
Server=192.0.2.1
User=alice

[Security]
Authentication=mschapv2
Encryption=require-128
AllowStateful=false
Compression=false

[IPv4]
DefaultRoute=true

[IPv6]
Enabled=false

[PPP]
EchoInterval=0
CONF
chmod 644 "$DT_TMP/office.conf"

# The private system bus: dbus-daemon's default system policy plus ours, included as installed.
cat >"$DT_TMP/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$DT_TMP/system_bus_socket</listen>
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
dbus-daemon --config-file="$DT_TMP/bus.conf" --nofork --print-address=7 7>"$DT_TMP/address" \
    2>"$DT_TMP/dbus.log" &
PIDS+=($!)
dt_wait 100 test -s "$DT_TMP/address" || dt_fail "dbus-daemon did not start: $(cat "$DT_TMP/dbus.log")"
export DBUS_SYSTEM_BUS_ADDRESS=$(head -n1 "$DT_TMP/address")
chmod 666 "$DT_TMP/system_bus_socket"

"$PY" -m dbusmock --system -t polkitd >"$DT_TMP/polkit.log" 2>&1 &
PIDS+=($!)
gdbus wait --system --timeout 10 org.freedesktop.PolicyKit1 || dt_fail "no polkit mock"
polkit_allow() { # ACTION... (none: deny everything)
    local list
    list=$(printf "'%s'," "$@")
    gdbus call --system --dest org.freedesktop.PolicyKit1 \
        --object-path /org/freedesktop/PolicyKit1/Authority \
        --method org.freedesktop.DBus.Mock.SetAllowed "[${list%,}]" >/dev/null
}

ip netns exec "$NS_S" "$SERVER" --config "$DT_TMP/server.conf" 2>"$DT_TMP/server.log" &
PIDS+=($!)
dt_wait 100 grep -q "event=listen" "$DT_TMP/server.log" || dt_fail "dialtone-server did not start"

ip netns exec "$NS_C" "$HELPER" --link-path "$LINK" 2>"$DT_TMP/helper.log" &
PIDS+=($!)
gdbus wait --system --timeout 10 org.dialtone.Helper1 || dt_fail "helper: $(cat "$DT_TMP/helper.log")"

# 1. polkit denies an ordinary user: NotAuthorized, exit 3, and nothing started.
polkit_allow
rc=0
"${NOBODY[@]}" "$CTL" connect --file "$DT_TMP/office.conf" --password-stdin <<<"$PASSWORD" \
    >"$DT_TMP/out" 2>"$DT_TMP/err" || rc=$?
[ "$rc" -eq 3 ] || dt_fail "denied connect: exit $rc, not 3: $(cat "$DT_TMP/err")"
grep -q 'org.dialtone.Error.NotAuthorized' "$DT_TMP/err" || dt_fail "denied: $(cat "$DT_TMP/err")"
grep -q 'org.dialtone.connect' "$DT_TMP/err" || dt_fail "denial names no action: $(cat "$DT_TMP/err")"
echo "ok: polkit denial → NotAuthorized"

# 2. Malformed arguments: InvalidArgument naming the key; nothing started.
connect_raw() { # PROFILE-DICT SECRETS OPTIONS
    gdbus call --system --dest org.dialtone.Helper1 --object-path /org/dialtone/Helper1 \
        --method org.dialtone.Helper1.Connect "$1" "$2" "$3" 2>&1 || true
}
BASE="'Profile.Id': <'3f1c0000-0000-4000-8000-0000000000ac'>, 'Profile.Name': <'Bad'>, 'Profile.Type': <'pptp'>, 'PPTP.User': <'alice'>"
expect_invalid() { # WHAT KEY OUTPUT
    grep -q 'org.dialtone.Error.InvalidArgument' <<<"$3" || dt_fail "$1: not InvalidArgument: $3"
    grep -qF "$2" <<<"$3" || dt_fail "$1: message does not name $2: $3"
    echo "ok: $1 → InvalidArgument naming $2"
}
expect_invalid "bad host" "PPTP.Server" "$(connect_raw "{$BASE, 'PPTP.Server': <'bad host!'>}" "{'password': <'x'>}" "{}")"
expect_invalid "unknown key" "PPTP.Bogus" "$(connect_raw "{$BASE, 'PPTP.Server': <'192.0.2.1'>, 'PPTP.Bogus': <'1'>}" "{'password': <'x'>}" "{}")"
expect_invalid "MTU type" "PPP.MTU" "$(connect_raw "{$BASE, 'PPTP.Server': <'192.0.2.1'>, 'PPP.MTU': <'big'>}" "{'password': <'x'>}" "{}")"
expect_invalid "secret key" "pin" "$(connect_raw "{$BASE, 'PPTP.Server': <'192.0.2.1'>}" "{'password': <'x'>, 'pin': <'1'>}" "{}")"
expect_invalid "no password" "password" "$(connect_raw "{$BASE, 'PPTP.Server': <'192.0.2.1'>}" "@a{sv} {}" "{}")"
expect_invalid "option" "interface" "$(connect_raw "{$BASE, 'PPTP.Server': <'192.0.2.1'>}" "{'password': <'x'>}" "{'interface': <'../x'>}")"
expect_invalid "unknown option" "dns" "$(connect_raw "{$BASE, 'PPTP.Server': <'192.0.2.1'>}" "{'password': <'x'>}" "{'dns': <'1'>}")"
[ "$(gdbus call --system --dest org.dialtone.Helper1 --object-path /org/dialtone/Helper1 \
    --method org.dialtone.Helper1.ListConnections)" = "(@ao [],)" ] || dt_fail "a refused Connect left a connection"
grep -q "$PASSWORD" "$DT_TMP/helper.log" && dt_fail "the helper logged a password"

# 3. A real connect as root (uid 0 is not asked), MPPC off as in the article: network-up,
# the negotiated protocols (option 18 = 01000040: stateless, 128-bit), ping.
rc=0
"$CTL" connect --file "$DT_TMP/office.conf" --password-stdin <<<"$PASSWORD" >"$DT_TMP/out" \
    2>"$DT_TMP/err" || rc=$?
[ "$rc" -eq 0 ] || dt_fail "connect: exit $rc: $(cat "$DT_TMP/err" "$DT_TMP/out" "$DT_TMP/helper.log")"
cat "$DT_TMP/out"
grep -q 'state=connected stage=network-up' "$DT_TMP/out" || dt_fail "not network-up"
grep -q 'Authentication: MS-CHAP v2' "$DT_TMP/out" || dt_fail "auth not MS-CHAP v2"
grep -q 'Encryption:     MPPE 128-bit' "$DT_TMP/out" || dt_fail "encryption not MPPE 128-bit"
grep -q 'MPPE mode:      stateless' "$DT_TMP/out" || dt_fail "not stateless"
grep -q 'CCP option 18:  sent 01000040' "$DT_TMP/out" || dt_fail "option 18 sent is not 01000040"
grep -q 'DNS:            198.51.100.53' "$DT_TMP/out" || dt_fail "DNS not reported"
CONN=$(head -n1 "$DT_TMP/out")
IFACE=$(sed -n 's/^  Interface: *//p' "$DT_TMP/out")
[ -n "$IFACE" ] || dt_fail "no interface reported"
ip netns exec "$NS_C" ping -c 3 -i 0.2 -W 2 198.51.100.1 >/dev/null || dt_fail "no ping through the tunnel"
echo "ok: connect → network-up, MS-CHAP v2, MPPE 128-bit stateless, option 18 01000040, ping"
"$CTL" status Office | grep -q 'Traffic:' || dt_fail "status shows no stats"

# 4. Another user may not disconnect it without org.dialtone.disconnect-other.
rc=0
"${NOBODY[@]}" "$CTL" disconnect "$CONN" >"$DT_TMP/out" 2>"$DT_TMP/err" || rc=$?
[ "$rc" -eq 3 ] || dt_fail "disconnect by another user: exit $rc: $(cat "$DT_TMP/err")"
grep -q 'org.dialtone.disconnect-other' "$DT_TMP/err" || dt_fail "$(cat "$DT_TMP/err")"
ip -n "$NS_C" link show dev "$IFACE" >/dev/null || dt_fail "the denied disconnect took the link down"
echo "ok: another user's disconnect → NotAuthorized (disconnect-other)"

# 5. The owner disconnects: interface and routes gone.
"$CTL" disconnect "$CONN" >"$DT_TMP/out" 2>"$DT_TMP/err" || dt_fail "disconnect: $(cat "$DT_TMP/err")"
grep -q 'state=disconnected' "$DT_TMP/out" || dt_fail "not disconnected: $(cat "$DT_TMP/out")"
dt_wait 100 dt_link_absent "$NS_C" "$IFACE" || dt_fail "$IFACE left behind"
left=$(ip -n "$NS_C" route show table all proto 68)
[ -z "$left" ] || dt_fail "routes with proto 68 left behind: $left"
grep -q "$PASSWORD" "$DT_TMP/helper.log" && dt_fail "the helper logged a password"
echo "ok: disconnect → $IFACE and proto 68 routes removed"
