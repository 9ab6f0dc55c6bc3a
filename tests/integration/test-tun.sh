#!/usr/bin/env bash
# A TUN opened through dt-tun exists (up, with its MTU) while its fd is open and vanishes when
# the fd is closed, the process exits, or the process is killed with SIGKILL.
source "$(dirname "$0")/lib.sh"

dt_netns_new ns tun

ip netns exec "$ns" "$ITEST" tun-open-close

for mode in plain vnet mq; do
    for sig in TERM KILL; do
        ready="$DT_TMP/ready-$mode-$sig"
        ip netns exec "$ns" "$ITEST" tun-hold "$ready" "$mode" &
        pid=$!
        dt_wait 100 test -s "$ready" || dt_fail "$mode: the TUN holder never got ready"
        read -r name ifindex <"$ready"
        info=$(ip -n "$ns" -j link show dev "$name")
        [ "$(jq -r '.[0].mtu' <<<"$info")" = 1400 ] || dt_fail "$name: MTU is not 1400: $info"
        [ "$(jq -r '.[0].txqlen' <<<"$info")" = 1000 ] || dt_fail "$name: txqlen is not 1000"
        jq -e '.[0].flags | index("UP")' <<<"$info" >/dev/null || dt_fail "$name is not up"
        [ "$(jq -r '.[0].ifindex' <<<"$info")" = "$ifindex" ] || dt_fail "$name: ifindex differs"
        ! ip link show dev "$name" >/dev/null 2>&1 || dt_fail "$name leaked into the host namespace"
        kill "-$sig" "$pid"
        wait "$pid" 2>/dev/null || true
        dt_wait 100 dt_link_absent "$ns" "$name" || dt_fail "$name outlived its process (SIG$sig)"
        echo "ok: $name ($mode) existed while held and vanished after SIG$sig"
    done
done
