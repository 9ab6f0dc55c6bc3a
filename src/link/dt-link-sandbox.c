/* dt-link-sandbox.c — fork, privilege drop, seccomp, and the parent's side (see the header).
 *
 * The seccomp allowlist (allowlist[] below) is what the data path of a running link needs after
 * its set-up, and nothing that opens, creates, executes or reaches anything new: the child can
 * read, write, send and receive on the fds it already holds, wait on them, keep time, allocate
 * memory, draw random numbers, and end. Anything else (socket, connect, open, execve, fork,
 * ptrace, kill of another process, setuid, mount, bpf, ...) kills it with SIGSYS.
 */
#include "dt-link-sandbox.h"

#include "dt-link-exit.h"
#include "dt-log.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <poll.h>
#include <pwd.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define NOBODY_ID 65534
/* How long the parent waits for an answerless child: after the first stop, the child's own
 * disconnect bound (6 s in dt-link-dataplane.c) plus a margin; after the second, a short one. */
#define STOP_GRACE_MS 10000
#define STOP_NOW_GRACE_MS 3000
#define APPLY_TIMEOUT_MS 10000
/* IPv4's minimum MTU (RFC 791) and the most a profile may ask for (dt-profile.c). */
#define MTU_MIN 68
#define MTU_MAX 1500

enum {
    TEST_HOOK_NONE,
    TEST_HOOK_VIOLATE, /* a forbidden system call right after the network is applied */
};

typedef enum {
    MSG_NETWORK = 1, /* child → parent: apply local, peer, local6, mtu */
    MSG_REPLY,       /* parent → child: code (0 or -errno), refused, text */
    MSG_RESULT,      /* child → parent: code (exit status), reason, text; then it exits */
    MSG_STOP,        /* parent → child: an orderly disconnect */
    MSG_STOP_NOW,    /* parent → child: stop without waiting for the peer */
} MsgType;

/* One record; both ends are this binary, so a plain struct of fixed size (checked exactly). */
typedef struct {
    uint32_t type;
    int32_t code;
    int32_t reason;
    uint32_t mtu;
    DtInetAddr local, peer, local6;
    uint32_t dns[2];
    int32_t dns_applied;
    char dns_note[256];
    char text[DT_LINK_SANDBOX_MESSAGE_MAX];
} Msg;

static int fail(char *why, size_t why_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(char *why, size_t why_size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_size, fmt, ap);
    va_end(ap);
    return -1;
}

static int
send_msg(int fd, const Msg *m)
{
    return send(fd, m, sizeof *m, MSG_NOSIGNAL) == (ssize_t)sizeof *m ? 0 : -1;
}

static DtTime
now_ms(void)
{
    return dt_io_now();
}

int
dt_link_sandbox_init(DtLinkSandbox *sb, char *why, size_t why_size)
{
    const struct passwd *pw;

    memset(sb, 0, sizeof *sb);
    sb->sock = -1;
    /* A user of our own keeps links apart from everything else that runs as nobody. */
    pw = getpwnam(DT_LINK_SANDBOX_USER);
    if (!pw)
        pw = getpwnam("nobody");
    if (pw) {
        sb->uid = pw->pw_uid;
        sb->gid = pw->pw_gid;
        snprintf(sb->user, sizeof sb->user, "%s", pw->pw_name);
    } else {
        sb->uid = NOBODY_ID;
        sb->gid = NOBODY_ID;
        snprintf(sb->user, sizeof sb->user, "%d", NOBODY_ID);
    }
    if (sb->uid == 0 || sb->gid == 0)
        return fail(why, why_size, "The sandbox user %s is root; refusing to run the link",
                    sb->user);
#ifdef DT_TEST_HOOKS
    /* Test builds only (meson's debug builds): tests/integration/test-sandbox.sh proves the
     * filter kills and that the kill is reported and cleaned up after. */
    const char *hook = getenv("DT_TEST_SANDBOX");
    if (hook && strcmp(hook, "violate") == 0)
        sb->test_hook = TEST_HOOK_VIOLATE;
#endif
    return 0;
}

void
dt_link_sandbox_clear(DtLinkSandbox *sb)
{
    if (sb->sock >= 0)
        close(sb->sock);
    sb->sock = -1;
}

/* ---- the child: privileges ---- */

static int
drop_capabilities(char *why, size_t why_size)
{
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &hdr, data) < 0)
        return fail(why, why_size, "Cannot drop capabilities: %s", strerror(errno));
    memset(data, 0xff, sizeof data);
    if (syscall(SYS_capget, &hdr, data) < 0)
        return fail(why, why_size, "Cannot read capabilities: %s", strerror(errno));
    for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
        if (data[i].effective || data[i].permitted || data[i].inheritable)
            return fail(why, why_size, "Capabilities are still held after dropping them");
    return 0;
}

static int
drop_privileges(DtLinkSandbox *sb, pid_t parent, char *why, size_t why_size)
{
    uid_t ru, eu, su;
    gid_t rg, eg, sg;

    /* Keys will live here: no core dumps, no ptrace by the same user. Set again after the uid
     * change, which resets it. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    /* Its own process group: a terminal's ^C reaches the parent only, which relays it once
     * (MSG_STOP); writes to the terminal from a background group are not stopped. */
    (void)setpgid(0, 0);
    signal(SIGTTOU, SIG_IGN);
    if (chdir("/") < 0)
        return fail(why, why_size, "Cannot change to /: %s", strerror(errno));
    if (setgroups(0, NULL) < 0)
        return fail(why, why_size, "Cannot drop supplementary groups: %s", strerror(errno));
    if (setresgid(sb->gid, sb->gid, sb->gid) < 0)
        return fail(why, why_size, "Cannot change to group %u: %s", (unsigned)sb->gid,
                    strerror(errno));
    (void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    /* The bounding set needs CAP_SETPCAP, which the helper's unit does not grant; without it
     * the set only matters for execve of file-capability programs, which no-new-privs and the
     * filter (no execve) rule out. */
    for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
            break;
    (void)prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
    if (setresuid(sb->uid, sb->uid, sb->uid) < 0)
        return fail(why, why_size, "Cannot change to user %s: %s", sb->user, strerror(errno));
    if (drop_capabilities(why, why_size) < 0)
        return -1;
    /* Prove it, as OpenSSH does: no way back to root, every id the target. */
    if (setresuid(0, 0, 0) == 0 || setresgid(0, 0, 0) == 0)
        return fail(why, why_size, "Could regain root after dropping privileges");
    if (getresuid(&ru, &eu, &su) < 0 || ru != sb->uid || eu != sb->uid || su != sb->uid ||
        getresgid(&rg, &eg, &sg) < 0 || rg != sb->gid || eg != sb->gid || sg != sb->gid ||
        getgroups(0, NULL) != 0)
        return fail(why, why_size, "The user and group ids are not all %s's", sb->user);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return fail(why, why_size, "Cannot set no-new-privileges: %s", strerror(errno));
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return fail(why, why_size, "Cannot make the process non-dumpable: %s", strerror(errno));
    struct rlimit none = {0, 0};
    (void)setrlimit(RLIMIT_CORE, &none);
    /* The uid change cleared any death signal: set it now. The parent holds the TUN and the
     * routes; without it the link must not run on. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
        return fail(why, why_size, "Cannot set the parent-death signal: %s", strerror(errno));
    if (getppid() != parent)
        _exit(DT_EXIT_OTHER);
    return 0;
}

int
dt_link_sandbox_fork(DtLinkSandbox *sb, char *why, size_t why_size)
{
    int sv[2];
    pid_t parent = getpid(), pid;

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return fail(why, why_size, "Cannot make the sandbox's socket: %s", strerror(errno));
    /* Nothing buffered may be written twice. */
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return fail(why, why_size, "Cannot start the link's protocol process: %s", strerror(errno));
    }
    if (pid > 0) {
        close(sv[1]);
        sb->sock = sv[0];
        sb->child = pid;
        dt_log("stage=sandbox pid=%ld user=%s uid=%u", (long)pid, sb->user, (unsigned)sb->uid);
        return 1;
    }
    close(sv[0]);
    sb->sock = sv[1];
    sb->in_child = true;
    sb->child = 0;
    return drop_privileges(sb, parent, why, why_size) < 0 ? -1 : 0;
}

/* ---- the child: the filter ---- */

#define ALLOW(name)                                                                                \
    {                                                                                              \
        SCMP_SYS(name), #name                                                                      \
    }

/* What the data path calls once the link runs, and why. */
static const struct {
    int nr;
    const char *name;
} allowlist[] = {
    /* TUN packets (read/write per packet), control-connection octets (recv/send on TCP),
     * stderr log lines and stdout; the sandbox socketpair (send/recv). */
    ALLOW(read),
    ALLOW(write),
    ALLOW(readv),
    ALLOW(writev),
    ALLOW(recvfrom),
    ALLOW(sendto),
    ALLOW(recvmsg),
    ALLOW(sendmsg),
    /* GRE in and out, a batch per call (dt-gre-sock.c). */
    ALLOW(recvmmsg),
    ALLOW(sendmmsg),
    /* The epoll loop and its one timer (dt-loop.c), the managed mode's stats timer, and the
     * wait for the parent's answer to a NETWORK request. */
    ALLOW(epoll_wait),
    ALLOW(epoll_pwait),
    ALLOW(epoll_pwait2),
    ALLOW(epoll_ctl),
    ALLOW(timerfd_settime),
    ALLOW(timerfd_gettime),
    ALLOW(poll),
    ALLOW(ppoll),
    /* The clock (usually the vDSO; these are its fallbacks). */
    ALLOW(clock_gettime),
    ALLOW(clock_getres),
    ALLOW(gettimeofday),
    /* Memory: malloc, OpenSSL, GLib's GVariants in managed mode. mmap and mprotect are
     * further limited to mappings that are not executable (filter_add_memory). */
    ALLOW(brk),
    ALLOW(munmap),
    ALLOW(mremap),
    ALLOW(madvise),
    /* Locks inside libc, OpenSSL and GLib, though the process has one thread. */
    ALLOW(futex),
    ALLOW(sched_yield),
    /* Random numbers: the engine's challenges and call ids, OpenSSL's DRBG reseeding. */
    ALLOW(getrandom),
    /* A control connection the server closed; the end of the run. */
    ALLOW(close),
    /* raise(SIGTERM) (the helper's socket closing, the parent's STOP) reaches the signalfd:
     * its signal mask calls, and tgkill limited to this process (filter_add_self_signal). */
    ALLOW(rt_sigprocmask),
    ALLOW(rt_sigreturn),
    ALLOW(getpid),
    ALLOW(gettid),
    ALLOW(restart_syscall),
    ALLOW(exit),
    ALLOW(exit_group),
#ifdef DT_SANITIZER_BUILD
    /* ASan/UBSan builds only: what the sanitizer runtime needs to print a report (reads
     * /proc/self/maps and the binary to symbolize) instead of dying mid-report by SIGSYS. */
    ALLOW(openat),
    ALLOW(open),
    ALLOW(readlink),
    ALLOW(readlinkat),
    ALLOW(fstat),
    ALLOW(newfstatat),
    ALLOW(lseek),
    ALLOW(pread64),
    ALLOW(sigaltstack),
    ALLOW(rt_sigaction),
    ALLOW(prctl),
    ALLOW(getppid),
    ALLOW(sched_getaffinity),
    ALLOW(mincore),
#endif
};

static int
add_rule(scmp_filter_ctx ctx, int nr, unsigned n_args, const struct scmp_arg_cmp *args)
{
    int rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, n_args, args);
    /* -EDOM/-EFAULT: the call does not exist on this architecture (SCMP_SYS gives a pseudo
     * number); nothing to allow. */
    return rc == -EDOM || rc == -EFAULT ? 0 : rc;
}

static int
build_filter(scmp_filter_ctx ctx, const DtLinkSandbox *sb)
{
    int rc;

    for (size_t i = 0; i < sizeof allowlist / sizeof allowlist[0]; i++) {
        rc = add_rule(ctx, allowlist[i].nr, 0, NULL);
        if (rc < 0)
            return rc;
    }
    /* No executable memory: a hijacked child cannot map shellcode (W^X also for the helper's
     * MemoryDenyWriteExecute). */
    struct scmp_arg_cmp noexec = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
    rc = add_rule(ctx, SCMP_SYS(mmap), 1, &noexec);
    if (rc == 0)
        rc = add_rule(ctx, SCMP_SYS(mprotect), 1, &noexec);
    if (rc < 0)
        return rc;
    /* Signals only to itself: raise(). */
    struct scmp_arg_cmp self = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid(), 0);
    rc = add_rule(ctx, SCMP_SYS(tgkill), 1, &self);
    if (rc < 0)
        return rc;
    /* isatty() (GLib's log writer asks before colouring): TCGETS and nothing else. */
    struct scmp_arg_cmp tcgets = SCMP_A1(SCMP_CMP_EQ, TCGETS, 0);
    rc = add_rule(ctx, SCMP_SYS(ioctl), 1, &tcgets);
    if (rc < 0 || !sb->serial)
        return rc;
    /* A dial-up link watches DCD from CONNECT on: CLOCAL off on its serial line, a TCSETS.
     * Nothing else about the line (DTR, the lock, the speed) is the child's to change. */
    struct scmp_arg_cmp tcsets = SCMP_A1(SCMP_CMP_EQ, TCSETS, 0);
    return add_rule(ctx, SCMP_SYS(ioctl), 1, &tcsets);
}

static void
parent_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    DtLinkSandbox *sb = user;
    Msg m;
    ssize_t n = recv(sb->sock, &m, sizeof m, MSG_DONTWAIT);

    (void)events;
    if (n < 0 && errno == EAGAIN)
        return;
    if (n != (ssize_t)sizeof m) {
        /* The parent is gone (it never sends anything malformed): stop. */
        dt_loop_remove(loop, w, NULL);
        raise(SIGTERM);
        return;
    }
    /* One record per turn, so that a STOP and a STOP_NOW never merge into one pending
     * signal: SIGTERM asks for the orderly disconnect, SIGINT after it for the immediate one
     * (dt-link-dataplane.c counts signals). */
    if (m.type == MSG_STOP)
        raise(SIGTERM);
    else if (m.type == MSG_STOP_NOW)
        raise(SIGINT);
}

int
dt_link_sandbox_lock(DtLinkSandbox *sb, DtLoop *loop, char *why, size_t why_size)
{
    scmp_filter_ctx ctx;
    int rc;

    if (!sb)
        return 0;
    /* stdio decides stdout's buffering by fstat() at its first use: let that happen now. */
    bool tty = isatty(STDOUT_FILENO);
    setvbuf(stdout, NULL, _IOFBF, BUFSIZ);
    if (tty)
        setvbuf(stdout, NULL, _IOLBF, BUFSIZ);

    ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    if (!ctx)
        return fail(why, why_size, "Cannot set up the system call filter");
    rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    if (rc == 0)
        rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    if (rc == 0)
        rc = build_filter(ctx, sb);
    if (rc == 0)
        rc = seccomp_load(ctx);
    seccomp_release(ctx);
    if (rc < 0)
        return fail(why, why_size, "Cannot install the system call filter: %s", strerror(-rc));
    sb->locked = true;
    sb->w_parent = (DtLoopWatch){.fd = sb->sock, .events = EPOLLIN, .func = parent_cb, .user = sb};
    if (dt_loop_add(loop, &sb->w_parent, NULL) < 0)
        return fail(why, why_size, "Cannot watch the sandbox's socket");
    dt_log("stage=sandbox locked=seccomp allowed_calls=%zu user=%s",
           sizeof allowlist / sizeof allowlist[0] + 4, sb->user);
    return 0;
}

int
dt_link_sandbox_apply_ip(DtLinkSandbox *sb, const DtLinkIpSettings *ip,
                         const uint32_t offered_dns[2], bool *refused, DtIoError *err)
{
    Msg m;
    DtTime deadline = now_ms() + APPLY_TIMEOUT_MS;

    *refused = false;
    memset(&m, 0, sizeof m);
    m.type = MSG_NETWORK;
    m.mtu = ip->mtu;
    m.local = ip->local;
    m.peer = ip->peer;
    m.local6 = ip->local6;
    m.dns[0] = offered_dns[0];
    m.dns[1] = offered_dns[1];
    if (send_msg(sb->sock, &m) < 0)
        return dt_io_fail(err, errno ? errno : EPIPE,
                          "asking the privileged process to apply "
                          "the network");
    /* Bounded: the answer, or the parent's death (which also kills us), within the timeout. */
    for (int i = 0; i < 64; i++) {
        struct pollfd pfd = {.fd = sb->sock, .events = POLLIN};
        int64_t left = (int64_t)(deadline - now_ms());
        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
            return dt_io_fail(err, ETIMEDOUT, "waiting for the privileged process");
        ssize_t n = recv(sb->sock, &m, sizeof m, 0);
        if (n != (ssize_t)sizeof m)
            return dt_io_fail(err, EPIPE, "waiting for the privileged process");
        if (m.type == MSG_STOP) {
            raise(SIGTERM);
            continue;
        }
        if (m.type == MSG_STOP_NOW) {
            raise(SIGINT);
            continue;
        }
        if (m.type != MSG_REPLY)
            continue;
        if (m.code < 0) {
            *refused = m.reason != 0;
            err->code = -m.code;
            memcpy(err->message, m.text, sizeof err->message - 1);
            err->message[sizeof err->message - 1] = '\0';
            return m.code;
        }
        sb->dns_applied = m.dns_applied != 0;
        memcpy(sb->dns_note, m.dns_note, sizeof sb->dns_note);
        sb->dns_note[sizeof sb->dns_note - 1] = '\0';
#ifdef DT_TEST_HOOKS
        if (sb->test_hook == TEST_HOOK_VIOLATE) {
            dt_log("stage=sandbox test=violate call=socket");
            /* Never allowed: the filter kills the process here. */
            (void)syscall(SYS_socket, AF_INET, SOCK_DGRAM, 0);
            dt_log("stage=sandbox test=violate error=\"the forbidden call returned\"");
        }
#endif
        return 0;
    }
    return dt_io_fail(err, EPROTO, "waiting for the privileged process");
}

void
dt_link_sandbox_exit(DtLinkSandbox *sb, int status, DtReason reason, const char *message)
{
    Msg m;
    memset(&m, 0, sizeof m);
    m.type = MSG_RESULT;
    m.code = status;
    m.reason = (int32_t)reason;
    snprintf(m.text, sizeof m.text, "%s", message ? message : "");
    if (sb->sock >= 0)
        (void)send_msg(sb->sock, &m);
    fflush(stdout);
    fflush(stderr);
    /* No atexit handlers: they belong to the parent's process image (and a sanitizer's leak
     * check would need ptrace). */
    _exit(status & 0xff);
}

/* ---- the parent ---- */

static bool
ipv4_usable(const DtInetAddr *a)
{
    unsigned top = a->bytes[0];
    /* 0/8 "this network", 127/8 loopback, 224/4 multicast, 240/4 reserved and broadcast. */
    return a->family == AF_INET && top != 0 && top != 127 && top < 224;
}

static bool
addr_is_family(const DtInetAddr *a, int family)
{
    if (a->family != family)
        return false;
    for (unsigned i = dt_inet_addr_len(family); i < sizeof a->bytes; i++)
        if (a->bytes[i])
            return false;
    return true;
}

/* Returns NULL when m may be applied, else why not. */
static const char *
validate_network(const DtLinkSandbox *sb, const Msg *m, char *buf, size_t size)
{
    char a[DT_INET_STRLEN];

    if (sb->applied)
        return "the network was applied already";
    if (!addr_is_family(&m->local, AF_INET) || !ipv4_usable(&m->local)) {
        snprintf(buf, size,
                 "the local address %s is not usable (0.0.0.0, loopback, multicast "
                 "or reserved)",
                 m->local.family == AF_INET ? dt_inet_to_string(&m->local, a) : "(not IPv4)");
        return buf;
    }
    if (sb->server.family && dt_inet_equal(&m->local, &sb->server))
        return "the local address is the VPN server's own";
    if (m->peer.family) {
        if (!addr_is_family(&m->peer, AF_INET) || !ipv4_usable(&m->peer)) {
            snprintf(buf, size, "the server end's address %s is not usable",
                     m->peer.family == AF_INET ? dt_inet_to_string(&m->peer, a) : "(not IPv4)");
            return buf;
        }
        if (dt_inet_equal(&m->peer, &m->local))
            return "the server end's address is our own";
        /* Its /32 on the TUN would take the tunnel's own packets away from the host route. */
        if (sb->server.family && dt_inet_equal(&m->peer, &sb->server))
            return "the server end's address is the VPN server's public address";
    }
    if (m->local6.family) {
        static const uint8_t zero[8];
        if (!addr_is_family(&m->local6, AF_INET6) || m->local6.bytes[0] != 0xfe ||
            m->local6.bytes[1] != 0x80 || memcmp(m->local6.bytes + 2, zero, 6) != 0 ||
            memcmp(m->local6.bytes + 8, zero, 8) == 0)
            return "the IPv6 address is not a link-local fe80::/64 address";
    }
    if (m->mtu && (m->mtu < MTU_MIN || m->mtu > MTU_MAX)) {
        snprintf(buf, size, "the MTU %u is outside %d to %d", m->mtu, MTU_MIN, MTU_MAX);
        return buf;
    }
    return NULL;
}

/* DNS for --standalone, by the parent: resolved's D-Bus API or resolv.conf are privileged.
 * Offered servers that are no servers at all (0/8, loopback, multicast) are dropped. */
static void
serve_dns(DtLinkSandbox *sb, const Msg *m, Msg *reply)
{
    uint32_t offered[2];
    const char *via = NULL;
    char why[sizeof reply->dns_note] = "";

    if (!sb->profile || sb->dns)
        return;
    for (int i = 0; i < 2; i++) {
        unsigned top = m->dns[i] >> 24;
        offered[i] = top != 0 && top != 127 && top < 224 ? m->dns[i] : 0;
    }
    sb->dns =
        dt_link_dns_apply(sb->profile, sb->ifname, sb->ifindex, offered, &via, why, sizeof why);
    reply->dns_applied = sb->dns != NULL;
    snprintf(reply->dns_note, sizeof reply->dns_note, "%s", sb->dns && via ? via : why);
    if (sb->dns)
        dt_log("stage=dns via=%s applied=parent", via ? via : "?");
    else if (why[0])
        dt_log("stage=dns error=\"%s\"", why);
}

static void
serve_network(DtLinkSandbox *sb, const Msg *m)
{
    Msg reply;
    DtIoError err = {0};
    char buf[160];
    const char *bad = validate_network(sb, m, buf, sizeof buf);

    memset(&reply, 0, sizeof reply);
    reply.type = MSG_REPLY;
    if (bad) {
        dt_log("stage=network error=\"refused: %s\"", bad);
        reply.code = -EPERM;
        reply.reason = 1;
        snprintf(reply.text, sizeof reply.text, "Refused to apply the network: %s", bad);
    } else {
        DtLinkIpSettings ip = {
            .ifindex = sb->ifindex,
            .local = m->local,
            .peer = m->peer,
            .local6 = m->local6,
            .mtu = m->mtu,
            .default_route = sb->default_route,
            .routes = sb->routes,
            .n_routes = sb->n_routes,
        };
        /* Whatever part of it went in stays recorded, and so is removed at the end. */
        sb->applied = true;
        if (dt_link_netcfg_apply(sb->netcfg, &ip, &err) < 0) {
            reply.code = -(err.code ? err.code : EIO);
            snprintf(reply.text, sizeof reply.text, "%s", err.message);
        } else {
            char a[DT_INET_STRLEN];
            dt_log("stage=network applied=parent local=%s mtu=%u routes=%zu",
                   dt_inet_to_string(&m->local, a), m->mtu, sb->netcfg->n_added);
            serve_dns(sb, m, &reply);
        }
    }
    (void)send_msg(sb->sock, &reply);
}

/* Handles one record; false when the child broke the protocol. */
static bool
serve_record(DtLinkSandbox *sb, const Msg *m, ssize_t n, Msg *result, bool *have_result)
{
    if (n != (ssize_t)sizeof *m)
        return false;
    switch (m->type) {
    case MSG_NETWORK:
        serve_network(sb, m);
        return true;
    case MSG_RESULT:
        *result = *m;
        result->text[sizeof result->text - 1] = '\0';
        *have_result = true;
        return true;
    default:
        return false;
    }
}

static void
clean_text(char *s)
{
    /* The child's words go to logs and D-Bus: printable, one line. */
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = '?';
}

int
dt_link_sandbox_serve(DtLinkSandbox *sb, int sigfd, DtReason *reason, char *message,
                      size_t message_size)
{
    int pidfd = (int)syscall(SYS_pidfd_open, sb->child, 0);
    int stops = 0, wstatus = 0, sock = sb->sock;
    bool exited = false, have_result = false, killed = false, broken = false;
    DtTime kill_at = 0;
    Msg m, result;

    memset(&result, 0, sizeof result);
    while (!exited) {
        struct pollfd pfd[3] = {
            {.fd = sock, .events = POLLIN},
            {.fd = sigfd, .events = POLLIN},
            {.fd = pidfd, .events = POLLIN},
        };
        int timeout = pidfd < 0 ? 100 : -1;
        if (kill_at) {
            int64_t left = (int64_t)(kill_at - now_ms());
            timeout = left <= 0 ? 0 : (timeout < 0 || left < timeout ? (int)left : timeout);
        }
        int n = poll(pfd, 3, timeout);
        if (n < 0 && errno != EINTR)
            break;
        if (kill_at && now_ms() >= kill_at) {
            dt_log("stage=sandbox error=\"the protocol process did not stop in time; "
                   "killing it\"");
            kill(sb->child, SIGKILL);
            killed = true;
            kill_at = 0;
        }
        if (n > 0 && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t r = recv(sock, &m, sizeof m, MSG_DONTWAIT | MSG_TRUNC);
            if (r == 0 || (r < 0 && errno != EAGAIN)) {
                sock = -1; /* closed: it is exiting */
            } else if (r > 0 && !serve_record(sb, &m, r, &result, &have_result)) {
                dt_log("stage=sandbox error=\"malformed record from the protocol process "
                       "(%zd octets); killing it\"",
                       r);
                kill(sb->child, SIGKILL);
                broken = killed = true;
                sock = -1;
            }
        }
        if (n > 0 && (pfd[1].revents & POLLIN)) {
            struct signalfd_siginfo si;
            while (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
                Msg stop = {.type = ++stops == 1 ? MSG_STOP : MSG_STOP_NOW};
                dt_log("stage=sandbox signal=%u relayed=%s", si.ssi_signo,
                       stops == 1 ? "stop" : "stop-now");
                if (stops > 2) {
                    kill(sb->child, SIGKILL);
                    killed = true;
                } else if (sb->sock >= 0) {
                    (void)send_msg(sb->sock, &stop);
                    kill_at = now_ms() + (stops == 1 ? STOP_GRACE_MS : STOP_NOW_GRACE_MS);
                }
            }
        }
        if (pidfd < 0 || (n > 0 && (pfd[2].revents & POLLIN))) {
            pid_t w = waitpid(sb->child, &wstatus, WNOHANG);
            if (w == sb->child || (w < 0 && errno == ECHILD))
                exited = true;
        }
    }
    if (!exited)
        (void)waitpid(sb->child, &wstatus, 0);
    /* What it said last (RESULT) is still queued. */
    while (sock >= 0 && !broken) {
        ssize_t r = recv(sock, &m, sizeof m, MSG_DONTWAIT | MSG_TRUNC);
        if (r <= 0 || !serve_record(sb, &m, r, &result, &have_result))
            break;
    }
    if (pidfd >= 0)
        close(pidfd);
    sb->child = 0;
    /* Before the TUN goes: resolv.conf must not name servers only the tunnel reaches. */
    dt_link_dns_revert(sb->dns);
    sb->dns = NULL;

    int status = DT_EXIT_OTHER;
    *reason = DT_REASON_INTERNAL;
    if (WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGSYS) {
        *reason = DT_REASON_SANDBOX_VIOLATION;
        snprintf(message, message_size,
                 "The link's protocol process made a system call its sandbox does not allow "
                 "and was stopped (SIGSYS, seccomp). This is a bug in Dialtone; please report "
                 "it");
    } else if (WIFSIGNALED(wstatus) && killed && stops > 0 && !broken) {
        status = DT_EXIT_OK;
        *reason = DT_REASON_LOCAL_REQUEST;
        snprintf(message, message_size,
                 "stopped by signal (the protocol process was killed "
                 "when it did not stop in time)");
    } else if (WIFSIGNALED(wstatus)) {
        snprintf(message, message_size, "The link's protocol process %s (signal %d, %s)",
                 broken ? "broke the sandbox's protocol and was killed" : "died", WTERMSIG(wstatus),
                 strsignal(WTERMSIG(wstatus)));
    } else if (have_result) {
        status = WEXITSTATUS(wstatus);
        if (result.reason >= DT_REASON_NONE && result.reason <= DT_REASON_SANDBOX_VIOLATION)
            *reason = (DtReason)result.reason;
        clean_text(result.text);
        snprintf(message, message_size, "%s", result.text);
    } else {
        status = WEXITSTATUS(wstatus) ? WEXITSTATUS(wstatus) : DT_EXIT_OTHER;
        snprintf(message, message_size,
                 "The link's protocol process ended (status %d) without saying why",
                 WEXITSTATUS(wstatus));
    }
    if (WIFSIGNALED(wstatus))
        dt_log("stage=sandbox child_signal=%d reason=%s", WTERMSIG(wstatus),
               dt_reason_to_string(*reason));
    return status;
}
