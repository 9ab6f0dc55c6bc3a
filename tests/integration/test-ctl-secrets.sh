#!/usr/bin/env bash
# test-ctl-secrets.sh DTIO-ITEST DIALTONE-SERVER DIALTONE-LINK DIALTONE-HELPER DIALTONECTL DATA-DIR
#
# Where dialtonectl connect NAME gets the password when no script passes one: from the keyring
# (a real gnome-keyring-daemon on a private session bus, the item stored by secret-tool under
# FORMATS.md's schema org.dialtone.Password with profile = Id, user), and, when the keyring
# has none and standard input is a terminal, from a prompt that does not echo (ctl-tty.py plays
# the user on a pseudo-terminal). Without either it fails with exit 2 and says what to do.
source "$(dirname "$0")/lib.sh" "$1"
SERVER=${2:?}
LINK=${3:?}
HELPER=${4:?}
CTL=${5:?}
DATA=${6:?}
source "$(dirname "$0")/helper-lib.sh"
command -v gnome-keyring-daemon >/dev/null || dt_skip "no gnome-keyring-daemon"
command -v secret-tool >/dev/null || dt_skip "no secret-tool (libsecret-tools)"
PASSWORD="pw-Keyring-9"
ID=3f1c0000-0000-4000-8000-0000000000ee

dt_netns_new NS_S kss
dt_netns_new NS_C ksc
VS="dtkss$$"
VC="dtksc$$"
ip link add "$VC" netns "$NS_C" type veth peer name "$VS" netns "$NS_S"
ip -n "$NS_S" addr add 192.0.2.1/24 dev "$VS"
ip -n "$NS_C" addr add 192.0.2.2/24 dev "$VC"
ip -n "$NS_S" link set "$VS" up
ip -n "$NS_C" link set "$VC" up

umask 077
printf 'alice * "%s" *\n' "$PASSWORD" >"$DT_TMP/chap-secrets"
cat >"$DT_TMP/server.conf" <<CONF
[Server]
Listen=192.0.2.1
LocalAddress=198.51.100.1
RemoteAddresses=198.51.100.10-198.51.100.20
Secrets=$DT_TMP/chap-secrets
MaxCalls=4

[PPP]
EchoInterval=0
CONF
export HOME="$DT_TMP/home" XDG_CONFIG_HOME="$DT_TMP/config" XDG_DATA_HOME="$DT_TMP/data"
export XDG_RUNTIME_DIR="$DT_TMP/runtime"
mkdir -p "$HOME" "$XDG_CONFIG_HOME/dialtone/profiles" "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
cat >"$XDG_CONFIG_HOME/dialtone/profiles/$ID.conf" <<CONF
[Profile]
Id=$ID
Name=Keyring
Type=pptp

[PPTP]
Server=192.0.2.1
User=alice

[IPv6]
Enabled=false

[PPP]
EchoInterval=0
CONF
umask 022

dt_bus_start "$DATA"
dt_polkit_start
ip netns exec "$NS_S" "$SERVER" --config "$DT_TMP/server.conf" 2>"$DT_TMP/server.log" &
DT_PIDS+=($!)
dt_wait 100 grep -q "event=listen" "$DT_TMP/server.log" || dt_fail "dialtone-server did not start"
dt_helper_start "$NS_C" "$HELPER" "$LINK"

disconnect() {
    "$CTL" disconnect Keyring >/dev/null 2>"$DT_TMP/err" || dt_fail "disconnect: $(cat "$DT_TMP/err")"
    dt_resolv_restored "$1"
}

# 1. No keyring at all and no terminal: exit 2 naming the way out.
rc=0
env -u DBUS_SESSION_BUS_ADDRESS "$CTL" connect Keyring </dev/null >"$DT_TMP/out" 2>"$DT_TMP/err" || rc=$?
[ "$rc" -eq 2 ] || dt_fail "no password: exit $rc, not 2: $(cat "$DT_TMP/err")"
grep -q -- '--password-stdin or --password-file' "$DT_TMP/err" || dt_fail "$(cat "$DT_TMP/err")"
echo "ok: no keyring, no terminal → exit 2 with what to do"

# 2. The prompt: no keyring, a terminal; the password is not echoed.
rc=0
env -u DBUS_SESSION_BUS_ADDRESS "$PY" "$(dirname "$0")/ctl-tty.py" "$PASSWORD" "$CTL" connect Keyring \
    >"$DT_TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || dt_fail "prompted connect: exit $rc: $(cat "$DT_TMP/out")"
grep -q 'Password for alice on “Keyring”' "$DT_TMP/out" || dt_fail "no prompt: $(cat "$DT_TMP/out")"
grep -q 'state=connected' "$DT_TMP/out" || dt_fail "not connected: $(cat "$DT_TMP/out")"
disconnect prompt
echo "ok: no keyring entry on a terminal → asked without echo, connected"

# 3. The keyring: a private session bus and an unlocked gnome-keyring.
dbus-daemon --session --nofork --print-address=7 7>"$DT_TMP/session-address" 2>"$DT_TMP/session.log" &
DT_PIDS+=($!)
dt_wait 100 test -s "$DT_TMP/session-address" || dt_fail "no session bus"
DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$DT_TMP/session-address")
export DBUS_SESSION_BUS_ADDRESS
printf 'keyring-login' | gnome-keyring-daemon --unlock --components=secrets >"$DT_TMP/keyring.env" 2>&1
gdbus wait --session --timeout 10 org.freedesktop.secrets || dt_fail "no keyring: $(cat "$DT_TMP/keyring.env")"
printf '%s' "$PASSWORD" | secret-tool store --label="Dialtone password for Keyring" \
    xdg:schema org.dialtone.Password profile "$ID" user alice ||
    dt_fail "secret-tool store failed"
"$CTL" connect Keyring </dev/null >"$DT_TMP/out" 2>"$DT_TMP/err" ||
    dt_fail "keyring connect: $(cat "$DT_TMP/err" "$DT_TMP/out")"
grep -q 'state=connected' "$DT_TMP/out" || dt_fail "not connected: $(cat "$DT_TMP/out")"
disconnect keyring
grep -q "$PASSWORD" "$DT_TMP/helper.log" && dt_fail "the helper logged a password"
echo "ok: connect NAME → the password from the keyring (org.dialtone.Password), connected"
dt_helper_stop
