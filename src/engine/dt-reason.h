/* dt-reason.h — why a link ended, as a type the app can explain.
 *
 * Every disconnect and every failed negotiation carries one of these plus
 * the protocol and direction it concerns, so the GUI says "The server
 * refused MPPE 128-bit encryption" instead of guessing from an exit code.
 * Add new reasons at the end; never renumber (they cross process
 * boundaries and appear in logs).
 */
#ifndef DT_REASON_H
#define DT_REASON_H

typedef enum {
    DT_REASON_NONE = 0,
    DT_REASON_LOCAL_REQUEST,      /* we were asked to disconnect */
    DT_REASON_PEER_TERMINATED,    /* the peer sent Terminate-Request */
    DT_REASON_PEER_STOPPED,       /* PPTP Stop-Control-Connection / Call-Disconnect-Notify */
    DT_REASON_NEGOTIATION_FAILED, /* an option never converged (protocol + option given) */
    DT_REASON_PROTOCOL_REJECTED,  /* the peer Protocol-Rejected something we need */
    DT_REASON_LOOPBACK,           /* LCP magic numbers show the link is looped back */
    DT_REASON_AUTH_FAILED,        /* wrong user name or password (E=691 and friends) */
    DT_REASON_AUTH_REFUSED,       /* no authentication method both sides allow */
    DT_REASON_AUTH_NO_DIALIN,     /* E=649: account has no dial-in permission */
    DT_REASON_AUTH_EXPIRED,       /* E=648: password expired */
    DT_REASON_AUTH_RESTRICTED,    /* E=646/647: logon hours, account disabled */
    DT_REASON_AUTH_BAD_SERVER,    /* MS-CHAP v2 authenticator response missing or wrong */
    DT_REASON_AUTH_TIMEOUT,       /* authentication did not complete in time */
    DT_REASON_MPPE_REFUSED,       /* no common MPPE setting under the policy */
    DT_REASON_MPPE_NO_KEYS,       /* MPPE required but the auth method yields no keys */
    DT_REASON_ECHO_TIMEOUT,       /* LCP or PPTP echo requests went unanswered */
    DT_REASON_IDLE_TIMEOUT,       /* idle disconnect */
    DT_REASON_TIMEOUT,            /* a handshake step timed out (restart counter exhausted) */
    DT_REASON_MALFORMED,          /* the peer's messages were too broken to continue */
    DT_REASON_CALL_REFUSED,       /* PPTP Outgoing-Call-Reply refused (busy, no carrier, …) */
    DT_REASON_CONTROL_REFUSED,    /* PPTP Start-Control-Connection-Reply refused */
    DT_REASON_MODEM_BUSY,
    DT_REASON_MODEM_NO_CARRIER,
    DT_REASON_MODEM_NO_DIALTONE,
    DT_REASON_MODEM_NO_ANSWER,
    DT_REASON_MODEM_ERROR,
    DT_REASON_MODEM_TIMEOUT,
    DT_REASON_ADDRESS_REFUSED,   /* IPCP offered an address we must not use */
    DT_REASON_INTERNAL,          /* a bug or resource failure on our side */
    DT_REASON_CARRIER_LOST,      /* dial-up: the modem dropped carrier (DCD) mid-call */
    DT_REASON_LOWER_LINK_DOWN,   /* DialFirst: the dial-up link under the tunnel went down */
    DT_REASON_SANDBOX_VIOLATION, /* the link's process broke its seccomp sandbox (SIGSYS) */
} DtReason;

/* A stable lower-case token for logs and D-Bus ("auth-failed"). */
const char *dt_reason_to_string(DtReason r);
/* A sentence for people ("The user name or password was not accepted."). */
const char *dt_reason_describe(DtReason r);

#endif /* DT_REASON_H */
