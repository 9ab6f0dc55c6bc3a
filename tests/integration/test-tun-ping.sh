#!/usr/bin/env bash
# Ping the TUN's peer address: the echo request comes out of the TUN fd (read in dt-loop), the
# reply written back into the TUN reaches the pinging socket.
source "$(dirname "$0")/lib.sh"

dt_netns_new ns ping
ip netns exec "$ns" "$ITEST" tun-ping
