#!/usr/bin/env bash
# dt-netconf in a client namespace with two ways out: addresses and routes appear tagged with
# Dialtone's protocol number, the host route to the server follows the route that reaches it
# (not the default), and the start-up cleanup removes exactly the tagged routes, nothing else.
source "$(dirname "$0")/lib.sh"

dt_netns_new c ncc
dt_netns_new r ncr
# c0 <-> r0: the default way out; c1 <-> r1: the way to the server's network.
ip -n "$c" link add c0 type veth peer name r0 netns "$r"
ip -n "$c" link add c1 type veth peer name r1 netns "$r"
ip -n "$c" addr add 198.18.1.2/24 dev c0
ip -n "$c" addr add fd00:1::2/64 dev c0 nodad
ip -n "$c" addr add 198.18.3.2/24 dev c1
ip -n "$r" addr add 198.18.1.1/24 dev r0
ip -n "$r" addr add 198.18.3.1/24 dev r1
ip -n "$r" addr add 198.18.2.10/32 dev lo
# No IPv6 link-local addresses on the veths: they appear asynchronously and would make the
# before/after route snapshots differ for reasons that are not ours.
for l in c0 c1; do ip -n "$c" link set "$l" addrgenmode none up; done
for l in r0 r1; do ip -n "$r" link set "$l" addrgenmode none up; done
ip -n "$c" route add default via 198.18.1.1 dev c0
ip -n "$c" route add 198.18.2.0/24 via 198.18.3.1 dev c1 proto static
# Someone else's routes, one with the neighbouring protocol number: cleanup must leave them.
ip -n "$c" route add 203.0.113.0/24 via 198.18.1.1 dev c0 proto 69
ip -n "$c" -6 route add fd00:99::/64 dev c0 proto static

proto=68
snapshot() {
    { ip -n "$c" -4 -j route show table all; ip -n "$c" -6 -j route show table all; } |
        jq -S -s 'add | map(del(.expires)) | sort_by(tostring)'
}
tagged() {
    { ip -n "$c" -4 -j route show table all proto "$proto"; ip -n "$c" -6 -j route show table all proto "$proto"; } |
        jq -r -s 'add | map("\(.dst) \(.dev)" + (if .gateway then " via \(.gateway)" else "" end) + (if .metric and .metric != 0 and .metric != 1024 then " metric \(.metric)" else "" end)) | sort | .[]'
}

before=$(snapshot)
[ -z "$(tagged)" ] || dt_fail "tagged routes before the test"

echo "== the route get the host route will follow"
got=$(ip netns exec "$c" "$ITEST" route-get 198.18.2.10)
[ "$got" = "via 198.18.3.1 dev c1" ] || dt_fail "route get 198.18.2.10 said: $got"

echo "== apply, then crash"
ready="$DT_TMP/apply"
ip netns exec "$c" "$ITEST" netconf-apply "$ready" 198.18.2.10 198.51.100.0/24 fd00:77::/64 &
pid=$!
dt_wait 100 test -s "$ready" || dt_fail "netconf-apply never got ready"
read -r tun gw dev <"$ready"
[ "$gw $dev" = "198.18.3.1 c1" ] || dt_fail "the server route went via $gw dev $dev"

expected=$(printf '%s\n' \
    "0.0.0.0/1 $tun" "128.0.0.0/1 $tun" "198.51.100.0/24 $tun" "198.18.2.10 c1 via 198.18.3.1" \
    "::/1 $tun" "8000::/1 $tun" "fd00:77::/64 $tun metric 77" "fd00:d7::2 $tun" | sort)
actual=$(tagged)
[ "$actual" = "$expected" ] || dt_fail "tagged routes differ:
--- expected
$expected
--- actual
$actual"
echo "$actual" | sed 's/^/  proto 68: /'

addr=$(ip -n "$c" -j addr show dev "$tun")
[ "$(jq -r '.[0].addr_info[] | select(.family=="inet") | "\(.local) peer \(.address)/\(.prefixlen)"' <<<"$addr")" = \
  "198.18.100.1 peer 198.18.100.2/32" ] || dt_fail "IPv4 address on $tun: $addr"
[ "$(jq -r '.[0].addr_info[] | select(.family=="inet6" and .scope=="global") | "\(.local)/\(.prefixlen)"' <<<"$addr")" = \
  "fd00:d7::1/128" ] || dt_fail "IPv6 address on $tun: $addr"
[ "$(ip netns exec "$c" "$ITEST" netconf-list | wc -l)" = 8 ] || dt_fail "netconf-list does not list 8 routes"
# With the split routes in, the kernel sends everything else into the tunnel...
[ "$(ip -n "$c" -j route get 192.0.2.99 | jq -r '.[0].dev')" = "$tun" ] || dt_fail "default traffic bypasses $tun"
# ...but the server itself still by the pinned route.
[ "$(ip -n "$c" -j route get 198.18.2.10 | jq -r '.[0].dev')" = c1 ] || dt_fail "server traffic enters the tunnel"
[ "$(ip -n "$c" -j -6 route get fd00:d7::2 | jq -r '.[0].dev')" = "$tun" ] || dt_fail "the IPv6 peer is not on $tun"

kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
dt_wait 100 dt_link_absent "$c" "$tun" || dt_fail "$tun outlived its process"
[ "$(tagged)" = "198.18.2.10 c1 via 198.18.3.1" ] || dt_fail "after the crash the leftovers are: $(tagged)"
echo "ok: after SIGKILL only the host route is left over"

echo "== start-up cleanup"
out=$(ip netns exec "$c" "$ITEST" netconf-cleanup)
[ "$out" = "removed 1" ] || dt_fail "cleanup said: $out"
[ -z "$(tagged)" ] || dt_fail "tagged routes after cleanup: $(tagged)"
after=$(snapshot)
[ "$before" = "$after" ] || dt_fail "the routing tables changed:
$(diff <(echo "$before") <(echo "$after"))"
echo "ok: cleanup removed the leftover, every other route is as before"

echo "== cleanup while a link is up removes its routes too"
rm -f "$ready"
ip netns exec "$c" "$ITEST" netconf-apply "$ready" 198.18.2.10 198.51.100.0/24 fd00:77::/64 &
pid=$!
dt_wait 100 test -s "$ready" || dt_fail "netconf-apply never got ready"
out=$(ip netns exec "$c" "$ITEST" netconf-cleanup)
[ "$out" = "removed 8" ] || dt_fail "cleanup said: $out"
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
[ "$before" = "$(snapshot)" ] || dt_fail "the routing tables changed"
echo "ok: removed 8 tagged routes, nothing else"

echo "== a real default route with a metric"
ip netns exec "$c" "$ITEST" netconf-default-metric
ip netns exec "$c" "$ITEST" netconf-cleanup >/dev/null
