/* dt-link-dialfirst.c — the dial-up child under a PPTP tunnel (see the header). */
#include "dt-link-dialfirst.h"

#include "dt-link-exit.h"
#include "dt-log.h"
#include "dt-tcp.h"

#include <glib.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define LOWER_UP_TIMEOUT_MS 180000 /* dialling, CONNECT, LCP, authentication, IPCP */
#define LOWER_STOP_TIMEOUT_MS 10000
#define READY_FD 3
#define PROFILE_FD 4

typedef struct {
    pid_t pid;
    int ready_fd; /* read end: "stage …" lines, "up …", "down …", then EOF when it ends */
    DtLoopWatch watch;
    bool lower_down;
    int ifindex;
    char tun[32];
    char local[48], peer[48];
    /* The child's own "down reason=N message" line, when it sent one. */
    DtReason down_reason;
    char down_message[256];
    DtLinkNetcfg netcfg;
    bool netcfg_ready;
} DialFirst;

static int __attribute__((format(printf, 3, 4)))
fail_with(DtLinkRun *run, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(run->message, sizeof run->message, fmt, ap);
    va_end(ap);
    return status;
}

/* <dir of the PPTP profile>/<id>.conf; false when the id could name another directory. */
static bool
dialup_profile_path(const DtLinkRun *run, char *out, size_t cap)
{
    const char *id = run->profile.dial_first;
    const char *slash = strrchr(run->profile.path, '/');
    int n;

    if (!*id || strchr(id, '/') || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
        return false;
    if (slash)
        n = snprintf(out, cap, "%.*s/%s.conf", (int)(slash - run->profile.path), run->profile.path,
                     id);
    else
        n = snprintf(out, cap, "%s.conf", id);
    return n > 0 && (size_t)n < cap;
}

static pid_t
spawn_child(int pw_read, int ready_write, int profile_read)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    /* A parent killed outright (SIGKILL from the helper, a crash) must not leave the phone
     * line up: the child then hangs up as on SIGTERM. */
    if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) < 0 || getppid() != parent)
        _exit(DT_EXIT_OTHER);
    /* Child: its own process group, the password on stdin, the ready pipe on fd 3, the
     * profile on fd 4 (dialtone-link.c's --lower-link). */
    setpgid(0, 0);
    /* Out of the way first, so that no dup2() below closes a pipe the next one needs. */
    pw_read = fcntl(pw_read, F_DUPFD_CLOEXEC, 10);
    ready_write = fcntl(ready_write, F_DUPFD_CLOEXEC, 10);
    profile_read = fcntl(profile_read, F_DUPFD_CLOEXEC, 10);
    if (pw_read < 0 || ready_write < 0 || profile_read < 0 || dup2(pw_read, STDIN_FILENO) < 0 ||
        dup2(ready_write, READY_FD) < 0 || dup2(profile_read, PROFILE_FD) < 0)
        _exit(DT_EXIT_OTHER);
    execl("/proc/self/exe", "dialtone-link", "--lower-link", (char *)NULL);
    _exit(DT_EXIT_OTHER);
}

/* Writes all of buf to fd (a pipe the child reads to its end). */
static bool
write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* Waits for the child, SIGTERM then (after timeout_ms) SIGKILL; returns its exit status. */
static int
reap(pid_t pid, bool terminate, unsigned timeout_ms)
{
    int st = 0;
    if (terminate)
        kill(pid, SIGTERM);
    for (unsigned waited = 0;; waited += 50) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            break;
        if (r < 0)
            return DT_EXIT_OTHER;
        if (waited >= timeout_ms) {
            dt_log("stage=lower-link error=\"the dial-up link did not stop in %u ms\"", timeout_ms);
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            break;
        }
        usleep(50 * 1000);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : DT_EXIT_OTHER;
}

/* One line from the child: a stage goes on to the hooks ("lower-" in front), "down" is kept.
 * Returns 1 for "up …". */
static int
lower_line(DtLinkRun *run, DialFirst *df, char *line)
{
    char stage[32], to[40];
    int reason, off = 0;

    if (sscanf(line, "stage %31s", stage) == 1) {
        snprintf(to, sizeof to, "lower-%s", stage);
        if (run->hooks && run->hooks->stage)
            run->hooks->stage(run, to, run->hooks->user);
        return 0;
    }
    if (sscanf(line, "down reason=%d %n", &reason, &off) == 1 && off > 0 && reason >= 0 &&
        strcmp(dt_reason_to_string((DtReason)reason), "unknown") != 0) {
        df->down_reason = (DtReason)reason;
        snprintf(df->down_message, sizeof df->down_message, "%s", line + off);
        return 0;
    }
    if (sscanf(line, "up ifindex=%d tun=%31s local=%47s peer=%47s", &df->ifindex, df->tun,
               df->local, df->peer) == 4)
        return 1;
    return 0;
}

/* Reads the child's lines until "up …". 1: up; 0: the child ended (or we were told to stop:
 * *stopped); -1: timeout. */
static int
wait_lower_up(DtLinkRun *run, DialFirst *df, int sigfd, bool *stopped)
{
    char line[512];
    size_t len = 0;
    unsigned waited = 0;
    int control_fd = run->hooks && run->hooks->control ? run->hooks->control_fd : -1;

    while (waited < LOWER_UP_TIMEOUT_MS) {
        struct pollfd p[3] = {{.fd = df->ready_fd, .events = POLLIN},
                              {.fd = sigfd, .events = POLLIN},
                              {.fd = control_fd, .events = POLLIN}};
        int n = poll(p, 3, 500);
        if (n < 0 && errno != EINTR)
            return 0;
        waited += 500; /* a bound, not a clock: each round waits at most this long */
        if (n > 0 && (p[1].revents & POLLIN)) {
            struct signalfd_siginfo si;
            if (read(sigfd, &si, sizeof si) == sizeof si)
                dt_log("stage=disconnect signal=%u action=stop-lower-link", si.ssi_signo);
            *stopped = true;
            return 0;
        }
        if (n > 0 && (p[2].revents & (POLLIN | POLLHUP | POLLERR)) &&
            run->hooks->control(run, run->hooks->user)) {
            dt_log("stage=disconnect action=stop-lower-link");
            *stopped = true;
            return 0;
        }
        if (n > 0 && (p[0].revents & (POLLIN | POLLHUP))) {
            ssize_t r = read(df->ready_fd, line + len, sizeof line - 1 - len);
            if (r <= 0)
                return 0;
            len += (size_t)r;
            line[len] = '\0';
            char *nl;
            while ((nl = strchr(line, '\n')) != NULL) {
                *nl = '\0';
                if (lower_line(run, df, line) == 1)
                    return 1;
                len -= (size_t)(nl + 1 - line);
                memmove(line, nl + 1, len + 1);
            }
            if (len == sizeof line - 1)
                return 0;
        }
    }
    return -1;
}

/* The PPTP server through the dial-up TUN: server/32 on that device, for every address. */
static int
route_server(DtLinkRun *run, DialFirst *df)
{
    DtInetAddr addrs[DT_TCP_RESOLVE_MAX];
    DtIoError err;
    char text[160];
    int n = dt_tcp_resolve(run->profile.server, addrs, DT_TCP_RESOLVE_MAX, &err);

    if (n < 0)
        return fail_with(run, DT_EXIT_UNREACHABLE, "%s", err.message);
    if (dt_link_netcfg_init(&df->netcfg, &err) < 0)
        return fail_with(run, DT_EXIT_OTHER, "%s", err.message);
    df->netcfg_ready = true;
    for (int i = 0; i < n; i++) {
        DtRoute r;
        if (addrs[i].family != AF_INET)
            continue; /* the dial-up link carries IPv4 (IPCP) */
        memset(&r, 0, sizeof r);
        r.dst.addr = addrs[i];
        r.dst.prefix_len = 32;
        r.ifindex = df->ifindex;
        int rc = dt_link_netcfg_add_route(&df->netcfg, &r, &err);
        if (rc == -EEXIST) {
            /* The server is the ISP's end of the link: the peer route already goes there. */
            dt_log("stage=route exists=\"%s\" via=lower-link",
                   dt_route_to_string(&r, text, sizeof text));
            continue;
        }
        if (rc < 0)
            return fail_with(run, DT_EXIT_UNREACHABLE, "%s", err.message);
        dt_log("stage=route added=\"%s\" via=lower-link",
               dt_route_to_string(&r, text, sizeof text));
    }
    return 0;
}

static void
lower_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    DialFirst *df = user;
    char buf[64];
    (void)events;
    ssize_t r = read(df->ready_fd, buf, sizeof buf);
    if (r > 0 || (r < 0 && errno == EAGAIN))
        return;
    dt_log("stage=lower-link down=yes");
    df->lower_down = true;
    dt_loop_remove(loop, w, NULL);
    dt_loop_stop(loop);
}

int
dt_link_dialfirst_run(DtLinkRun *run)
{
    DialFirst df = {.pid = -1, .ready_fd = -1};
    DtLinkSecret dial_secret, *secret = &dial_secret;
    char path[PATH_MAX] = "", why[512];
    int pw[2] = {-1, -1}, ready[2] = {-1, -1}, prof[2] = {-1, -1};
    int status, child_status, sigfd = -1;
    void *lower = NULL;
    size_t lower_len = 0;
    bool stopped = false;
    sigset_t set;

    memset(&dial_secret, 0, sizeof dial_secret);
    if (geteuid() != 0)
        return fail_with(run, DT_EXIT_USAGE,
                         "--standalone needs root (TUN, serial line, routes); run it with sudo");
    if (run->profile.lower) {
        /* --managed: the helper nested the dial-up profile and sent its password. */
        if (run->lower_secret.len == 0)
            return fail_with(run, DT_EXIT_USAGE, "No password for the dial-up link");
        snprintf(path, sizeof path, "the dial-up profile %s", run->profile.dial_first);
        secret = &run->lower_secret;
    } else {
        if (!dialup_profile_path(run, path, sizeof path))
            return fail_with(run, DT_EXIT_USAGE, "%s: [Profile] DialFirst: not a profile Id: %s",
                             run->profile.path, run->profile.dial_first);
        if (access(path, R_OK) < 0)
            return fail_with(run, DT_EXIT_USAGE,
                             "%s: [Profile] DialFirst: no dial-up profile %s beside it (%s)",
                             run->profile.path, path, strerror(errno));
        if (!run->options->dial_password_path)
            return fail_with(run, DT_EXIT_USAGE,
                             "%s dials %s first: give its password with --dial-password-file FILE",
                             run->profile.path, path);
        if (dt_link_secret_read(&dial_secret, run->options->dial_password_path, why, sizeof why) <
            0)
            return fail_with(run, DT_EXIT_USAGE, "%s", why);
    }
    if (run->profile.lower) {
        lower = run->profile.lower;
        lower_len = run->profile.lower_len;
    } else if (dt_link_profile_file_to_variant_data(path, &lower, &lower_len, why, sizeof why) <
               0) {
        status = fail_with(run, DT_EXIT_USAGE, "%s", why);
        goto out;
    }

    /* Signals wait in a signalfd from here on; run_prepared makes its own, and what is still
     * pending reaches that one. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sigfd < 0 || pipe2(pw, O_CLOEXEC) < 0 || pipe2(ready, O_CLOEXEC) < 0 ||
        pipe2(prof, O_CLOEXEC) < 0) {
        status =
            fail_with(run, DT_EXIT_OTHER, "Cannot start the dial-up link: %s", strerror(errno));
        goto out;
    }
    dt_log("stage=lower-link profile=\"%s\"", path);
    sigprocmask(SIG_UNBLOCK, &set, NULL); /* the child starts with signals delivered */
    df.pid = spawn_child(pw[0], ready[1], prof[0]);
    sigprocmask(SIG_BLOCK, &set, NULL);
    close(pw[0]);
    close(ready[1]);
    close(prof[0]);
    pw[0] = ready[1] = prof[0] = -1;
    if (df.pid < 0) {
        status =
            fail_with(run, DT_EXIT_OTHER, "Cannot start the dial-up link: %s", strerror(errno));
        goto out;
    }
    df.ready_fd = ready[0];
    ready[0] = -1;
    /* The password first (one line), then the profile to its end; the child reads both before
     * it does anything else. A child that died early makes these fail: its status says why. */
    signal(SIGPIPE, SIG_IGN);
    (void)(write_all(pw[1], secret->text, secret->len) && write_all(pw[1], "\n", 1));
    dt_link_secret_clear(secret);
    close(pw[1]);
    pw[1] = -1;
    (void)write_all(prof[1], lower, lower_len);
    close(prof[1]);
    prof[1] = -1;

    int up = wait_lower_up(run, &df, sigfd, &stopped);
    if (up <= 0) {
        child_status = reap(df.pid, stopped || up < 0, LOWER_STOP_TIMEOUT_MS);
        df.pid = -1;
        if (stopped) {
            run->stop_requested = true;
            run->reason = DT_REASON_LOCAL_REQUEST;
            status = fail_with(run, DT_EXIT_OK, "Stopped before the dial-up link was up");
        } else if (up < 0) {
            run->reason = DT_REASON_TIMEOUT;
            status =
                fail_with(run, DT_EXIT_TIMEOUT, "The dial-up link (%s) did not come up in %d s",
                          path, LOWER_UP_TIMEOUT_MS / 1000);
        } else {
            /* The child's reason (busy, no carrier, authentication …) is this run's: the
             * tunnel never started. Its own words went to standard error already. */
            run->reason = df.down_reason;
            status = fail_with(run, child_status ? child_status : DT_EXIT_OTHER,
                               "The dial-up link (%s) failed%s%s, so the tunnel was not started",
                               path, df.down_message[0] ? ": " : "", df.down_message);
        }
        goto out;
    }
    dt_log("stage=lower-link up=yes tun=%s ifindex=%d", df.tun, df.ifindex);
    snprintf(run->lower_tun, sizeof run->lower_tun, "%s", df.tun);
    snprintf(run->lower_local, sizeof run->lower_local, "%s", df.local);
    snprintf(run->lower_peer, sizeof run->lower_peer, "%s", strcmp(df.peer, "-") ? df.peer : "");
    close(sigfd);
    sigfd = -1;
    fcntl(df.ready_fd, F_SETFL, O_NONBLOCK);
    status = route_server(run, &df);
    if (status != 0)
        goto out;

    df.watch = (DtLoopWatch){.fd = df.ready_fd, .events = EPOLLIN, .func = lower_cb, .user = &df};
    run->lower_watch = &df.watch;
    status = dt_link_run_prepared(run);
    run->lower_watch = NULL;
    /* With the sandbox, the loop that watched the lower link ran in the protocol child, whose
     * df.lower_down this process never sees: ask the pipe itself. End of file means the dial-up
     * link's process is gone. */
    if (!df.lower_down) {
        char buf[64];
        ssize_t r;
        do
            r = read(df.ready_fd, buf, sizeof buf);
        while (r > 0);
        if (r == 0) {
            dt_log("stage=lower-link down=yes");
            df.lower_down = true;
        }
    }
    if (df.lower_down && !run->stop_requested) {
        run->reason = DT_REASON_LOWER_LINK_DOWN;
        snprintf(run->message, sizeof run->message, "%s",
                 dt_reason_describe(DT_REASON_LOWER_LINK_DOWN));
        status = DT_EXIT_LOWER_LINK_DOWN;
    }
out:
    if (df.pid > 0) {
        /* Reverse order: the tunnel is down; now the dial-up link hangs up. */
        dt_log("stage=lower-link stop=yes");
        child_status = reap(df.pid, true, LOWER_STOP_TIMEOUT_MS);
        dt_log("stage=lower-link exit=%d", child_status);
    }
    if (df.netcfg_ready)
        dt_link_netcfg_clear(&df.netcfg);
    dt_link_secret_clear(secret);
    if (lower != run->profile.lower)
        g_free(lower);
    for (int i = 0; i < 2; i++) {
        if (pw[i] >= 0)
            close(pw[i]);
        if (ready[i] >= 0)
            close(ready[i]);
        if (prof[i] >= 0)
            close(prof[i]);
    }
    if (df.ready_fd >= 0)
        close(df.ready_fd);
    if (sigfd >= 0)
        close(sigfd);
    return status;
}
