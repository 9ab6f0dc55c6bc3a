#!/usr/bin/env bash
# Raw GRE from namespace A to namespace B across a veth, IPv4 and IPv6: batched sendmmsg and
# recvmmsg, lengths and bytes intact, the IPv4 header stripped, a stranger's GRE filtered out.
source "$(dirname "$0")/lib.sh"

dt_netns_new a grea
dt_netns_new b greb
ip -n "$a" link add veth-a type veth peer name veth-b netns "$b"
ip -n "$a" addr add 198.18.10.1/24 dev veth-a
ip -n "$a" addr add 198.18.10.3/24 dev veth-a
ip -n "$a" addr add fd00:10::1/64 dev veth-a nodad
ip -n "$a" addr add fd00:10::3/64 dev veth-a nodad
ip -n "$b" addr add 198.18.10.2/24 dev veth-b
ip -n "$b" addr add fd00:10::2/64 dev veth-b nodad
ip -n "$a" link set veth-a up
ip -n "$b" link set veth-b up
# Permanent neighbour entries: the burst must not wait in (and overflow) the queue of packets
# held back while ARP/ND resolves.
mac_b=$(ip -n "$b" -j link show dev veth-b | jq -r '.[0].address')
ip -n "$a" neigh replace 198.18.10.2 lladdr "$mac_b" dev veth-a nud permanent
ip -n "$a" neigh replace fd00:10::2 lladdr "$mac_b" dev veth-a nud permanent

echo "== IPv4"
"$ITEST" gre "$a" "$b" 198.18.10.1 198.18.10.2 198.18.10.3
echo "== IPv6"
"$ITEST" gre "$a" "$b" fd00:10::1 fd00:10::2 fd00:10::3
