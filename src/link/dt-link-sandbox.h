/* dt-link-sandbox.h — the privilege split of one link (../shared/DESIGN.md, "Processes and
 * trust"; issues 5, 7 and 11).
 *
 * The privileged part of dialtone-link (root, or the helper's capabilities) opens what needs
 * privilege first: the TUN, the raw GRE socket, the TCP control socket (a serial port, for a
 * dial-up link) and the rtnetlink socket. Then dt_link_sandbox_fork() splits the process:
 *
 *   parent (privileged)                     child (the protocol: all network parsing)
 *   keeps rtnetlink and the TUN alive       keeps the TUN, GRE, TCP (serial) fds
 *   relays SIGINT/SIGTERM/SIGHUP as STOP     drops to the `dialtone` user (else `nobody`), no
 *   validates and applies NETWORK requests   supplementary groups, no capabilities (effective,
 *   (addresses, MTU; routes come from its    permitted, inheritable, ambient, and the bounding
 *   own copy of the profile, on its own      set where allowed), PR_SET_NO_NEW_PRIVS,
 *   TUN only)                                PR_SET_DUMPABLE 0 (the keys live here), dies with
 *   removes what it applied when the child   the parent (PR_SET_PDEATHSIG), then, once its own
 *   ends, for whatever reason                set-up is done, a seccomp allowlist whose default
 *                                            action kills the process (dt_link_sandbox_lock)
 *
 * The two talk over a SOCK_SEQPACKET socketpair of fixed-size records; the parent trusts
 * nothing the child sends: sizes are exact, every field is range-checked. The child's exit by
 * SIGSYS (the seccomp kill) becomes DT_REASON_SANDBOX_VIOLATION with words, so --standalone and
 * the helper can say what happened. Nothing here is PPTP-specific: a dial-up run forks the
 * same way once its serial port is open.
 */
#ifndef DT_LINK_SANDBOX_H
#define DT_LINK_SANDBOX_H

#include "dt-inet.h"
#include "dt-link-dns.h"
#include "dt-link-netcfg.h"
#include "dt-loop.h"
#include "dt-reason.h"

#include <stdbool.h>
#include <sys/types.h>

#define DT_LINK_SANDBOX_USER "dialtone" /* data/dialtone-sysusers.conf; else "nobody" */
#define DT_LINK_SANDBOX_MESSAGE_MAX 512

typedef struct DtLinkSandbox {
    /* What the parent may apply, filled in before dt_link_sandbox_fork(). */
    DtLinkNetcfg *netcfg;       /* the parent's rtnetlink socket and record of routes */
    int ifindex;                /* our TUN: the only device anything is applied to */
    bool default_route;         /* from the profile, never from the child */
    const DtInetPrefix *routes; /* likewise (used when !default_route) */
    size_t n_routes;
    DtInetAddr server; /* the VPN server: never acceptable as our own address (family 0: none) */
    const DtLinkProfile *profile; /* its DNS= policy, applied by the parent (NULL: no DNS, as
                                   * for --managed, where the helper applies it) */
    const char *ifname;           /* our TUN's name, for DNS */
    bool serial;    /* a dial-up link: the child may also set its serial line's termios */
    DtLinkDns *dns; /* parent: what it applied; reverted when the child ends */
    /* Child, after dt_link_sandbox_apply_ip(): what the parent did with DNS. */
    bool dns_applied;
    char dns_note[256]; /* how ("systemd-resolved") when applied, else why not ("": nothing) */

    /* State. */
    uid_t uid;
    gid_t gid;
    char user[32];
    pid_t child; /* in the parent; 0 in the child */
    int sock;    /* this side's end of the socketpair */
    bool in_child;
    bool locked;
    bool applied;  /* the parent applied a NETWORK request */
    int test_hook; /* test builds: DT_TEST_SANDBOX (see dt-link-sandbox.c) */
    DtLoopWatch w_parent;
} DtLinkSandbox;

/* Zeroes sb and picks the user the child runs as. Returns 0, or -1 with why. */
int dt_link_sandbox_init(DtLinkSandbox *sb, char *why, size_t why_size);

/* Forks. Returns 1 in the parent, 0 in the child (privileges dropped already; the caller closes
 * what only the parent needs, finishes the set-up that reads files, then calls
 * dt_link_sandbox_lock()), or -1 with why when nothing was forked or the drop failed in the
 * child (which then must call dt_link_sandbox_exit()). */
int dt_link_sandbox_fork(DtLinkSandbox *sb, char *why, size_t why_size);

/* Child: installs the seccomp allowlist and watches the parent's socket on loop for STOP
 * (handled as the signals the parent received). NULL sb: no sandbox, returns 0. */
int dt_link_sandbox_lock(DtLinkSandbox *sb, DtLoop *loop, char *why, size_t why_size);

/* Child: asks the parent to apply ip (only local, peer, local6 and mtu are taken; the device
 * and the routes are the parent's) and the DNS servers IPCP offered (host order, 0: none).
 * Blocks for the answer. *refused is set when the parent's validation refused the values, as
 * opposed to the kernel failing to apply them; sb->dns_applied and dns_note tell about DNS. */
int dt_link_sandbox_apply_ip(DtLinkSandbox *sb, const DtLinkIpSettings *ip,
                             const uint32_t offered_dns[2], bool *refused, DtIoError *err);

/* Child: tells the parent how the link ended and exits with status. */
__attribute__((noreturn)) void dt_link_sandbox_exit(DtLinkSandbox *sb, int status, DtReason reason,
                                                    const char *message);

/* Parent: serves the child until it has exited, watching sigfd (SIGINT, SIGTERM, SIGHUP) to
 * relay stops. Returns the child's exit status (dt-link-exit.h) and fills *reason and message
 * (message_size octets) from its report or, when it died without one, from how it died. */
int dt_link_sandbox_serve(DtLinkSandbox *sb, int sigfd, DtReason *reason, char *message,
                          size_t message_size);

/* Closes the socket. */
void dt_link_sandbox_clear(DtLinkSandbox *sb);

#endif /* DT_LINK_SANDBOX_H */
