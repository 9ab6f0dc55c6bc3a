/* dt-link-exit.h — dialtone-link's exit status: one number per class of reason, so scripts can
 * tell "wrong password" from "server down" without parsing words. --help lists them. */
#ifndef DT_LINK_EXIT_H
#define DT_LINK_EXIT_H

#include "dt-reason.h"

typedef enum {
    DT_EXIT_OK = 0,           /* up and then disconnected by request (SIGINT/SIGTERM) */
    DT_EXIT_OTHER = 1,        /* anything not below: negotiation, malformed peer, internal */
    DT_EXIT_USAGE = 2,        /* command line, profile or password file */
    DT_EXIT_AUTH = 3,         /* authentication failed or refused */
    DT_EXIT_ENCRYPTION = 4,   /* no acceptable MPPE setting */
    DT_EXIT_UNREACHABLE = 5,  /* server name, route or TCP connection; control or call refused */
    DT_EXIT_PEER_STOPPED = 6, /* the server ended the link */
    DT_EXIT_TIMEOUT = 7,      /* a handshake or echo timed out */
} DtLinkExit;

DtLinkExit dt_link_exit_for_reason(DtReason r);

/* The table for --help, one line per status. */
#define DT_LINK_EXIT_HELP                                                                          \
    "Exit status:\n"                                                                               \
    "  0  disconnected by request (SIGINT or SIGTERM)\n"                                           \
    "  1  other failure (negotiation, malformed messages, internal error)\n"                       \
    "  2  usage, profile or password file error\n"                                                 \
    "  3  authentication failed (wrong user name or password, no common method)\n"                 \
    "  4  encryption refused (no MPPE setting both sides accept)\n"                                \
    "  5  server unreachable or refused (name, route, TCP 1723, PPTP control or call)\n"           \
    "  6  the server terminated or stopped the link\n"                                             \
    "  7  timeout (a handshake step, or echo requests unanswered)\n"

#endif /* DT_LINK_EXIT_H */
