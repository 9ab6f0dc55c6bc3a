#!/usr/bin/env bash
# test-install.sh MESON BUILD-DIR PREFIX EXPECTED-FILES VERSION
#
# 1. `meson install --destdir` into a temporary root; the files under the prefix and their
#    modes must be exactly EXPECTED-FILES (translations: any share/locale/*/LC_MESSAGES/
#    dialtone.mo, mode 644); the installed tree passes appstreamcli validate-tree (the metainfo
#    finds its .desktop file), and the icon the .desktop file names is installed. No root needed.
# 2. As root, in a private mount namespace with the destdir's prefix bind-mounted over the
#    prefix (so the installed files are used unchanged, their absolute paths included):
#    - a private system bus reading the installed bus policy and system-services directory
#      activates the installed dialtone-helper on a call to org.dialtone.Helper1; the policy
#      lets Properties.Get through and refuses Properties.Set;
#    - a private session bus (and Xvfb) reading the installed services directory activates the
#      installed app on org.dialtone.Dialtone through the installed .desktop file's first action;
#      the app offers every action that file names, without a parameter. Connect dials the
#      profile the installed schema's default-profile key names (it asks for the password, as
#      there is no keyring); app.quit ends the app.
# Every process started here is stopped by its PID; every wait is bounded.
set -euo pipefail
[ -z "${DT_TRACE:-}" ] || set -x

if [ "${1:-}" = --inside ]; then
    inside=1
    shift
else
    inside=0
fi
MESON=${1:?usage: $0 MESON BUILD-DIR PREFIX EXPECTED-FILES VERSION}
BUILD=$2
PREFIX=$3
EXPECTED=$4
VERSION=$5
APP_ID=org.dialtone.Dialtone

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
skip() {
    echo "SKIP: $*"
    exit 77
}
# wait_for TRIES COMMAND...: every 50 ms, at most TRIES times.
wait_for() {
    local tries=$1
    shift
    for ((i = 0; i < tries; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    return 1
}

PIDS=()
stop_all() {
    local i pid
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        pid=${PIDS[i]}
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    PIDS=()
}

# The PID behind a bus name, without activating it (GetConnectionUnixProcessID fails for a
# name nobody owns).
name_pid() { # system|session NAME
    gdbus call --"$1" --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
        --method org.freedesktop.DBus.GetConnectionUnixProcessID "$2" 2>/dev/null |
        sed -n 's/^(uint32 \([0-9]*\),)$/\1/p'
}
has_owner() { [ -n "$(name_pid "$1" "$2")" ]; }

# -- 2, inside the mount namespace ---------------------------------------------------------
if [ $inside -eq 1 ]; then
    TMP=$DT_INSTALL_TMP
    DEST=$TMP/dest
    trap stop_all EXIT
    mount --bind "$DEST$PREFIX" "$PREFIX"
    # Nothing the helper does may reach the machine's resolver file.
    printf 'nameserver 192.0.2.53\n' >"$TMP/resolv.conf"
    mount --bind "$TMP/resolv.conf" /etc/resolv.conf

    # The system bus: dbus-daemon's default system policy, the installed helper policy, the
    # installed activation directory.
    cat >"$TMP/system.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$TMP/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$PREFIX/share/dbus-1/system-services</servicedir>
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
  </policy>
  <include>$PREFIX/share/dbus-1/system.d/org.dialtone.Helper1.conf</include>
</busconfig>
CONF
    dbus-daemon --config-file="$TMP/system.conf" --nofork --print-address=3 3>"$TMP/system.address" \
        2>"$TMP/system-bus.log" &
    PIDS+=($!)
    wait_for 100 test -s "$TMP/system.address" || fail "the system bus did not start: $(cat "$TMP/system-bus.log")"
    DBUS_SYSTEM_BUS_ADDRESS=$(head -n1 "$TMP/system.address")
    export DBUS_SYSTEM_BUS_ADDRESS

    has_owner system org.dialtone.Helper1 && fail "org.dialtone.Helper1 is owned before any call"
    # The call that activates: nothing runs the helper but the installed .service file.
    version=$(timeout 20 gdbus call --system --dest org.dialtone.Helper1 \
        --object-path /org/dialtone/Helper1 --method org.freedesktop.DBus.Properties.Get \
        org.dialtone.Helper1 Version 2>&1) || fail "activating the helper: $version; bus: $(cat "$TMP/system-bus.log")"
    [ "$version" = "(<'$VERSION'>,)" ] || fail "Version is $version, not $VERSION"
    helper_pid=$(name_pid system org.dialtone.Helper1)
    [ -n "$helper_pid" ] || fail "nobody owns org.dialtone.Helper1 after the call"
    PIDS+=("$helper_pid")
    helper_exe=$(readlink "/proc/$helper_pid/exe")
    [ "$helper_exe" = "$PREFIX/libexec/dialtone-helper" ] || fail "the helper runs $helper_exe"
    # It is the destdir's file behind the mount: the same inode.
    [ "$(stat -L -c %d:%i "/proc/$helper_pid/exe")" = "$(stat -c %d:%i "$TMP/dest-view/libexec/dialtone-helper")" ] ||
        fail "the activated helper is not the installed one"
    conns=$(timeout 10 gdbus call --system --dest org.dialtone.Helper1 --object-path /org/dialtone/Helper1 \
        --method org.dialtone.Helper1.ListConnections 2>&1) || fail "ListConnections: $conns"
    [ "$conns" = "(@ao [],)" ] || fail "ListConnections gave $conns"
    # The installed policy: the methods of the contract only.
    if out=$(timeout 10 gdbus call --system --dest org.dialtone.Helper1 --object-path /org/dialtone/Helper1 \
        --method org.freedesktop.DBus.Properties.Set org.dialtone.Helper1 Version "<'x'>" 2>&1); then
        fail "Properties.Set went through: $out"
    fi
    grep -q AccessDenied <<<"$out" || fail "Properties.Set was not refused by the bus policy: $out"
    echo "ok: the installed helper is activated on the system bus (Version $VERSION, PID $helper_pid)"

    # The session side: Xvfb, a private HOME, the installed schema compiled beside it.
    command -v Xvfb >/dev/null || skip "no Xvfb (tools/deps)"
    command -v gapplication >/dev/null || skip "no gapplication (libglib2.0-bin)"
    mkdir -p "$TMP/home" "$TMP/runtime" "$TMP/schemas"
    chmod 700 "$TMP/runtime"
    export HOME=$TMP/home XDG_CONFIG_HOME=$TMP/home/.config XDG_DATA_HOME=$TMP/home/.local/share
    export XDG_CACHE_HOME=$TMP/home/.cache XDG_RUNTIME_DIR=$TMP/runtime
    export XDG_DATA_DIRS=$PREFIX/share:/usr/share
    glib-compile-schemas --strict --targetdir="$TMP/schemas" "$PREFIX/share/glib-2.0/schemas"
    export GSETTINGS_SCHEMA_DIR=$TMP/schemas GSETTINGS_BACKEND=keyfile
    # Two profiles; the settings name the second, so Connect must not take the first.
    mkdir -p "$XDG_CONFIG_HOME/dialtone/profiles"
    for p in "1 Alpha VPN" "2 Beta VPN"; do
        id=3f1c0000-0000-4000-8000-00000000000${p%% *}
        printf '[Profile]\nId=%s\nName=%s\nType=pptp\n\n[PPTP]\nServer=192.0.2.1\nUser=alice\n' \
            "$id" "${p#* }" >"$XDG_CONFIG_HOME/dialtone/profiles/$id.conf"
    done
    gsettings set $APP_ID default-profile 'Beta VPN'
    [ "$(gsettings get $APP_ID default-profile)" = "'Beta VPN'" ] || fail "gsettings did not keep default-profile"
    export GDK_BACKEND=x11 NO_AT_BRIDGE=1
    # Built with -Db_sanitize: the app's leak report is checked, without fontconfig's caches.
    export LSAN_OPTIONS=suppressions=$(dirname "$EXPECTED")/lsan.supp
    Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>"$TMP/display" 2>"$TMP/xvfb.log" &
    PIDS+=($!)
    wait_for 100 test -s "$TMP/display" || fail "Xvfb did not start: $(cat "$TMP/xvfb.log")"
    export DISPLAY=":$(head -n1 "$TMP/display")"
    cat >"$TMP/session.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$TMP/session_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$PREFIX/share/dbus-1/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
    dbus-daemon --config-file="$TMP/session.conf" --nofork --print-address=3 3>"$TMP/session.address" \
        2>"$TMP/app.log" &
    PIDS+=($!)
    wait_for 100 test -s "$TMP/session.address" || fail "the session bus did not start: $(cat "$TMP/app.log")"
    DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$TMP/session.address")
    export DBUS_SESSION_BUS_ADDRESS

    desktop=$PREFIX/share/applications/$APP_ID.desktop
    wanted=$(sed -n 's/^Actions=//p' "$desktop" | tr ';' '\n' | sed '/^$/d')
    [ -n "$wanted" ] || fail "the installed .desktop file names no actions"
    grep -qx 'DBusActivatable=true' "$desktop" || fail "the .desktop file is not DBusActivatable"
    has_owner session $APP_ID && fail "$APP_ID is owned before any call"
    # Each action as a launcher runs it: ActivateAction on the bus name, which activates the
    # app (the installed .service file) on the first; the .desktop file's fallback Exec= line
    # is this very command.
    first=1
    for a in $wanted; do
        grep -qx "Exec=gapplication action $APP_ID $a" "$desktop" ||
            fail "the .desktop action $a does not run gapplication action $APP_ID $a"
        if [ $first -eq 0 ]; then
            # The app's own list of actions, over the bus (org.gtk.Actions).
            list=$(timeout 10 gdbus call --session --dest $APP_ID --object-path /org/dialtone/Dialtone \
                --method org.gtk.Actions.List 2>&1) || fail "org.gtk.Actions.List: $list"
            grep -q "'$a'" <<<"$list" || fail "the app has no action $a: $list"
        fi
        out=$(timeout 30 gapplication action $APP_ID "$a" 2>&1) ||
            fail "gapplication action $a: $out; the app's log: $(cat "$TMP/app.log")"
        if [ $first -eq 1 ]; then
            wait_for 200 has_owner session $APP_ID || fail "nobody owns $APP_ID after the first action"
            app_pid=$(name_pid session $APP_ID)
            PIDS+=("$app_pid")
            [ "$(readlink "/proc/$app_pid/exe")" = "$PREFIX/bin/dialtone" ] ||
                fail "the app runs $(readlink "/proc/$app_pid/exe")"
            first=0
            list=$(timeout 10 gdbus call --session --dest $APP_ID --object-path /org/dialtone/Dialtone \
                --method org.gtk.Actions.List 2>&1) || fail "org.gtk.Actions.List: $list"
            grep -q "'$a'" <<<"$list" || fail "the app has no action $a: $list"
        fi
    done
    # Connect asked for Beta VPN's password (no keyring on this bus), not Alpha VPN's.
    windows() { xwininfo -root -tree 2>/dev/null; }
    asked() { windows | grep -q 'Password for .Beta VPN'; }
    if command -v xwininfo >/dev/null; then
        wait_for 400 asked || fail "Connect did not ask for Beta VPN's password: $(windows | grep '"')"
        ! windows | grep -q 'Password for .Alpha VPN' || fail "Connect dialled Alpha VPN"
    else
        echo "not checked: which profile Connect dialled (no xwininfo: x11-utils)"
    fi
    # The actions ran in the same process, which still answers.
    timeout 10 gdbus call --session --dest $APP_ID --object-path /org/dialtone/Dialtone \
        --method org.gtk.Actions.List >/dev/null || fail "the app stopped answering"
    [ "$(name_pid session $APP_ID)" = "$app_pid" ] || fail "the app was restarted by an action"
    timeout 10 gapplication action $APP_ID quit || fail "app.quit failed"
    wait_for 200 sh -c "! kill -0 $app_pid" || fail "the app did not quit"
    if grep -qE 'CRITICAL|WARNING|ERROR' "$TMP/app.log"; then
        cat "$TMP/app.log" >&2
        fail "the app logged the above"
    fi
    echo "ok: the installed app is activated on the session bus and runs its .desktop actions: $(echo $wanted)"
    exit 0
fi

# -- 1, the file list ----------------------------------------------------------------------
case $PREFIX in /*) ;; *) fail "the prefix $PREFIX is not absolute" ;; esac
TMP=$(mktemp -d /tmp/dt-install.XXXXXX)
trap 'stop_all; rm -rf "$TMP"' EXIT
DEST=$TMP/dest

"$MESON" install -C "$BUILD" --no-rebuild --destdir "$DEST" >"$TMP/install.log" 2>&1 ||
    fail "meson install: $(cat "$TMP/install.log")"
[ -d "$DEST$PREFIX" ] || fail "nothing under $DEST$PREFIX"
outside=$(cd "$DEST" && find . -mindepth 1 \( -type f -o -type l \) | sed 's|^\.||' | grep -v "^$PREFIX/" || true)
[ -z "$outside" ] || fail "installed outside the prefix: $outside"
ln -s "$DEST$PREFIX" "$TMP/dest-view"

(cd "$DEST$PREFIX" && find . -mindepth 1 \( -type f -o -type l \) -printf '%m %P\n' | LC_ALL=C sort -k2) >"$TMP/installed"
# Translations: any language, each one file of mode 644.
bad_mo=$(grep -E '^[0-9]+ share/locale/' "$TMP/installed" |
    grep -vE '^644 share/locale/[A-Za-z_@]+/LC_MESSAGES/dialtone\.mo$' || true)
[ -z "$bad_mo" ] || fail "unexpected translation files: $bad_mo"
grep -vE '^644 share/locale/' "$TMP/installed" >"$TMP/installed-rest" || true
grep -vE '^(#|$)' "$EXPECTED" | LC_ALL=C sort -k2 >"$TMP/expected"
if ! diff -u "$TMP/expected" "$TMP/installed-rest" >"$TMP/diff"; then
    cat "$TMP/diff" >&2
    fail "the install differs from $(basename "$EXPECTED") (- expected, + installed)"
fi
# The metainfo, the .desktop file and the icon together, as software centres read them.
if command -v appstreamcli >/dev/null; then
    out=$(appstreamcli validate-tree --no-net "$DEST$PREFIX" 2>&1) || fail "appstreamcli validate-tree: $out"
    ! grep -E '^ *[EWI]: ' <<<"$out" || fail "appstreamcli validate-tree found the above"
else
    echo "not checked: appstreamcli validate-tree (no appstream)"
fi
icon=$(sed -n 's/^Icon=//p' "$DEST$PREFIX/share/applications/$APP_ID.desktop")
[ -n "$icon" ] || fail "the .desktop file names no icon"
grep -qE "^644 share/icons/hicolor/scalable/apps/$icon\.svg$" "$TMP/installed" ||
    fail "the .desktop file's icon $icon is not installed as a scalable app icon"
grep -qE "^644 share/icons/hicolor/symbolic/apps/$icon-symbolic\.svg$" "$TMP/installed" ||
    fail "the .desktop file's icon $icon has no symbolic variant"
echo "ok: $(wc -l <"$TMP/installed") files with the expected modes ($(grep -c ' share/locale/' "$TMP/installed" || true) translations)"

# -- 2 -------------------------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || skip "the file list is right; activating the installed tree needs root (mount namespace)"
command -v dbus-daemon >/dev/null || skip "no dbus-daemon (tools/deps)"
command -v gdbus >/dev/null || skip "no gdbus"
command -v unshare >/dev/null || skip "no unshare (util-linux)"
# The prefix itself is hidden behind the destdir's copy, which only works for a prefix that
# holds nothing the test needs (not /usr, where dbus-daemon lives).
case $PREFIX in /usr | /) skip "the file list is right; prefix $PREFIX cannot be bind-mounted over" ;; esac
[ -d "$PREFIX" ] || skip "the file list is right; $PREFIX does not exist to mount over"
export DT_INSTALL_TMP=$TMP
unshare -m --propagation private "$0" --inside "$MESON" "$BUILD" "$PREFIX" "$EXPECTED" "$VERSION"
