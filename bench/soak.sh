#!/usr/bin/env bash
# soak.sh [BUILD-DIR] [CYCLES] — connect / transfer / disconnect, CYCLES times (500), client
# against dialtone-server, under the sanitizers of the build given (issue 11). Not a CI test:
# it runs for minutes.
#
# One dialtone-server stays up for the whole run in a server namespace; each cycle starts
# dialtone-link --standalone in the client namespace, waits for network-up, moves 256 KiB
# through the tunnel (a TCP stream to a sink in the server namespace, checked byte for byte
# every 50th cycle) and SIGTERMs the link, which must exit 0 with nothing left behind (no
# TUN, no proto 68 route). Every link's log is checked for ASan, LSan and UBSan reports
# (the default build has them on, leak checking included); the server's at the end, after
# SIGTERM. Printed: cycles done, failures, seconds per cycle, and the server's VmRSS, open
# file descriptors and threads after cycle 10 (warm) and at the end: memory flat means the
# end figure is within a page or two of the warm one, whatever the start.
# Every wait is bounded; the trap (tests/integration/lib.sh) removes everything.
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:-$HERE/../build}
CYCLES=${2:-500}
source "$HERE/../tests/integration/lib.sh" "$BUILD"
SERVER=$BUILD/src/server/dialtone-server
LINK=$BUILD/src/link/dialtone-link
[ -x "$SERVER" ] && [ -x "$LINK" ] || dt_skip "build $SERVER and $LINK first"
command -v python3 >/dev/null || dt_skip "no python3"
PASSWORD="pw-Soak-11"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=23:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"

dt_pair_new soak
umask 077
printf 'alice * "%s" *\n' "$PASSWORD" >"$DT_TMP/chap-secrets"
printf '%s\n' "$PASSWORD" >"$DT_TMP/password"
cat >"$DT_TMP/server.conf" <<CONF
[Server]
Listen=192.0.2.1
LocalAddress=198.51.100.1
RemoteAddresses=198.51.100.10-198.51.100.20
Secrets=$DT_TMP/chap-secrets
MaxCalls=4

[Security]
Compression=true
CONF
cat >"$DT_TMP/profile.conf" <<CONF
[Profile]
Id=3f1c0000-0000-4000-8000-00000000050a
Name=Soak
Type=pptp

[PPTP]
Server=192.0.2.1
User=alice

[Security]
Compression=true

[IPv4]
DefaultRoute=false
DNS=none

[IPv6]
Enabled=false

[PPP]
EchoInterval=0
CONF

# A sink in the server namespace: reads each connection to the end and writes back the
# SHA-256 of what it got.
cat >"$DT_TMP/sink.py" <<'PY'
import hashlib, socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.51.100.1", 5999))
s.listen(4)
while True:
    c, _ = s.accept()
    c.settimeout(30)
    h = hashlib.sha256()
    try:
        while True:
            b = c.recv(65536)
            if not b:
                break
            h.update(b)
        c.sendall(h.hexdigest().encode())
    except OSError:
        pass
    c.close()
PY
head -c 262144 /dev/urandom >"$DT_TMP/blob"
WANT=$(sha256sum "$DT_TMP/blob" | cut -d' ' -f1)

ip netns exec "$NS_S" "$SERVER" --config "$DT_TMP/server.conf" 2>"$DT_TMP/server.log" &
SRV_PID=$!
dt_wait 100 grep -q "event=listen" "$DT_TMP/server.log" || dt_fail "dialtone-server did not start"
# The sink needs the server's tunnel address, which exists only while a call is up: it is
# started after the first link comes up.
SINK_PID=""
trap 'kill "$SINK_PID" "$SRV_PID" 2>/dev/null; wait 2>/dev/null; dt_cleanup' EXIT

proc_figures() { # PID: "rss_kib fds threads"
    echo "$(awk '/^VmRSS/ {print $2}' "/proc/$1/status") $(ls "/proc/$1/fd" | wc -l)" \
        "$(awk '/^Threads/ {print $2}' "/proc/$1/status")"
}

send_blob() { # the sink's digest of the blob, sent through the tunnel
    ip netns exec "$NS_C" python3 - "$DT_TMP/blob" <<'PY'
import socket, sys
data = open(sys.argv[1], "rb").read()
c = socket.create_connection(("198.51.100.1", 5999), timeout=20)
c.sendall(data)
c.shutdown(socket.SHUT_WR)
got = b""
while True:
    b = c.recv(128)
    if not b:
        break
    got += b
print(got.decode())
PY
}

fail=0
warm=""
t0=$(date +%s%N)
for ((cyc = 1; cyc <= CYCLES; cyc++)); do  # not i: dt_wait counts with i
    : >"$DT_TMP/link.err"
    "$DT_NS_EXEC" "$NS_C" "$LINK" --standalone "$DT_TMP/profile.conf" \
        --password-file "$DT_TMP/password" >"$DT_TMP/link.out" 2>"$DT_TMP/link.err" &
    lp=$!
    if ! dt_wait 300 grep -q 'stage=network-up tun=' "$DT_TMP/link.err"; then
        echo "cycle $cyc: no network-up in 15 s" >&2
        tail -n 5 "$DT_TMP/link.err" >&2
        fail=$((fail + 1))
        kill -9 "$lp" 2>/dev/null
        wait "$lp" 2>/dev/null
        continue
    fi
    if [ -z "$SINK_PID" ]; then
        ip netns exec "$NS_S" python3 "$DT_TMP/sink.py" &
        SINK_PID=$!
        dt_wait 100 sh -c "ip netns exec $NS_S ss -ltn | grep -q :5999" || dt_fail "no sink"
    fi
    got=$(send_blob 2>&1)
    if [ $((cyc % 50)) -eq 1 ] || [ "$got" != "$WANT" ]; then
        [ "$got" = "$WANT" ] || {
            echo "cycle $cyc: transfer: $got" >&2
            fail=$((fail + 1))
        }
    fi
    kill -TERM "$lp"
    rc=0
    for _ in $(seq 200); do kill -0 "$lp" 2>/dev/null || break; sleep 0.05; done
    wait "$lp" || rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "cycle $cyc: link exit $rc" >&2
        tail -n 5 "$DT_TMP/link.err" >&2
        fail=$((fail + 1))
    fi
    if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$DT_TMP/link.err"; then
        echo "cycle $cyc: sanitizer report:" >&2
        grep -A20 -E 'ERROR: |runtime error:' "$DT_TMP/link.err" | head -40 >&2
        fail=$((fail + 1))
    fi
    if ip -n "$NS_C" -o link show | grep -qE '^[0-9]+: dt[0-9]+:' ||
        [ -n "$(ip -n "$NS_C" route show table all proto 68)" ]; then
        echo "cycle $cyc: a TUN or route was left behind" >&2
        fail=$((fail + 1))
    fi
    [ "$cyc" -eq 10 ] && warm=$(proc_figures "$SRV_PID")
done
t1=$(date +%s%N)
end=$(proc_figures "$SRV_PID")
kill -TERM "$SRV_PID"
for _ in $(seq 200); do kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.05; done
wait "$SRV_PID" 2>/dev/null
if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$DT_TMP/server.log"; then
    echo "server: sanitizer report:" >&2
    grep -A20 -E 'ERROR: |runtime error:' "$DT_TMP/server.log" | head -40 >&2
    fail=$((fail + 1))
fi
calls=$(grep -c 'event=disconnect user=alice' "$DT_TMP/server.log")
sanitized=no
grep -q -- '-fsanitize=address' "$BUILD/build.ninja" 2>/dev/null && sanitized=yes
echo "soak: $CYCLES cycles, $fail failures, server saw $calls calls end; ASan+LSan build: $sanitized"
awk -v n="$CYCLES" -v ns="$((t1 - t0))" 'BEGIN { printf "soak: %.2f s per cycle (connect, 256 KiB, disconnect)\n", ns / 1e9 / n }'
read -r wr wf wt <<<"$warm"
read -r er ef et <<<"$end"
echo "soak: server after cycle 10: VmRSS ${wr} KiB, ${wf} fds, ${wt} threads"
echo "soak: server at the end:    VmRSS ${er} KiB, ${ef} fds, ${et} threads (RSS $((er - wr)) KiB since cycle 10)"
[ "$fail" -eq 0 ] && [ "$ef" -eq "$wf" ]
