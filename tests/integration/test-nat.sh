#!/usr/bin/env bash
# test-nat.sh DTIO-ITEST DIALTONE-SERVER DIALTONE-LINK — two clients behind one NAT (issue 5).
#
#   client1 (10.9.1.2) --veth-- nat --veth-- client2 (10.9.2.2)
#                                |  (masquerade to 192.0.2.254, PPTP conntrack helper)
#                             server (192.0.2.1; no route to 10.9.x: only NAT can reach it)
#
# Both clients run dialtone-link --standalone against the one dialtone-server at once. Both must
# reach network-up with different pool addresses, move 2 MiB each at the same time byte-identical,
# and the server must log two calls from the one NATed address. nft counters and conntrack show
# that the kernel's PPTP helper is what steers the server's GRE back to the right client: without
# the helper rule the server's GRE ends in the NAT box itself and no client comes up.
source "$(dirname "$0")/lib.sh" "$1"
SERVER=${2:?}
LINK=${3:?}
command -v nft >/dev/null || dt_skip "no nft (tools/deps: nftables)"
command -v socat >/dev/null || dt_skip "no socat (tools/deps)"
command -v sha256sum >/dev/null || dt_skip "no sha256sum"
HAVE_CONNTRACK=false
command -v conntrack >/dev/null && HAVE_CONNTRACK=true

SIZE=$((2 * 1024 * 1024))
NAT_ADDR=192.0.2.254

dt_netns_new NS_S srv
dt_netns_new NS_N nat
dt_netns_new NS_1 cl1
dt_netns_new NS_2 cl2
ip netns exec "$NS_N" nft list tables >/dev/null 2>&1 || dt_skip "nftables unavailable in this kernel"

VS="dtns$$" VN="dtnn$$"
ip link add "$VS" netns "$NS_S" type veth peer name "$VN" netns "$NS_N"
ip -n "$NS_S" addr add 192.0.2.1/24 dev "$VS"
ip -n "$NS_N" addr add "$NAT_ADDR/24" dev "$VN"
ip -n "$NS_S" link set "$VS" up
ip -n "$NS_N" link set "$VN" up
for i in 1 2; do
    ns_var="NS_$i"
    ns=${!ns_var}
    ip link add "dtnc$i-$$" netns "$ns" type veth peer name "dtn$i-$$" netns "$NS_N"
    ip -n "$NS_N" addr add "10.9.$i.1/24" dev "dtn$i-$$"
    ip -n "$ns" addr add "10.9.$i.2/24" dev "dtnc$i-$$"
    ip -n "$NS_N" link set "dtn$i-$$" up
    ip -n "$ns" link set "dtnc$i-$$" up
    ip -n "$ns" route add default via "10.9.$i.1"
done
ip netns exec "$NS_N" sysctl -qw net.ipv4.ip_forward=1

# nat_rules yes|no: the NAT's one table. Modern kernels assign no helper by themselves
# (nf_conntrack_helper=0 is gone), so the PPTP helper is attached to TCP 1723 by rule. It reads
# OCRQ/OCRP, rewrites the client's Call ID (to the NATed source port) and sets up expectations
# so the server's GRE, whose Key is that Call ID, is translated back to the right client.
nat_rules() {
    local helper_rule=""
    [ "$1" = yes ] && helper_rule='tcp dport 1723 counter ct helper set "pptp-h"'
    ip netns exec "$NS_N" nft delete table ip dtnat 2>/dev/null || true
    ip netns exec "$NS_N" nft -f - <<NFT
table ip dtnat {
    counter gre_to_c1 { }
    counter gre_to_c2 { }
    counter gre_to_nat { }
    ct helper pptp-h {
        type "pptp" protocol tcp
        l3proto ip
    }
    chain helpers {
        type filter hook prerouting priority filter; policy accept;
        $helper_rule
    }
    chain forwarded {
        type filter hook forward priority filter; policy accept;
        oifname "dtn1-$$" ip protocol gre counter name gre_to_c1
        oifname "dtn2-$$" ip protocol gre counter name gre_to_c2
    }
    chain local_in {
        type filter hook input priority filter; policy accept;
        ip protocol gre counter name gre_to_nat
    }
    chain masq {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "$VN" masquerade
    }
}
NFT
}
counter() { # NAME: packets
    ip netns exec "$NS_N" nft list counter ip dtnat "$1" | sed -n 's/.*packets \([0-9]*\).*/\1/p'
}

umask 077
printf 'alice * "pw-Alice-7" *\nbob * "pw-Bob-8" *\n' >"$DT_TMP/chap-secrets"
printf 'pw-Alice-7\n' >"$DT_TMP/password1"
printf 'pw-Bob-8\n' >"$DT_TMP/password2"
head -c "$SIZE" /dev/urandom >"$DT_TMP/payload1"
head -c "$SIZE" /dev/urandom >"$DT_TMP/payload2"

cat >"$DT_TMP/server.conf" <<CONF
[Server]
Listen=192.0.2.1
LocalAddress=198.51.100.1
RemoteAddresses=198.51.100.10-198.51.100.20
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
for i in 1 2; do
    user=$([ "$i" = 1 ] && echo alice || echo bob)
    cat >"$DT_TMP/profile$i.conf" <<CONF
[Profile]
Id=3f1c0000-0000-4000-8000-0000000000b$i
Name=NAT client $i
Type=pptp

[PPTP]
Server=192.0.2.1
User=$user

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
done

SRV_PID=""
LINK_PIDS=()
stop_links() {
    local p
    for p in "${LINK_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${LINK_PIDS[@]}"; do
        for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
        kill -9 "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    LINK_PIDS=()
}
start_links() {
    local i
    for i in 1 2; do
        local ns_var="NS_$i"
        : >"$DT_TMP/link$i.out"
        "$DT_NS_EXEC" "${!ns_var}" "$LINK" --standalone "$DT_TMP/profile$i.conf" \
            --password-file "$DT_TMP/password$i" >"$DT_TMP/link$i.out" 2>"$DT_TMP/link$i.err" &
        LINK_PIDS+=($!)
    done
}
dump_logs() {
    cat "$DT_TMP/server.log" "$DT_TMP/link1.err" "$DT_TMP/link2.err" >&2
}

: >"$DT_TMP/server.log"
ip netns exec "$NS_S" "$SERVER" --config "$DT_TMP/server.conf" 2>>"$DT_TMP/server.log" &
SRV_PID=$!
dt_wait 100 grep -q "event=listen" "$DT_TMP/server.log" || { dump_logs; dt_fail "no server"; }

# ---- 1. With the helper: both clients at once. ----
nat_rules yes
echo "== with the PPTP helper: two clients at once through one NAT address"
t0=$(date +%s%N)
start_links
for i in 1 2; do
    dt_wait 300 grep -q "^Connected to" "$DT_TMP/link$i.out" || {
        dump_logs
        dt_fail "client $i did not reach network-up in 15 s"
    }
done
echo "   both clients connected $((($(date +%s%N) - t0) / 1000000)) ms after starting"
A1=$(sed -n 's/^  Address: *\([0-9.]*\),.*/\1/p' "$DT_TMP/link1.out")
A2=$(sed -n 's/^  Address: *\([0-9.]*\),.*/\1/p' "$DT_TMP/link2.out")
echo "   client1 network-up: $(grep -h 'stage=network-up tun=' "$DT_TMP/link1.err")"
echo "   client2 network-up: $(grep -h 'stage=network-up tun=' "$DT_TMP/link2.err")"
[ -n "$A1" ] && [ -n "$A2" ] || dt_fail "no pool address printed"
[ "$A1" != "$A2" ] || dt_fail "both clients got $A1"

# The server's view: two calls, both from the NATed address.
calls=$(grep -c "event=call call=[0-9]* peer=$NAT_ADDR " "$DT_TMP/server.log" || true)
[ "$calls" -eq 2 ] || { dump_logs; dt_fail "want 2 calls from $NAT_ADDR in the server log, found $calls"; }
ids=$(sed -n "s/.*event=call call=\([0-9]*\) peer=$NAT_ADDR .*/\1/p" "$DT_TMP/server.log" | sort -u | wc -l)
[ "$ids" -eq 2 ] || dt_fail "the two calls share a Call ID"
grep "event=call \|event=connect " "$DT_TMP/server.log" | sed 's/^/   server: /'

# Both tunnels at once: 2 MiB each way up, to two listeners on the server's tunnel address.
for i in 1 2; do
    ip netns exec "$NS_S" socat -u "TCP-LISTEN:500$i,bind=198.51.100.1,reuseaddr" \
        "CREATE:$DT_TMP/received$i" &
    eval "RX$i=\$!"
done
dt_wait 100 sh -c "ip netns exec $NS_S ss -ltn | grep -q :5001 &&
    ip netns exec $NS_S ss -ltn | grep -q :5002" || dt_fail "socat listeners did not start"
t0=$(date +%s%N)
timeout 30 ip netns exec "$NS_1" socat -u "OPEN:$DT_TMP/payload1" TCP:198.51.100.1:5001 &
TX1=$!
timeout 30 ip netns exec "$NS_2" socat -u "OPEN:$DT_TMP/payload2" TCP:198.51.100.1:5002 &
TX2=$!
wait "$TX1" || dt_fail "client1's transfer failed"
wait "$TX2" || dt_fail "client2's transfer failed"
for pid in "$RX1" "$RX2"; do
    for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
done
t1=$(date +%s%N)
for i in 1 2; do
    want=$(sha256sum <"$DT_TMP/payload$i" | cut -d' ' -f1)
    got=$(sha256sum <"$DT_TMP/received$i" | cut -d' ' -f1)
    [ "$got" = "$want" ] || dt_fail "client $i: received data differs ($(stat -c %s "$DT_TMP/received$i") bytes)"
done
echo "   2 x 2 MiB at once, both sha256-identical, in $(((t1 - t0) / 1000000)) ms"
for i in 1 2; do
    ns_var="NS_$i"
    ip netns exec "${!ns_var}" ping -c 2 -i 0.2 -W 2 -q 198.51.100.1 >/dev/null ||
        dt_fail "client $i: no ping through the tunnel"
done
echo "   ping 198.51.100.1 through both tunnels: ok"

# What made it work: the helper on the control connections, GRE conntrack entries keyed by
# Call ID, and the server's GRE forwarded to each client, none of it left in the NAT box.
c1=$(counter gre_to_c1) c2=$(counter gre_to_c2) cn=$(counter gre_to_nat)
echo "   nft: GRE forwarded to client1 $c1, to client2 $c2, delivered to the NAT box $cn packets"
[ "$c1" -gt 0 ] && [ "$c2" -gt 0 ] || dt_fail "GRE did not reach both clients"
# The server writes each OCRP before the call's first GRE, but the kernel may still put its LCP
# Configure-Request through the NAT first, before nf_conntrack_pptp has seen the OCRP and set
# up the mapping back (about one run in ten here): that packet ends in the NAT box, and LCP's
# restart timer sends it again. One such packet per call is the race; more is misrouting.
[ "$cn" -le 2 ] || dt_fail "GRE from the server ended in the NAT box ($cn packets)"
ip netns exec "$NS_N" nft list chain ip dtnat helpers | grep 'ct helper set' | sed 's/^\s*/   nft: /'
if $HAVE_CONNTRACK; then
    ip netns exec "$NS_N" conntrack -L -p tcp --dport 1723 2>/dev/null | sed 's/^/   conntrack: /'
    ip netns exec "$NS_N" conntrack -L -p gre 2>/dev/null | sed 's/^/   conntrack: /'
    n=$(ip netns exec "$NS_N" conntrack -L -p tcp --dport 1723 2>/dev/null | grep -c 'helper=pptp' || true)
    [ "$n" -eq 2 ] || dt_fail "want 2 control connections with helper=pptp, found $n"
    n=$(ip netns exec "$NS_N" conntrack -L -p gre 2>/dev/null | grep -c "dst=$NAT_ADDR" || true)
    [ "$n" -eq 2 ] || dt_fail "want 2 GRE conntrack entries (one per call), found $n"
fi
stop_links
dt_wait 100 sh -c "[ \$(grep -c 'event=disconnect' '$DT_TMP/server.log') -eq 2 ]" ||
    { dump_logs; dt_fail "the server did not log both disconnects"; }
for i in 1 2; do
    ns_var="NS_$i"
    [ -z "$(ip -n "${!ns_var}" route show table all proto 68)" ] || dt_fail "client $i: routes left"
done

# ---- 2. Without the helper rule: the server's GRE cannot be mapped back. ----
# The control connections are plain masqueraded TCP and still work; the GRE from each client
# goes out masqueraded, but the server's answer carries the client's Call ID as its Key, which
# matches no conntrack entry without the helper's expectation: it is delivered to the NAT box
# itself (counted in its input chain) and no client sees LCP. Deterministic: the first LCP
# Configure-Request from the server shows it at once; the waits are bounded (3 s, then 2 s).
echo "== without the helper rule (same NAT, same masquerade)"
nat_rules no
if $HAVE_CONNTRACK; then ip netns exec "$NS_N" conntrack -F >/dev/null 2>&1 || true; fi
start_links
dt_wait 60 sh -c "[ \$(grep -c 'event=call ' '$DT_TMP/server.log') -ge 4 ]" ||
    { dump_logs; dt_fail "the control connections did not work without the helper"; }
dt_wait 60 sh -c "[ \$(ip netns exec $NS_N nft list counter ip dtnat gre_to_nat |
    sed -n 's/.*packets \([0-9]*\).*/\1/p') -gt 0 ]" || dt_fail "no GRE from the server seen"
sleep 2
c1=$(counter gre_to_c1) c2=$(counter gre_to_c2) cn=$(counter gre_to_nat)
echo "   nft: GRE forwarded to client1 $c1, to client2 $c2, delivered to the NAT box $cn packets"
[ "$c1" -eq 0 ] && [ "$c2" -eq 0 ] || dt_fail "server GRE reached a client without the helper"
for i in 1 2; do
    ! grep -q "^Connected to" "$DT_TMP/link$i.out" || dt_fail "client $i came up without the helper"
done
echo "   neither client reached network-up within 2 s of the server's GRE; $(grep -c 'event=call ' "$DT_TMP/server.log") calls were answered in all"
stop_links

kill -TERM "$SRV_PID"
for _ in $(seq 100); do kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.05; done
kill -9 "$SRV_PID" 2>/dev/null || true
wait "$SRV_PID" 2>/dev/null || true
echo "PASS"
