/* dt-server.h — dialtone-server: the PAC side of PPTP for many clients in one process.
 *
 * One listening socket (TCP 1723); per control connection a DtPptpCtrl in the PAC role; per
 * call a server DtSession (borrowing its connection's DtPptpCtrl), a TUN and an address from the
 * pool. GRE of every call from one client address arrives on one raw socket connected to that
 * address (the kernel filters by peer); the call is found by the GRE Key, which is our Call ID.
 * Everything runs on one epoll loop with one timer: the earliest deadline of every control
 * connection and session, each cached when it was last called into, so that re-arming costs a
 * comparison per call rather than a walk through its layers.
 */
#ifndef DT_SERVER_H
#define DT_SERVER_H

#include "dt-gre-sock.h"
#include "dt-io-batch.h"
#include "dt-loop.h"
#include "dt-netconf.h"
#include "dt-policy-common.h"
#include "dt-pptp-ctrl.h"
#include "dt-server-closer.h"
#include "dt-server-gro.h"
#include "dt-session.h"
#include "dt-tcp.h"
#include "dt-tun.h"

#include <stdbool.h>
#include <stdint.h>

/* Calls one control connection may carry (MaxCalls bounds them all). A DtPptpCtrl keeps a
 * table of this many calls and walks it on every input and deadline, so sizing it by MaxCalls
 * made each connection cost ~200 KiB and every timer turn O(connections × MaxCalls) at
 * MaxCalls=1000 (bench/server-scale.sh); PNSs place one call per connection (Windows,
 * pptp-linux), and 64 is the engine's own PAC default. */
#define DT_SERVER_CALLS_PER_CONN 64

typedef struct DtServer DtServer;
typedef struct DtServerConn DtServerConn;
typedef struct DtServerCall DtServerCall;
typedef struct DtServerPeer DtServerPeer;

/* The raw GRE socket towards one client address, shared by that address's calls. */
struct DtServerPeer {
    DtServer *server;
    DtServerPeer *next;
    DtGreSock gre;
    DtLoopWatch watch;
    unsigned refs;
};

struct DtServerCall {
    DtServer *server;
    DtServerConn *conn;
    DtServerCall *next;       /* in conn->calls */
    DtServerCall *next_by_id; /* in server->by_id[call_id] */
    bool indexed;
    DtServerPeer *peer;
    DtSession *session;
    DtTun tun;
    DtLoopWatch w_tun;
    uint16_t call_id;
    uint32_t address; /* host order, from the pool */
    bool connected;   /* the connect line was logged */
    bool down;
    DtTime deadline; /* the session's, as of the last dt_server_call_pump() */
    char user[DT_AUTH_MAX_NAME];
};

struct DtServerConn {
    DtServer *server;
    DtServerConn *next;
    DtTcp tcp;
    DtLoopWatch watch;
    DtPptpCtrl *ctrl;
    uint16_t call_id_base; /* the first Call ID its DtPptpCtrl hands out */
    DtServerCall *calls;
    bool closed;     /* DtPptpCtrl said CLOSED: free once its calls are gone */
    DtTime deadline; /* the DtPptpCtrl's, as of the last dt_server_conn_flush() */
    char peer_text[DT_INET_STRLEN];
    uint8_t in[4096];
};

struct DtServer {
    DtServerSettings settings;
    DtSecretsTable *secrets;
    DtCrypto *crypto;
    DtLoop loop;
    DtNetconf *nc;
    DtTcpListener listener;
    DtLoopWatch w_listen, w_sig;
    int sigfd;
    DtServerConn *conns;
    DtServerPeer *peers;
    unsigned n_calls;
    /* Every live call by its Call ID (chained: connections pick their IDs independently), so
     * that a GRE packet finds its call in O(1) whatever the number of calls. */
    DtServerCall **by_id;
    bool reap_pending; /* a call went down or a connection closed */
    /* The earliest deadline noted since the last full scan (the timer's turn): never later
     * than the true one, sometimes earlier (a deadline that moved later or went away), which
     * costs one early wake-up and a scan, never a late timer. */
    DtTime soonest;
    bool rescan;
    uint8_t *pool_used; /* one byte per pool address */
    uint32_t pool_size;
    uint32_t pool_next; /* where the next search starts: a freed address waits a round */
    uint32_t next_call_serial;
    bool stopping;
    DtTime stop_bound;
    DtIoBatch gre_rx, tun_rx, ctl_tx;
    DtServerGro *gro; /* joins the TUN writes of one batch (dt-server-gro.h) */
    DtServerCloser closer;
};

/* Loads the config and secrets, listens; returns 0 or an exit status with the message printed. */
int dt_server_init(DtServer *s, const char *config_path);
/* Runs until SIGTERM/SIGINT and every call is stopped; returns the exit status. */
int dt_server_run(DtServer *s);
void dt_server_clear(DtServer *s);

/* dt-server-call.c */
void dt_server_call_request(DtServerConn *c, const DtPptpEvent *ev, DtTime now);
void dt_server_call_pump(DtServerCall *call, DtTime now);
void dt_server_call_free(DtServerCall *call);
DtServerCall *dt_server_find_call(DtServerPeer *peer, uint16_t call_id);
/* True when a live call from this client address already has this Call ID of ours: GRE
 * carries only the Call ID, so a second one would get the first one's packets. */
bool dt_server_call_id_taken(DtServer *s, const DtInetAddr *addr, uint16_t call_id);
/* After any call into a connection's sessions or its DtPptpCtrl. */
void dt_server_conn_flush(DtServerConn *c, DtTime now);
/* Only writes what the DtPptpCtrl has queued to the TCP socket (no events handled). */
void dt_server_conn_write(DtServerConn *c);
void dt_server_rearm(DtServer *s);
/* A session's or connection's deadline was recomputed: the timer must not be later. */
void dt_server_note_deadline(DtServer *s, DtTime deadline);

#endif /* DT_SERVER_H */
