#!/usr/bin/env bash
# test-import-cli.sh DIALTONECTL SAMPLES — dialtonectl import/export end to end: a private
# session bus with a real gnome-keyring (unlocked up front, see ../shared/desktop-testing.md),
# private XDG dirs, the sample files of tests/unit/import. Checks what lands in the profile
# folder and in the keyring, that no password reaches a file, and that exported files import
# back to the same profiles. Needs no root; skips (77) when a tool is missing.
set -u
ctl=$1
samples=$2

need() {
    command -v "$1" >/dev/null 2>&1 || {
        echo "SKIP: $1 is not installed (tools/deps installs it)"
        exit 77
    }
}
need dbus-daemon
need gnome-keyring-daemon
need secret-tool
need gdbus

work=$(mktemp -d /tmp/dialtone-import-cli.XXXXXX)
pids=()
cleanup() {
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$work"/{runtime,home,config,data,cache}
chmod 700 "$work/runtime"
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
printf '%s' 'import-test-login' |
    gnome-keyring-daemon --foreground --unlock --components=secrets >"$work/keyring.log" 2>&1 &
pids+=($!)
for _ in $(seq 200); do
    timeout 5 gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
        --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets 2>/dev/null |
        grep -q true && break
    sleep 0.05
done

failures=0
check() { # check WHAT COMMAND…
    local what=$1
    shift
    if "$@"; then
        echo "ok - $what"
    else
        echo "not ok - $what"
        failures=$((failures + 1))
    fi
}
profiles="$XDG_CONFIG_HOME/dialtone/profiles"
nm_id=5b2e7c1a-3f4d-4e8a-9b6c-2d1e0f9a8b7c
vpn_id=9a3f0c2e-5b7d-4c1e-9a2b-6d8e0f1a2b3c
isp_id=0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d

# 1. --dry-run prints the summary and writes nothing, not even to the keyring.
"$ctl" import "$samples/work-pptp.nmconnection" --dry-run >"$work/dry.out"
check "dry run exits 0" [ $? -eq 0 ]
check "dry run prints the mapping" grep -q "require-mppe-128=yes → Encryption=require-128" "$work/dry.out"
check "dry run says where the password goes" grep -q "password goes to the keyring" "$work/dry.out"
check "dry run saves no profile" [ ! -e "$profiles/$nm_id.conf" ]
check "dry run keeps no password" [ -z "$(secret-tool lookup profile "$nm_id" user alice 2>/dev/null)" ]

# 2. The NM keyfile: a profile file without the password, the password in the keyring.
"$ctl" import "$samples/work-pptp.nmconnection" >"$work/nm.out"
check "import exits 0" [ $? -eq 0 ]
check "profile saved under its NM uuid" [ -f "$profiles/$nm_id.conf" ]
check "profile has the gateway" grep -qx "Server=vpn.example.com" "$profiles/$nm_id.conf"
check "no password in any profile file" bash -c "! grep -rq 'Tr0ub4dor' '$XDG_CONFIG_HOME'"
check "no password on stdout" bash -c "! grep -q 'Tr0ub4dor' '$work/nm.out' '$work/dry.out'"
check "password in the keyring under profile and user" \
    [ "$(secret-tool lookup profile "$nm_id" user alice)" = 'Tr0ub4dor&3' ]

# 3. The phonebook: dial-up and VPN, DialFirst to the dial-up profile, non-PPTP entries named.
"$ctl" import "$samples/windows10.pbk" >"$work/pbk.out"
check "phonebook import exits 0" [ $? -eq 0 ]
check "VPN entry saved" [ -f "$profiles/$vpn_id.conf" ]
check "dial-up entry saved" [ -f "$profiles/$isp_id.conf" ]
check "PrerequisiteEntry became DialFirst" grep -qx "DialFirst=$isp_id" "$profiles/$vpn_id.conf"
check "IKEv2 entry reported" grep -q "“Azure Always On”: NOT IMPORTED" "$work/pbk.out"
check "list shows the imports" bash -c "'$ctl' list | grep -q 'Büro Köln'"

# 4. Importing again leaves the saved profiles alone.
"$ctl" import "$samples/windows10.pbk" >"$work/again.out"
check "re-import exits 0" [ $? -eq 0 ]
check "re-import finds the profiles" grep -q "already in your profiles" "$work/again.out"
check "no duplicate profiles" [ "$(ls "$profiles" | wc -l)" -eq 4 ]

# 5. wvdial: dial-up passwords under the dial-up user name.
"$ctl" import "$samples/wvdial.conf" >"$work/wv.out"
check "wvdial import exits 0" [ $? -eq 0 ]
isp2=$(grep -l "^Name=isp$" "$profiles"/*.conf | head -n1)
check "wvdial section saved" [ -n "$isp2" ]
isp2_id=$(basename "$isp2" .conf)
check "wvdial password in the keyring" \
    [ "$(secret-tool lookup profile "$isp2_id" user carol)" = 's3cr3t-dial' ]
check "no wvdial password in files" bash -c "! grep -rq 's3cr3t-dial' '$XDG_CONFIG_HOME'"

# 6. Export, then import the export into an empty folder: the same profile files.
"$ctl" export "Work PPTP" --format nm --output "$work/out.nmconnection"
check "nm export exits 0" [ $? -eq 0 ]
check "nm export is private (NetworkManager wants 0600)" \
    [ "$(stat -c %a "$work/out.nmconnection")" = 600 ]
check "nm export holds no password" bash -c "! grep -q 'Tr0ub4dor' '$work/out.nmconnection'"
"$ctl" export "Office VPN" --format pbk >"$work/out.pbk" 2>"$work/pbk-notes"
check "pbk export exits 0" [ $? -eq 0 ]
check "pbk export has CR LF lines" grep -q $'^Type=2\r$' "$work/out.pbk"
check "pbk export carries the dial-up entry" grep -q $'^\\[Home ISP\\]\r$' "$work/out.pbk"
fresh="$work/fresh"
mkdir -p "$fresh"
XDG_CONFIG_HOME="$fresh" "$ctl" import "$work/out.nmconnection" >/dev/null
XDG_CONFIG_HOME="$fresh" "$ctl" import "$work/out.pbk" >/dev/null
for id in $nm_id $vpn_id $isp_id; do
    check "round trip keeps $id" diff -u "$profiles/$id.conf" "$fresh/dialtone/profiles/$id.conf"
done

# 7. Refusals.
"$ctl" export "Home ISP" --format nm >/dev/null 2>"$work/err"
check "dial-up as NM keyfile is refused with exit 2" [ $? -eq 2 ]
check "and says why" grep -q "dial-up profile" "$work/err"
printf 'just some notes\n' >"$work/notes.txt"
"$ctl" import "$work/notes.txt" >/dev/null 2>"$work/err"
check "a file of no known format is refused with exit 2" [ $? -eq 2 ]
"$ctl" import >/dev/null 2>&1
check "no FILE is a usage error" [ $? -eq 2 ]

echo "$failures failed"
[ "$failures" -eq 0 ]
