#!/usr/bin/env bash
# server-scale.sh [BUILD-DIR] — dialtone-server holding many calls at once (issue 12).
#
# Two private network namespaces joined by a veth pair. In the client namespace one process,
# bench-server-load, runs N real PPTP clients (TCP 1723, SCCRQ/OCRQ, LCP, MS-CHAP v2, CCP with
# MPPE-128, IPCP), each from its own source address (100.64.0.0/22 on the client's veth: the
# server keeps one raw GRE socket per client address, as many clients behind as many addresses
# do). For N in DT_BENCH_CALLS ("100 1000") a fresh server is started and measured:
#   - idle with 0 calls for DT_BENCH_IDLE seconds (10): CPU % from /proc/PID/stat utime+stime
#     and wake-ups (voluntary context switches from /proc/PID/status) — the baseline;
#   - N calls set up with at most DT_BENCH_PARALLEL (100) in set-up at once: setups per second
#     from the first SCCRQ to the last IPCP up (the generator's clock);
#   - VmRSS and Pss (smaps_rollup) before and after → KiB per idle call; the machine's Slab
#     (/proc/meminfo) before and after as the kernel side (TUN devices, sockets; other work on
#     the machine moves it too);
#   - idle CPU and wake-ups with N calls up, then with light traffic (one 64-octet ping per call
#     per second through MPPE, answered by the server's kernel through the call's TUN).
# The floor: a process holding N bare accepted TCP connections, its RSS/Pss and the Slab per
# connection (both ends of the connection live on this machine).
# DT_BENCH_SOURCES=K: the clients share K source addresses (as behind NATs; default one each).
# DT_BENCH_LOGS=DIR: keep each round's server log and generator output there.
# DT_BENCH_PERF=DIR: `perf record -e cpu-clock -g` of the server over the idle and traffic
# windows with N calls and over the set-up, into DIR/{setup,idle,traffic}-N.data.
# Goals (issue 12): ≤ 64 KiB per idle call (server Pss), ≥ 200 call setups per second; PASS/MISS
# per goal. Root only; exits 77 otherwise. Every wait is bounded; the trap (tests/integration/
# lib.sh) deletes the namespaces with everything in them. Build optimised:
# meson setup build-bench --buildtype=release.
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:-$HERE/../build-bench}
source "$HERE/../tests/integration/lib.sh" "$BUILD"
SERVER=$BUILD/src/server/dialtone-server
LOAD=$BUILD/bench/bench-server-load
CALLS=${DT_BENCH_CALLS:-100 1000}
IDLE=${DT_BENCH_IDLE:-10}
PARALLEL=${DT_BENCH_PARALLEL:-100}
[ -x "$SERVER" ] && [ -x "$LOAD" ] || dt_skip "build $SERVER and $LOAD first"
if grep -q -- '-fsanitize' "$BUILD/build.ninja" 2>/dev/null; then
    echo "warning: $BUILD is a sanitizer build; figures will be off" >&2
fi
HZ=$(getconf CLK_TCK)
PASSWORD="pw-scale-12"
MAX_N=0
for n in $CALLS; do [ "$n" -le "$MAX_N" ] || MAX_N=$n; done
[ "$MAX_N" -le 1000 ] || dt_skip "at most 1000 calls (100.64.0.0/22 and the pool)"
# Each call: a TCP socket, a TUN and a raw GRE socket on the server; a TCP socket on the client.
ulimit -n $((4 * MAX_N + 1024)) || dt_skip "cannot raise RLIMIT_NOFILE"

dt_pair_new scl
ip -n "$NS_S" route add 100.64.0.0/22 via 192.0.2.2
{
    for ((i = 0; i < MAX_N; i++)); do
        printf 'addr add 100.64.%d.%d/22 dev %s\n' $(((i + 1) / 256)) $(((i + 1) % 256)) "$VC"
    done
} >"$DT_TMP/addrs.batch"
ip -n "$NS_C" -batch "$DT_TMP/addrs.batch"
# The server's kernel answers the pings, and its ICMP rate limit would hide how many came back.
ip netns exec "$NS_S" sysctl -qw net.ipv4.icmp_ratelimit=0

umask 077
printf 'bench * "%s" *\n' "$PASSWORD" >"$DT_TMP/chap-secrets"
cat >"$DT_TMP/server.conf" <<CONF
[Server]
Listen=192.0.2.1
LocalAddress=198.51.100.1
RemoteAddresses=198.18.0.1-198.18.7.254
Secrets=$DT_TMP/chap-secrets
MaxCalls=$((MAX_N + 100))

[Security]
Authentication=mschapv2
Encryption=require-128
CONF

SRV_PID=""
LOAD_PID=""
FLOOR_PIDS=()
stop_pid() { # PID [SIGNAL [TRIES]]: signal it, wait TRIES x 50 ms (15 s), then kill it
    local p=$1
    [ -n "$p" ] || return 0
    kill -"${2:-TERM}" "$p" 2>/dev/null || true
    for _ in $(seq "${3:-300}"); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
}
stop_all() {
    local p
    stop_pid "$LOAD_PID"
    stop_pid "$SRV_PID"
    for p in "${FLOOR_PIDS[@]}"; do stop_pid "$p"; done
    LOAD_PID=""
    SRV_PID=""
    FLOOR_PIDS=()
}
trap 'stop_all; dt_cleanup' EXIT

cpu_ticks() { # PID: utime+stime (fields 14, 15)
    local f
    f=$(cat "/proc/$1/stat")
    f=${f##*) }
    set -- $f
    echo $((${12} + ${13}))
}
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
pss_kb() { awk '$1 == "Pss:" { print $2 }' "/proc/$1/smaps_rollup"; }
slab_kb() { awk '$1 == "Slab:" { print $2 }' /proc/meminfo; }

# measure PID SECONDS [NAME]: sets CPU_PCT (100 = one core) and WAKEUPS (voluntary switches per second).
measure() {
    local t0 t1 v0 v1 w0 w1
    t0=$(cpu_ticks "$1")
    v0=$(status_kb "$1" voluntary_ctxt_switches)
    w0=$(date +%s%N)
    if [ -n "${DT_BENCH_PERF:-}" ] && [ -n "${3:-}" ]; then
        mkdir -p "$DT_BENCH_PERF"
        perf record -q -e cpu-clock -g -p "$1" -o "$DT_BENCH_PERF/$3.data" -- sleep "$2" \
            >/dev/null 2>&1 || sleep "$2"
    else
        sleep "$2"
    fi
    t1=$(cpu_ticks "$1")
    v1=$(status_kb "$1" voluntary_ctxt_switches)
    w1=$(date +%s%N)
    CPU_PCT=$(awk -v t=$((t1 - t0)) -v hz="$HZ" -v ns=$((w1 - w0)) \
        'BEGIN { printf "%.2f", 100 * t / hz / (ns / 1e9) }')
    WAKEUPS=$(awk -v v=$((v1 - v0)) -v ns=$((w1 - w0)) 'BEGIN { printf "%.1f", v / (ns / 1e9) }')
}

field() { # FILE KEY: the value of KEY= on the last line of FILE that has it
    { grep -o "$2=[^ ]*" "$1" || true; } | tail -n 1 | cut -d= -f2
}

per_call() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.1f", (b - a) / n }'; }

# ---- the floor: bare TCP connections ----
floor() { # N
    local n=$1 rss0 pss0 slab0 rss1 pss1 slab1
    : >"$DT_TMP/floor-s.out"
    : >"$DT_TMP/floor-c.out"
    ip netns exec "$NS_S" "$LOAD" --floor-listen 192.0.2.1 --calls "$n" \
        >"$DT_TMP/floor-s.out" 2>&1 &
    FLOOR_PIDS+=($!)
    local fs=$!
    dt_wait 100 grep -q event=floor-listen "$DT_TMP/floor-s.out" || dt_fail "floor listener"
    sleep 0.5
    rss0=$(status_kb "$fs" VmRSS)
    pss0=$(pss_kb "$fs")
    slab0=$(slab_kb)
    ip netns exec "$NS_C" "$LOAD" --floor-connect 192.0.2.1 --source 100.64.0.1 --calls "$n" \
        >"$DT_TMP/floor-c.out" 2>&1 &
    FLOOR_PIDS+=($!)
    dt_wait 600 grep -q event=floor-accepted "$DT_TMP/floor-s.out" || dt_fail "floor connections"
    sleep 1
    rss1=$(status_kb "$fs" VmRSS)
    pss1=$(pss_kb "$fs")
    slab1=$(slab_kb)
    printf '%-34s %8s KiB/conn RSS  %8s KiB/conn Pss  %8s KiB/conn Slab (machine)\n' \
        "floor: bare TCP, N=$n" "$(per_call "$rss0" "$rss1" "$n")" \
        "$(per_call "$pss0" "$pss1" "$n")" "$(per_call "$slab0" "$slab1" "$n")"
    stop_all
}

declare -A RESULT
round() { # N
    local n=$1 rss0 pss0 slab0 rss1 pss1 slab1 idle0 wake0
    : >"$DT_TMP/server.log"
    : >"$DT_TMP/load.out"
    ip netns exec "$NS_S" "$SERVER" --config "$DT_TMP/server.conf" 2>>"$DT_TMP/server.log" &
    SRV_PID=$!
    dt_show_on_fail "$DT_TMP/server.log" "$DT_TMP/load.out"
    dt_wait 100 grep -q "event=listen" "$DT_TMP/server.log" || dt_fail "the server did not start"
    sleep 1
    measure "$SRV_PID" "$IDLE"
    idle0=$CPU_PCT
    wake0=$WAKEUPS
    rss0=$(status_kb "$SRV_PID" VmRSS)
    pss0=$(pss_kb "$SRV_PID")
    slab0=$(slab_kb)

    local perf_pid=""
    if [ -n "${DT_BENCH_PERF:-}" ]; then
        mkdir -p "$DT_BENCH_PERF"
        perf record -q -e cpu-clock -g -p "$SRV_PID" -o "$DT_BENCH_PERF/setup-$n.data" \
            >/dev/null 2>&1 &
        perf_pid=$!
        sleep 0.5
    fi
    ip netns exec "$NS_C" "$LOAD" --server 192.0.2.1 --source 100.64.0.1 --calls "$n" \
        --parallel "$PARALLEL" --sources "${DT_BENCH_SOURCES:-0}" --setup-timeout 300 >"$DT_TMP/load.out" 2>&1 \
        < <(printf '%s\n' "$PASSWORD") &
    LOAD_PID=$!
    dt_wait 6400 grep -qE "event=(all-up|setup-timeout|stopped)" "$DT_TMP/load.out" ||
        dt_fail "N=$n: the calls did not come up within 320 s"
    [ -z "$perf_pid" ] || stop_pid "$perf_pid" INT
    grep -q "event=all-up" "$DT_TMP/load.out" || dt_fail "N=$n: not every call came up"
    [ "$(field "$DT_TMP/load.out" failed)" = 0 ] || dt_fail "N=$n: some calls failed"
    sleep 2 # the last connect log lines, the TUN addresses
    rss1=$(status_kb "$SRV_PID" VmRSS)
    pss1=$(pss_kb "$SRV_PID")
    slab1=$(slab_kb)
    measure "$SRV_PID" "$IDLE" "idle-$n"
    local idle1=$CPU_PCT wake1=$WAKEUPS
    kill -USR1 "$LOAD_PID"
    dt_wait 100 grep -q "event=traffic-on" "$DT_TMP/load.out" || dt_fail "no traffic phase"
    measure "$SRV_PID" "$IDLE" "traffic-$n"
    local busy=$CPU_PCT wakeb=$WAKEUPS
    kill -USR2 "$LOAD_PID"
    dt_wait 100 grep -q "event=traffic-off" "$DT_TMP/load.out" || dt_fail "traffic did not stop"
    local sent replies rate median p99 gen_cpu
    sent=$(field "$DT_TMP/load.out" pings_sent)
    replies=$(field "$DT_TMP/load.out" replies)
    rate=$(field "$DT_TMP/load.out" setups_per_second)
    median=$(field "$DT_TMP/load.out" latency_ms_median)
    p99=$(field "$DT_TMP/load.out" latency_ms_p99)
    gen_cpu=$(field "$DT_TMP/load.out" generator_cpu_seconds)
    local connected
    connected=$(grep -c "event=connect " "$DT_TMP/server.log" || true)
    # Tear-down: every call hung up by the clients (bounded by the generator: 10 s), then the
    # server stopped (SIGTERM: it closes what TUNs remain before exiting; bounded at 60 s).
    local td0 td1 td2 not_down
    td0=$(date +%s%N)
    stop_pid "$LOAD_PID"
    LOAD_PID=""
    td1=$(date +%s%N)
    not_down=$(field "$DT_TMP/load.out" calls_not_down)
    stop_pid "$SRV_PID" TERM 1200
    SRV_PID=""
    td2=$(date +%s%N)

    if [ -n "${DT_BENCH_LOGS:-}" ]; then
        mkdir -p "$DT_BENCH_LOGS"
        cp "$DT_TMP/server.log" "$DT_BENCH_LOGS/server-$n.log"
        cp "$DT_TMP/load.out" "$DT_BENCH_LOGS/load-$n.out"
    fi
    local kib_rss kib_pss kib_slab
    kib_rss=$(per_call "$rss0" "$rss1" "$n")
    kib_pss=$(per_call "$pss0" "$pss1" "$n")
    kib_slab=$(per_call "$slab0" "$slab1" "$n")
    echo "N=$n calls (server log: $connected connected; parallel set-ups: $PARALLEL)"
    printf '  setups/s %s  (%s s; per call median %s ms, p99 %s ms; generator CPU %s s)\n' \
        "$rate" "$(field "$DT_TMP/load.out" setup_seconds)" "$median" "$p99" "$gen_cpu"
    printf '  server VmRSS %s -> %s KiB, Pss %s -> %s KiB: %s KiB/call RSS, %s KiB/call Pss\n' \
        "$rss0" "$rss1" "$pss0" "$pss1" "$kib_rss" "$kib_pss"
    printf '  machine Slab %s -> %s KiB: %s KiB/call (kernel: TUN, sockets; noisy)\n' \
        "$slab0" "$slab1" "$kib_slab"
    printf '  server CPU idle, 0 calls   %6s %%  %7s wake-ups/s  (baseline)\n' "$idle0" "$wake0"
    printf '  server CPU idle, %4d calls %6s %%  %7s wake-ups/s\n' "$n" "$idle1" "$wake1"
    printf '  server CPU traffic         %6s %%  %7s wake-ups/s  (%s pings, %s replies in %s s)\n' \
        "$busy" "$wakeb" "$sent" "$replies" "$IDLE"
    printf '  tear-down: clients hung up in %s s (calls not down at the bound: %s), server stopped in %s s\n' \
        "$(awk -v a="$td0" -v b="$td1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')" "${not_down:-0}" \
        "$(awk -v a="$td1" -v b="$td2" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')"
    RESULT[$n.rate]=$rate
    RESULT[$n.kib]=$kib_pss
}

echo "dialtone-server scale, $(nproc) cores, $(date -u +%FT%TZ), build $BUILD"
for n in $CALLS; do
    floor "$n"
    round "$n"
done

verdict() { awk -v v="$1" -v goal="$2" -v op="$3" \
    'BEGIN { ok = op == "le" ? v <= goal : v >= goal; print ok ? "PASS" : "MISS" }'; }
for n in $CALLS; do
    printf 'N=%-5s per idle call %8s KiB Pss (goal <= 64)   %s\n' "$n" "${RESULT[$n.kib]}" \
        "$(verdict "${RESULT[$n.kib]}" 64 le)"
    printf 'N=%-5s setups/s      %8s         (goal >= 200)  %s\n' "$n" "${RESULT[$n.rate]}" \
        "$(verdict "${RESULT[$n.rate]}" 200 ge)"
done
