#!/usr/bin/env bash
# connect-rtt.sh [BUILD-DIR] [RUNS] — how many round trips and milliseconds a connect takes
# (issue 12): dialtone-link --standalone against dialtone-server over veth between two
# namespaces, captured with tshark on the client's veth.
#
# From the TCP SYN to the first reply that comes back through the tunnel (a ping sent once the
# link says network-up), the capture is cut into flights: runs of packets in one direction,
# leaving out what neither answers nor waits for anything (bare TCP ACKs, Set-Link-Info).
# Each server→client flight is one round trip the client waited for. The floor, printed
# beside it, is what the protocols need with everything pipelined that the RFCs allow: TCP (1),
# SCCRQ/SCCRP (1), OCRQ/OCRP (1), LCP (1: both Configure-Requests cross), MS-CHAP v2 (2:
# Challenge, then Response/Success; the Challenge comes with the server's LCP Ack), CCP and
# IPCP in parallel (1, plus 1 when IPCP has to Nak our address), and the ping (1): 8 or 9.
# Milliseconds are from the SYN to the last IPCP or CCP packet in the capture (the tunnel is up
# on the wire; the ping waits on this script's polling), median of RUNS (10). No delay is added (this kernel has no netem): the times are the two programs' compute
# time and the kernel's, the round trips what a real path multiplies by its RTT.
# DT_BENCH_PCAP=DIR keeps each run's capture there.
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:-$HERE/../build-bench}
RUNS=${2:-10}
source "$HERE/../tests/integration/lib.sh" "$BUILD"
SERVER=$BUILD/src/server/dialtone-server
LINK=$BUILD/src/link/dialtone-link
[ -x "$SERVER" ] && [ -x "$LINK" ] || dt_skip "build $SERVER and $LINK first"
command -v tshark >/dev/null || dt_skip "no tshark (tools/deps)"
PASSWORD="pw-Rtt-2"

dt_pair_new rtt
umask 077
printf 'alice * "%s" *\n' "$PASSWORD" >"$DT_TMP/chap-secrets"
printf '%s\n' "$PASSWORD" >"$DT_TMP/password"
cat >"$DT_TMP/server.conf" <<CONF
[Server]
Listen=192.0.2.1
LocalAddress=198.51.100.1
RemoteAddresses=198.51.100.10-198.51.100.20
DNS=198.51.100.53
Secrets=$DT_TMP/chap-secrets
MaxCalls=4
CONF
cat >"$DT_TMP/profile.conf" <<CONF
[Profile]
Id=3f1c0000-0000-4000-8000-0000000000e7
Name=Rtt
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
EchoInterval=0
CONF
umask 022
ip netns exec "$NS_S" "$SERVER" --config "$DT_TMP/server.conf" 2>"$DT_TMP/server.log" &
SRV=$!
trap 'kill "$SRV" 2>/dev/null; wait 2>/dev/null; dt_cleanup' EXIT
dt_wait 100 grep -q "event=listen" "$DT_TMP/server.log" || dt_fail "dialtone-server did not start"

ms=()
rtts=()
for ((run = 1; run <= RUNS; run++)); do
    cap=$DT_TMP/run$run.pcapng
    ip netns exec "$NS_C" tshark -q -i "$VC" -w "$cap" -f 'tcp port 1723 or proto 47' \
        >/dev/null 2>"$DT_TMP/tshark.err" &
    TS=$!
    dt_wait 100 grep -q "Capturing on" "$DT_TMP/tshark.err" || dt_fail "tshark did not start"
    : >"$DT_TMP/link.err"
    "$DT_NS_EXEC" "$NS_C" "$LINK" --standalone "$DT_TMP/profile.conf" \
        --password-file "$DT_TMP/password" >/dev/null 2>"$DT_TMP/link.err" &
    LP=$!
    dt_wait 300 grep -q 'stage=network-up tun=' "$DT_TMP/link.err" || dt_fail "run $run: not up"
    ip netns exec "$NS_C" ping -c 1 -W 2 198.51.100.1 >/dev/null || dt_fail "run $run: no ping"
    sleep 0.2
    kill -TERM "$LP"
    wait "$LP" 2>/dev/null || true
    kill -INT "$TS"
    wait "$TS" 2>/dev/null || true
    # Flights from the SYN up to the first packet of the server's that carries MPPE (PPP
    # protocol 0x00fd): the ping's reply, the first thing the server encrypts (the hang-up
    # after it is not counted).
    read -r flights took < <(tshark -r "$cap" -T fields -e ip.src -e tcp.len -e tcp.flags.syn \
        -e pptp.control_message_type -e ppp.protocol -e frame.time_relative 2>/dev/null | awk -F'\t' -v c=192.0.2.2 '
            NR == 1 { t0 = $6 }
            # A bare TCP ACK and a Set-Link-Info answer nothing and wait for nothing.
            ($2 == "0" && $3 != "1") || $4 == "15" { next }
            { dir = ($1 == c) ? "c" : "s" }
            dir != last { if (dir == "s") n++; last = dir }
            $5 ~ /^0x80(21|fd)$/ { ncp = $6 }
            dir == "s" && $5 ~ /^0x0*fd$/ { printf "%d %.1f\n", n, (ncp - t0) * 1000; done = 1; exit }
            END { if (!done) print "? ?" }')
    [ -z "${DT_BENCH_PCAP:-}" ] || cp "$cap" "$DT_BENCH_PCAP/run$run.pcapng"
    rtts+=("$flights")
    ms+=("$took")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
least() { printf '%s\n' "$@" | sort -n | head -n1; }
echo "connect: $RUNS runs, dialtone-link → dialtone-server over veth (no added delay)"
echo "  server→client flights from SYN to the ping's reply (round trips): least $(least "${rtts[@]}"), median $(median "${rtts[@]}") (runs: ${rtts[*]})"
echo "  (a run counts more when independent packets of the two ends happen to interleave)"
echo "  floor with everything the RFCs let run in parallel: 8 (9 when IPCP Naks our address)"
echo "  SYN to the last IPCP/CCP packet (the tunnel is up): median $(median "${ms[@]}") ms (runs: ${ms[*]})"
