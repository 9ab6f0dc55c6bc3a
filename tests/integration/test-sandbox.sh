#!/usr/bin/env bash
# test-sandbox.sh DTIO-ITEST DIALTONE-SERVER DIALTONE-LINK DIALTONE-HELPER DIALTONECTL TEST-HOOKS
#
# The privilege split of dialtone-link (dt-link-sandbox.h; issues 5, 7, 11), against
# dialtone-server in a server namespace:
#  1. --standalone: the protocol child runs as the dialtone user (else nobody) with no
#     capabilities, no-new-privs, seccomp mode 2, non-dumpable, while its parent stays root;
#     traffic flows through the tunnel the child drives; SIGTERM to the parent ends it cleanly.
#  2. --standalone with the test hook DT_TEST_SANDBOX=violate (debug builds only): the child
#     makes a forbidden system call right after the network is applied; it dies by SIGSYS, the
#     parent reports sandbox-violation and removes the TUN and every route.
#  3. The same through dialtone-helper on a private system bus (dialtonectl connect as root):
#     the managed worker's child is sandboxed the same way, and a violation is reported as
#     Error sandbox-violation with words, with nothing left behind.
source "$(dirname "$0")/lib.sh" "$1"
SERVER=${2:?}
LINK=${3:?}
HELPER=${4:?}
CTL=${5:?}
HOOKS=${6:?}
command -v ps >/dev/null || dt_skip "no ps (procps)"
command -v dbus-daemon >/dev/null || dt_skip "no dbus-daemon (tools/deps)"
command -v gdbus >/dev/null || dt_skip "no gdbus"

PASSWORD="pw-Alice-7"
WANT_USER=dialtone
id -u "$WANT_USER" >/dev/null 2>&1 || WANT_USER=nobody
WANT_UID=$(id -u "$WANT_USER")
WANT_GID=$(id -g "$WANT_USER")
PIDS=()
stop_all() {
    local i
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        kill -TERM "${PIDS[i]}" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "${PIDS[i]}" 2>/dev/null || break; sleep 0.05; done
        kill -9 "${PIDS[i]}" 2>/dev/null || true
    done
    PIDS=()
    dt_cleanup
}
trap stop_all EXIT

dt_pair_new sb

umask 077
printf 'alice * "%s" *\n' "$PASSWORD" >"$DT_TMP/chap-secrets"
printf '%s\n' "$PASSWORD" >"$DT_TMP/password"
cat >"$DT_TMP/server.conf" <<CONF
[Server]
Listen=192.0.2.1
LocalAddress=198.51.100.1
RemoteAddresses=198.51.100.10-198.51.100.20
DNS=198.51.100.53
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
cat >"$DT_TMP/profile.conf" <<CONF
[Profile]
Id=3f1c0000-0000-4000-8000-0000000000ad
Name=Sandbox
Type=pptp

[PPTP]
Server=192.0.2.1
User=alice

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

ip netns exec "$NS_S" "$SERVER" --config "$DT_TMP/server.conf" 2>"$DT_TMP/server.log" &
PIDS+=($!)
dt_wait 100 grep -q "event=listen" "$DT_TMP/server.log" || dt_fail "dialtone-server did not start"

is_clean() {
    [ -z "$(ip -n "$NS_C" route show table all proto 68)" ] &&
        ! ip -n "$NS_C" -o link show | grep -q ' dt[0-9]'
}
assert_clean() { # WHAT
    local left
    left=$(ip -n "$NS_C" route show table all proto 68)
    [ -z "$left" ] || dt_fail "$1: routes with proto 68 left behind: $left"
    ! ip -n "$NS_C" -o link show | grep -q ' dt[0-9]' || dt_fail "$1: a TUN was left behind"
}

# child_of PID: the one child process of PID (bounded wait for it to appear).
child_of() {
    local c=""
    for _ in $(seq 100); do
        c=$(ps -o pid= --ppid "$1" | tr -d ' ' | head -n1)
        [ -n "$c" ] && break
        sleep 0.05
    done
    [ -n "$c" ] || dt_fail "no protocol child under pid $1"
    echo "$c"
}

field() { # PID NAME: the value of NAME: in /proc/PID/status, tabs as spaces
    sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr '\t' ' ' | tr -s ' '
}

# assert_sandboxed WHAT PARENT-PID: the parent's child is the protocol, locked down.
assert_sandboxed() {
    local what=$1 parent=$2 child v
    child=$(child_of "$parent")
    [ "$(field "$child" Uid)" = "$WANT_UID $WANT_UID $WANT_UID $WANT_UID" ] ||
        dt_fail "$what: child uid: $(field "$child" Uid), want $WANT_UID ($WANT_USER) x4"
    [ "$(field "$child" Gid)" = "$WANT_GID $WANT_GID $WANT_GID $WANT_GID" ] ||
        dt_fail "$what: child gid: $(field "$child" Gid)"
    [ -z "$(field "$child" Groups)" ] || dt_fail "$what: supplementary groups: $(field "$child" Groups)"
    for v in CapInh CapPrm CapEff CapAmb CapBnd; do
        [ "$(field "$child" $v)" = 0000000000000000 ] ||
            dt_fail "$what: child $v is $(field "$child" $v), want 0"
    done
    [ "$(field "$child" NoNewPrivs)" = 1 ] || dt_fail "$what: NoNewPrivs $(field "$child" NoNewPrivs)"
    [ "$(field "$child" Seccomp)" = 2 ] || dt_fail "$what: Seccomp $(field "$child" Seccomp), want 2 (filter)"
    # Not dumpable: the kernel hands /proc/PID/mem and friends to root instead of the
    # process's own uid (a dumpable process owns them).
    [ "$(stat -c %u "/proc/$child/mem")" = 0 ] || dt_fail "$what: the child is dumpable"
    # The parent keeps the privilege (it applies routes) and runs no parser.
    [ "$(field "$parent" Uid | cut -d' ' -f2)" = 0 ] || dt_fail "$what: the parent is not root"
    [ "$(field "$parent" Seccomp)" = 0 ] || dt_fail "$what: the parent is filtered"
    echo "ok: $what: child $child runs as $WANT_USER, CapEff 0, CapBnd 0, NoNewPrivs 1, Seccomp 2, not dumpable; parent $parent root"
}

LINK_PID=""
start_link() {
    : >"$DT_TMP/link.out"
    : >"$DT_TMP/link.err"
    # Through dt_ns_exec: DNS=auto is applied to the test's resolv.conf, never the machine's.
    "$DT_NS_EXEC" "$NS_C" env "$@" "$LINK" --standalone "$DT_TMP/profile.conf" \
        --password-file "$DT_TMP/password" >"$DT_TMP/link.out" 2>"$DT_TMP/link.err" &
    LINK_PID=$!
}
wait_link_exit() { # bounded; sets LINK_RC
    for _ in $(seq 300); do kill -0 "$LINK_PID" 2>/dev/null || break; sleep 0.05; done
    if kill -0 "$LINK_PID" 2>/dev/null; then
        kill -9 "$LINK_PID"
        cat "$DT_TMP/link.err" >&2
        dt_fail "dialtone-link did not exit within 15 s"
    fi
    LINK_RC=0
    wait "$LINK_PID" || LINK_RC=$?
    LINK_PID=""
}

# 1. --standalone, sandboxed, with traffic.
start_link DT_TEST_SANDBOX=
dt_wait 300 grep -q "^Connected to" "$DT_TMP/link.out" || {
    cat "$DT_TMP/link.err" >&2
    dt_fail "standalone: the link did not come up in 15 s"
}
grep -q "stage=sandbox locked=seccomp" "$DT_TMP/link.err" || dt_fail "standalone: no lock logged"
assert_sandboxed standalone "$LINK_PID"
ip netns exec "$NS_C" ping -c 3 -i 0.2 -W 2 198.51.100.1 >/dev/null ||
    dt_fail "standalone: no ping through the tunnel"
echo "ok: standalone: ping through the tunnel the sandboxed child drives"
kill -TERM "$LINK_PID"
wait_link_exit
[ "$LINK_RC" -eq 0 ] || { cat "$DT_TMP/link.err" >&2; dt_fail "standalone: exit $LINK_RC after SIGTERM"; }
grep -q "relayed=stop" "$DT_TMP/link.err" || dt_fail "standalone: SIGTERM not relayed"
dt_wait 100 grep -q "alice disconnected" "$DT_TMP/server.log" || dt_fail "standalone: no orderly disconnect"
assert_clean standalone
echo "ok: standalone: SIGTERM relayed, orderly disconnect, exit 0, nothing left"

if [ "$HOOKS" != true ]; then
    echo "skip: the forbidden-call cases need a debug build (DT_TEST_HOOKS)"
fi

# 2. --standalone: a forbidden call after network-up.
if [ "$HOOKS" = true ]; then
    n_disc=$(grep -c "alice disconnected" "$DT_TMP/server.log" || true)
    start_link DT_TEST_SANDBOX=violate
    wait_link_exit
    [ "$LINK_RC" -eq 1 ] || { cat "$DT_TMP/link.err" >&2; dt_fail "violation: exit $LINK_RC, want 1"; }
    grep -q "stage=network applied=parent" "$DT_TMP/link.err" ||
        { cat "$DT_TMP/link.err" >&2; dt_fail "violation: the network was never applied"; }
    grep -q "stage=sandbox test=violate call=socket" "$DT_TMP/link.err" || dt_fail "violation: hook did not run"
    grep -q "forbidden call returned" "$DT_TMP/link.err" && dt_fail "violation: socket() was allowed"
    grep -q "stage=sandbox child_signal=31 reason=sandbox-violation" "$DT_TMP/link.err" ||
        { cat "$DT_TMP/link.err" >&2; dt_fail "violation: no SIGSYS death logged"; }
    grep -q "dialtone-link: The link's protocol process made a system call its sandbox does not allow.*SIGSYS" \
        "$DT_TMP/link.err" || { cat "$DT_TMP/link.err" >&2; dt_fail "violation: no message"; }
    grep -q "stage=cleanup" "$DT_TMP/link.err" || dt_fail "violation: no clean-up"
    assert_clean violation
    # The server hears the control connection close with the child: no stale call there.
    dt_wait 200 test "$(grep -c "alice disconnected" "$DT_TMP/server.log")" -gt "$n_disc" ||
        dt_fail "violation: the server kept the call"
    echo "ok: standalone violation: SIGSYS, exit 1, \"$(tail -n1 "$DT_TMP/link.err" | cut -c1-70)...\", no TUN, no route, server call freed"
fi

# 3. Through dialtone-helper: a private system bus; root needs no polkit.
cat >"$DT_TMP/link-wrapper" <<WRAP
#!/bin/sh
# The helper runs this as its worker; the flag file arms the test hook.
if [ -e "$DT_TMP/violate" ]; then exec env DT_TEST_SANDBOX=violate "$LINK" "\$@"; fi
exec "$LINK" "\$@"
WRAP
chmod 700 "$DT_TMP/link-wrapper"
cat >"$DT_TMP/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$DT_TMP/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="root"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
  </policy>
</busconfig>
CONF
dbus-daemon --config-file="$DT_TMP/bus.conf" --nofork --print-address=7 7>"$DT_TMP/address" \
    2>"$DT_TMP/dbus.log" &
PIDS+=($!)
dt_wait 100 test -s "$DT_TMP/address" || dt_fail "dbus-daemon did not start: $(cat "$DT_TMP/dbus.log")"
export DBUS_SYSTEM_BUS_ADDRESS=$(head -n1 "$DT_TMP/address")
ip netns exec "$NS_C" "$HELPER" --link-path "$DT_TMP/link-wrapper" 2>"$DT_TMP/helper.log" &
PIDS+=($!)
gdbus wait --system --timeout 10 org.dialtone.Helper1 || dt_fail "helper: $(cat "$DT_TMP/helper.log")"

connect() {
    CONNECT_RC=0
    "$CTL" connect --file "$DT_TMP/profile.conf" --password-stdin <<<"$PASSWORD" \
        >"$DT_TMP/out" 2>"$DT_TMP/err" || CONNECT_RC=$?
}

connect
[ "$CONNECT_RC" -eq 0 ] || dt_fail "helper connect: exit $CONNECT_RC: $(cat "$DT_TMP/err" "$DT_TMP/out" "$DT_TMP/helper.log")"
CONN=$(head -n1 "$DT_TMP/out")
WORKER=$(sed -n "s|.*connection $CONN .*worker pid \([0-9]*\).*|\1|p" "$DT_TMP/helper.log" | tail -n1)
[ -n "$WORKER" ] || dt_fail "helper: no worker pid logged: $(cat "$DT_TMP/helper.log")"
assert_sandboxed managed "$WORKER"
ip netns exec "$NS_C" ping -c 2 -i 0.2 -W 2 198.51.100.1 >/dev/null || dt_fail "managed: no ping"
"$CTL" disconnect "$CONN" >"$DT_TMP/out" 2>"$DT_TMP/err" || dt_fail "disconnect: $(cat "$DT_TMP/err")"
dt_wait 100 is_clean || true
assert_clean managed
echo "ok: managed: ping, disconnect, nothing left"

if [ "$HOOKS" = true ]; then
    touch "$DT_TMP/violate"
    connect
    [ "$CONNECT_RC" -ne 0 ] || dt_fail "helper violation: connect succeeded: $(cat "$DT_TMP/out")"
    grep -q "state=failed .*error=sandbox-violation" "$DT_TMP/out" ||
        dt_fail "helper violation: $(cat "$DT_TMP/out" "$DT_TMP/err" "$DT_TMP/helper.log")"
    grep -q "Error: .*sandbox does not allow.*SIGSYS" "$DT_TMP/out" ||
        dt_fail "helper violation: no words: $(cat "$DT_TMP/out")"
    grep -q "ended (sandbox-violation)" "$DT_TMP/helper.log" || dt_fail "helper violation: not logged"
    assert_clean "helper violation"
    grep -q "$PASSWORD" "$DT_TMP/helper.log" "$DT_TMP/link.err" && dt_fail "a password was logged"
    echo "ok: managed violation: Error sandbox-violation, \"$(sed -n 's/^  Error: *//p' "$DT_TMP/out" | cut -c1-60)...\", nothing left"
fi
echo "PASS"
