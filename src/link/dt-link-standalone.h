/* dt-link-standalone.h — dialtone-link --standalone: one PPTP link from a profile file, as root,
 * headless (like pppd nodetach).
 *
 * The order matters: resolve the server, pin the host route to it (so the tunnel's routes never
 * capture the tunnel's own packets), connect TCP 1723, open the raw GRE socket towards the
 * address TCP reached and the TUN, then split (dt-link-sandbox.h): a protocol child without
 * privileges runs the session (dt-link-dataplane.c) while this process applies the network it
 * asks for. Whatever ends it (SIGINT/SIGTERM, the peer, a failure, the child's death), every
 * route added is removed before exit.
 */
#ifndef DT_LINK_STANDALONE_H
#define DT_LINK_STANDALONE_H

#include "dt-gre-sock.h"
#include "dt-link-netcfg.h"
#include "dt-link-report.h"
#include "dt-link-sandbox.h"
#include "dt-link-secret.h"
#include "dt-loop.h"
#include "dt-policy-common.h"
#include "dt-reason.h"
#include "dt-session.h"
#include "dt-tcp.h"
#include "dt-tun.h"

#include <stdbool.h>

typedef struct {
    const char *profile_path;
    const char *password_path; /* a file, or "-" for standard input */
    const char *tun_name;      /* NULL: dt%d */
    uint32_t connect_timeout_ms;
    /* DialFirst: the dial-up profile's password ("-" is not allowed: stdin holds the other). */
    const char *dial_password_path;
    /* > 0: a dial-up run writes "up ifindex=N tun=NAME local=A peer=B" here once IPCP is up
     * (how a DialFirst parent learns its lower link is ready). */
    int ready_fd;
    /* The dial-up link under a DialFirst tunnel: no default route or Routes= of its own; its
     * profile (dt_link_profile_from_variant_data()'s form) is read from lower_profile_fd. */
    bool lower_link;
    int lower_profile_fd;
    /* --report FILE: the connection report (dt-link-report.h) written there when the link
     * ends; NULL: none. */
    const char *report_path;
} DtLinkOptions;

typedef struct DtLinkRun DtLinkRun;

/* What a dial-up link negotiated (dt-link-dialup.c), for --managed's UP record. */
typedef struct {
    DtAuthMethod auth;
    uint32_t local_ip, peer_ip; /* host order; 0: unknown */
    uint32_t dns[2];            /* the ISP's, host order; 0: none */
    unsigned mtu;
    const char *connect_text; /* the modem's CONNECT line ("CONNECT 115200"), or "" */
    const char *device;
} DtLinkDialupUp;

/* What --managed (dt-link-managed.c) adds to a run; NULL for --standalone. */
typedef struct DtLinkHooks DtLinkHooks;
struct DtLinkHooks {
    /* The loop exists, the server is not reached yet: add watches. Returns 0 or -1. */
    int (*loop_ready)(DtLinkRun *run, void *user);
    /* Every session event, after the run handled it (network-up is applied by then). */
    void (*event)(DtLinkRun *run, const DtSessionEvent *ev, void *user);
    /* The link ended and run->report has no file: deliver it (the protocol child calls it). */
    void (*report)(DtLinkRun *run, void *user);
    /* A stage by name, for the links that have no DtSession (the dial-up link: "dialling",
     * "line-up", "lcp-up", "authenticated", "network-up", "disconnecting"; a DialFirst run's
     * lower link: the same with "lower-" in front). */
    void (*stage)(DtLinkRun *run, const char *to, void *user);
    /* The dial-up link is up (addresses applied). */
    void (*dialup_up)(DtLinkRun *run, const DtLinkDialupUp *up, void *user);
    /* A line for the connection's log (no secrets: the engine's and the modem's words). */
    void (*log)(DtLinkRun *run, const char *line, void *user);
    /* The dial-up link went down (the PPTP link says so through event). */
    void (*down)(DtLinkRun *run, DtReason reason, const char *message, uint16_t protocol,
                 int option, void *user);
    /* Where the helper's requests arrive while no loop runs (a DialFirst run waiting for its
     * dial-up link): -1 for none; control() reads one and returns true when it means stop. */
    int control_fd;
    bool (*control)(DtLinkRun *run, void *user);
    /* Traffic moved while run->stats_idle was set (the link's first packets after a quiet
     * spell): the statistics timer, stopped while nothing moved, starts again. */
    void (*activity)(DtLinkRun *run, void *user);
    void *user;
};

/* Everything one standalone run owns; heap-allocated (the socket scratch is large). */
struct DtLinkRun {
    const DtLinkOptions *options;
    const DtLinkHooks *hooks; /* NULL: none */
    DtSession *session;       /* while dt_link_dataplane_run() runs, else NULL */
    DtLinkProfile profile;
    DtLinkSecret secret;
    DtLinkSecret lower_secret; /* DialFirst under --managed: the dial-up link's password */
    int sigfd;                 /* SIGINT, SIGTERM: orderly disconnect */
    DtLoop loop;
    bool loop_ready;
    DtLinkNetcfg netcfg;
    bool netcfg_ready;
    DtInetAddr server;
    char server_text[DT_INET_STRLEN];
    uint16_t path_mtu; /* under the tunnel, once connected (0: unknown); dt-mtu.h */
    DtTcp tcp;
    DtGreSock gre;
    DtTun tun;
    /* The outcome. */
    DtReason reason;
    char message[512];
    bool stop_requested;
    /* In the protocol child (dt-link-sandbox.h): how it asks the parent for the network;
     * NULL when the run is not split. */
    DtLinkSandbox *sandbox;
    /* --report: made before the split, so the protocol child inherits the timeline so far and
     * writes the file to report_fd (opened by the privileged side) when its link ends; the
     * parent writes it only when the child did not. NULL and -1: no report. */
    DtLinkReport *report;
    int report_fd;
    bool split;   /* a protocol child was forked */
    bool managed; /* --managed: the helper applies DNS, progress goes to the hooks */
    /* The counters of a link without a DtSession (dial-up), for --managed's STATS; NULL:
     * ask run->session. */
    bool (*get_stats)(DtLinkRun *run, DtSessionStats *out);
    void *stats_user;
    /* Set by --managed while its statistics timer is stopped (an idle link wakes for
     * nothing); the data paths call dt_link_run_activity() when it is set and packets move. */
    bool stats_idle;
    /* A DialFirst run's watch on its dial-up link (dt-link-dialfirst.c), added to the loop
     * with the hooks' watches; NULL: none. */
    DtLoopWatch *lower_watch;
    /* DialFirst: the dial-up link under the tunnel, once up ("" before). */
    char lower_tun[32];
    char lower_local[48], lower_peer[48];
};

/* Makes run->report from the profile and sends every dt_log line to its timeline. 0 or -1. */
int dt_link_report_start(DtLinkRun *run);
/* The child's side of --report: the result, then the file (or hooks->report). Logs what it
 * wrote. */
void dt_link_report_finish(DtLinkRun *run);

/* Runs the link; returns the exit status (DtLinkExit). */
int dt_link_standalone_main(const DtLinkOptions *options);

/* The shared steps, for --managed: a zeroed run with no fds open; run one whose profile and
 * secret are already filled in (needs root) and return the exit status; release it all.
 * dt_link_run_prepared() returns in the privileged parent only: the protocol child exits. */
DtLinkRun *dt_link_run_new(const DtLinkOptions *options);
int dt_link_run_prepared(DtLinkRun *run);
/* Packets moved: restart what stats_idle stopped. Cheap when it is not set. */
static inline void
dt_link_run_activity(DtLinkRun *run)
{
    if (run->stats_idle && run->hooks && run->hooks->activity)
        run->hooks->activity(run, run->hooks->user);
}

/* Runs the link its profile describes: dial-up, PPTP dialling first, or PPTP. */
int dt_link_run_profile(DtLinkRun *run);
void dt_link_run_free(DtLinkRun *run);

#endif /* DT_LINK_STANDALONE_H */
