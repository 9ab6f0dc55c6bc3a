#!/usr/bin/env bash
# footprint.sh [BUILD-DIR] [CONNECTIONS] — what the desktop side costs while links run (issue 12):
# the memory (RSS) of dialtone-helper and of each connection's worker (its privileged parent
# and its sandboxed protocol child), and how often each process wakes up while the links are
# idle.
#
# The real helper on a private system bus (python3-dbusmock's polkitd, as in the tests) in a
# client namespace, dialtone-server in a server namespace; dialtonectl connects CONNECTIONS
# profiles (default 4) one after another. After each, RSS is read from /proc. Then, with every
# link up and no traffic, for IDLE_SECONDS (10) the context switches of every process are
# counted: each is a wake-up. The profiles have EchoInterval=0, so that nothing but the
# programs' own timers can wake them; the managed worker's statistics timer (1 s) only sends
# when counters moved. Baselines from the same run: the same link run by `dialtone-link
# --standalone` (no helper), and `sleep` (the smallest process there is).
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(realpath -m "${1:-$HERE/../build-bench}")
N=${2:-4}
IDLE_SECONDS=${IDLE_SECONDS:-10}
source "$HERE/../tests/integration/lib.sh" "$BUILD"
SERVER=$BUILD/src/server/dialtone-server
LINK=$BUILD/src/link/dialtone-link
HELPER=$BUILD/src/helper/dialtone-helper
CTL=$BUILD/src/cli/dialtonectl
for p in "$SERVER" "$LINK" "$HELPER" "$CTL"; do
    [ -x "$p" ] || dt_skip "build $p first (meson setup build-bench --buildtype=release)"
done
source "$HERE/../tests/integration/helper-lib.sh"
PASSWORD="pw-Foot-6"

dt_pair_new fpt
umask 077
printf 'alice * "%s" *\n' "$PASSWORD" >"$DT_TMP/chap-secrets"
printf '%s\n' "$PASSWORD" >"$DT_TMP/password"
cat >"$DT_TMP/server.conf" <<CONF
[Server]
Listen=192.0.2.1
LocalAddress=198.51.100.1
RemoteAddresses=198.51.100.10-198.51.100.40
Secrets=$DT_TMP/chap-secrets
MaxCalls=32

[PPP]
EchoInterval=0
CONF
umask 022
profile() { # N
    cat >"$DT_TMP/p$1.conf" <<CONF
[Profile]
Id=3f1c0000-0000-4000-8000-0000000f00$(printf '%02d' "$1")
Name=Footprint $1
Type=pptp

[PPTP]
Server=192.0.2.1
User=alice

[Security]
Authentication=mschapv2
Encryption=require-128
Compression=true

[IPv4]
DefaultRoute=false
Routes=198.51.100.0/24
DNS=none

[PPP]
EchoInterval=0
CONF
    chmod 644 "$DT_TMP/p$1.conf"
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
switches() {
    awk '/^(voluntary|nonvoluntary)_ctxt_switches:/ { n += $2 } END { print n + 0 }' \
        "/proc/$1/status" 2>/dev/null || echo 0
}
# The worker processes of the helper: its children (the privileged parents) and theirs.
workers() {
    local w
    for w in $(pgrep -P "$HELPER_PID"); do
        echo "$w"
        pgrep -P "$w"
    done
}

ip netns exec "$NS_S" "$SERVER" --config "$DT_TMP/server.conf" 2>"$DT_TMP/server.log" &
SERVER_PID=$!
DT_PIDS+=($SERVER_PID)
dt_wait 100 grep -q "event=listen" "$DT_TMP/server.log" || dt_fail "dialtone-server did not start"
dt_bus_start "$HERE/../data"
dt_polkit_start
dt_helper_start "$NS_C" "$HELPER" "$LINK"
sleep 0.5
echo "dialtone footprint ($BUILD, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
printf '%-28s %10s %14s %14s\n' "connections" "helper KiB" "worker KiB/conn" "child KiB/conn"
printf '%-28s %10s %14s %14s\n' "0" "$(rss_kib "$HELPER_PID")" "-" "-"
for i in $(seq "$N"); do
    profile "$i"
    "$CTL" connect --file "$DT_TMP/p$i.conf" --password-stdin <<<"$PASSWORD" >"$DT_TMP/c$i.out" 2>&1 ||
        dt_fail "connect $i: $(cat "$DT_TMP/c$i.out")"
    sleep 1
    parents=0 children=0 np=0
    for w in $(pgrep -P "$HELPER_PID"); do
        parents=$((parents + $(rss_kib "$w")))
        np=$((np + 1))
        for c in $(pgrep -P "$w"); do children=$((children + $(rss_kib "$c"))); done
    done
    [ "$np" -eq "$i" ] || dt_fail "want $i workers, found $np"
    printf '%-28s %10s %14s %14s\n' "$i" "$(rss_kib "$HELPER_PID")" "$((parents / i))" "$((children / i))"
done

# Idle wake-ups: every process, all links up, no traffic.
declare -A before
procs="$HELPER_PID $(workers | tr '\n' ' ')"
for p in $procs $SERVER_PID; do before[$p]=$(switches "$p"); done
sleep "$IDLE_SECONDS"
echo
echo "idle wake-ups over ${IDLE_SECONDS} s (context switches per second), $N links up:"
total=0
for p in $procs; do
    d=$(($(switches "$p") - before[$p]))
    total=$((total + d))
    role=worker
    [ "$p" = "$HELPER_PID" ] && role=helper
    [ "$(awk '/^Uid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)" != 0 ] && role="protocol child"
    printf '  %-16s pid %-8s %6s/s\n' "$role" "$p" "$(awk -v d="$d" -v s="$IDLE_SECONDS" 'BEGIN { printf "%.1f", d / s }')"
done
printf '  %-16s %-12s %6s/s\n' "all of them" "" "$(awk -v d="$total" -v s="$IDLE_SECONDS" 'BEGIN { printf "%.1f", d / s }')"
printf '  %-16s %-12s %6s/s\n' "dialtone-server" "($N calls)" "$(awk -v d="$(($(switches "$SERVER_PID") - before[$SERVER_PID]))" -v s="$IDLE_SECONDS" 'BEGIN { printf "%.1f", d / s }')"

"$CTL" disconnect --all >/dev/null 2>&1 || true
dt_helper_stop

# Baselines, same run: the same link without the helper, and the smallest process.
profile 99
"$DT_NS_EXEC" "$NS_C" "$LINK" --standalone "$DT_TMP/p99.conf" --password-file "$DT_TMP/password" \
    >"$DT_TMP/sa.out" 2>"$DT_TMP/sa.err" &
SA=$!
DT_PIDS+=($SA)
dt_wait 200 grep -q 'stage=network-up' "$DT_TMP/sa.err" || dt_fail "standalone link: $(tail -n 5 "$DT_TMP/sa.err")"
sleep 1
sa_child=$(pgrep -P "$SA" | head -n1)
sleep 60 &
SLEEP=$!
DT_PIDS+=($SLEEP)
sleep 0.2
s0=$(switches "$SA")
c0=$(switches "${sa_child:-$SA}")
sleep "$IDLE_SECONDS"
echo
echo "baselines (same run):"
printf '  %-40s %8s KiB  %6s wake-ups/s\n' "dialtone-link --standalone, parent" "$(rss_kib "$SA")" \
    "$(awk -v d="$(($(switches "$SA") - s0))" -v s="$IDLE_SECONDS" 'BEGIN { printf "%.1f", d / s }')"
printf '  %-40s %8s KiB  %6s wake-ups/s\n' "dialtone-link --standalone, protocol child" \
    "$(rss_kib "${sa_child:-$SA}")" \
    "$(awk -v d="$(($(switches "${sa_child:-$SA}") - c0))" -v s="$IDLE_SECONDS" 'BEGIN { printf "%.1f", d / s }')"
printf '  %-40s %8s KiB\n' "sleep(1)" "$(rss_kib "$SLEEP")"
kill -TERM "$SA" 2>/dev/null || true
