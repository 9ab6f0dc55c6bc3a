/* dt-tcp.h — the TCP control connection of PPTP (RFC 2637 §2: port 1723), client and server.
 *
 * The client resolves the server's name first (getaddrinfo, IPv4 and IPv6), so the caller can
 * pin a host route to the address it is about to use before the tunnel takes the default route,
 * then connects without blocking and with a bound on the wait. The server listens and accepts.
 * Every connection is nonblocking, close-on-exec, TCP_NODELAY (control messages are small and
 * each waits for an answer: Nagle would only add delay) and has keepalive, so a peer that
 * vanished without a FIN is noticed even when PPTP's own echo is slow.
 *
 * Output goes through a small queue owned by the connection: dt_tcp_send() writes what the
 * kernel takes and keeps the rest; call dt_tcp_flush() on EPOLLOUT while dt_tcp_pending() says
 * so. Errors are sentences a person can act on ("Cannot reach vpn.example.com port 1723:
 * connection refused").
 */
#ifndef DT_TCP_H
#define DT_TCP_H

#include "dt-inet.h"
#include "dt-io-error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DT_TCP_RESOLVE_MAX 8            /* addresses kept from one lookup */
#define DT_TCP_OUT_MAX 16384            /* queued output per connection */
#define DT_TCP_CONNECT_TIMEOUT_MS 15000 /* a reasonable default for callers */

typedef struct {
    int fd; /* -1 when closed */
    DtInetAddr local;
    DtInetAddr peer;
    uint16_t local_port;
    uint16_t peer_port;
    size_t out_len; /* bytes waiting in out */
    uint8_t out[DT_TCP_OUT_MAX];
} DtTcp;

typedef struct {
    int fd;
    DtInetAddr local;
    uint16_t port;
} DtTcpListener;

/* Resolves host (a name or an IPv4/IPv6 literal) to up to max addresses (TCP, AI_ADDRCONFIG, in
 * the resolver's preferred order, duplicates removed). Returns the count (>= 1) or -errno:
 * ENXIO for a name that does not exist, EAGAIN for a resolver that did not answer. */
int dt_tcp_resolve(const char *host, DtInetAddr *addrs, size_t max, DtIoError *err);

/* Connects to addr:port, waiting at most timeout_ms. host names the server in messages (NULL:
 * the address). While waiting, a readable cancel_fd (e.g. a signalfd; -1 for none) abandons the
 * attempt with -ECANCELED. Returns 0 or -errno (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, …). */
int dt_tcp_connect(DtTcp *tcp, const DtInetAddr *addr, uint16_t port, const char *host,
                   uint32_t timeout_ms, int cancel_fd, DtIoError *err);

/* Resolves host and tries each address in turn until one answers; *used (optional) receives
 * it. The timeout bounds each attempt. */
int dt_tcp_connect_host(DtTcp *tcp, const char *host, uint16_t port, uint32_t timeout_ms,
                        int cancel_fd, DtInetAddr *used, DtIoError *err);

/* Closes the socket (pending output is dropped). Safe on a closed or zeroed-and-fd=-1 struct. */
void dt_tcp_close(DtTcp *tcp);

/* Reads what is there into buf. Returns the count, 0 at end of stream, -EAGAIN when nothing is
 * waiting, or another -errno. */
long dt_tcp_read(DtTcp *tcp, uint8_t *buf, size_t len, DtIoError *err);

/* Writes data after whatever is queued; what the kernel does not take now is queued. Returns 0,
 * -ENOBUFS when the queue would overflow (nothing is queued then: the peer is not reading), or
 * -errno for a broken connection (EPIPE, ECONNRESET). Never raises SIGPIPE. */
int dt_tcp_send(DtTcp *tcp, const uint8_t *data, size_t len, DtIoError *err);
/* Writes queued output; 0 (some may remain) or -errno. */
int dt_tcp_flush(DtTcp *tcp, DtIoError *err);

static inline bool
dt_tcp_pending(const DtTcp *tcp)
{
    return tcp->out_len > 0;
}

/* Listens on address:port (address NULL or "": every IPv4 and IPv6 address, "::" dual-stack).
 * SO_REUSEADDR, so a restarted server binds at once. */
int dt_tcp_listen(DtTcpListener *l, const char *address, uint16_t port, int backlog,
                  DtIoError *err);
void dt_tcp_listener_close(DtTcpListener *l);

/* Accepts one connection, configured like a client's. Returns 0, -EAGAIN when none is waiting,
 * or -errno. */
int dt_tcp_accept(DtTcpListener *l, DtTcp *tcp, DtIoError *err);

#endif /* DT_TCP_H */
