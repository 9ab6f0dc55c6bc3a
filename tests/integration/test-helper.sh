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
source "$(dirname "$0")/helper-lib.sh"
command -v setpriv >/dev/null || dt_skip "no setpriv"

PASSWORD="pw-Alice-7"
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
chmod 755 "$DT_TMP" # the unprivileged caller reads the profile and reaches the bus socket

# The network: as test-vpn.sh.
dt_pair_new hlp

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

dt_bus_start "$DATA"
dt_polkit_start

ip netns exec "$NS_S" "$SERVER" --config "$DT_TMP/server.conf" 2>"$DT_TMP/server.log" &
DT_PIDS+=($!)
dt_show_on_fail "$DT_TMP/server.log"
dt_wait 100 grep -q "event=listen" "$DT_TMP/server.log" || dt_fail "dialtone-server did not start"

dt_helper_start "$NS_C" "$HELPER" "$LINK"

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
grep -q "DNS:            198.51.100.53 (through resolv.conf)" "$DT_TMP/out" || dt_fail "DNS not reported"
CONN=$(head -n1 "$DT_TMP/out")
IFACE=$(sed -n 's/^  Interface: *//p' "$DT_TMP/out")
[ -n "$IFACE" ] || dt_fail "no interface reported"
ip netns exec "$NS_C" ping -c 3 -i 0.2 -W 2 198.51.100.1 >/dev/null || dt_fail "no ping through the tunnel"
# resolved absent: the resolv.conf fallback, on the test's file (dt_ns_exec), backed up first.
head -n1 "$DT_TMP/resolv.conf" | grep -q '^# Generated by Dialtone' || dt_fail "DNS: no marker: $(cat "$DT_TMP/resolv.conf")"
[ "$(grep '^nameserver' "$DT_TMP/resolv.conf")" = "nameserver 198.51.100.53" ] ||
    dt_fail "DNS: want the offered server only: $(cat "$DT_TMP/resolv.conf")"
cmp -s "$DT_TMP/state/resolv.conf.dialtone-backup" "$DT_TMP/resolv.conf.before" || dt_fail "DNS: no backup"
echo "ok: DNS 198.51.100.53 in resolv.conf (no systemd-resolved), original backed up"
echo "ok: connect → network-up, MS-CHAP v2, MPPE 128-bit stateless, option 18 01000040, ping"
"$CTL" status Office | grep -q 'Traffic:' || dt_fail "status shows no stats"

# 3b. show: option 18 decoded each way (RFC 3078 §2.1: H stateless, S 128-bit, no C).
"$CTL" show Office >"$DT_TMP/show" || dt_fail "show: $(cat "$DT_TMP/show")"
grep -q 'CCP option 18 sent: *01000040' "$DT_TMP/show" || dt_fail "show: $(cat "$DT_TMP/show")"
grep -q 'CCP option 18 received: *01000040' "$DT_TMP/show" || dt_fail "show: $(cat "$DT_TMP/show")"
[ "$(grep -c ' H  stateless' "$DT_TMP/show")" -eq 2 ] || dt_fail "show: H not decoded: $(cat "$DT_TMP/show")"
[ "$(grep -c ' S  128-bit MPPE' "$DT_TMP/show")" -eq 2 ] || dt_fail "show: S not decoded"
grep -q ' C  MPPC' "$DT_TMP/show" && dt_fail "show: C decoded though MPPC is off"
grep -q 'Server address: *192.0.2.1' "$DT_TMP/show" || dt_fail "show: no server address"
grep -q 'Server software: *Dialtone on "dialtone-server", firmware ' "$DT_TMP/show" ||
    dt_fail "show: no SCCRP fingerprint: $(cat "$DT_TMP/show")"
rc=0
"$CTL" show Nonesuch >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 7 ] || dt_fail "show of an unknown connection: exit $rc, not 7"
echo "ok: show → option 18 01000040 decoded as H (stateless) + S (128-bit), both ways"

# 3c. The connection log: the attempt and the connect, with the event-log facts; another user
# sees none of it.
"$CTL" log Office >"$DT_TMP/log" || dt_fail "log: $(cat "$DT_TMP/log")"
grep -q 'alice dialling Office (192.0.2.1), attempt 1' "$DT_TMP/log" || dt_fail "log: $(cat "$DT_TMP/log")"
grep -q 'alice connected to 192.0.2.1 (Office): MS-CHAP v2, MPPE 128-bit stateless (strong), no compression, 198.51.100.10' \
    "$DT_TMP/log" || dt_fail "log: $(cat "$DT_TMP/log")"
"${NOBODY[@]}" "$CTL" log >"$DT_TMP/log" || dt_fail "log as nobody"
grep -q 'No entries' "$DT_TMP/log" || dt_fail "another user reads the log: $(cat "$DT_TMP/log")"
fields=$(gdbus call --system --dest org.dialtone.Helper1 --object-path /org/dialtone/Helper1 \
    --method org.dialtone.Helper1.GetConnectionLog "{'limit': <uint32 1>}")
for f in "'EVENT': 'connected'" "'USER': 'alice'" "'AUTH': 'MS-CHAP v2'" "'STRENGTH': 'strong'" \
    "'COMPRESSION': 'none'" "'ADDRESS': '198.51.100.10'" "'PEER': '192.0.2.1'"; do
    grep -qF "$f" <<<"$fields" || dt_fail "GetConnectionLog lacks $f: $fields"
done
expect_invalid "log filter" "bogus" "$(gdbus call --system --dest org.dialtone.Helper1 \
    --object-path /org/dialtone/Helper1 --method org.dialtone.Helper1.GetConnectionLog \
    "{'bogus': <1>}" 2>&1 || true)"
echo "ok: log → attempt and connect entries with FORMATS.md's fields, only for the owner"

# 3d. The connection report (issue 9): a snapshot of the running link through the helper, for
# the owner only; no secret in it.
if command -v tshark >/dev/null && command -v capinfos >/dev/null; then
    "$CTL" report Office -o "$DT_TMP/report.pcapng" >"$DT_TMP/out" 2>"$DT_TMP/err" ||
        dt_fail "report: $(cat "$DT_TMP/err")"
    grep -q "Wrote the report of “Office”" "$DT_TMP/out" || dt_fail "report: $(cat "$DT_TMP/out")"
    capinfos -k "$DT_TMP/report.pcapng" >"$DT_TMP/comment"
    for want in "Snapshot:.*still running" "Authentication: *MS-CHAP v2" "Encryption: *MPPE 128-bit" \
        "GRE: *sent [1-9]" "stage=network-up" "Redacted:"; do
        grep -q -- "$want" "$DT_TMP/comment" || dt_fail "report: no '$want' in $(cat "$DT_TMP/comment")"
    done
    for f in "chap.code == 2 && frame.p2p_dir == 0" "chap.code == 3 && frame.p2p_dir == 1" \
        "ccp && ppp.code == 2" "ipcp && ppp.code == 2 && frame.p2p_dir == 1"; do
        tshark -r "$DT_TMP/report.pcapng" -Y "$f" 2>/dev/null | grep -q . ||
            dt_fail "report: no packet '$f'"
    done
    ! grep -aqF -- "$PASSWORD" "$DT_TMP/report.pcapng" || dt_fail "report: the password is in it"
    ! tshark -r "$DT_TMP/report.pcapng" -V 2>/dev/null | grep -qF -- "$PASSWORD" ||
        dt_fail "report: the password is in tshark -V"
    rc=0
    "${NOBODY[@]}" "$CTL" report "$CONN" -o - >/dev/null 2>"$DT_TMP/err" || rc=$?
    [ "$rc" -eq 3 ] || dt_fail "report by another user: exit $rc: $(cat "$DT_TMP/err")"
    echo "ok: report → a snapshot pcapng tshark reads, no password; another user's → NotAuthorized"
fi

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
dt_resolv_restored "disconnect"
echo "ok: disconnect → $IFACE and proto 68 routes removed, resolv.conf restored"
"$CTL" log Office | grep -q 'Office: alice disconnected by request after' || dt_fail "no disconnect entry"
if command -v tshark >/dev/null && command -v capinfos >/dev/null; then
    # The ended connection lingers on the bus: its report is the attempt's final one.
    "$CTL" report "$CONN" -o "$DT_TMP/final.pcapng" >"$DT_TMP/out" 2>"$DT_TMP/err" ||
        dt_fail "report after the end: $(cat "$DT_TMP/err")"
    capinfos -k "$DT_TMP/final.pcapng" | grep -q "Result: .*local-request" ||
        dt_fail "final report: no result: $(capinfos -k "$DT_TMP/final.pcapng")"
    tshark -r "$DT_TMP/final.pcapng" -Y "lcp && ppp.code == 5 && frame.p2p_dir == 0" 2>/dev/null |
        grep -q . || dt_fail "final report: no Terminate-Request sent"
    ! grep -aqF -- "$PASSWORD" "$DT_TMP/final.pcapng" || dt_fail "final report: the password is in it"
    echo "ok: report of the ended connection → the final one, with the result and the Terminate"
fi

# 6. An ordinary user whom polkit allows connects with --password-file, then ends everything
# that is theirs with disconnect --all; a wrong password fails at once (exit 6), no redial.
printf '%s\n' "$PASSWORD" >"$DT_TMP/pwfile"
printf 'not-the-password\n' >"$DT_TMP/wrongfile"
chmod 644 "$DT_TMP/pwfile" "$DT_TMP/wrongfile"
polkit_allow org.dialtone.connect
rc=0
"${NOBODY[@]}" "$CTL" connect --file "$DT_TMP/office.conf" --password-file "$DT_TMP/pwfile" \
    >"$DT_TMP/out" 2>"$DT_TMP/err" || rc=$?
[ "$rc" -eq 0 ] || dt_fail "connect as nobody: exit $rc: $(cat "$DT_TMP/err" "$DT_TMP/out")"
grep -q 'owner=65534' "$DT_TMP/out" || dt_fail "not owned by nobody: $(cat "$DT_TMP/out")"
IFACE=$(sed -n 's/^  Interface: *//p' "$DT_TMP/out")
"${NOBODY[@]}" "$CTL" disconnect --all >"$DT_TMP/out" 2>"$DT_TMP/err" ||
    dt_fail "disconnect --all: $(cat "$DT_TMP/err")"
grep -q 'state=disconnected' "$DT_TMP/out" || dt_fail "--all: $(cat "$DT_TMP/out")"
dt_wait 100 dt_link_absent "$NS_C" "$IFACE" || dt_fail "--all: $IFACE left behind"
[ -z "$(ip -n "$NS_C" route show table all proto 68)" ] || dt_fail "--all: proto 68 routes left"
dt_resolv_restored "disconnect --all"
echo "ok: ordinary user connects (--password-file), disconnect --all ends it, nothing left"

rc=0
"$CTL" connect --file "$DT_TMP/office.conf" --password-file "$DT_TMP/wrongfile" \
    >"$DT_TMP/out" 2>"$DT_TMP/err" || rc=$?
[ "$rc" -eq 6 ] || dt_fail "wrong password: exit $rc, not 6: $(cat "$DT_TMP/out" "$DT_TMP/err")"
grep -q 'error=auth-failed' "$DT_TMP/out" || dt_fail "wrong password: $(cat "$DT_TMP/out")"
grep -q 'Attempt:' "$DT_TMP/out" && dt_fail "wrong password was redialled: $(cat "$DT_TMP/out")"
# connect returns at DOWN; the entry is written when the worker has exited (after its clean-up
# and its report), so it may come a little later.
failure_logged() { "$CTL" log Office | grep -q 'alice failed (auth-failed)'; }
dt_wait 100 failure_logged || dt_fail "no failure entry"
grep -q 'redial-wait' "$DT_TMP/helper.log" && dt_fail "a wrong password was redialled"
dt_resolv_restored "wrong password"
echo "ok: wrong password → exit 6, auth-failed, no redial"
