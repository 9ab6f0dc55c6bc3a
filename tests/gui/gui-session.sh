#!/usr/bin/env bash
# gui-session.sh APP TEST.py — run a GUI test in a throw-away desktop session:
# Xvfb on a free display (or, for tools/demo, the display DT_GUI_DISPLAY names), a
# private session bus, private HOME and XDG dirs
# (so profiles and keyrings never touch the real user's), and a real
# gnome-keyring-daemon, unlocked up front (a locked or missing default
# collection would start a prompter and hang; see
# ../shared/desktop-testing.md §3 and §6). Exits 77 when a tool is missing.
# Everything started here is stopped by PID on exit.
set -u
app=$1
test_py=$2

need() {
    command -v "$1" >/dev/null 2>&1 || {
        echo "SKIP: $1 is not installed (tools/deps installs it)"
        exit 77
    }
}
need Xvfb
need dbus-daemon
need gnome-keyring-daemon
need secret-tool
need import
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import pyatspi' 2>/dev/null || {
    echo "SKIP: /usr/bin/python3 with pyatspi is not available (python3-pyatspi)"
    exit 77
}

work=$(mktemp -d /tmp/dialtone-gui.XXXXXX)
pids=()
cleanup() {
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null; done
    # Services the bus activated (AT-SPI) exit with it; stop any that still
    # carry this session's runtime dir, and nothing else.
    sleep 0.3
    for p in $(grep -l -s "$work/runtime" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3); do
        [ "$p" != "$$" ] && kill "$p" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$work"/{runtime,home,config,data,cache}
chmod 700 "$work/runtime"

if [ -n "${DT_GUI_DISPLAY:-}" ]; then
    # tools/demo on a real desktop: the user's X display (with its cookie, found before HOME
    # below becomes the private one). Everything else stays private.
    export DISPLAY=$DT_GUI_DISPLAY
    if [ -z "${XAUTHORITY:-}" ] && [ -f "$HOME/.Xauthority" ]; then
        export XAUTHORITY="$HOME/.Xauthority"
    fi
else
    exec 5>"$work/display"
    Xvfb -displayfd 5 -screen 0 "${DT_GUI_SCREEN:-1280x800}x24" -nolisten tcp -noreset >"$work/xvfb.log" 2>&1 &
    pids+=($!)
    exec 5>&-
    for _ in $(seq 200); do [ -s "$work/display" ] && break; sleep 0.05; done
    [ -s "$work/display" ] || { echo "Xvfb did not start"; cat "$work/xvfb.log"; exit 1; }
    export DISPLAY=":$(head -n1 "$work/display")"
fi

cat >"$work/session.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$work/runtime/bus</listen>
  <standard_session_servicedirs/>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
export XDG_RUNTIME_DIR="$work/runtime" HOME="$work/home" XDG_CONFIG_HOME="$work/config"
export XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache"
unset DBUS_SESSION_BUS_ADDRESS
dbus-daemon --config-file="$work/session.conf" --nofork --print-address=6 \
    6>"$work/bus-address" >"$work/dbus.log" 2>&1 &
pids+=($!)
for _ in $(seq 200); do [ -s "$work/bus-address" ] && break; sleep 0.05; done
DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$work/bus-address")
export DBUS_SESSION_BUS_ADDRESS
[ -n "$DBUS_SESSION_BUS_ADDRESS" ] || { echo "dbus-daemon did not start"; exit 1; }
dbus-update-activation-environment DISPLAY XDG_RUNTIME_DIR HOME XDG_CONFIG_HOME \
    XDG_DATA_HOME XDG_CACHE_HOME 2>/dev/null || true

# The keyring is created with this password on first start, unlocked.
printf '%s' 'gui-test-login' |
    gnome-keyring-daemon --foreground --unlock --components=secrets >"$work/keyring.log" 2>&1 &
pids+=($!)
for _ in $(seq 200); do
    gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
        --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets 2>/dev/null |
        grep -q true && break
    sleep 0.05
done

# The system bus is the caller's (DBUS_SYSTEM_BUS_ADDRESS, a private one with the helper)
# or none at all: a GUI test never talks to the machine's real system bus.
export DBUS_SYSTEM_BUS_ADDRESS="${DBUS_SYSTEM_BUS_ADDRESS:-unix:path=$work/no-system-bus}"

# A real notification server, started by hand: activation could pick another one.
if [ -n "${DT_GUI_NOTIFICATIONS:-}" ]; then
    "$DT_GUI_NOTIFICATIONS" --replace >"$work/notifications.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 200); do
        gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
            --method org.freedesktop.DBus.NameHasOwner org.freedesktop.Notifications 2>/dev/null |
            grep -q true && break
        sleep 0.05
    done
fi

export DT_GUI_WORK="$work"
/usr/bin/python3 "$test_py" "$app"
