#!/usr/bin/env bash
# test-dialup.sh DTIO-ITEST DIALTONE-LINK ITEST-DIALUP-ISP — the dial-up runner end to end.
#
# itest-dialup-isp plays modem and ISP on a pty (our own PPP engine as the authenticator);
# dialtone-link --standalone dials it from a private namespace. Cases: PAP, CHAP-MD5 and
# MS-CHAP v2 each up with the ISP's address and DNS, a ping to the ISP end through the TUN, then
# SIGTERM (exit 0); BUSY (8) and NO CARRIER (9) with their words; the carrier dropped mid-call
# (14); the ISP's LCP Terminate (6); a profile that allows only CHAP against a PAP-only ISP
# (auth refused, 3). After each: the link's process is gone, no TUN in the namespace, no UUCP
# lock file for the pty. Every wait is bounded; lib.sh's trap removes what is left.
source "$(dirname "$0")/lib.sh" "$1"
LINK=${2:?}
ISP=${3:?}

PASSWORD="isp-Pw-9"
umask 077
printf '%s\n' "$PASSWORD" >"$DT_TMP/password"
dt_netns_new NS dial
TUN="dtdial$$"
TUN=${TUN:0:15}
DEV="$DT_TMP/ttyModem"

LOCK_DIR=/var/lock
[ -d "$LOCK_DIR" ] || LOCK_DIR=/run/lock

ISP_PID=""
LINK_PID=""
stop_pids() {
    for p in $LINK_PID $ISP_PID; do
        kill -TERM "$p" 2>/dev/null || true
    done
    for p in $LINK_PID $ISP_PID; do
        for _ in $(seq 200); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
        kill -9 "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    LINK_PID="" ISP_PID=""
}
trap 'stop_pids; dt_cleanup' EXIT

# profile AUTH: a dial-up profile on the fake ISP's pty (start_isp first).
profile() {
    cat >"$DT_TMP/isp.conf" <<CONF
[Profile]
Id=3f1c0000-0000-4000-8000-0000000000d1
Name=Test ISP
Type=dialup

[Dialup]
Device=$PTY
Speed=115200
FlowControl=none
Init=ATZ;ATE0
DialCommand=ATDT
Phone=5551234
User=bob

[Security]
Authentication=$1
Encryption=none
Compression=false

[IPv4]
DefaultRoute=false
Routes=198.18.77.0/24
DNS=auto

[IPv6]
Enabled=false

[PPP]
EchoInterval=0
CONF
}

# start_isp MODE AUTH [--drop-after-pings N | --terminate-after-pings N]
start_isp() {
    : >"$DT_TMP/isp.log"
    # Emptied here, not only by the redirection below: that one happens in the background
    # job, after the wait may already have read the last case's "ready" line.
    : >"$DT_TMP/isp.out"
    "$ISP" "$DEV" "$1" "$2" bob "$PASSWORD" "${@:3}" >"$DT_TMP/isp.out" 2>"$DT_TMP/isp.log" &
    ISP_PID=$!
    dt_wait 100 grep -q '^ready pty=/dev/.' "$DT_TMP/isp.out" || {
        cat "$DT_TMP/isp.out" "$DT_TMP/isp.log" >&2
        dt_fail "the fake ISP did not start"
    }
    PTY=$(sed -n 's/^ready pty=//p' "$DT_TMP/isp.out")
    [ -n "$PTY" ] || {
        od -c "$DT_TMP/isp.out" | head >&2
        dt_fail "the fake ISP said ready but named no pty"
    }
    LOCK="$LOCK_DIR/LCK..${PTY#/dev/}"
    LOCK=${LOCK//pts\//pts_}
}

start_link() {
    : >"$DT_TMP/link.out"
    : >"$DT_TMP/link.err"
    # Through dt_ns_exec: the link applies DNS=auto to the test's resolv.conf.
    "$DT_NS_EXEC" "$NS" "$LINK" --standalone "$DT_TMP/isp.conf" --password-file \
        "$DT_TMP/password" --interface "$TUN" ${REPORT:+--report "$REPORT"} \
        >"$DT_TMP/link.out" 2>"$DT_TMP/link.err" &
    LINK_PID=$!
}

# wait_link_exit: the link's exit status in RC (bounded: 60 s).
wait_link_exit() {
    for _ in $(seq 1200); do kill -0 "$LINK_PID" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$LINK_PID" 2>/dev/null && {
        cat "$DT_TMP/link.err" >&2
        dt_fail "dialtone-link did not exit"
    }
    RC=0
    wait "$LINK_PID" || RC=$?
    LINK_PID=""
}

show() {
    echo "--- link stderr:" >&2
    cat "$DT_TMP/link.err" >&2
    echo "--- link stdout:" >&2
    cat "$DT_TMP/link.out" >&2
    echo "--- isp:" >&2
    cat "$DT_TMP/isp.log" >&2
}

check_clean() {
    dt_wait 100 dt_link_absent "$NS" "$TUN" || dt_fail "$1: $TUN is still there"
    [ ! -e "$LOCK" ] || dt_fail "$1: the lock file $LOCK is still there"
    [ -z "$(ip -n "$NS" route show proto 68)" ] || dt_fail "$1: routes with proto 68 left"
    stop_pids
}

link_up_or_gone() {
    grep -q 'stage=network-up' "$DT_TMP/link.err" || ! kill -0 "$LINK_PID" 2>/dev/null
}

wait_up() {
    dt_wait 600 link_up_or_gone
    grep -q 'stage=network-up' "$DT_TMP/link.err" || {
        show
        dt_fail "$1: the link did not come up"
    }
}

expect_exit() { # CASE STATUS WORDS
    wait_link_exit
    [ "$RC" -eq "$2" ] || {
        show
        dt_fail "$1: exit status $RC, want $2"
    }
    grep -q -- "$3" "$DT_TMP/link.err" || {
        show
        dt_fail "$1: no \"$3\" on stderr"
    }
}

# ---- successful calls: PAP, CHAP-MD5, MS-CHAP v2 ----
for auth in pap chap mschapv2; do
    start_isp ok "$auth"
    profile "$auth"
    REPORT="$DT_TMP/report-$auth.pcapng" start_link
    wait_up "$auth"
    # The lock names us while the line is ours.
    [ -f "$LOCK" ] || dt_fail "$auth: no lock file $LOCK during the call"
    [ "$(tr -d ' \n' <"$LOCK")" = "$LINK_PID" ] || dt_fail "$auth: the lock file does not name us"
    grep -q "isp: auth method=$auth ok=yes" "$DT_TMP/isp.log" || {
        show
        dt_fail "$auth: the ISP did not authenticate us with $auth"
    }
    grep -q 'Address:        10.77.0.2, ISP end 10.77.0.1' "$DT_TMP/link.out" || {
        show
        dt_fail "$auth: not the address IPCP gave"
    }
    grep -q 'DNS:            10.77.0.53 (offered by the ISP)' "$DT_TMP/link.out" || {
        show
        dt_fail "$auth: not the DNS IPCP gave"
    }
    [ "$(grep '^nameserver' "$DT_TMP/resolv.conf")" = "nameserver 10.77.0.53" ] ||
        dt_fail "$auth: the ISP's DNS is not applied: $(cat "$DT_TMP/resolv.conf")"
    # The modem dialogue and PPP ran in the unprivileged, seccomp-filtered child.
    child=$(pgrep -P "$LINK_PID" | head -n1)
    [ -n "$child" ] && grep -q '^Seccomp:[[:space:]]*2' "/proc/$child/status" &&
        [ "$(awk '/^Uid:/ { print $2 }' "/proc/$child/status")" != 0 ] &&
        grep -q '^CapEff:[[:space:]]*0*$' "/proc/$child/status" ||
        dt_fail "$auth: the dial-up protocol does not run sandboxed (child ${child:-none})"
    ip -n "$NS" -4 addr show dev "$TUN" | grep -q 'inet 10.77.0.2 peer 10.77.0.1/32' ||
        dt_fail "$auth: the TUN lacks the negotiated address"
    ip -n "$NS" route show 198.18.77.0/24 | grep -q "dev $TUN" ||
        dt_fail "$auth: no route for the profile's Routes="
    ip netns exec "$NS" ping -c 2 -W 5 10.77.0.1 >/dev/null || {
        show
        dt_fail "$auth: no ping reply from the ISP end through the dial-up link"
    }
    grep -q 'isp: ping answered n=2' "$DT_TMP/isp.log" || dt_fail "$auth: the ISP saw no pings"
    kill -TERM "$LINK_PID"
    expect_exit "$auth" 0 'stage=down reason=local-request'
    grep -q 'stage=hangup' "$DT_TMP/link.err" || dt_fail "$auth: no hang-up"
    check_clean "$auth"
    dt_resolv_restored "$auth"
    # --report (issue 9): the PPP exchange over the serial line, the password nowhere.
    r="$DT_TMP/report-$auth.pcapng"
    [ -s "$r" ] || dt_fail "$auth: no report written"
    if command -v tshark >/dev/null; then
        capinfos -k "$r" >"$DT_TMP/comment"
        for want in "Link: *dial-up" "IPv4: *10.77.0.2, peer 10.77.0.1" "LCP (ours): *MRU" \
            "PPP: *frames in [1-9]"; do
            grep -q -- "$want" "$DT_TMP/comment" || dt_fail "$auth: no '$want' in the report"
        done
        for f in "lcp && ppp.code == 2 && frame.p2p_dir == 0" \
            "ipcp && ppp.code == 2 && frame.p2p_dir == 1" "pap || chap"; do
            tshark -r "$r" -Y "$f" 2>/dev/null | grep -q . || dt_fail "$auth: no '$f' in the report"
        done
        ! grep -aqF -- "$PASSWORD" "$r" || dt_fail "$auth: the password is in the report"
        ! tshark -r "$r" -V 2>/dev/null | grep -qF -- "$PASSWORD" ||
            dt_fail "$auth: the password is in tshark -V of the report"
    fi
    echo "ok - $auth: dialled, authenticated, 10.77.0.2, ping, hung up; report read by tshark"
done

# ---- the modem's refusals ----
start_isp busy pap
profile pap
start_link
expect_exit busy 8 'reason=modem-busy'
grep -q 'dialtone-link: .*[Bb]usy' "$DT_TMP/link.err" || {
    show
    dt_fail "busy: no plain words"
}
check_clean busy
echo "ok - BUSY: exit 8"

start_isp no-carrier pap
profile pap
start_link
expect_exit no-carrier 9 'reason=modem-no-carrier'
check_clean no-carrier
echo "ok - NO CARRIER: exit 9"

# ---- the carrier drops mid-call ----
start_isp ok pap --drop-after-pings 1
profile pap
start_link
wait_up drop
ip netns exec "$NS" ping -c 1 -W 5 10.77.0.1 >/dev/null || true
expect_exit drop 14 'reason=carrier-lost'
check_clean drop
echo "ok - carrier lost mid-call: exit 14"

# ---- the ISP ends the call ----
start_isp ok pap --terminate-after-pings 1
profile pap
start_link
wait_up terminate
ip netns exec "$NS" ping -c 1 -W 5 10.77.0.1 >/dev/null || true
expect_exit terminate 6 'reason=peer-terminated'
check_clean terminate
echo "ok - the ISP's LCP Terminate: exit 6"

# ---- PAP is used only when the profile allows it ----
start_isp ok pap
profile chap
start_link
expect_exit pap-refused 3 'reason=auth-refused'
check_clean pap-refused
echo "ok - a CHAP-only profile refuses a PAP-only ISP: exit 3"

# ---- the line is in use (locked by a live process) ----
start_isp ok pap
profile pap
printf '%10d\n' "$ISP_PID" >"$LOCK"
start_link
expect_exit locked 16 'in use by process'
[ -f "$LOCK" ] || dt_fail "locked: someone else's lock file was removed"
rm -f "$LOCK"
check_clean locked
echo "ok - a locked line: exit 16, the other lock untouched"
echo "all dial-up cases passed"
