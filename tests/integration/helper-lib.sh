# helper-lib.sh — what the dialtone-helper suites share; source after lib.sh.
#
#   dt_bus_start DATA-DIR        a private system bus (dbus-daemon's default system policy plus
#                                data/org.dialtone.Helper1.conf as installed); exports
#                                DBUS_SYSTEM_BUS_ADDRESS
#   dt_polkit_start              python3-dbusmock's polkitd template on it (the one mock)
#   polkit_allow ACTION...       what the mock allows (none: deny everything)
#   dt_helper_start NS HELPER LINK [ARGS...]
#                                the real helper in network namespace NS, always through
#                                lib.sh's dt_ns_exec (its own mount namespace, the test's
#                                resolv.conf bind-mounted over /etc/resolv.conf) and with
#                                --state-dir $DT_TMP/state, so that no test can touch the
#                                machine's resolver file or state; sets HELPER_PID
#   dt_helper_stop               SIGTERM, bounded wait, then SIGKILL
# Every process started here is in DT_PIDS, stopped newest first by dt_stop_all (the EXIT trap).
PY=/usr/bin/python3 # the Debian python that python3-dbusmock installs into
command -v dbus-daemon >/dev/null || dt_skip "no dbus-daemon (tools/deps)"
command -v gdbus >/dev/null || dt_skip "no gdbus"
"$PY" -c 'import dbusmock' 2>/dev/null || dt_skip "no python3-dbusmock (tools/deps)"

DT_PIDS=()
HELPER_PID=""
dt_stop_pid() {
    kill -TERM "$1" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
dt_stop_all() {
    local i
    for ((i = ${#DT_PIDS[@]} - 1; i >= 0; i--)); do dt_stop_pid "${DT_PIDS[i]}"; done
    DT_PIDS=()
    dt_cleanup
}
trap dt_stop_all EXIT

dt_bus_start() { # DATA-DIR
    chmod 755 "$DT_TMP" # ordinary users (nobody, resolved's user) reach the bus socket
    cat >"$DT_TMP/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$DT_TMP/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <allow send_destination="org.freedesktop.PolicyKit1"/>
    <allow send_destination="org.freedesktop.resolve1"/>
  </policy>
  <policy user="root"><allow own="org.freedesktop.PolicyKit1"/></policy>
  <policy user="root"><allow own="org.freedesktop.resolve1"/></policy>
  <policy user="nobody"><allow own="org.freedesktop.resolve1"/></policy>
  <include>$1/org.dialtone.Helper1.conf</include>
</busconfig>
CONF
    dbus-daemon --config-file="$DT_TMP/bus.conf" --nofork --print-address=7 7>"$DT_TMP/address" \
        2>"$DT_TMP/dbus.log" &
    DT_PIDS+=($!)
    dt_wait 100 test -s "$DT_TMP/address" || dt_fail "dbus-daemon did not start: $(cat "$DT_TMP/dbus.log")"
    DBUS_SYSTEM_BUS_ADDRESS=$(head -n1 "$DT_TMP/address")
    export DBUS_SYSTEM_BUS_ADDRESS
    chmod 666 "$DT_TMP/system_bus_socket"
}

dt_polkit_start() {
    "$PY" -m dbusmock --system -t polkitd >"$DT_TMP/polkit.log" 2>&1 &
    DT_PIDS+=($!)
    gdbus wait --system --timeout 10 org.freedesktop.PolicyKit1 || dt_fail "no polkit mock"
}

polkit_allow() { # ACTION... (none: deny everything)
    local list
    list=$(printf "'%s'," "$@")
    gdbus call --system --dest org.freedesktop.PolicyKit1 \
        --object-path /org/freedesktop/PolicyKit1/Authority \
        --method org.freedesktop.DBus.Mock.SetAllowed "[${list%,}]" >/dev/null
}

dt_helper_start() { # NS HELPER LINK [ARGS...]
    local ns=$1 helper=$2 link=$3
    shift 3
    "$DT_NS_EXEC" "$ns" "$helper" --link-path "$link" --state-dir "$DT_TMP/state" "$@" \
        2>>"$DT_TMP/helper.log" &
    HELPER_PID=$!
    DT_PIDS+=($HELPER_PID)
    dt_show_on_fail "$DT_TMP/helper.log"
    for _ in $(seq 200); do
        gdbus call --system --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
            --method org.freedesktop.DBus.NameHasOwner org.dialtone.Helper1 2>/dev/null |
            grep -q true && return 0
        kill -0 "$HELPER_PID" 2>/dev/null || break
        sleep 0.05
    done
    dt_fail "the helper did not start: $(cat "$DT_TMP/helper.log")"
}

dt_helper_stop() {
    [ -n "$HELPER_PID" ] || return 0
    dt_stop_pid "$HELPER_PID"
    HELPER_PID=""
}
