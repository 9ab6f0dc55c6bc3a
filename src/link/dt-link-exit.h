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
    /* Dial-up: one status per modem result, so a script can redial on BUSY and give up on
     * NO DIALTONE. */
    DT_EXIT_MODEM_BUSY = 8,
    DT_EXIT_MODEM_NO_CARRIER = 9,
    DT_EXIT_MODEM_NO_DIALTONE = 10,
    DT_EXIT_MODEM_NO_ANSWER = 11,
    DT_EXIT_MODEM_ERROR = 12,     /* ERROR to a command */
    DT_EXIT_MODEM_TIMEOUT = 13,   /* the modem said nothing in time */
    DT_EXIT_CARRIER_LOST = 14,    /* the call was cut off after CONNECT */
    DT_EXIT_LOWER_LINK_DOWN = 15, /* DialFirst: the dial-up link under the tunnel ended */
    DT_EXIT_LINE_UNAVAILABLE =
        16, /* the serial device is missing, locked or refuses its settings */
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
    "  7  timeout (a handshake step, or echo requests unanswered)\n"                               \
    "  8  dial-up: BUSY\n"                                                                         \
    "  9  dial-up: NO CARRIER\n"                                                                   \
    " 10  dial-up: NO DIALTONE\n"                                                                  \
    " 11  dial-up: NO ANSWER\n"                                                                    \
    " 12  dial-up: the modem answered ERROR to a command\n"                                        \
    " 13  dial-up: the modem did not answer in time\n"                                             \
    " 14  dial-up: the carrier was lost during the call\n"                                         \
    " 15  the dial-up link under a DialFirst tunnel went down\n"                                   \
    " 16  dial-up: the serial device is missing, in use (locked) or refuses its settings\n"

#endif /* DT_LINK_EXIT_H */
