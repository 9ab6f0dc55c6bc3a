# shellcheck shell=bash disable=SC2034  # sourced: sets SRV_PID, LINK_PID, BASE_DEST, BASE_NEG for the caller
# vpn-baselines.sh — sourced by vpn-throughput.sh: the other VPNs measured beside Dialtone (issue 12).
#
# Both run in the script's two namespaces over its veth (192.0.2.1 server, 192.0.2.2 client),
# UDP, with a TUN device in each namespace, entirely in user space:
#   openvpn-aes128gcm  OpenVPN 2.6 point-to-point, TLS with two throwaway self-signed certificates
#                      pinned by --peer-fingerprint (no CA), data channel AES-128-GCM, data channel
#                      offload off (--disable-dco), otherwise OpenVPN's defaults; 203.0.113.1 <-> .2.
#   wireguard-go       wireguard-go on a TUN device each side, configured with wg (keys from
#                      wg genkey); never the kernel module (no "ip link add type wireguard");
#                      100.64.0.1 <-> 100.64.0.2.
# Each start_* sets SRV_PID and LINK_PID (the server and the client process, stopped by
# stop_all) and BASE_DEST (the address iperf3 reaches through the tunnel), or returns 1.
# Expects DT_TMP, NS_S, NS_C, SRV_PID, LINK_PID and dt_wait from the caller.

OVPN_DEV_S="ovbs$$"
OVPN_DEV_C="ovbc$$"
WG_DEV_S="wgbs$$"
WG_DEV_C="wgbc$$"
WG_SOCK_DIR=/var/run/wireguard

# baseline_missing MODE: prints why MODE cannot run here, or nothing.
baseline_missing() {
    case $1 in
    openvpn-aes128gcm)
        command -v openvpn >/dev/null || echo "skipped: no openvpn (tools/deps)"
        command -v openssl >/dev/null || echo "skipped: no openssl"
        ;;
    wireguard-go)
        command -v wireguard-go >/dev/null || echo "skipped: no wireguard-go (tools/deps)"
        command -v wg >/dev/null || echo "skipped: no wg (wireguard-tools, tools/deps)"
        ;;
    esac
}

# baseline_cleanup: what stop_all cannot reach: wireguard-go's control sockets (in the
# machine's /var/run, named after this run's devices) if a process died by SIGKILL.
baseline_cleanup() {
    rm -f "$WG_SOCK_DIR/$WG_DEV_S.sock" "$WG_SOCK_DIR/$WG_DEV_C.sock"
}

ovpn_cert() { # NAME: a self-signed P-256 certificate and key in $DT_TMP/ovpn; prints its fingerprint
    local d=$DT_TMP/ovpn
    mkdir -p "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj "/CN=dialtone-bench-$1" -keyout "$d/$1.key" -out "$d/$1.crt" >/dev/null 2>&1 || return 1
    openssl x509 -in "$d/$1.crt" -noout -fingerprint -sha256 | cut -d= -f2
}

# start_openvpn: both ends up and the route through the tun device in place, or return 1.
start_openvpn() {
    local d=$DT_TMP/ovpn fp_s fp_c common
    if [ ! -s "$d/server.crt" ]; then
        fp_s=$(ovpn_cert server) || return 1
        fp_c=$(ovpn_cert client) || return 1
        printf '%s\n' "$fp_s" >"$d/server.fp"
        printf '%s\n' "$fp_c" >"$d/client.fp"
    fi
    fp_s=$(cat "$d/server.fp")
    fp_c=$(cat "$d/client.fp")
    common=(--dev-type tun --proto udp --data-ciphers AES-128-GCM
        --data-ciphers-fallback AES-128-GCM --disable-dco --verb 3 --ping 10 --ping-exit 60)
    : >"$d/server.log"
    : >"$d/client.log"
    ip netns exec "$NS_S" openvpn "${common[@]}" --dev "$OVPN_DEV_S" --local 192.0.2.1 \
        --lport 1194 --ifconfig 203.0.113.1 203.0.113.2 --tls-server --dh none \
        --cert "$d/server.crt" --key "$d/server.key" --peer-fingerprint "$fp_c" \
        >>"$d/server.log" 2>&1 &
    SRV_PID=$!
    dt_wait 100 sh -c "ip netns exec $NS_S ss -lun | grep -q 192.0.2.1:1194" || {
        cat "$d/server.log" >&2
        return 1
    }
    ip netns exec "$NS_C" openvpn "${common[@]}" --dev "$OVPN_DEV_C" --nobind \
        --remote 192.0.2.1 1194 --ifconfig 203.0.113.2 203.0.113.1 --tls-client \
        --cert "$d/client.crt" --key "$d/client.key" --peer-fingerprint "$fp_s" \
        >>"$d/client.log" 2>&1 &
    LINK_PID=$!
    dt_wait 300 grep -q "Initialization Sequence Completed" "$d/client.log" || {
        cat "$d/client.log" "$d/server.log" >&2
        return 1
    }
    dt_wait 300 grep -q "Initialization Sequence Completed" "$d/server.log" || return 1
    dt_wait 100 sh -c "ip -n $NS_C route get 203.0.113.1 | grep -q ' dev $OVPN_DEV_C'" || return 1
    BASE_DEST=203.0.113.1
    # What both ends settled on, from the client's log ("Data Channel: cipher 'AES-128-GCM', ...").
    BASE_NEG="$(grep -o "Data Channel: cipher '[^']*'" "$d/client.log" | head -n 1 |
        sed "s/.*cipher '\([^']*\)'/\1/"), OpenVPN $(openvpn --version | head -n 1 | cut -d' ' -f2), no DCO"
}

# wg_up NS DEV KEY PORT PEER-PUB ENDPOINT ADDR PEER-ADDR LOG: wireguard-go on DEV in NS; sets WG_PID.
wg_up() {
    local ns=$1 dev=$2 key=$3 port=$4 peer=$5 endpoint=$6 addr=$7 peer_addr=$8 log=$9 ep=()
    rm -f "$WG_SOCK_DIR/$dev.sock"
    : >"$log"
    # -f: stay in the foreground so that $! is the process doing the work.
    ip netns exec "$ns" wireguard-go -f "$dev" >>"$log" 2>&1 &
    WG_PID=$!
    dt_wait 100 test -S "$WG_SOCK_DIR/$dev.sock" || {
        cat "$log" >&2
        return 1
    }
    # The device must be wireguard-go's TUN device, not a kernel WireGuard interface.
    ip -d -n "$ns" link show dev "$dev" | grep -qw tun || {
        echo "$dev in $ns is not a TUN device" >&2
        return 1
    }
    [ -z "$endpoint" ] || ep=(endpoint "$endpoint")
    ip netns exec "$ns" wg set "$dev" private-key "$key" listen-port "$port" \
        peer "$peer" "${ep[@]}" allowed-ips "$peer_addr/32" || return 1
    ip -n "$ns" addr add "$addr" peer "$peer_addr/32" dev "$dev" || return 1
    ip -n "$ns" link set "$dev" up || return 1
}

# start_wireguard_go: both ends up and a handshake done, or return 1.
start_wireguard_go() {
    local d=$DT_TMP/wg pub_s pub_c
    mkdir -p "$d"
    if [ ! -s "$d/server.key" ]; then
        wg genkey >"$d/server.key"
        wg genkey >"$d/client.key"
    fi
    pub_s=$(wg pubkey <"$d/server.key")
    pub_c=$(wg pubkey <"$d/client.key")
    wg_up "$NS_S" "$WG_DEV_S" "$d/server.key" 51820 "$pub_c" "" 100.64.0.1 100.64.0.2 \
        "$d/server.log" || { SRV_PID=${WG_PID:-}; return 1; }
    SRV_PID=$WG_PID
    wg_up "$NS_C" "$WG_DEV_C" "$d/client.key" 51821 "$pub_s" 192.0.2.1:51820 100.64.0.2 \
        100.64.0.1 "$d/client.log" || { LINK_PID=${WG_PID:-}; return 1; }
    LINK_PID=$WG_PID
    # The first packet starts the handshake; wait for it to finish before measuring.
    ip netns exec "$NS_C" ping -c 1 -W 1 100.64.0.1 >/dev/null 2>&1 || true
    dt_wait 100 sh -c "ip netns exec $NS_C wg show $WG_DEV_C latest-handshakes | awk '\$2 > 0' | grep -q ." || {
        cat "$d/client.log" "$d/server.log" >&2
        return 1
    }
    BASE_DEST=100.64.0.1
    BASE_NEG="ChaCha20-Poly1305, wireguard-go $(wireguard-go --version 2>/dev/null | grep -o 'v[0-9][^ ]*' | head -n 1), userspace"
}

start_baseline() { # MODE
    case $1 in
    openvpn-aes128gcm) start_openvpn ;;
    wireguard-go) start_wireguard_go ;;
    *) return 1 ;;
    esac
}
