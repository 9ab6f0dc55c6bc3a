#!/usr/bin/env bash
# test-preflight.sh DTIO-ITEST DIALTONE-SERVER DIALTONECTL — `dialtonectl test` (issue 9).
#
# A client namespace runs the pre-flight check against dialtone-server in a server namespace,
# joined by veth, and each case asserts the verdict, the failed step and the exit status:
#   (a) all green, with the vendor and host name dialtone-server sends in its SCCRP, and the
#       server logging the call and its clean end; the human table too;
#   (a') the same as an unprivileged user: DNS/TCP/PPTP pass, GRE is reported as needing root;
#   (b) nftables dropping TCP 1723 at the server → tcp-blocked;
#   (c) nothing listening → tcp-refused;
#   (d) nftables dropping GRE (ip protocol gre) at the client → gre-blocked;
#   (e) a host name that does not resolve → dns, also when the DNS server never answers;
#   (f) a fake server (socat) whose SCCRP refuses → pptp-refused, with its vendor and host name;
#   (g) something that is not PPTP on TCP 1723 → pptp-refused.
# The failing cases run with --timeout 2 (each step), the passing ones with the default 5 s;
# timeout(1) bounds every run.
source "$(dirname "$0")/lib.sh" "$1"
SERVER=${2:?}
CTL=${3:?}
command -v nft >/dev/null || dt_skip "no nft (tools/deps: nftables)"
command -v setpriv >/dev/null || dt_skip "no setpriv (util-linux)"
command -v socat >/dev/null || dt_skip "no socat (tools/deps)"

dt_pair_new pfl
ip netns exec "$NS_S" nft list tables >/dev/null 2>&1 || dt_skip "nftables unavailable in this kernel"

# No DNS server in the client namespace: nothing listens on 127.0.0.1:53, so a lookup fails at
# once (ICMP port unreachable) instead of waiting on a resolver that is not there.
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$DT_TMP/resolv.conf"

umask 022
printf 'alice * "pw-Alice-7" *\n' >"$DT_TMP/chap-secrets"
chmod 600 "$DT_TMP/chap-secrets"
mkdir -p "$DT_TMP/config/dialtone/profiles"
write_profile() { # ID NAME SERVER
    cat >"$DT_TMP/config/dialtone/profiles/$1.conf" <<CONF
[Profile]
Id=$1
Name=$2
Type=pptp

[PPTP]
Server=$3
User=alice
CONF
}
ID_OK=3f1c0000-0000-4000-8000-0000000000b1
write_profile "$ID_OK" Preflight 192.0.2.1
write_profile 3f1c0000-0000-4000-8000-0000000000b2 Nowhere no-such-host.dialtone.invalid
chmod -R a+rX "$DT_TMP/config"
chmod a+x "$DT_TMP" # the unprivileged case reads its profile file from here

SRV_PID=""
stop_server() {
    if [ -n "$SRV_PID" ]; then
        kill -TERM "$SRV_PID" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.05; done
        kill -9 "$SRV_PID" 2>/dev/null || true
        wait "$SRV_PID" 2>/dev/null || true
    fi
    SRV_PID=""
}
start_server() {
    cat >"$DT_TMP/server.conf" <<CONF
[Server]
Listen=192.0.2.1
LocalAddress=198.51.100.1
RemoteAddresses=198.51.100.10-198.51.100.20
Secrets=$DT_TMP/chap-secrets
MaxCalls=4

[Security]
Authentication=mschapv2
Encryption=require

[PPP]
EchoInterval=0
CONF
    : >"$DT_TMP/server.log"
    ip netns exec "$NS_S" "$SERVER" --config "$DT_TMP/server.conf" 2>>"$DT_TMP/server.log" &
    SRV_PID=$!
    dt_wait 100 grep -q "event=listen" "$DT_TMP/server.log" || {
        cat "$DT_TMP/server.log" >&2
        dt_fail "dialtone-server did not start"
    }
}

# run_test WHAT ARGS...: dialtonectl test in the client namespace; sets RC and OUT (the file
# with its standard output).
run_test() {
    local what=$1
    shift
    OUT="$DT_TMP/$what.out"
    RC=0
    timeout 60 "$DT_NS_EXEC" "$NS_C" env XDG_CONFIG_HOME="$DT_TMP/config" \
        "$CTL" test "$@" >"$OUT" 2>"$DT_TMP/$what.err" || RC=$?
    [ "$RC" -ne 124 ] || dt_fail "$what: dialtonectl test did not finish within 60 s"
}

# expect WHAT VERDICT STATUS FAILED-STEP: the JSON in $OUT has the verdict, the exit status is
# STATUS, and FAILED-STEP (or none, "-") is the one step that failed.
expect() {
    local what=$1 verdict=$2 status=$3 step=$4 got failed
    [ -s "$OUT" ] && jq -e . "$OUT" >/dev/null || {
        cat "$OUT" "$DT_TMP/$what.err" >&2
        dt_fail "$what: not JSON (exit $RC)"
    }
    got=$(jq -r .verdict "$OUT")
    [ "$got" = "$verdict" ] || {
        cat "$OUT" >&2
        dt_fail "$what: verdict $got, expected $verdict"
    }
    [ "$RC" -eq "$status" ] || dt_fail "$what: exit status $RC, expected $status"
    [ "$(jq -r .exit_status "$OUT")" -eq "$status" ] || dt_fail "$what: exit_status in the JSON"
    failed=$(jq -r '[.steps[] | select(.status == "failed") | .step] | join(",")' "$OUT")
    [ "$failed" = "${step/-/}" ] || {
        cat "$OUT" >&2
        dt_fail "$what: failed steps “$failed”, expected “$step”"
    }
    echo "ok: $what: $verdict (exit $RC): $(jq -r "[.steps[] | select(.status != \"ok\")][0].detail // \"\"" "$OUT")"
}

step_status() { jq -r --arg s "$1" '.steps[] | select(.step == $s) | .status' "$OUT"; }

# ---- (a) all green ----------------------------------------------------------------------------
start_server
run_test green Preflight --json # the default timeout: a loaded machine may be slow to answer
expect green passed 0 -
for s in dns tcp control call gre close; do
    [ "$(step_status $s)" = ok ] || dt_fail "green: step $s is $(step_status $s)"
done
[ "$(jq -r .pptp.vendor "$OUT")" = Dialtone ] || dt_fail "green: vendor $(jq -r .pptp.vendor "$OUT")"
[ "$(jq -r .pptp.host_name "$OUT")" = dialtone-server ] ||
    dt_fail "green: host name $(jq -r .pptp.host_name "$OUT")"
[ "$(jq -r .pptp.result "$OUT")" = 1 ] || dt_fail "green: SCCRP result $(jq -r .pptp.result "$OUT")"
[ "$(jq -r .pptp.version "$OUT")" = 1.00 ] || dt_fail "green: version $(jq -r .pptp.version "$OUT")"
[ "$(jq -r '.addresses | join(",")' "$OUT")" = 192.0.2.1 ] || dt_fail "green: addresses"
[ "$(jq -r .tcp.local_address "$OUT")" = 192.0.2.2 ] || dt_fail "green: local address"
[ "$(jq -r .gre.packets "$OUT")" -ge 1 ] || dt_fail "green: no GRE packet counted"
# dialtone-server starts LCP by itself once the call is up.
[ "$(jq -r .gre.first "$OUT")" = "LCP Configure-Request" ] ||
    dt_fail "green: the first GRE was $(jq -r .gre.first "$OUT")"
# The server's own view: the call with its Call ID, then its end without a login.
peer_call=$(jq -r .call.peer_call_id "$OUT")
[ "$peer_call" -gt 0 ] || dt_fail "green: no peer call ID"
dt_wait 100 grep -q "event=disconnect user=- call=$peer_call " "$DT_TMP/server.log" || {
    cat "$DT_TMP/server.log" >&2
    dt_fail "green: the server did not log call $peer_call ending"
}
grep -q "event=call call=$peer_call peer=192.0.2.2" "$DT_TMP/server.log" ||
    dt_fail "green: the server did not log call $peer_call"
grep -q "event=connect" "$DT_TMP/server.log" && dt_fail "green: the check logged in"

# The table for people: a ✓ per step, the server's vendor, the next step.
run_test table Preflight
[ "$RC" -eq 0 ] || dt_fail "table: exit status $RC"
[ "$(grep -c '✓' "$OUT")" -eq 6 ] || {
    cat "$OUT" >&2
    dt_fail "table: not six ✓ lines"
}
grep -q 'vendor “Dialtone”, host name “dialtone-server”' "$OUT" || dt_fail "table: no vendor"
grep -q '^Next step: ' "$OUT" || dt_fail "table: no next step"
sed 's/^/    /' "$OUT"

# (a') Unprivileged: no raw socket, so GRE is skipped, and said to need root.
OUT="$DT_TMP/unpriv.out"
RC=0
timeout 60 "$DT_NS_EXEC" "$NS_C" setpriv --reuid=nobody --regid=nogroup --clear-groups \
    --inh-caps=-all --bounding-set=-all env HOME=/ \
    "$CTL" test --file "$DT_TMP/config/dialtone/profiles/$ID_OK.conf" --json \
    >"$OUT" 2>"$DT_TMP/unpriv.err" || RC=$?
expect unprivileged gre-unchecked 15 -
[ "$(step_status gre)" = skipped ] || dt_fail "unprivileged: GRE step $(step_status gre)"
[ "$(jq -r .gre.needs_root "$OUT")" = true ] || dt_fail "unprivileged: needs_root not set"
for s in dns tcp control call close; do
    [ "$(step_status $s)" = ok ] || dt_fail "unprivileged: step $s is $(step_status $s)"
done
grep -q root <<<"$(jq -r '.steps[] | select(.step == "gre") | .detail' "$OUT")" ||
    dt_fail "unprivileged: the GRE step does not say it needs root"

# ---- (b) TCP 1723 dropped at the server -------------------------------------------------------
ip netns exec "$NS_S" nft -f - <<'NFT'
table inet dtpf {
    chain input {
        type filter hook input priority 0; policy accept;
        tcp dport 1723 drop
    }
}
NFT
run_test tcp-blocked Preflight --json --timeout 2
expect tcp-blocked tcp-blocked 12 tcp
[ "$(jq -r .tcp.errno "$OUT")" -eq 110 ] || dt_fail "tcp-blocked: errno $(jq -r .tcp.errno "$OUT")"
[ "$(step_status control)" = not-run ] || dt_fail "tcp-blocked: the control step ran"
ip netns exec "$NS_S" nft delete table inet dtpf

# ---- (c) nothing listening ----------------------------------------------------------------------
stop_server
run_test refused Preflight --json --timeout 2
expect refused tcp-refused 11 tcp
[ "$(jq -r .tcp.errno "$OUT")" -eq 111 ] || dt_fail "refused: errno $(jq -r .tcp.errno "$OUT")"

# ---- (d) GRE dropped at the client -------------------------------------------------------------
start_server
ip netns exec "$NS_C" nft -f - <<'NFT'
table inet dtpf {
    chain input {
        type filter hook input priority 0; policy accept;
        ip protocol gre drop
    }
}
NFT
run_test gre-blocked Preflight --json --timeout 2
expect gre-blocked gre-blocked 14 gre
for s in dns tcp control call close; do
    [ "$(step_status $s)" = ok ] || dt_fail "gre-blocked: step $s is $(step_status $s)"
done
[ "$(jq -r .gre.checked "$OUT")" = true ] || dt_fail "gre-blocked: GRE was not tried"
[ "$(jq -r .gre.packets "$OUT")" -eq 0 ] || dt_fail "gre-blocked: GRE counted"
# The rule did drop the server's GRE: it is what the verdict is about.
rules=$(ip netns exec "$NS_C" nft list table inet dtpf)
grep -q 'ip protocol gre drop' <<<"$rules" || dt_fail "gre-blocked: the rule is gone: $rules"
ip netns exec "$NS_C" nft delete table inet dtpf
stop_server

# ---- (f) a PPTP server that refuses the control connection ---------------------------------
# socat plays the server: it reads the 156-octet SCCRQ and answers with an SCCRP whose Result
# is 4 (requester not authorized), naming its vendor and host.
sccrp() { # RESULT HOST VENDOR
    printf '\x00\x9c\x00\x01\x1a\x2b\x3c\x4d\x00\x02\x00\x00'
    printf "\\x01\\x00\\x0$1\\x00\\x00\\x00\\x00\\x01\\x00\\x00\\x00\\x01\\x00\\x01\\x01\\x23"
    printf %s "$2"
    head -c $((64 - ${#2})) /dev/zero
    printf %s "$3"
    head -c $((64 - ${#3})) /dev/zero
}
fake_server() { # FILE-TO-SEND
    ip netns exec "$NS_S" socat TCP-LISTEN:1723,bind=192.0.2.1,reuseaddr \
        SYSTEM:"head -c 156 >/dev/null; cat $1; sleep 1" &
    FAKE_PID=$!
    dt_wait 100 sh -c "ip netns exec $NS_S ss -Hltn | grep -q 192.0.2.1:1723" ||
        dt_fail "socat did not listen"
}
stop_fake() {
    kill "$FAKE_PID" 2>/dev/null || true
    wait "$FAKE_PID" 2>/dev/null || true
}
sccrp 4 refuser FakeVendor >"$DT_TMP/sccrp-refuse"
[ "$(stat -c %s "$DT_TMP/sccrp-refuse")" -eq 156 ] || dt_fail "the fake SCCRP is not 156 octets"
chmod 644 "$DT_TMP/sccrp-refuse"
fake_server "$DT_TMP/sccrp-refuse"
run_test pptp-refused Preflight --json --timeout 2
stop_fake
expect pptp-refused pptp-refused 13 control
[ "$(jq -r .pptp.result "$OUT")" = 4 ] || dt_fail "pptp-refused: result $(jq -r .pptp.result "$OUT")"
[ "$(jq -r .pptp.vendor "$OUT")" = FakeVendor ] || dt_fail "pptp-refused: vendor"
[ "$(jq -r .pptp.host_name "$OUT")" = refuser ] || dt_fail "pptp-refused: host name"
[ "$(jq -r .pptp.firmware "$OUT")" = 291 ] || dt_fail "pptp-refused: firmware"
grep -q 'not authorized' <<<"$(jq -r '.steps[] | select(.step == "control") | .detail' "$OUT")" ||
    dt_fail "pptp-refused: the detail does not say why"

# ---- (g) something that is not a PPTP server on TCP 1723 ------------------------------------
printf 'HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n' >"$DT_TMP/http"
chmod 644 "$DT_TMP/http"
fake_server "$DT_TMP/http"
run_test not-pptp Preflight --json --timeout 2
stop_fake
expect not-pptp pptp-refused 13 control
[ "$(jq -r .pptp "$OUT")" = null ] || dt_fail "not-pptp: a server was reported"

# ---- (e) a name that does not resolve ---------------------------------------------------------
run_test dns Nowhere --json --timeout 2
expect dns dns 10 dns
[ "$(step_status tcp)" = not-run ] || dt_fail "dns: the TCP step ran"
grep -q 'no-such-host.dialtone.invalid' <<<"$(jq -r '.steps[0].detail' "$OUT")" ||
    dt_fail "dns: the detail does not name the host"

# (e') A DNS server that takes the query and never answers: the lookup would wait out the
# resolver's 30 s; --timeout bounds it, and the detail says that it did.
printf 'nameserver 127.0.0.1\noptions timeout:30 attempts:1\n' >"$DT_TMP/resolv.conf"
ip netns exec "$NS_C" socat -u UDP-RECV:53,bind=127.0.0.1 OPEN:/dev/null &
SINK_PID=$!
dt_wait 100 sh -c "ip netns exec $NS_C ss -Hlun | grep -q 127.0.0.1:53" || dt_fail "no DNS sink"
run_test dns-silent Nowhere --json --timeout 2
kill "$SINK_PID" 2>/dev/null || true
wait "$SINK_PID" 2>/dev/null || true
expect dns-silent dns 10 dns
grep -q 'no answer within 2 s' <<<"$(jq -r '.steps[0].detail' "$OUT")" ||
    dt_fail "dns-silent: the lookup was not cut at the timeout: $(jq -r '.steps[0].detail' "$OUT")"

# ---- usage and lookup -----------------------------------------------------------------------
run_test missing NoSuchProfile --json
[ "$RC" -eq 7 ] || dt_fail "missing: exit status $RC, expected 7"
grep -q '14  GRE blocked' <<<"$("$CTL" test --help)" || dt_fail "--help does not list the exit statuses"
RC=0
"$CTL" test Preflight --timeout 0 >/dev/null 2>&1 || RC=$?
[ "$RC" -eq 2 ] || dt_fail "--timeout 0: exit status $RC, expected 2"

echo "PASS: test-preflight"
