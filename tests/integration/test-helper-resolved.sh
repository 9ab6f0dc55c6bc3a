#!/usr/bin/env bash
# test-helper-resolved.sh DTIO-ITEST DIALTONE-SERVER DIALTONE-LINK DIALTONE-HELPER DIALTONECTL DATA-DIR
#
# DNS with systemd-resolved present: the real daemon (not a mock), unpacked by
# tools/fetch-systemd-resolved or installed, runs in the client namespace on the test's private
# system bus, with its own mount namespace (a passwd copy maps its user systemd-resolve to
# nobody, /run/systemd is a directory of the test). The helper must hand the negotiated server
# and the profile's search domain to resolved for the tunnel's link (SetLinkDNS,
# SetLinkDomains) and leave resolv.conf alone; after disconnect resolved no longer lists them.
# Without resolved the same connect uses the resolv.conf fallback (test-helper.sh).
source "$(dirname "$0")/lib.sh" "$1"
SERVER=${2:?}
LINK=${3:?}
HELPER=${4:?}
CTL=${5:?}
DATA=${6:?}
source "$(dirname "$0")/helper-lib.sh"
RESOLVED=""
for r in "${DT_SYSTEMD_RESOLVED:-}" /lib/systemd/systemd-resolved /usr/lib/systemd/systemd-resolved \
    /var/cache/dialtone-tests/systemd-resolved/lib/systemd/systemd-resolved; do
    [ -n "$r" ] && [ -x "$r" ] && { RESOLVED=$r; break; }
done
[ -n "$RESOLVED" ] || dt_skip "no systemd-resolved: run tools/fetch-systemd-resolved"
[ -d /run/systemd ] || dt_skip "no /run/systemd to mount over"
PASSWORD="pw-Resolved-5"

dt_pair_new hrs

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

[PPP]
EchoInterval=0
CONF
umask 022
cat >"$DT_TMP/office.conf" <<CONF
[Profile]
Id=3f1c0000-0000-4000-8000-0000000000dd
Name=Resolved
Type=pptp

[PPTP]
Server=192.0.2.1
User=alice

[IPv4]
DefaultRoute=true
DNSSearch=corp.example

[IPv6]
Enabled=false

[PPP]
EchoInterval=0
CONF

dt_bus_start "$DATA"
dt_polkit_start

# resolved drops to systemd-resolve; the bus must know that uid, so it is nobody's.
grep -v '^systemd-resolve:' /etc/passwd >"$DT_TMP/passwd"
echo 'systemd-resolve:x:65534:65534:test:/:/usr/sbin/nologin' >>"$DT_TMP/passwd"
grep -v '^systemd-resolve:' /etc/group >"$DT_TMP/group"
echo 'systemd-resolve:x:65534:' >>"$DT_TMP/group"
mkdir -p "$DT_TMP/run-systemd"
chmod 644 "$DT_TMP/passwd" "$DT_TMP/group"
"$DT_NS_EXEC" "$NS_C" sh -c 'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group &&
    mount --bind "$3" /run/systemd && exec "$4"' sh "$DT_TMP/passwd" "$DT_TMP/group" \
    "$DT_TMP/run-systemd" "$RESOLVED" >"$DT_TMP/resolved.log" 2>&1 &
DT_PIDS+=($!)
gdbus wait --system --timeout 10 org.freedesktop.resolve1 || {
    cat "$DT_TMP/resolved.log" "$DT_TMP/dbus.log" >&2
    dt_fail "systemd-resolved did not start"
}

ip netns exec "$NS_S" "$SERVER" --config "$DT_TMP/server.conf" 2>"$DT_TMP/server.log" &
DT_PIDS+=($!)
dt_wait 100 grep -q "event=listen" "$DT_TMP/server.log" || dt_fail "dialtone-server did not start"
dt_helper_start "$NS_C" "$HELPER" "$LINK"

resolved_dns() {
    gdbus call --system --dest org.freedesktop.resolve1 --object-path /org/freedesktop/resolve1 \
        --method org.freedesktop.DBus.Properties.Get org.freedesktop.resolve1.Manager DNS
}
RESOLVED_CONF="$DT_TMP/run-systemd/resolve/resolv.conf"

"$CTL" connect --file "$DT_TMP/office.conf" --password-stdin <<<"$PASSWORD" >"$DT_TMP/out" \
    2>"$DT_TMP/err" || dt_fail "connect: $(cat "$DT_TMP/err" "$DT_TMP/out" "$DT_TMP/helper.log")"
grep -q 'DNS:            198.51.100.53 (through systemd-resolved)' "$DT_TMP/out" ||
    dt_fail "DNS not through resolved: $(cat "$DT_TMP/out")"
IFACE=$(sed -n 's/^  Interface: *//p' "$DT_TMP/out")
IFINDEX=$(ip netns exec "$NS_C" cat "/sys/class/net/$IFACE/ifindex")
resolved_dns | grep -qF "($IFINDEX, 2, [byte 0xc6, 0x33, 0x64, 0x35])" ||
    resolved_dns | grep -qF "($IFINDEX, 2, [0xc6, 0x33, 0x64, 0x35])" ||
    dt_fail "resolved has no 198.51.100.53 on link $IFINDEX: $(resolved_dns)"
dt_wait 200 grep -qx "nameserver 198.51.100.53" "$RESOLVED_CONF" ||
    dt_fail "resolved's resolv.conf: $(cat "$RESOLVED_CONF")"
grep -q "^search.*corp.example" "$RESOLVED_CONF" || dt_fail "no search domain: $(cat "$RESOLVED_CONF")"
cmp -s "$DT_TMP/resolv.conf" "$DT_TMP/resolv.conf.before" || dt_fail "resolv.conf changed though resolved runs"
[ ! -e "$DT_TMP/state/resolv.conf.dialtone-backup" ] || dt_fail "a backup was made though resolved runs"
echo "ok: resolved present → 198.51.100.53 and corp.example set on link $IFINDEX, resolv.conf untouched"

"$CTL" disconnect Resolved >"$DT_TMP/out" 2>"$DT_TMP/err" || dt_fail "disconnect: $(cat "$DT_TMP/err")"
dt_wait 200 sh -c "! grep -q 198.51.100.53 '$RESOLVED_CONF'" ||
    dt_fail "resolved still lists the server: $(cat "$RESOLVED_CONF")"
resolved_dns | grep -qF "0xc6, 0x33, 0x64, 0x35" && dt_fail "resolved still has the server: $(resolved_dns)"
[ -z "$(ip -n "$NS_C" route show table all proto 68)" ] || dt_fail "proto 68 routes left"
dt_resolv_restored "resolved"
echo "ok: disconnect → resolved no longer lists 198.51.100.53 or corp.example"
dt_helper_stop
