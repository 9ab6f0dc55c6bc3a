#!/usr/bin/env bash
# vpn-throughput.sh [BUILD-DIR] — iperf3 through Dialtone beside plain veth, in one run (issue 5).
#
# Two private network namespaces joined by a veth pair. First plain veth (the baseline), then
# dialtone-link --standalone against dialtone-server for each mode, with one iperf3 single TCP
# stream (client -> server) for DT_BENCH_SECONDS (10) each. The rounds are interleaved (every
# mode once, then again) DT_BENCH_REPS (3) times so that the shared machine's load falls on all
# modes alike; each line prints the median, the spread (min..max) and the CPU of both ends,
# from /proc/PID/stat utime+stime over the iperf3 run (100 % = one core; the link counts its
# privileged parent and its protocol child), and how busy the whole machine was (/proc/stat:
# 100 % = both cores; other engineers' work counts too). "s/GB" is CPU seconds per gigabyte
# moved, for each end: the figure the machine's load moves least.
#
# DT_BENCH_PERF=DIR: also records `perf record -e cpu-clock -g` of both ends during the first
# round of each Dialtone mode into DIR/<mode>-{server,link}.data (reports: perf report -i ...),
# and syscall counts into DIR/<mode>-{server,link}.stat (perf stat, CSV).
# DT_BENCH_LOGS=DIR: keep each run's link and server logs and iperf3 JSON there.
# DT_BENCH_MODES="a b": only those modes (names as printed). Root only; exits 77 otherwise.
# After the Dialtone modes, two other VPNs in the same namespaces and rounds (issue 12; see
# bench/vpn-baselines.sh): openvpn-aes128gcm and wireguard-go, each skipped with a note when its
# programs are missing.
# Every wait is bounded; the trap (tests/integration/lib.sh) deletes the namespaces with
# everything still running in them. Build optimised: meson setup build-bench --buildtype=release.
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:-$HERE/../build-bench}
source "$HERE/../tests/integration/lib.sh" "$BUILD"
source "$HERE/vpn-baselines.sh"
SERVER=$BUILD/src/server/dialtone-server
LINK=$BUILD/src/link/dialtone-link
SECONDS_PER_RUN=${DT_BENCH_SECONDS:-10}
REPS=${DT_BENCH_REPS:-3}
command -v iperf3 >/dev/null || dt_skip "no iperf3 (tools/deps)"
[ -x "$SERVER" ] && [ -x "$LINK" ] || dt_skip "build $SERVER and $LINK first"
if grep -q -- '-fsanitize' "$BUILD/build.ninja" 2>/dev/null; then
    echo "warning: $BUILD is a sanitizer build; figures will be low" >&2
fi
HZ=$(getconf CLK_TCK)
PASSWORD="pw-bench-7"

dt_pair_new bn

umask 077
printf 'bench * "%s" *\n' "$PASSWORD" >"$DT_TMP/chap-secrets"
printf '%s\n' "$PASSWORD" >"$DT_TMP/password"

# One iperf3 server for the whole run; it listens on every address of the server namespace.
ip netns exec "$NS_S" iperf3 -s -p 5201 >"$DT_TMP/iperf3-server.log" 2>&1 &
IPERF_PID=$!
# Stopped before lib.sh's cleanup so that bash has no "Killed" job to report.
# The tunnel ends of an interrupted round too, by PID, and wireguard-go's sockets.
trap 'stop_all; kill "$IPERF_PID" 2>/dev/null || true; wait "$IPERF_PID" 2>/dev/null || true; baseline_cleanup; dt_cleanup' EXIT
dt_wait 100 sh -c "ip netns exec $NS_S ss -ltn | grep -q :5201" || dt_fail "iperf3 -s did not start"

# Does this build know the stateful preference key ([Security] PreferStateful=, since
# 2026-12-02)? Without it two Dialtone ends always agree on stateless.
HAVE_STATEFUL=no
if grep -aq 'PreferStateful' "$SERVER" && grep -aq 'PreferStateful' "$LINK"; then
    HAVE_STATEFUL=yes
fi

# mode name, then Encryption AllowStateful Compression PreferStateful(true|"")
MODES_ALL=(
    "mppe128-stateless require-128 false false -"
    "mppe128-stateless-mppc require-128 false true -"
    "mppe128-stateful require-128 true false true"
    "mppe128-stateful-mppc require-128 true true true"
    "none none false false -"
    "none-mppc none false true -"
)

cpu_ticks() { # PID...: utime+stime of these processes (fields 14, 15 after the comm)
    local t=0 p f
    for p in "$@"; do
        f=$(cat "/proc/$p/stat" 2>/dev/null) || continue
        f=${f##*) }
        set -- $f
        t=$((t + ${12} + ${13}))
    done
    echo "$t"
}

tree_pids() { # PID: it and its children (the link forks its protocol child)
    echo "$1"
    pgrep -P "$1" 2>/dev/null || true
}

SRV_PID=""
LINK_PID=""
stop_all() {
    local p
    for p in "$LINK_PID" "$SRV_PID"; do
        [ -n "$p" ] || continue
        kill -TERM "$p" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
        kill -9 "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    SRV_PID=""
    LINK_PID=""
}

security_block() { # ENCRYPTION STATEFUL MPPC PREFER
    printf '[Security]\nAuthentication=mschapv2\nEncryption=%s\nAllowStateful=%s\nCompression=%s\n' \
        "$1" "$2" "$3"
    [ "$4" = - ] || printf 'PreferStateful=%s\n' "$4"
}

# start_tunnel ENCRYPTION STATEFUL MPPC PREFER: server and link up, or return 1.
start_tunnel() {
    cat >"$DT_TMP/server.conf" <<CONF
[Server]
Listen=192.0.2.1
LocalAddress=198.51.100.1
RemoteAddresses=198.51.100.10-198.51.100.20
Secrets=$DT_TMP/chap-secrets
MaxCalls=4

$(security_block "$@")

[PPP]
EchoInterval=0
CONF
    cat >"$DT_TMP/profile.conf" <<CONF
[Profile]
Id=3f1c0000-0000-4000-8000-0000000000bb
Name=Bench
Type=pptp

[PPTP]
Server=192.0.2.1
User=bench

$(security_block "$@")

[IPv4]
DefaultRoute=true

[IPv6]
Enabled=false

[PPP]
EchoInterval=0
CONF
    : >"$DT_TMP/server.log"
    ip netns exec "$NS_S" "$SERVER" --config "$DT_TMP/server.conf" 2>>"$DT_TMP/server.log" &
    SRV_PID=$!
    dt_wait 100 grep -q "event=listen" "$DT_TMP/server.log" || {
        cat "$DT_TMP/server.log" >&2
        return 1
    }
    : >"$DT_TMP/link.out"
    "$DT_NS_EXEC" "$NS_C" "$LINK" --standalone "$DT_TMP/profile.conf" \
        --password-file "$DT_TMP/password" >"$DT_TMP/link.out" 2>"$DT_TMP/link.err" &
    LINK_PID=$!
    dt_wait 300 grep -q "^Connected to" "$DT_TMP/link.out" || {
        cat "$DT_TMP/link.err" "$DT_TMP/server.log" >&2
        return 1
    }
    # The address is applied right after the summary line; wait for the route too.
    dt_wait 100 sh -c "ip -n $NS_C route get 198.51.100.1 | grep -q ' dev dt'" || return 1
}

# iperf_run DEST LABEL: one iperf3 run; prints "GBITS CPU-SERVER% CPU-LINK%".
iperf_run() {
    local dest=$1 label=$2 s0 l0 s1 l1 t0 t1 json gb spids lpids perf_s="" perf_l=""
    spids=""
    lpids=""
    if [ -n "$SRV_PID" ]; then
        spids=$(tree_pids "$SRV_PID")
        lpids=$(tree_pids "$LINK_PID")
    fi
    if [ -n "${DT_BENCH_PERF:-}" ] && [ -n "$SRV_PID" ] && [ "$label" != "" ]; then
        mkdir -p "$DT_BENCH_PERF"
        perf record -q -e cpu-clock -g -p "$(echo $spids | tr ' ' ,)" \
            -o "$DT_BENCH_PERF/$label-server.data" -- sleep "$SECONDS_PER_RUN" 2>/dev/null &
        perf_s=$!
        perf record -q -e cpu-clock -g -p "$(echo $lpids | tr ' ' ,)" \
            -o "$DT_BENCH_PERF/$label-link.data" -- sleep "$SECONDS_PER_RUN" 2>/dev/null &
        perf_l=$!
        # Syscalls per packet: one more counter pass, started alongside.
        SC=syscalls:sys_enter_
        for side in server link; do
            pids=$spids
            [ $side = server ] || pids=$lpids
            perf stat -x, -o "$DT_BENCH_PERF/$label-$side.stat" -e raw_syscalls:sys_enter \
                -e ${SC}read,${SC}write,${SC}epoll_wait,${SC}recvmmsg,${SC}sendmmsg \
                -e ${SC}timerfd_settime,${SC}epoll_ctl,context-switches \
                -p "$(echo $pids | tr ' ' ,)" -- sleep "$SECONDS_PER_RUN" 2>/dev/null &
            [ $side = server ] && perf_s="$perf_s $!" || perf_l="$perf_l $!"
        done
    fi
    s0=$(cpu_ticks $spids)
    l0=$(cpu_ticks $lpids)
    read -r _ u0 n0 y0 i0 w0 q0 sq0 _ </proc/stat
    t0=$(date +%s%N)
    json=$(timeout $((SECONDS_PER_RUN + 20)) ip netns exec "$NS_C" \
        iperf3 -c "$dest" -p 5201 -t "$SECONDS_PER_RUN" -J 2>/dev/null) || true
    t1=$(date +%s%N)
    s1=$(cpu_ticks $spids)
    l1=$(cpu_ticks $lpids)
    read -r _ u1 n1 y1 i1 w1 q1 sq1 _ </proc/stat
    [ -z "$perf_s" ] || wait $perf_s $perf_l 2>/dev/null || true
    gb=$(jq -r '(.end.sum_received.bits_per_second // 0) / 1e9' <<<"$json" 2>/dev/null || echo 0)
    [ -z "${DT_BENCH_LOGS:-}" ] || { mkdir -p "$DT_BENCH_LOGS"; printf '%s\n' "$json" >"$DT_BENCH_LOGS/iperf-${label:-x}-$(date +%s%N).json"; }
    local busy=$(((u1 + n1 + y1 + q1 + sq1) - (u0 + n0 + y0 + q0 + sq0)))
    local idle=$(((i1 + w1) - (i0 + w0)))
    awk -v g="$gb" -v ds=$((s1 - s0)) -v dl=$((l1 - l0)) -v hz="$HZ" -v ns=$((t1 - t0)) \
        -v b="$busy" -v i="$idle" \
        'BEGIN { sec = ns / 1e9; cs = ds / hz; cl = dl / hz; gbyte = g * sec / 8;
                 busy = (b + i) ? 100 * b / (b + i) : 0; es = gbyte > 0 ? cs / gbyte : 0;
                 el = gbyte > 0 ? cl / gbyte : 0;
                 printf "%.3f %.0f %.0f %.0f %.2f %.2f\n", g, 100 * cs / sec, 100 * cl / sec,
                     busy, es, el }'
}

# Results: RES[mode] = "g1 cs1 cl1;g2 cs2 cl2;..."
declare -A RES NOTE NEG
ORDER=(veth)
for m in "${MODES_ALL[@]}"; do
    set -- $m
    if [ -n "${DT_BENCH_MODES:-}" ] && ! grep -qw -- "$1" <<<"$DT_BENCH_MODES"; then
        continue
    fi
    if [ "$5" != - ] && [ "$HAVE_STATEFUL" = no ]; then
        NOTE[$1]="not measured: this build has no [Security] PreferStateful= (branch sessfix)"
    fi
    ORDER+=("$1")
done
BASELINES=(openvpn-aes128gcm wireguard-go)
for name in "${BASELINES[@]}"; do
    if [ -n "${DT_BENCH_MODES:-}" ] && ! grep -qw -- "$name" <<<"$DT_BENCH_MODES"; then
        continue
    fi
    why=$(baseline_missing "$name" | head -n 1)
    if [ -n "$why" ]; then
        NOTE[$name]=$why
        echo "$name: $why" >&2
    fi
    ORDER+=("$name")
done

echo "# $(uname -r), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# iperf3 single TCP stream, ${SECONDS_PER_RUN} s per run, $REPS rounds interleaved"

for ((r = 1; r <= REPS; r++)); do
    for name in "${ORDER[@]}"; do
        [ -z "${NOTE[$name]:-}" ] || continue
        if [ "$name" = veth ]; then
            line=$(iperf_run 192.0.2.1 "")
        elif [ "$name" = openvpn-aes128gcm ] || [ "$name" = wireguard-go ]; then
            BASE_NEG=""
            if ! start_baseline "$name"; then
                stop_all
                baseline_cleanup
                NOTE[$name]="the tunnel did not come up"
                continue
            fi
            NEG[$name]=$BASE_NEG
            line=$(iperf_run "$BASE_DEST" "")
            stop_all
            baseline_cleanup
            if [ -n "${DT_BENCH_LOGS:-}" ]; then
                mkdir -p "$DT_BENCH_LOGS"
                for f in "$DT_TMP"/ovpn/*.log "$DT_TMP"/wg/*.log; do
                    [ -f "$f" ] || continue
                    cp "$f" "$DT_BENCH_LOGS/$name-$r-$(basename "$f")"
                done
            fi
        else
            for m in "${MODES_ALL[@]}"; do
                set -- $m
                [ "$1" = "$name" ] && break
            done
            if ! start_tunnel "$2" "$3" "$4" "$5"; then
                stop_all
                NOTE[$name]="the tunnel did not come up"
                continue
            fi
            enc=$(grep -h 'Encryption:' "$DT_TMP/link.out" | sed 's/^ *Encryption: *//')
            if [ "$5" != - ] && ! grep -q stateful <<<"$enc"; then
                stop_all
                NOTE[$name]="not measured: negotiated \"$enc\", not stateful"
                continue
            fi
            NEG[$name]=$enc
            label=""
            [ "$r" -ne 1 ] || label=$name
            line=$(iperf_run 198.51.100.1 "$label")
            stop_all
            if [ -n "${DT_BENCH_LOGS:-}" ]; then
                mkdir -p "$DT_BENCH_LOGS"
                cp "$DT_TMP/link.err" "$DT_BENCH_LOGS/$name-$r-link.log"
                cp "$DT_TMP/server.log" "$DT_BENCH_LOGS/$name-$r-server.log"
            fi
        fi
        RES[$name]="${RES[$name]:-}${RES[$name]:+;}$line"
        printf '  round %d %-24s %s Gbit/s (cpu server %s %%, link %s %%, machine busy %s %%, cpu s/GB server %s link %s)\n' \
            "$r" "$name" $line
    done
done

# median, min, max of a column of "g cs cl;g cs cl;..."
stats() { # RESULT COLUMN
    tr ';' '\n' <<<"$1" | awk -v c="$2" '{ print $c }' | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) exit; m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
              printf "%s %s %s", m, v[1], v[NR] }'
}

echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
base=$(stats "${RES[veth]:-}" 1 | cut -d' ' -f1)
printf '%-24s %8s %17s %8s %9s %9s %9s %8s %8s  %s\n' mode Gbit/s "min..max" "of veth" "cpu srv" \
    "cpu link" "machine" "srv s/GB" "lnk s/GB" negotiated
for name in "${ORDER[@]}"; do
    if [ -z "${RES[$name]:-}" ]; then
        printf '%-24s %s\n' "$name" "${NOTE[$name]:-no result}"
        continue
    fi
    read -r g gmin gmax <<<"$(stats "${RES[$name]}" 1)"
    read -r cs _ _ <<<"$(stats "${RES[$name]}" 2)"
    read -r cl _ _ <<<"$(stats "${RES[$name]}" 3)"
    read -r mb _ _ <<<"$(stats "${RES[$name]}" 4)"
    read -r es _ _ <<<"$(stats "${RES[$name]}" 5)"
    read -r el _ _ <<<"$(stats "${RES[$name]}" 6)"
    pct=$(awk -v g="$g" -v b="${base:-0}" 'BEGIN { if (b > 0) printf "%.1f %%", 100 * g / b; else print "-" }')
    if [ "$name" = veth ]; then cs=-; cl=-; es=-; el=-; fi
    printf '%-24s %8.3f %8.3f..%-8.3f %8s %8s%% %8s%% %8s%% %8s %8s  %s\n' "$name" "$g" "$gmin" \
        "$gmax" "$pct" "$cs" "$cl" "$mb" "$es" "$el" "${NEG[$name]:-plain veth}"
done
