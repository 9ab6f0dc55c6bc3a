#!/usr/bin/env bash
# pptp-client.sh PEER_DIR DIALTONE-LINK [DIALTONECTL] — Dialtone's PPTP client against the real
# Linux server:
# pptpd (poptop) + pppd 2.4.9 + the kernel's ppp_mppe, in one qemu VM booted once for all cases.
#
# Before each case the pppd policy of the next call is set over HTTP (pptp-lib.sh), then
# dialtone-link --standalone runs in our namespace. A case that comes up must show the same
# result on both sides (our summary, and what pppd logged in the VM's console), carry a ping and
# a file each way byte-identical through the tunnel, and end cleanly on SIGTERM (exit 0). A case
# that must fail must end by itself with the typed exit status and words, with pppd's side of it
# in its log. Everything pppd offers that we do not use (IPv6CP, VJ, LCP callback, Deflate and
# BSD-Compress) must be rejected, seen in our log, and negotiation must still converge.
# With DIALTONECTL, `dialtonectl test` (the pre-flight check, issue 9) runs against the same
# pptpd: all green with pptpd's SCCRP, then with TCP 1723 and then GRE dropped by nftables in
# our namespace, each failure classified with its exit status.
source "$(dirname "$0")/pptp-lib.sh" "${1:?usage: $0 PEER_DIR DIALTONE-LINK}"
LINK=$(realpath -m "${2:?usage: $0 PEER_DIR DIALTONE-LINK}")
[ -x "$LINK" ] || io_fail "no $LINK"
CTL=${3:+$(realpath -m "$3")}

SERVER=192.0.2.1
TUNNEL_PEER=198.51.100.1
PASSWORD="Secret-io-123"
# 768 KiB is ~560 full packets each way: stateful MPPE crosses two key changes (every 256).
BLOB_KIB=768

T_ALL=$(io_now)
io_build
io_netns
io_start_vm CONSOLE srv --role pptpd --ip "$SERVER/24" --user "alice:$PASSWORD" \
    --policy 'require-mschap-v2 require-mppe-128' --run "$(io_pptpd_run "$BLOB_KIB")"
io_wait 30 io_has "$CONSOLE" '^PEER BLOB [0-9a-f]{32}' || io_fail "the VM's --run did not start httpd"
BLOB_MD5=$(sed -n 's/^PEER BLOB \([0-9a-f]\{32\}\).*/\1/p' "$CONSOLE" | tr -d '\r' | head -1)

umask 077
printf '%s\n' "$PASSWORD" >"$IO_TMP/password"
printf 'not-the-password\n' >"$IO_TMP/wrong"
head -c $((BLOB_KIB * 1024)) /dev/urandom >"$IO_TMP/upload"
UP_MD5=$(md5sum <"$IO_TMP/upload" | cut -d' ' -f1)

# write_profile AUTH ENCRYPTION STATEFUL MPPC
write_profile() {
    cat >"$IO_TMP/profile.conf" <<CONF
[Profile]
Id=3f1c0000-0000-4000-8000-0000000000bb
Name=Interop
Type=pptp

[PPTP]
Server=$SERVER
User=alice

[Security]
Authentication=$1
Encryption=$2
AllowStateful=$3
Compression=$4
${C_EXTRA:-}

[IPv4]
DefaultRoute=true

[IPv6]
Enabled=false

[PPP]
EchoInterval=0
CONF
}

LINK_PID=""
start_link() { # PASSWORD-FILE
    : >"$IO_TMP/link.out"
    : >"$IO_TMP/link.err"
    # DNS=auto: the link rewrites /etc/resolv.conf, so it gets a private mount namespace with a
    # resolv.conf of the test's own bound over the machine's, and its backup goes to the test.
    [ -e "$IO_TMP/resolv.conf" ] || printf 'nameserver 192.0.2.153\n' >"$IO_TMP/resolv.conf"
    mkdir -p "$IO_TMP/state"
    DIALTONE_STATE_DIR="$IO_TMP/state" ip netns exec "$IO_NS" unshare -m --propagation private \
        sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$IO_TMP/resolv.conf" \
        "$LINK" --standalone "$IO_TMP/profile.conf" --password-file "$1" \
        >"$IO_TMP/link.out" 2>"$IO_TMP/link.err" &
    LINK_PID=$!
    IO_PIDS+=("$LINK_PID")
}

# wait_link_exit SECONDS: bounded; sets LINK_RC.
wait_link_exit() {
    if ! io_wait "$1" bash -c "! kill -0 $LINK_PID"; then
        kill -9 "$LINK_PID" 2>/dev/null || true
        wait "$LINK_PID" 2>/dev/null || true
        show_logs
        io_fail "$CASE: dialtone-link did not exit within $1 s"
    fi
    LINK_RC=0
    wait "$LINK_PID" || LINK_RC=$?
    LINK_PID=""
}

seg() { io_console_from "$CONSOLE" "PEER POLICY case=$CASE:" >"$IO_TMP/pppd.log"; }
show_logs() {
    seg
    echo "--- dialtone-link stderr ($CASE):" >&2
    cat "$IO_TMP/link.err" >&2
    echo "--- pppd/pptpd in the VM ($CASE):" >&2
    grep -aE 'pppd|pptpd|pptpctrl|^PEER' "$IO_TMP/pppd.log" | tail -60 >&2 || true
}
case_fail() {
    show_logs
    io_fail "$CASE: $*"
}
# pppd_has PATTERN: the VM's log of this case has a line matching PATTERN (grep -E). Waits a
# little: the console is a 115200-baud UART behind syslogd.
pppd_has() {
    local i
    for ((i = 0; i < 50; i++)); do
        seg
        grep -qaE -- "$1" "$IO_TMP/pppd.log" && return 0
        sleep 0.2
    done
    return 1
}
link_has() { grep -qaE -- "$1" "$IO_TMP/link.err"; }

# pppd_idle: every pppd started so far has exited, so the next call starts from a clean slate.
pppd_idle() {
    local i started ended
    for ((i = 0; i < 75; i++)); do
        started=$(grep -ac 'pppd 2\.4\.9 started' "$CONSOLE" || true)
        ended=$(grep -acE 'pppd\[[0-9]+\]: Exit\.' "$CONSOLE" || true)
        [ "$started" -le "$ended" ] && return 0
        sleep 0.2
    done
    io_fail "$CASE: pppd in the VM did not exit (started $started, exited $ended)"
}

traffic() {
    local got
    ip netns exec "$IO_NS" ping -c 3 -i 0.3 -W 5 "$TUNNEL_PEER" >"$IO_TMP/ping.log" 2>&1 ||
        case_fail "ping through the tunnel failed: $(tail -2 "$IO_TMP/ping.log")"
    grep -q ' 0% packet loss' "$IO_TMP/ping.log" || case_fail "ping lost packets"
    got=$(ip netns exec "$IO_NS" curl -sS --max-time 60 "http://$TUNNEL_PEER:8080/blob" | md5sum |
        cut -d' ' -f1)
    [ "$got" = "$BLOB_MD5" ] || case_fail "download through the tunnel: md5 $got, want $BLOB_MD5"
    got=$(ip netns exec "$IO_NS" curl -sS --max-time 60 --data-binary "@$IO_TMP/upload" \
        -H 'Content-Type: application/octet-stream' "http://$TUNNEL_PEER:8080/cgi-bin/md5")
    [ "$got" = "$UP_MD5" ] || case_fail "upload through the tunnel: md5 '$got', want $UP_MD5"
    echo "   ping 0% loss; ${BLOB_KIB} KiB down and ${BLOB_KIB} KiB up byte-identical (md5)"
}

# rejected_cleanly: what pppd offers and we do not use was rejected, and we said so (the
# layer's "event=up ... rejected=TYPES" line); that the link is up shows negotiation converged.
rejected_cleanly() {
    # LCP Callback (option 13, CBCP), from pppd's `callback` option: Configure-Reject.
    if pppd_has 'sent \[LCP ConfReq.*<callback'; then
        pppd_has 'rcvd \[LCP ConfRej id=0x[0-9a-f]+ <callback' ||
            case_fail "pppd asked for callback and did not log our Configure-Reject"
        link_has 'layer=lcp event=up .*rejected=13' ||
            case_fail "our log does not show LCP callback rejected"
        echo "   LCP callback (CBCP) offered by pppd, Configure-Rejected by us"
    fi
    # Deflate, old Deflate and BSD-Compress in CCP (MPPE off): Configure-Reject of 26, 24, 21.
    if pppd_has 'sent \[CCP ConfReq.*deflate 15'; then
        pppd_has 'rcvd \[CCP ConfRej id=0x[0-9a-f]+ <deflate 15> <deflate\(old#\) 15> <bsd v1 15>' ||
            case_fail "pppd offered Deflate/BSD and did not log our Configure-Reject"
        link_has 'layer=ccp event=up rejected=21,24,26' ||
            case_fail "our log does not show Deflate and BSD-Compress rejected"
        echo "   CCP Deflate, Deflate(old) and BSD-Compress offered by pppd, Configure-Rejected by us"
    fi
    # IPv6CP (IPv6 off in the profile): LCP Protocol-Reject.
    if pppd_has 'sent \[IPV6CP ConfReq'; then
        link_has 'layer=lcp event=protocol-reject-sent protocol=0x8057' ||
            case_fail "pppd sent IPv6CP and we did not Protocol-Reject it"
        pppd_has 'rcvd \[LCP ProtRej id=0x[0-9a-f]+ 80 57' ||
            case_fail "pppd did not log our Protocol-Reject of IPv6CP"
        echo "   IPv6CP offered by pppd, Protocol-Rejected by us (IPv6 off in the profile)"
    fi
    # VJ compression in IPCP: Configure-Reject of option 2.
    if pppd_has 'sent \[IPCP ConfReq.*compress VJ'; then
        pppd_has 'rcvd \[IPCP ConfRej id=0x[0-9a-f]+ <compress VJ' ||
            case_fail "pppd offered VJ and did not log our Configure-Reject"
        link_has 'layer=ipcp event=up .*rejected=2' || case_fail "our log does not show VJ rejected"
        echo "   VJ compression offered by pppd in IPCP, Configure-Rejected by us"
    fi
}

# up_case NAME POLICY AUTH ENCRYPTION STATEFUL MPPC OUR-WORDS PPPD-PATTERN
up_case() {
    CASE=$1
    local t0
    t0=$(io_now)
    echo "== $CASE: pppd '$2' / ours $3 $4 stateful=$5 mppc=$6"
    pppd_idle
    io_pptpd_policy "$SERVER" "$CASE" "$2"
    write_profile "$3" "$4" "$5" "$6"
    start_link "$IO_TMP/password"
    io_wait 30 grep -q '^Connected to' "$IO_TMP/link.out" || case_fail "the link did not come up in 30 s"
    grep -q "Encryption: *$7" "$IO_TMP/link.out" ||
        case_fail "our summary: $(grep Encryption: "$IO_TMP/link.out"), want '$7'"
    pppd_has "$8" || case_fail "pppd did not log '$8'"
    pppd_has 'peer from calling number .* authorized' || case_fail "pppd did not authorize us"
    pppd_has 'remote IP address 198\.51\.100\.1[0-9]' || case_fail "pppd gave no address"
    echo "   ours: $(grep -h 'Encryption:' "$IO_TMP/link.out" | sed 's/^ *//; s/  */ /g'); pppd: '$8'"
    traffic
    [ -z "${CHECK:-}" ] || "$CHECK"
    rejected_cleanly
    kill -TERM "$LINK_PID"
    wait_link_exit 15
    [ "$LINK_RC" -eq 0 ] || case_fail "exit $LINK_RC after SIGTERM, want 0"
    pppd_has 'LCP terminated by peer|Connection terminated' || case_fail "pppd did not see the hang-up"
    ip -n "$IO_NS" -o link show | grep -q ' dt[0-9]' && case_fail "a TUN was left behind"
    echo "   $(grep -h '^dialtone-link: stage=stats' "$IO_TMP/link.err" | sed 's/^dialtone-link: //')"
    cp "$IO_TMP/link.err" "$IO_TMP/link-$CASE.err"
    echo "   ok ($(io_since "$t0") s)"
}

# fail_case NAME POLICY PASSWORD-FILE AUTH ENCRYPTION STATEFUL MPPC STATUS OUR-WORDS PPPD-PATTERN
fail_case() {
    CASE=$1
    local t0
    t0=$(io_now)
    echo "== $CASE: pppd '$2' / ours $4 $5 stateful=$6 mppc=$7"
    pppd_idle
    io_pptpd_policy "$SERVER" "$CASE" "$2"
    write_profile "$4" "$5" "$6" "$7"
    start_link "$3"
    wait_link_exit 40
    [ "$LINK_RC" -eq "$8" ] || case_fail "exit $LINK_RC, want $8"
    grep -qiE -- "$9" "$IO_TMP/link.err" || case_fail "no message matching '$9'"
    pppd_has "${10}" || case_fail "pppd did not log '${10}'"
    grep -q '^Connected to' "$IO_TMP/link.out" && case_fail "the link came up"
    echo "   exit $LINK_RC: $(tail -n 1 "$IO_TMP/link.err"); pppd: '${10}'"
    cp "$IO_TMP/link.err" "$IO_TMP/link-$CASE.err"
    echo "   ok ($(io_since "$t0") s)"
}

# The Linux default: MS-CHAP v2, MPPE-128 stateless. We offer MPPC too (Compression=true): the
# kernel has no MPPC, so pppd Naks C off and we must settle without it.
up_case v2-mppe128 'require-mschap-v2 require-mppe-128' mschapv2 require-128 false true \
    'MPPE 128-bit stateless' 'MPPE 128-bit stateless compression enabled'
up_case v2-mppe40 'require-mschap-v2 require-mppe-40' mschapv2 require false false \
    'MPPE 40-bit stateless' 'MPPE 40-bit stateless compression enabled'
up_case v1-mppe128 'require-mschap require-mppe-128 callback 5551234' mschap require-128 false false \
    'MPPE 128-bit stateless' 'MPPE 128-bit stateless compression enabled'
# pppd allows stateful, and so do we: both still offer stateless first (H), and agree on it.
up_case v2-stateful-allowed 'require-mschap-v2 require-mppe-128 mppe-stateful' mschapv2 \
    require-128 true false 'MPPE 128-bit stateless' 'MPPE 128-bit stateless compression enabled'
# We ask for stateful (PreferStateful=) and pppd allows it: pppd acks our request without H, so
# pppd's kernel encrypts what it sends us statefully (RC4 kept across packets, a key change every
# 256), while pppd asks for, and gets, stateless for what we send it (RFC 1962: each side's
# Configure-Request names what it receives). pppd logs its receive direction ("stateless").
# The 768 KiB each way crosses two stateful key changes from pppd's side.
check_stateful_rx() {
    link_has 'layer=ccp event=up sent=0x00000040 received=0x01000040' ||
        case_fail "our CCP did not settle on stateful in, stateless out"
    pppd_has 'sent \[CCP ConfAck id=0x[0-9a-f]+ <mppe -H -M \+S -L -D -C>\]' ||
        case_fail "pppd did not ack our stateful request"
    echo "   pppd → us stateful (pppd acked <mppe -H +S>), us → pppd stateless, both byte-identical"
}
CHECK=check_stateful_rx C_EXTRA=PreferStateful=true up_case v2-stateful-preferred \
    'require-mschap-v2 require-mppe-128 mppe-stateful' mschapv2 require-128 true false \
    'MPPE 128-bit, stateless sending, stateful receiving' 'MPPE 128-bit stateless compression enabled'
# No encryption on either side: CCP then offers Deflate and BSD-Compress, which we reject.
up_case no-encryption 'require-mschap-v2 nomppe' mschapv2 none false true \
    'no encryption' 'remote IP address 198\.51\.100\.1[0-9]'
fail_case wrong-password 'require-mschap-v2 require-mppe-128' "$IO_TMP/wrong" mschapv2 \
    require-128 false false 3 'password' 'Peer alice failed CHAP authentication'
fail_case server-requires-mppe 'require-mschap-v2 require-mppe-128' "$IO_TMP/password" mschapv2 \
    none false false 4 'encryption|MPPE' 'MPPE required but peer'

# The pre-flight check against pptpd: it must not log in, and must tell each failure apart.
preflight() { # WHAT ARGS...: exit status in PF_RC, JSON in $IO_TMP/WHAT.json
    PF_RC=0
    timeout 60 ip netns exec "$IO_NS" "$CTL" test --file "$IO_TMP/profile.conf" --json "${@:2}" \
        >"$IO_TMP/$1.json" 2>"$IO_TMP/$1.err" || PF_RC=$?
    jq -e . "$IO_TMP/$1.json" >/dev/null 2>&1 ||
        io_fail "preflight $1: not JSON (exit $PF_RC): $(cat "$IO_TMP/$1.json" "$IO_TMP/$1.err")"
}
pf() { jq -r "$2" "$IO_TMP/$1.json"; }
if [ -n "$CTL" ] && command -v jq >/dev/null && command -v nft >/dev/null; then
    CASE=preflight
    pppd_idle
    io_pptpd_policy "$SERVER" "$CASE" 'require-mschap-v2 require-mppe-128'
    write_profile mschapv2 require-128 false false
    preflight green
    [ "$PF_RC" -eq 0 ] && [ "$(pf green .verdict)" = passed ] ||
        io_fail "preflight green: exit $PF_RC, $(cat "$IO_TMP/green.json")"
    [ -n "$(pf green .pptp.vendor)" ] && [ "$(pf green .pptp.result)" = 1 ] ||
        io_fail "preflight green: no SCCRP fingerprint: $(cat "$IO_TMP/green.json")"
    [ "$(pf green .gre.packets)" -ge 1 ] || io_fail "preflight green: no GRE back from pppd"
    echo "== preflight: passed against pptpd: vendor \"$(pf green .pptp.vendor)\", host \"$(pf green .pptp.host_name)\", firmware $(pf green .pptp.firmware), first GRE: $(pf green .gre.first)"
    sleep 1
    seg
    grep -qa 'authorized' "$IO_TMP/pppd.log" && io_fail "preflight: the check logged in"
    ip netns exec "$IO_NS" nft add table inet dtpf
    ip netns exec "$IO_NS" nft add chain inet dtpf out '{ type filter hook output priority 0; policy accept; }'
    ip netns exec "$IO_NS" nft add rule inet dtpf out ip daddr "$SERVER" tcp dport 1723 drop
    preflight tcp --timeout 2
    [ "$PF_RC" -eq 12 ] && [ "$(pf tcp .verdict)" = tcp-blocked ] ||
        io_fail "preflight tcp-blocked: exit $PF_RC, $(cat "$IO_TMP/tcp.json")"
    echo "== preflight: TCP 1723 dropped → $(pf tcp .verdict) (exit $PF_RC)"
    ip netns exec "$IO_NS" nft delete table inet dtpf
    ip netns exec "$IO_NS" nft add table inet dtpf
    ip netns exec "$IO_NS" nft add chain inet dtpf in '{ type filter hook input priority 0; policy accept; }'
    ip netns exec "$IO_NS" nft add rule inet dtpf in ip saddr "$SERVER" meta l4proto gre drop
    preflight gre --timeout 3
    [ "$PF_RC" -eq 14 ] && [ "$(pf gre .verdict)" = gre-blocked ] ||
        io_fail "preflight gre-blocked: exit $PF_RC, $(cat "$IO_TMP/gre.json")"
    echo "== preflight: GRE from pptpd dropped → $(pf gre .verdict) (exit $PF_RC)"
    ip netns exec "$IO_NS" nft delete table inet dtpf
fi

echo "# total $(io_since "$T_ALL") s"
echo "PASS"
