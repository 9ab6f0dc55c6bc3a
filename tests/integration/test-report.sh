#!/usr/bin/env bash
# test-report.sh DTIO-ITEST DIALTONE-SERVER DIALTONE-LINK — the connection report (issue 9).
#
# dialtone-link --standalone --report FILE against dialtone-server in two namespaces joined by
# veth, once with MS-CHAP v2 and MPPE 128 and once with PAP and no encryption, each ended by
# SIGTERM; then a wrong password. tshark reads each report: the expected LCP, CHAP or PAP, IPCP
# and CCP packets, in the right directions, with the secrets redacted; capinfos shows the text
# report in the file's comment. A tshark on the veth sees what really crossed: the MS-CHAP
# NT-Response and the authenticator response, which, like the password and its NT hash (raw and
# hex), must appear nowhere in the file, in tshark's verbose output or in its hex dump.
source "$(dirname "$0")/lib.sh" "$1"
SERVER=${2:?}
LINK=${3:?}
command -v tshark >/dev/null || dt_skip "no tshark (tools/deps)"
command -v capinfos >/dev/null || dt_skip "no capinfos (tools/deps)"
command -v iconv >/dev/null || dt_skip "no iconv"
command -v strings >/dev/null || dt_skip "no strings (binutils)"

PASSWORD="Rep0rt-Secret-pw-42"
# The NT hash (MD4 of the UTF-16LE password, RFC 2759 §8.3) by the openssl command when it is
# there with its legacy provider; the unit test test-ppp-tap checks it in any case.
NT_HASH=$(printf %s "$PASSWORD" | iconv -t UTF-16LE |
    openssl dgst -md4 -provider legacy -provider default 2>/dev/null | sed 's/.*= *//' || true)
if [ ${#NT_HASH} -ne 32 ]; then
    echo "note: no openssl MD4: the NT hash is not looked for here"
    NT_HASH=""
fi
PASSWORD_HEX=$(printf %s "$PASSWORD" | od -An -tx1 | tr -d ' \n')

dt_pair_new rept
umask 077
printf 'alice * "%s" *\n' "$PASSWORD" >"$DT_TMP/chap-secrets"
printf '%s\n' "$PASSWORD" >"$DT_TMP/password"
printf 'wrong-password\n' >"$DT_TMP/wrong"

SRV_PID=""
stop_server() {
    if [ -n "$SRV_PID" ]; then
        kill -TERM "$SRV_PID" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.05; done
        kill -9 "$SRV_PID" 2>/dev/null || true
        wait "$SRV_PID" 2>/dev/null || true
    fi
    SRV_PID=""
}

start_server() { # AUTH ENCRYPTION
    cat >"$DT_TMP/server.conf" <<CONF
[Server]
Listen=192.0.2.1
LocalAddress=198.51.100.1
RemoteAddresses=198.51.100.10-198.51.100.20
DNS=198.51.100.53
Secrets=$DT_TMP/chap-secrets

[Security]
Authentication=$1
Encryption=$2

[PPP]
EchoInterval=0
CONF
    : >"$DT_TMP/server.log"
    ip netns exec "$NS_S" "$SERVER" --config "$DT_TMP/server.conf" 2>>"$DT_TMP/server.log" &
    SRV_PID=$!
    dt_wait 100 grep -q "event=listen" "$DT_TMP/server.log" || {
        cat "$DT_TMP/server.log" >&2
        dt_fail "dialtone-server did not start"
    }
}

write_profile() { # AUTH ENCRYPTION
    cat >"$DT_TMP/profile.conf" <<CONF
[Profile]
Id=3f1c0000-0000-4000-8000-0000000000bb
Name=Report test
Type=pptp

[PPTP]
Server=192.0.2.1
User=alice

[Security]
Authentication=$1
Encryption=$2

[IPv4]
DefaultRoute=false

[IPv6]
Enabled=true

[PPP]
EchoInterval=0
CONF
}

LINK_PID=""
start_link() { # PASSWORD-FILE REPORT
    : >"$DT_TMP/link.out"
    : >"$DT_TMP/link.err"
    "$DT_NS_EXEC" "$NS_C" "$LINK" --standalone "$DT_TMP/profile.conf" --password-file "$1" \
        --report "$2" >"$DT_TMP/link.out" 2>"$DT_TMP/link.err" &
    LINK_PID=$!
}

wait_link_exit() { # sets LINK_RC
    for _ in $(seq 300); do kill -0 "$LINK_PID" 2>/dev/null || break; sleep 0.05; done
    if kill -0 "$LINK_PID" 2>/dev/null; then
        kill -9 "$LINK_PID"
        wait "$LINK_PID" 2>/dev/null || true
        cat "$DT_TMP/link.err" >&2
        dt_fail "dialtone-link did not exit within 15 s"
    fi
    LINK_RC=0
    wait "$LINK_PID" || LINK_RC=$?
    LINK_PID=""
}

WIRE_PID=""
start_wire_capture() { # FILE
    : >"$DT_TMP/tshark.err"
    ip netns exec "$NS_S" tshark -i "$VS" -f "ip proto 47" -w "$1" -q 2>"$DT_TMP/tshark.err" &
    WIRE_PID=$!
    dt_wait 200 grep -q "Capturing on" "$DT_TMP/tshark.err" || dt_fail "tshark did not start"
}

stop_wire_capture() {
    sleep 0.3
    kill -INT "$WIRE_PID"
    wait "$WIRE_PID" 2>/dev/null || true
    WIRE_PID=""
}

# rows REPORT FILTER: one line per packet matching the display filter: direction (1 received,
# 0 sent), protocol, code.
rows() {
    tshark -r "$1" -Y "$2" -T fields -E separator=, -e frame.p2p_dir -e ppp.protocol \
        -e ppp.code -e chap.code -e pap.code 2>/dev/null | sed 's/,,*/,/g; s/,$//'
}

# expect REPORT NAME FILTER DIRECTION: at least one packet matching FILTER in DIRECTION
# (received|sent).
expect() {
    local want=1
    [ "$4" = received ] || want=0
    local n
    n=$(tshark -r "$1" -Y "($3) && frame.p2p_dir == $want" 2>/dev/null | wc -l)
    [ "$n" -ge 1 ] || {
        rows "$1" "ppp" >&2
        dt_fail "$2: no $4 packet matching '$3' in the report"
    }
}

# absent REPORT NAME HEX WHAT: the hex string is neither in the file nor in tshark's output.
absent() {
    local hex=${3,,}
    [ -n "$hex" ] || dt_fail "$2: nothing to look for ($4)"
    ! grep -qi -- "$hex" "$DT_TMP/report.hex" || dt_fail "$2: the $4 is in the report's octets"
    ! grep -qi -- "$hex" "$DT_TMP/report.verbose" || dt_fail "$2: the $4 is in tshark -V"
    ! grep -qi -- "$hex" "$DT_TMP/report.fields" || dt_fail "$2: the $4 is in tshark's fields"
}

# check_secrets REPORT NAME: the password and its NT hash, anywhere.
check_secrets() {
    local r=$1 name=$2
    od -An -tx1 -v "$r" | tr -d ' \n' >"$DT_TMP/report.hex"
    tshark -r "$r" -V -x >"$DT_TMP/report.verbose" 2>/dev/null
    tshark -r "$r" -T fields -e chap.value -e chap.message -e pap.password -e data \
        2>/dev/null | tr -d ':' >"$DT_TMP/report.fields"
    capinfos -k "$r" >>"$DT_TMP/report.verbose"
    ! grep -aqF -- "$PASSWORD" "$r" || dt_fail "$name: the password is in the report"
    ! grep -aqF -- "$PASSWORD" "$DT_TMP/report.verbose" || dt_fail "$name: the password is in tshark -V"
    ! strings -el "$r" | grep -qF -- "$PASSWORD" || dt_fail "$name: the UTF-16 password is in the report"
    absent "$r" "$name" "$PASSWORD_HEX" "password"
    if [ -n "$NT_HASH" ]; then
        ! grep -aqiF -- "$NT_HASH" "$r" || dt_fail "$name: the NT hash (hex) is in the report"
        ! grep -aqiF -- "$NT_HASH" "$DT_TMP/report.verbose" || dt_fail "$name: the NT hash is in tshark -V"
        absent "$r" "$name" "$NT_HASH" "NT hash"
    fi
    # The searches can find things: the user name is in the report the same ways.
    grep -qi -- "$(printf alice | od -An -tx1 | tr -d ' \n')" "$DT_TMP/report.hex" ||
        dt_fail "$name: the hex search finds not even the user name"
    grep -q "alice" "$DT_TMP/report.verbose" || dt_fail "$name: tshark -V shows no user name"
}

# ---- MS-CHAP v2, MPPE 128 ----

R=$DT_TMP/mschapv2.pcapng
start_server mschapv2 require-128
write_profile mschapv2 require-128
start_wire_capture "$DT_TMP/wire.pcap"
start_link "$DT_TMP/password" "$R"
dt_wait 300 grep -q "^Connected to" "$DT_TMP/link.out" || {
    cat "$DT_TMP/link.err" "$DT_TMP/server.log" >&2
    dt_fail "mschapv2: the link did not come up in 15 s"
}
kill -TERM "$LINK_PID"
wait_link_exit
[ "$LINK_RC" -eq 0 ] || { cat "$DT_TMP/link.err" >&2; dt_fail "mschapv2: exit $LINK_RC after SIGTERM"; }
stop_wire_capture
stop_server
[ -s "$R" ] || dt_fail "mschapv2: no report written"
grep -q "stage=report frames=" "$DT_TMP/link.err" || dt_fail "mschapv2: no stage=report line"
capinfos "$R" >/dev/null || dt_fail "mschapv2: capinfos cannot read the report"

capinfos -k "$R" >"$DT_TMP/comment"
for want in "Dialtone connection report" "Profile: *Report test" "User: *alice" \
    "Result: .*local-request" "Authentication: *MS-CHAP v2" "Encryption: *MPPE 128-bit" \
    "CCP option 18: *sent 12 06 01 00 00 4[01], received 12 06 01 00 00 4[01]" "IPv4: *198.51.100.1[0-9], peer 198.51.100.1" \
    "GRE: *sent [1-9][0-9]* packets" "PPP: *frames in [1-9]" "Timeline" \
    "stage=network-up" "stage=disconnect signal=15" "Capture" "Redacted:"; do
    grep -q -- "$want" "$DT_TMP/comment" || {
        cat "$DT_TMP/comment" >&2
        dt_fail "mschapv2: the report's comment lacks '$want'"
    }
done
echo "== mschapv2: $(capinfos -c -M "$R" | sed -n 's/^Number of packets: *//p') packets;$(grep -o ' [0-9]* PPP control frames: [^A-Z]*[A-Za-z0-9 ,]*' "$DT_TMP/comment" | head -n 1 | sed 's/   Redacted.*//')"

for dir in sent received; do
    expect "$R" mschapv2 "lcp && ppp.code == 1" $dir # Configure-Request
    expect "$R" mschapv2 "lcp && ppp.code == 2" $dir # Configure-Ack
    expect "$R" mschapv2 "ipcp && ppp.code == 2" $dir
    expect "$R" mschapv2 "ccp && ppp.code == 1" $dir
    expect "$R" mschapv2 "ccp && ppp.code == 2" $dir
done
expect "$R" mschapv2 "chap.code == 1" received # Challenge
expect "$R" mschapv2 "chap.code == 2 && chap.name == \"alice\"" sent
expect "$R" mschapv2 "chap.code == 3" received # Success
expect "$R" mschapv2 "lcp && ppp.code == 5" sent # Terminate-Request, from SIGTERM
# Nothing but control frames: no IP, no MPPE data (0x00fd).
n=$(tshark -r "$R" -Y "!(lcp || chap || ipcp || ccp || ipv6cp || pap || ppp.protocol >= 0x8000)" 2>/dev/null | wc -l)
[ "$n" -eq 0 ] || dt_fail "mschapv2: $n packets in the report that are not PPP control frames"
# The redaction as tshark sees it: the Response's value is zeros, Success says S=000….
value=$(tshark -r "$R" -Y "chap.code == 2" -T fields -e chap.value 2>/dev/null | head -n 1 | tr -d ':')
[ "$value" = "$(printf '0%.0s' $(seq 98))" ] || dt_fail "mschapv2: Response value not zeroed: $value"
tshark -r "$R" -Y "chap.code == 3" -T fields -e chap.message 2>/dev/null |
    grep -q "^S=0000000000000000000000000000000000000000" ||
    dt_fail "mschapv2: the authenticator response is not zeroed"

check_secrets "$R" mschapv2
# What crossed the wire: the NT-Response (octets 24..48 of the Response value), the
# Peer-Challenge (0..16) and the S= authenticator response: none of it in the report.
wire_value=$(tshark -r "$DT_TMP/wire.pcap" -Y "chap.code == 2" -T fields -e chap.value 2>/dev/null |
    head -n 1 | tr -d ':')
[ ${#wire_value} -eq 98 ] || dt_fail "mschapv2: no MS-CHAP v2 Response on the wire ($wire_value)"
wire_s=$(tshark -r "$DT_TMP/wire.pcap" -Y "chap.code == 3" -T fields -e chap.message 2>/dev/null |
    head -n 1 | sed -n 's/^S=\([0-9A-Fa-f]\{40\}\).*/\1/p')
[ -n "$wire_s" ] || dt_fail "mschapv2: no S= on the wire"
absent "$R" mschapv2 "${wire_value:48:48}" "NT-Response"
absent "$R" mschapv2 "${wire_value:0:32}" "Peer-Challenge"
absent "$R" mschapv2 "$wire_s" "authenticator response"
! grep -aqi -- "$wire_s" "$R" || dt_fail "mschapv2: the S= response is in the report as text"
echo "== mschapv2: no password, NT hash, NT-Response, Peer-Challenge or S= in the report"

# ---- PAP, no encryption ----

R=$DT_TMP/pap.pcapng
start_server pap none
write_profile pap none
start_link "$DT_TMP/password" "$R"
dt_wait 300 grep -q "^Connected to" "$DT_TMP/link.out" || {
    cat "$DT_TMP/link.err" "$DT_TMP/server.log" >&2
    dt_fail "pap: the link did not come up in 15 s"
}
kill -TERM "$LINK_PID"
wait_link_exit
[ "$LINK_RC" -eq 0 ] || { cat "$DT_TMP/link.err" >&2; dt_fail "pap: exit $LINK_RC after SIGTERM"; }
stop_server
[ -s "$R" ] || dt_fail "pap: no report written"
capinfos -k "$R" | grep -q "Authentication: *PAP" || dt_fail "pap: the comment lacks the method"
expect "$R" pap "pap.code == 1 && pap.peer_id == \"alice\"" sent
expect "$R" pap "pap.code == 2" received
expect "$R" pap "lcp && ppp.code == 2" sent
expect "$R" pap "ipcp && ppp.code == 2" received
pw=$(tshark -r "$R" -Y "pap.code == 1" -T fields -e pap.password 2>/dev/null | sort -u)
[ "$pw" = redacted ] || dt_fail "pap: the Authenticate-Request's password is '$pw', want 'redacted'"
check_secrets "$R" pap
echo "== pap: Authenticate-Request shows password 'redacted'; no password or NT hash in the report"

# ---- a wrong password: the report still comes, with the failure ----

R=$DT_TMP/wrong.pcapng
start_server mschapv2 require-128
write_profile mschapv2 require-128
start_link "$DT_TMP/wrong" "$R"
wait_link_exit
[ "$LINK_RC" -eq 3 ] || { cat "$DT_TMP/link.err" >&2; dt_fail "wrong-password: exit $LINK_RC, want 3"; }
stop_server
[ -s "$R" ] || dt_fail "wrong-password: no report written"
capinfos -k "$R" | grep -q "Result: .*auth" || {
    capinfos -k "$R" >&2
    dt_fail "wrong-password: the comment does not give the failure"
}
expect "$R" wrong-password "chap.code == 4" received # Failure
capinfos -k "$R" | grep -q "Encryption: *none negotiated" || dt_fail "wrong-password: encryption shown as negotiated"
echo "== wrong-password: exit 3, report with the CHAP Failure and the reason auth-failed"
echo "PASS"
