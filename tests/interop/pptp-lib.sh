# pptp-lib.sh — shared by the PPTP interop drivers (pptp-client.sh, pptp-server.sh): build the
# reference peer image, boot VMs of any role into a network namespace of our own, talk to a
# booted pptpd VM, read its console log, and stop everything on exit.
#
# Sourced as: source pptp-lib.sh PEER_DIR
#
# Network: every driver gets its own namespace "interop-<pid>" with the harness's bridge dtbr0
# and 192.0.2.254/24 on it (the harness adds that address); VMs join the bridge by their tap. The
# tests run our programs with `ip netns exec "$IO_NS"`, so all traffic stays between the
# namespace and the VMs.
#
# Changing pppd's options without a reboot: pptpd starts a new pppd for every call, and that pppd
# reads /etc/ppp/pptpd-options afresh. The --run command of a pptpd VM (io_pptpd_run below)
# starts busybox httpd on the VM's eth0 with three CGI scripts: POST /cgi-bin/policy replaces the
# policy and options part of that file (the next call uses it), GET /blob is a random file whose
# md5 the console shows, and POST /cgi-bin/md5 answers the md5 of what it received. So one boot
# serves every policy case, and the file transfers go through the tunnel both ways.
set -euo pipefail

PEER_DIR=$(realpath -m "${1:?usage: source pptp-lib.sh PEER_DIR}")
PEER_START=$(realpath "$(dirname "${BASH_SOURCE[0]}")")/peer-start
IO_BUILD_TIMEOUT=${DT_INTEROP_BUILD_TIMEOUT:-300}
IO_READY_TIMEOUT=90
export DT_PEER_RUN=${DT_PEER_RUN:-/tmp/dialtone-peer}

io_skip() {
    echo "SKIP: $*"
    exit 77
}
io_fail() {
    echo "FAIL: $*" >&2
    exit 1
}
io_now() { date +%s.%N; }
io_since() { awk -v a="$1" -v b="$(io_now)" 'BEGIN { printf "%.1f", b - a }'; }

[ "$(id -u)" -eq 0 ] || io_skip "needs root (the peer harness uses apt-get, netns, tap and qemu)"
[ -x "$PEER_DIR/build" ] || io_skip "no reference peer at $PEER_DIR"
[ -c /dev/net/tun ] || io_skip "no /dev/net/tun"
command -v curl >/dev/null || io_skip "no curl (tools/deps)"

IO_TMP=$(mktemp -d /tmp/dt-interop-pptp.XXXXXX)
IO_NS="interop-$$"
IO_VMS=()
IO_PIDS=()

io_cleanup() {
    local p n pids
    for p in "${IO_PIDS[@]}"; do
        kill -TERM "$p" 2>/dev/null || true
    done
    for n in "${IO_VMS[@]}"; do
        "$PEER_DIR/stop" --name "$n" >/dev/null 2>&1 || true
    done
    if ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$IO_NS"; then
        pids=$(ip netns pids "$IO_NS" 2>/dev/null || true)
        [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
        ip netns del "$IO_NS" 2>/dev/null || true
    fi
    if [ "${IO_KEEP:-0}" = 1 ]; then
        echo "# kept $IO_TMP"
    else
        rm -rf "$IO_TMP"
        for n in "${IO_VMS[@]}"; do rm -rf "${DT_PEER_RUN:?}/$n"; done
    fi
}
trap io_cleanup EXIT
trap 'exit 1' INT TERM HUP

# io_wait SECONDS COMMAND...: retries every 0.2 s until COMMAND succeeds or time runs out.
io_wait() {
    local tries
    tries=$(awk -v s="$1" 'BEGIN { printf "%d", s * 5 }')
    shift
    for ((i = 0; i < tries; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    return 1
}

# io_build: the peer image (idempotent), serialised with any other build on this machine (a
# second checkout, or the dial-up tests) by a lock beside the harness's cache.
io_build() {
    local t0 rc=0
    t0=$(io_now)
    mkdir -p "$HOME/.cache"
    flock -w "$IO_BUILD_TIMEOUT" "$HOME/.cache/dialtone-peer.lock" \
        timeout "$IO_BUILD_TIMEOUT" "$PEER_DIR/build" >"$IO_TMP/build.log" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
        tail -20 "$IO_TMP/build.log" >&2
        command -v qemu-system-x86_64 >/dev/null || io_skip "qemu could not be installed"
        io_fail "the peer image build failed or took over ${IO_BUILD_TIMEOUT} s (exit $rc)"
    fi
    echo "# build: $(tail -1 "$IO_TMP/build.log") ($(io_since "$t0") s)"
}

# io_netns: our namespace (the harness adds the bridge and 192.0.2.254/24 when a VM starts).
io_netns() {
    ip netns add "$IO_NS" || io_skip "cannot create network namespaces"
    ip -n "$IO_NS" link set lo up
}

# io_start_vm VAR NAME-SUFFIX START-ARGS...: boots a VM named io<suffix><pid> (12 chars at most)
# in our namespace and waits for PEER READY; VAR gets the path of its console log.
io_start_vm() {
    local var=$1 name="io$2$$" t0 console
    shift 2
    name=${name:0:12}
    IO_VMS+=("$name")
    t0=$(io_now)
    if ! "$PEER_START" "$PEER_DIR" --name "$name" --netns "$IO_NS" --timeout "$IO_READY_TIMEOUT" "$@" \
        >"$IO_TMP/$name.env" 2>"$IO_TMP/$name.start.log"; then
        tail -30 "$IO_TMP/$name.start.log" >&2
        io_fail "VM $name did not get ready within ${IO_READY_TIMEOUT} s"
    fi
    console=$(sed -n 's/^console=//p' "$IO_TMP/$name.env")
    [ -n "$console" ] || io_fail "start printed no console for $name"
    echo "# boot $name ($*): $(io_since "$t0") s"
    printf -v "$var" '%s' "$console"
}

# io_pptpd_run BLOB-KIB: the --run command of a pptpd VM (see the header).
io_pptpd_run() {
    cat <<EOF
mkdir -p /www/cgi-bin
head -3 /etc/ppp/pptpd-options > /etc/ppp/pptpd-base
dd if=/dev/urandom of=/www/blob bs=1024 count=$1 2>/dev/null
cat > /www/cgi-bin/policy <<'CGI'
#!/bin/sh
head -c "\$CONTENT_LENGTH" > /tmp/policy
cat /etc/ppp/pptpd-base /tmp/policy > /etc/ppp/pptpd-options
echo "PEER POLICY \$QUERY_STRING: \$(tr '\n' ' ' < /tmp/policy)" > /dev/console
printf 'Content-Type: text/plain\r\n\r\nok\n'
CGI
cat > /www/cgi-bin/md5 <<'CGI'
#!/bin/sh
sum=\$(head -c "\$CONTENT_LENGTH" | md5sum | cut -d' ' -f1)
printf 'Content-Type: text/plain\r\n\r\n%s\n' "\$sum"
CGI
chmod 755 /www/cgi-bin/policy /www/cgi-bin/md5
httpd -p 8080 -h /www
echo "PEER BLOB \$(md5sum /www/blob | cut -d' ' -f1)"
EOF
}

# io_pptpd_policy HOST CASE 'pppd options': the options of the next call; the console shows
# "PEER POLICY case=CASE: options" (io_console_from cuts the log there).
io_pptpd_policy() {
    local out
    out=$(printf '%s\n' "$3" | ip netns exec "$IO_NS" curl -sS --max-time 10 \
        --data-binary @- "http://$1:8080/cgi-bin/policy?case=$2") ||
        io_fail "cannot set the pppd policy on $1"
    [ "$out" = ok ] || io_fail "the policy CGI on $1 answered '$out'"
}

# io_console_from CONSOLE MARK: the console lines after the last line containing MARK.
io_console_from() {
    awk -v m="$2" 'index($0, m) { buf = ""; next } { buf = buf $0 "\n" } END { printf "%s", buf }' \
        "$1" | tr -d '\r'
}

# io_has FILE PATTERN (grep -E)
io_has() { grep -qaE -- "$2" "$1"; }
