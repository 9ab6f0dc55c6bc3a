/* dt-preflight.h — a pre-flight check of the path to a PPTP server, without authenticating.
 *
 * Step by step, each bounded by one timeout: resolve the server's name; open TCP 1723; exchange
 * Start-Control-Connection-Request/-Reply (the server's vendor, host name and firmware); place a
 * call (Outgoing-Call-Request/-Reply); send one GRE packet for the call on a raw socket and wait
 * for any GRE the server sends for it (its LCP Configure-Request comes by itself); then clear the
 * call and stop the control connection. The first step that fails names the class of the
 * failure, so a person learns whether DNS, a firewall in front of TCP 1723, the PPTP server
 * itself or a firewall/NAT that eats GRE is to blame. The control messages go through the
 * engine's DtPptpCtrl (PNS role) and the GRE through its codec, as a real link's do.
 *
 * The raw GRE socket needs CAP_NET_RAW; without it the GRE step is skipped and said so.
 */
#ifndef DT_PREFLIGHT_H
#define DT_PREFLIGHT_H

#include "dt-inet.h"
#include "dt-pptp-ctrl.h"

#include <stdbool.h>
#include <stdint.h>

#define DT_PREFLIGHT_DETAIL_LEN 320
#define DT_PREFLIGHT_ADDR_MAX 8
#define DT_PREFLIGHT_DEFAULT_TIMEOUT_MS 5000

/* What the check found, from the first step that failed; in the order of the steps. */
typedef enum {
    DT_PREFLIGHT_PASSED,        /* every step passed, GRE included */
    DT_PREFLIGHT_DNS,           /* the name did not resolve */
    DT_PREFLIGHT_TCP_REFUSED,   /* the server's host answered TCP 1723 with a reset */
    DT_PREFLIGHT_TCP_BLOCKED,   /* TCP 1723 timed out or was unreachable */
    DT_PREFLIGHT_PPTP_REFUSED,  /* TCP is open, but no PPTP control connection or call */
    DT_PREFLIGHT_GRE_BLOCKED,   /* the call is up, but no GRE came back */
    DT_PREFLIGHT_GRE_UNCHECKED, /* everything but GRE passed; GRE needs CAP_NET_RAW */
    DT_PREFLIGHT_INTERNAL,      /* out of memory or a socket we could not make */
} DtPreflightVerdict;

typedef enum {
    DT_PREFLIGHT_STEP_DNS,
    DT_PREFLIGHT_STEP_TCP,
    DT_PREFLIGHT_STEP_CONTROL, /* SCCRQ/SCCRP */
    DT_PREFLIGHT_STEP_CALL,    /* OCRQ/OCRP */
    DT_PREFLIGHT_STEP_GRE,
    DT_PREFLIGHT_STEP_CLOSE, /* Call-Clear-Request, Stop-Control-Connection-Request */
    DT_PREFLIGHT_STEP_COUNT,
} DtPreflightStepId;

typedef enum {
    DT_PREFLIGHT_NOT_RUN, /* an earlier step failed */
    DT_PREFLIGHT_OK,
    DT_PREFLIGHT_FAILED,
    DT_PREFLIGHT_SKIPPED, /* GRE without CAP_NET_RAW */
} DtPreflightStatus;

typedef struct {
    DtPreflightStatus status;
    char detail[DT_PREFLIGHT_DETAIL_LEN]; /* plain words: what was seen */
} DtPreflightStep;

typedef struct {
    uint32_t timeout_ms; /* each step's bound; 0 → DT_PREFLIGHT_DEFAULT_TIMEOUT_MS */
    uint16_t port;       /* 0 → 1723 */
} DtPreflightConfig;

typedef struct {
    DtPreflightVerdict verdict;
    DtPreflightStep steps[DT_PREFLIGHT_STEP_COUNT];

    unsigned addr_count;
    DtInetAddr addrs[DT_PREFLIGHT_ADDR_MAX];
    bool connected;
    DtInetAddr local; /* of the TCP connection */
    DtInetAddr peer;
    int tcp_error; /* errno of the last failed attempt, 0 if none */

    bool have_server; /* an SCCRP arrived (even a refusing one) */
    uint8_t sccrp_result;
    uint8_t sccrp_error;
    DtPptpPeerInfo server;

    bool call_up;
    uint16_t call_id;      /* ours */
    uint16_t peer_call_id; /* the server's */
    uint8_t ocrp_result;
    uint8_t ocrp_error;
    uint16_t ocrp_cause;
    uint32_t connect_speed;

    bool gre_tried;       /* the raw socket opened and our packet went out */
    unsigned gre_packets; /* GRE from the server for our call */
    uint64_t gre_icmp_errors;
    char gre_first[64]; /* what the first one carried: "LCP Configure-Request" */
} DtPreflightResult;

/* Runs every step it can against host (a name or an address literal) and fills *r. */
void dt_preflight_run(const char *host, const DtPreflightConfig *config, DtPreflightResult *r);

/* "passed", "dns", "tcp-refused", "tcp-blocked", "pptp-refused", "gre-blocked",
 * "gre-unchecked", "internal": stable words for scripts. */
const char *dt_preflight_verdict_to_string(DtPreflightVerdict v);
/* One sentence: what the verdict means. */
const char *dt_preflight_verdict_describe(DtPreflightVerdict v);
/* One sentence: what a person can do next. */
const char *dt_preflight_verdict_next_step(DtPreflightVerdict v);
/* "dns", "tcp", "control", "call", "gre", "close". */
const char *dt_preflight_step_to_string(DtPreflightStepId s);
/* "ok", "failed", "skipped", "not-run". */
const char *dt_preflight_status_to_string(DtPreflightStatus s);

#endif /* DT_PREFLIGHT_H */
