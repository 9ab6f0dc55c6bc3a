#!/usr/bin/env bash
# pptp-server.sh PEER_DIR DIALTONE-SERVER — the real Linux client against dialtone-server:
# pptp-linux + pppd 2.4.9 + the kernel's ppp_mppe in a qemu VM dial dialtone-server, which runs
# in our namespace on the bridge the VM's tap joins (192.0.2.254).
#
# MS-CHAP v2 + MPPE-128 (pppd's default client policy of the harness). Traffic both ways: the
# VM pings our end; we ping the VM's end, fetch a file from its httpd and upload one to a CGI
# that answers its md5. Each file must arrive byte-identical (md5). Then the VM
# hangs up (pppd SIGTERM: LCP Terminate) and our server must log the disconnect. What pppd
# offers that our server does not use (VJ, IPv6CP) must be rejected while negotiation converges.
source "$(dirname "$0")/pptp-lib.sh" "${1:?usage: $0 PEER_DIR DIALTONE-SERVER}"
SERVER=$(realpath -m "${2:?usage: $0 PEER_DIR DIALTONE-SERVER}")
[ -x "$SERVER" ] || io_fail "no $SERVER"

HOST_IP=192.0.2.254
OUR_END=198.51.100.1
PASSWORD="Secret-io-456"
BLOB_KIB=256

T_ALL=$(io_now)
io_build
io_netns
# The bridge and our address first, so that dialtone-server can listen before the VM dials.
ip -n "$IO_NS" link add dtbr0 type bridge
ip -n "$IO_NS" link set dtbr0 up
ip -n "$IO_NS" addr add "$HOST_IP/24" dev dtbr0

umask 077
printf 'alice * "%s" *\n' "$PASSWORD" >"$IO_TMP/chap-secrets"
cat >"$IO_TMP/server.conf" <<CONF
[Server]
Listen=$HOST_IP
LocalAddress=$OUR_END
RemoteAddresses=198.51.100.10-198.51.100.19
Secrets=$IO_TMP/chap-secrets
MaxCalls=4

[Security]
Authentication=mschapv2
Encryption=require-128
AllowStateful=false
Compression=true

[PPP]
EchoInterval=0
CONF
ip netns exec "$IO_NS" "$SERVER" --config "$IO_TMP/server.conf" 2>"$IO_TMP/server.log" &
SRV_PID=$!
IO_PIDS+=("$SRV_PID")
io_wait 20 grep -q 'event=listen' "$IO_TMP/server.log" || {
    cat "$IO_TMP/server.log" >&2
    io_fail "dialtone-server did not start"
}

# Our file, uploaded through the tunnel to a CGI in the VM that answers its md5.
head -c $((BLOB_KIB * 1024)) /dev/urandom >"$IO_TMP/blob"
OUR_MD5=$(md5sum <"$IO_TMP/blob" | cut -d' ' -f1)

# In the VM, once pppd is up: its own file and httpd (CGIs: the md5 of an upload, "we are
# done"), a ping to our end, then wait (bounded) for our side before hanging up.
VM_RUN=$(
    cat <<'EOF'
mkdir -p /www/cgi-bin
dd if=/dev/urandom of=/www/blob bs=1024 count=256 2>/dev/null
printf '#!/bin/sh\ntouch /tmp/done\nprintf "Content-Type: text/plain\\r\\n\\r\\nok\\n"\n' > /www/cgi-bin/done
printf '#!/bin/sh\nsum=$(head -c "$CONTENT_LENGTH" | md5sum | cut -d" " -f1)\nprintf "Content-Type: text/plain\\r\\n\\r\\n%%s\\n" "$sum"\n' > /www/cgi-bin/md5
chmod 755 /www/cgi-bin/done /www/cgi-bin/md5
httpd -p 8080 -h /www
echo "PEER BLOB $(md5sum /www/blob | cut -d' ' -f1)"
ping -c 3 -i 0.3 -W 5 $PPP_REMOTE; echo "PEER PING rc=$?"
i=0; while [ ! -e /tmp/done ] && [ $i -lt 90 ]; do sleep 1; i=$((i+1)); done
EOF
)
io_start_vm CONSOLE cli --role pptp-client --ip 192.0.2.2/24 --connect "$HOST_IP" \
    --user "alice:$PASSWORD" --retries 2 --up-timeout 40 --run "$VM_RUN" --exit-after-run

fail() {
    echo "--- dialtone-server:" >&2
    cat "$IO_TMP/server.log" >&2
    echo "--- the VM (pppd, pptp):" >&2
    grep -aE 'pppd|pptp|^PEER' "$CONSOLE" | tail -60 >&2 || true
    io_fail "$*"
}
vm_has() { io_has "$CONSOLE" "$1"; }
srv_has() { io_has "$IO_TMP/server.log" "$1"; }

io_wait 60 vm_has '^PEER (UP|FAILED)' || fail "the VM's pppd did not come up in 60 s"
vm_has '^PEER UP' || fail "the VM's pppd did not come up"
VM_END=$(sed -n 's/^PEER UP .* local=\([0-9.]*\) .*/\1/p' "$CONSOLE" | tr -d '\r' | head -1)
echo "# the VM's pppd is up: $(grep -a '^PEER UP' "$CONSOLE" | tr -d '\r')"
srv_has 'alice connected on call' || fail "dialtone-server did not log the call"
vm_has 'CHAP authentication succeeded' || fail "pppd did not log MS-CHAP v2 success"
vm_has 'MPPE 128-bit stateless compression enabled' || fail "pppd did not log MPPE-128 stateless"
echo "# server: $(grep -a 'connected on call' "$IO_TMP/server.log" | head -1)"

# VM -> us: its ping.
io_wait 30 vm_has '^PEER PING rc=' || fail "the VM did not finish its ping"
vm_has '^PEER PING rc=0' || fail "the VM's ping to our end failed"
echo "# VM -> us: ping 0% loss"

# us -> VM: our ping and our download.
ip netns exec "$IO_NS" ping -c 3 -i 0.3 -W 5 "$VM_END" >"$IO_TMP/ping.log" 2>&1 ||
    fail "our ping to $VM_END failed: $(tail -2 "$IO_TMP/ping.log")"
VM_MD5=$(sed -n 's/^PEER BLOB \([0-9a-f]\{32\}\).*/\1/p' "$CONSOLE" | tr -d '\r' | head -1)
GOT=$(ip netns exec "$IO_NS" curl -sS --max-time 60 "http://$VM_END:8080/blob" | md5sum |
    cut -d' ' -f1)
[ "$GOT" = "$VM_MD5" ] || fail "we received md5 '$GOT' from the VM, want $VM_MD5"
echo "# VM -> us: ${BLOB_KIB} KiB from the VM's httpd byte-identical"
GOT=$(ip netns exec "$IO_NS" curl -sS --max-time 60 --data-binary "@$IO_TMP/blob" \
    -H 'Content-Type: application/octet-stream' "http://$VM_END:8080/cgi-bin/md5")
[ "$GOT" = "$OUR_MD5" ] || fail "the VM received md5 '$GOT' from us, want $OUR_MD5"
echo "# us -> VM: ping 0% loss, ${BLOB_KIB} KiB uploaded to the VM byte-identical"

# Offers we do not use: rejected, and negotiation converged anyway (we are up).
if vm_has 'sent \[IPCP ConfReq.*compress VJ'; then
    vm_has 'rcvd \[IPCP ConfRej id=0x[0-9a-f]+ <compress VJ' || fail "VJ was not Configure-Rejected"
    srv_has 'layer=ipcp event=up .*rejected=2' || fail "our log does not show VJ rejected"
    echo "# VJ offered by pppd, Configure-Rejected by us"
fi
if vm_has 'sent \[IPV6CP ConfReq'; then
    vm_has 'rcvd \[LCP ProtRej id=0x[0-9a-f]+ 80 57' || fail "IPv6CP was not Protocol-Rejected"
    echo "# IPv6CP offered by pppd, Protocol-Rejected by us"
fi

# The VM hangs up: pppd SIGTERM sends LCP Terminate-Request; our server logs the end.
ip netns exec "$IO_NS" curl -sS --max-time 10 "http://$VM_END:8080/cgi-bin/done" >/dev/null ||
    fail "cannot tell the VM we are done"
io_wait 30 srv_has 'alice disconnected' || fail "dialtone-server did not log the disconnect"
io_wait 30 vm_has '^PEER EXIT' || fail "the VM's pppd did not exit"
echo "# $(grep -a 'alice disconnected' "$IO_TMP/server.log" | head -1)"
kill -TERM "$SRV_PID"
io_wait 10 bash -c "! kill -0 $SRV_PID" || fail "dialtone-server did not stop on SIGTERM"
echo "# total $(io_since "$T_ALL") s"
echo "PASS"
