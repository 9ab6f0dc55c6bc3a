/* dt-link-standalone.c — set-up and tear-down of a --standalone link. */
#include "dt-link-standalone.h"

#include "dt-link-dataplane.h"
#include "dt-link-dialfirst.h"
#include "dt-link-dialup.h"
#include "dt-link-exit.h"
#include "dt-log.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define PPTP_PORT 1723 /* RFC 2637 §2 */

static int
setup_signals(DtLinkRun *run)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    /* Signals become readable events on the loop (and cancel the TCP connect), never handlers
     * interrupting the engine halfway. */
    if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
        return -errno;
    run->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    signal(SIGPIPE, SIG_IGN);
    return run->sigfd < 0 ? -errno : 0;
}

static int fail_with(DtLinkRun *run, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail_with(DtLinkRun *run, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(run->message, sizeof run->message, fmt, ap);
    va_end(ap);
    return status;
}

/* The MTU of the path the control connection took (IP_MTU / IPV6_MTU on a connected socket:
 * the route's or the device's MTU, or what path MTU discovery learnt): GRE goes the same way.
 * Under DialFirst it is the dial-up link's, its ISP's MRU.  0 when the kernel does not say. */
static uint16_t
query_path_mtu(const DtLinkRun *run)
{
    int mtu = 0;
    socklen_t len = sizeof mtu;
    int rc = run->server.family == AF_INET6
                 ? getsockopt(run->tcp.fd, IPPROTO_IPV6, IPV6_MTU, &mtu, &len)
                 : getsockopt(run->tcp.fd, IPPROTO_IP, IP_MTU, &mtu, &len);
    if (rc < 0 || mtu <= 0 || mtu > UINT16_MAX)
        return 0;
    return (uint16_t)mtu;
}

/* Resolve, pin, connect; the exit status on failure. */
static int
reach_server(DtLinkRun *run)
{
    DtInetAddr addrs[DT_TCP_RESOLVE_MAX];
    DtIoError err;
    DtRoute pinned;
    char rt[160];
    int n, rc = -ENXIO;

    dt_log("stage=resolve server=%s", run->profile.server);
    n = dt_tcp_resolve(run->profile.server, addrs, DT_TCP_RESOLVE_MAX, &err);
    if (n < 0)
        return fail_with(run, DT_EXIT_UNREACHABLE, "%s", err.message);
    for (int i = 0; i < n; i++) {
        dt_inet_to_string(&addrs[i], run->server_text);
        /* The host route first: once the tunnel's routes exist, this is how GRE and TCP still
         * reach the server through the real interface. */
        rc = dt_link_netcfg_server_route(&run->netcfg, &addrs[i], &pinned, &err);
        if (rc < 0) {
            dt_log("stage=route server=%s error=\"%s\"", run->server_text, err.message);
            continue;
        }
        if (pinned.ifindex)
            dt_log("stage=route added=\"%s\"", dt_route_to_string(&pinned, rt, sizeof rt));
        dt_log("stage=connect server=%s address=%s port=%d", run->profile.server, run->server_text,
               PPTP_PORT);
        rc = dt_tcp_connect(&run->tcp, &addrs[i], PPTP_PORT, run->profile.server,
                            run->options->connect_timeout_ms, run->sigfd, &err);
        if (rc == 0) {
            run->server = addrs[i];
            run->path_mtu = query_path_mtu(run);
            dt_log("stage=connect path_mtu=%u", run->path_mtu);
            return 0;
        }
        if (rc == -ECANCELED) {
            run->stop_requested = true;
            return fail_with(run, DT_EXIT_OK, "Stopped before the server answered");
        }
        dt_log("stage=connect address=%s error=\"%s\"", run->server_text, err.message);
        dt_link_netcfg_undo(&run->netcfg, NULL);
    }
    return fail_with(run, DT_EXIT_UNREACHABLE, "%s", err.message);
}

static int
open_data_path(DtLinkRun *run)
{
    DtIoError err;
    DtTunConfig tc = {.name = run->options->tun_name, .mtu = run->profile.policy.mtu};
    char local[DT_INET_STRLEN];

    /* GRE from the address TCP left by, to the one it reached: the server expects both. */
    if (dt_gre_sock_init(&run->gre, &run->tcp.local, &run->tcp.peer, 0, &err) < 0)
        return fail_with(run, DT_EXIT_OTHER, "%s", err.message);
    if (dt_tun_init(&run->tun, &tc, run->netcfg.nc, &err) < 0)
        return fail_with(run, DT_EXIT_OTHER, "%s", err.message);
    dt_log("stage=open tun=%s gre_local=%s gre_peer=%s", run->tun.name,
           dt_inet_to_string(&run->tcp.local, local), run->server_text);
    return 0;
}

static void
tear_down(DtLinkRun *run)
{
    size_t failed = 0, removed;
    dt_tun_clear(&run->tun);
    dt_gre_sock_clear(&run->gre);
    dt_tcp_close(&run->tcp);
    if (run->netcfg_ready) {
        removed = dt_link_netcfg_undo(&run->netcfg, &failed);
        dt_log("stage=cleanup routes_removed=%zu routes_failed=%zu", removed, failed);
        dt_link_netcfg_clear(&run->netcfg);
        run->netcfg_ready = false;
    }
    if (run->loop_ready)
        dt_loop_clear(&run->loop);
    run->loop_ready = false;
    if (run->sigfd >= 0)
        close(run->sigfd);
    run->sigfd = -1;
    dt_link_secret_clear(&run->secret);
    dt_link_secret_clear(&run->lower_secret);
    dt_link_profile_clear(&run->profile);
}

/* ---- the connection report ---- */

static void
report_log_cb(void *ctx, const char *line)
{
    dt_link_report_line(ctx, dt_io_now(), line);
}

int
dt_link_report_start(DtLinkRun *run)
{
    char header[1024];

    if (run->profile.is_dialup)
        snprintf(header, sizeof header,
                 "Profile:           %s\nLink:              dial-up\nUser:              %s\n",
                 run->profile.name, run->profile.user);
    else
        snprintf(header, sizeof header,
                 "Profile:           %s\nLink:              PPTP to %s%s\n"
                 "User:              %s\n",
                 run->profile.name, run->profile.server,
                 run->profile.dial_first ? ", dialling first" : "", run->profile.user);
    run->report = dt_link_report_new(header, dt_io_now());
    if (!run->report)
        return -1;
    dt_log_set_sink(report_log_cb, run->report);
    return 0;
}

/* Opens --report's file now, as root and before anything can fail, so a bad path is a usage
 * error and the protocol child gets an fd it may write to. */
static int
open_report(DtLinkRun *run)
{
    const char *path = run->options->report_path;

    if (!path)
        return 0;
    run->report_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (run->report_fd < 0)
        return fail_with(run, DT_EXIT_USAGE, "Cannot write the report to %s: %s", path,
                         strerror(errno));
    if (dt_link_report_start(run) < 0)
        return fail_with(run, DT_EXIT_OTHER, "Out of memory");
    return 0;
}

void
dt_link_report_finish(DtLinkRun *run)
{
    if (!run->report)
        return;
    dt_log_set_sink(NULL, NULL);
    dt_link_report_set_result(run->report, run->reason, run->message, dt_io_now());
    if (run->report_fd < 0) {
        if (run->hooks && run->hooks->report)
            run->hooks->report(run, run->hooks->user);
        return;
    }
    uint64_t frames = dt_link_report_frames(run->report);
    if (dt_link_report_write(run->report, run->report_fd))
        dt_log("stage=report frames=%llu", (unsigned long long)frames);
    else
        dt_log("stage=report error=\"cannot write the report: %s\"", strerror(errno));
    close(run->report_fd);
    run->report_fd = -1;
}

/* The parent's side: the child wrote the report unless it never ran or died; then this side's
 * copy (its timeline, no frames) says what happened. */
static void
finish_report(DtLinkRun *run)
{
    struct stat st;
    if (!run->report || run->report_fd < 0)
        return;
    if (fstat(run->report_fd, &st) == 0 && st.st_size > 0) {
        dt_log_set_sink(NULL, NULL);
        close(run->report_fd);
        run->report_fd = -1;
        return;
    }
    dt_link_report_finish(run);
}

/* The protocol child: runs the session without privileges, reports, exits. */
__attribute__((noreturn)) static void
run_child(DtLinkRun *run, DtLinkSandbox *sb)
{
    int status;

    /* Only the parent changes the network: the rtnetlink socket goes, without undoing
     * anything (the routes are the parent's to remove). */
    dt_netconf_free(run->netcfg.nc);
    run->netcfg.nc = NULL;
    run->netcfg.n_added = 0;
    run->netcfg_ready = false;
    run->sandbox = sb;
    if (dt_link_dataplane_run(run) < 0)
        status = DT_EXIT_OTHER;
    else
        status = (int)dt_link_exit_for_reason(run->reason);
    dt_link_report_finish(run);
    dt_link_sandbox_exit(sb, status, run->reason, run->message);
}

/* Forks the protocol child and serves it; returns its exit status, in the parent only. */
static int
run_split(DtLinkRun *run)
{
    DtLinkSandbox sb;
    char why[DT_LINK_SANDBOX_MESSAGE_MAX];
    int rc, status;

    if (dt_link_sandbox_init(&sb, why, sizeof why) < 0)
        return fail_with(run, DT_EXIT_OTHER, "%s", why);
    sb.netcfg = &run->netcfg;
    sb.ifindex = run->tun.ifindex;
    sb.default_route = run->profile.default_route;
    sb.routes = run->profile.routes;
    sb.n_routes = run->profile.n_routes;
    sb.server = run->server;
    sb.profile = run->managed ? NULL : &run->profile; /* --managed: the helper applies DNS */
    sb.ifname = run->tun.name;
    rc = dt_link_sandbox_fork(&sb, why, sizeof why);
    run->split = rc >= 0 || sb.in_child;
    if (sb.in_child) {
        if (rc < 0) {
            dt_log("stage=sandbox error=\"%s\"", why);
            dt_link_sandbox_exit(&sb, DT_EXIT_OTHER, DT_REASON_INTERNAL, why);
        }
        run_child(run, &sb);
    }
    if (rc < 0)
        return fail_with(run, DT_EXIT_OTHER, "%s", why);
    /* The parent never needs the password, the loop or the sockets the child speaks on; it
     * keeps the TUN (so the device outlives the child until the routes are gone). */
    dt_link_secret_clear(&run->secret);
    dt_tcp_close(&run->tcp);
    dt_gre_sock_clear(&run->gre);
    if (run->loop_ready)
        dt_loop_clear(&run->loop);
    run->loop_ready = false;
    status =
        dt_link_sandbox_serve(&sb, run->sigfd, &run->reason, run->message, sizeof run->message);
    if (run->reason == DT_REASON_LOCAL_REQUEST)
        run->stop_requested = true;
    dt_link_sandbox_clear(&sb);
    return status;
}

#define LOWER_PROFILE_MAX (256 * 1024)

/* --lower-link: the dial-up profile, as its DialFirst parent sends it, up to end of file. */
static int
read_lower_profile(DtLinkRun *run, char *why, size_t why_size)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    int rc = 0;

    while (buf) {
        ssize_t n = read(run->options->lower_profile_fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? -1 : 0;
            break;
        }
        len += (size_t)n;
        if (len == cap) {
            char *bigger = cap < LOWER_PROFILE_MAX ? realloc(buf, cap * 2) : NULL;
            if (!bigger)
                free(buf);
            buf = bigger;
            cap *= 2;
        }
    }
    close(run->options->lower_profile_fd);
    if (!buf || rc < 0) {
        free(buf);
        snprintf(why, why_size, "Cannot read the dial-up profile from the DialFirst parent");
        return -1;
    }
    rc = dt_link_profile_from_variant_data(&run->profile, buf, len, "the dial-up profile", why,
                                           why_size);
    free(buf);
    if (rc == 0 && !run->profile.is_dialup) {
        snprintf(why, why_size, "The DialFirst parent sent a profile that is not a dial-up one");
        return -1;
    }
    return rc;
}

static int
run_link(DtLinkRun *run)
{
    char why[512];

    if (run->options->lower_link) {
        if (read_lower_profile(run, why, sizeof why) < 0)
            return fail_with(run, DT_EXIT_USAGE, "%s", why);
    } else if (dt_link_profile_load(&run->profile, run->options->profile_path, why, sizeof why) <
               0) {
        return fail_with(run, DT_EXIT_USAGE, "%s", why);
    }
    if (dt_link_secret_read(&run->secret, run->options->password_path, why, sizeof why) < 0)
        return fail_with(run, DT_EXIT_USAGE, "%s", why);
    int status = open_report(run);
    if (status != 0)
        return status;
    return dt_link_run_profile(run);
}

int
dt_link_run_profile(DtLinkRun *run)
{
    if (run->profile.is_dialup)
        return dt_link_dialup_run(run);
    if (run->profile.dial_first)
        return dt_link_dialfirst_run(run);
    return dt_link_run_prepared(run);
}

int
dt_link_run_prepared(DtLinkRun *run)
{
    DtIoError err;
    int status;

    dt_log("stage=profile name=\"%s\" server=%s user=%s encryption=%s stateful=%s mppc=%s",
           run->profile.name, run->profile.server, run->profile.user,
           dt_policy_encryption_to_string(run->profile.policy.encryption),
           !run->profile.policy.allow_stateful   ? "no"
           : run->profile.policy.prefer_stateful ? "preferred"
                                                 : "allowed",
           run->profile.policy.compression ? "yes" : "no");
    if (geteuid() != 0)
        return fail_with(run, DT_EXIT_USAGE,
                         "--standalone needs root (TUN, raw GRE socket, routes); run it with sudo");
    if (setup_signals(run) < 0)
        return fail_with(run, DT_EXIT_OTHER, "Cannot set up signal handling: %s", strerror(errno));
    if (dt_loop_init(&run->loop, &err) < 0)
        return fail_with(run, DT_EXIT_OTHER, "%s", err.message);
    run->loop_ready = true;
    if (dt_link_netcfg_init(&run->netcfg, &err) < 0)
        return fail_with(run, DT_EXIT_OTHER, "%s", err.message);
    run->netcfg_ready = true;
    if (run->hooks && run->hooks->loop_ready && run->hooks->loop_ready(run, run->hooks->user) < 0)
        return fail_with(run, DT_EXIT_OTHER, "Cannot watch the helper's socket");
    if (run->lower_watch && dt_loop_add(&run->loop, run->lower_watch, &err) < 0)
        return fail_with(run, DT_EXIT_OTHER, "%s", err.message);

    status = reach_server(run);
    if (status != 0 || run->stop_requested)
        return status;
    status = open_data_path(run);
    if (status != 0)
        return status;
    return run_split(run);
}

DtLinkRun *
dt_link_run_new(const DtLinkOptions *options)
{
    DtLinkRun *run = calloc(1, sizeof *run);
    if (!run)
        return NULL;
    run->options = options;
    run->sigfd = -1;
    run->tcp.fd = -1;
    run->gre.fd = -1;
    run->tun.fd = -1;
    run->report_fd = -1;
    return run;
}

void
dt_link_run_free(DtLinkRun *run)
{
    if (!run)
        return;
    tear_down(run);
    if (run->report_fd >= 0)
        close(run->report_fd);
    dt_log_set_sink(NULL, NULL);
    dt_link_report_free(run->report);
    free(run);
}

int
dt_link_standalone_main(const DtLinkOptions *options)
{
    DtLinkRun *run = dt_link_run_new(options);
    int status;

    if (!run) {
        fprintf(stderr, "dialtone-link: out of memory\n");
        return DT_EXIT_OTHER;
    }
    /* The password and, later, the MPPE keys live in this process: keep them out of core
     * dumps and away from ptrace by other users. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    dt_log_set_program("dialtone-link");
    status = run_link(run);
    finish_report(run);
    tear_down(run);
    if (status == DT_EXIT_OK) {
        printf("Disconnected%s%s\n", run->message[0] ? ": " : ".", run->message);
    } else {
        if (run->reason != DT_REASON_NONE)
            dt_log("stage=end reason=%s status=%d", dt_reason_to_string(run->reason), status);
        /* A layer's own message ("lcp: 3 echo requests went unanswered") comes after
         * the reason in plain words; one written for people already is plain words. */
        if (run->reason != DT_REASON_NONE &&
            (!run->message[0] || islower((unsigned char)run->message[0])))
            fprintf(stderr, "dialtone-link: %s%s%s%s\n", dt_reason_describe(run->reason),
                    run->message[0] ? " (" : "", run->message, run->message[0] ? ")" : "");
        else
            fprintf(stderr, "dialtone-link: %s\n", run->message[0] ? run->message : "failed");
    }
    dt_log_set_sink(NULL, NULL);
    dt_link_report_free(run->report);
    free(run);
    return status;
}
