/* dt-tcp.c — nonblocking TCP for PPTP's control connection. */
#include "dt-tcp.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Keepalive: the first probe after 60 s of silence, then every 10 s, 6 unanswered end it. PPTP's
 * echo (RFC 2637 §2.5) also runs every 60 s; keepalive catches a dead peer whose TCP stack is
 * gone even when nobody is sending. */
#define KEEPALIVE_IDLE_S 60
#define KEEPALIVE_INTERVAL_S 10
#define KEEPALIVE_COUNT 6

/* Lower-case words for the failures a person meets when reaching a server; strerror's text
 * (capitalised, sometimes cryptic) for the rest. */
static const char *
describe_connect_errno(int code)
{
    switch (code) {
    case ECONNREFUSED:
        return "connection refused";
    case ETIMEDOUT:
        return "no answer (timed out)";
    case EHOSTUNREACH:
        return "no route to host";
    case ENETUNREACH:
        return "network unreachable";
    case ECONNRESET:
        return "connection reset";
    case EADDRNOTAVAIL:
        return "no local address to connect from";
    case ECANCELED:
        return "cancelled";
    default:
        return NULL;
    }
}

static int
fail_reach(DtIoError *err, int code, const char *host, uint16_t port)
{
    const char *words = describe_connect_errno(code);
    if (err) {
        err->code = code;
        if (words)
            snprintf(err->message, sizeof err->message, "Cannot reach %s port %u: %s", host,
                     (unsigned)port, words);
        else
            snprintf(err->message, sizeof err->message, "Cannot reach %s port %u: %s", host,
                     (unsigned)port, strerror(code));
    }
    return -code;
}

static void
set_options(int fd)
{
    int on = 1, idle = KEEPALIVE_IDLE_S, intvl = KEEPALIVE_INTERVAL_S, cnt = KEEPALIVE_COUNT;
    /* None of these failing breaks the connection; they only tune it. */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    (void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
    (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl);
    (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt);
}

static void
addr_from_sockaddr(const struct sockaddr_storage *ss, DtInetAddr *addr, uint16_t *port)
{
    memset(addr, 0, sizeof *addr);
    *port = 0;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
        addr->family = AF_INET;
        memcpy(addr->bytes, &sin->sin_addr, 4);
        *port = ntohs(sin->sin_port);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
        addr->family = AF_INET6;
        memcpy(addr->bytes, &sin6->sin6_addr, 16);
        *port = ntohs(sin6->sin6_port);
    }
}

static socklen_t
sockaddr_with_port(const DtInetAddr *addr, uint16_t port, struct sockaddr_storage *ss)
{
    socklen_t len = dt_inet_to_sockaddr(addr, ss);
    if (ss->ss_family == AF_INET)
        ((struct sockaddr_in *)ss)->sin_port = htons(port);
    else if (ss->ss_family == AF_INET6)
        ((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
    return len;
}

static void
fill_names(DtTcp *tcp)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(tcp->fd, (struct sockaddr *)&ss, &len) == 0)
        addr_from_sockaddr(&ss, &tcp->local, &tcp->local_port);
    len = sizeof ss;
    if (getpeername(tcp->fd, (struct sockaddr *)&ss, &len) == 0)
        addr_from_sockaddr(&ss, &tcp->peer, &tcp->peer_port);
}

int
dt_tcp_resolve(const char *host, DtInetAddr *addrs, size_t max, DtIoError *err)
{
    struct addrinfo hints, *res = NULL, *ai;
    size_t n = 0;
    int rc, code;

    if (!host || !*host || max == 0)
        return dt_io_fail(err, EINVAL, "resolving an empty server name");
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    hints.ai_flags = AI_ADDRCONFIG;
    rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc != 0) {
        const char *words;
        switch (rc) {
        case EAI_NONAME:
#ifdef EAI_NODATA
        case EAI_NODATA:
#endif
            code = ENXIO;
            words = "no such host name";
            break;
        case EAI_AGAIN:
            code = EAGAIN;
            words = "the name server did not answer; try again";
            break;
        case EAI_MEMORY:
            code = ENOMEM;
            words = "out of memory";
            break;
        case EAI_SYSTEM:
            code = errno > 0 ? errno : EIO;
            words = strerror(code);
            break;
        default:
            code = ENXIO;
            words = gai_strerror(rc);
            break;
        }
        if (err) {
            err->code = code;
            snprintf(err->message, sizeof err->message, "Cannot resolve %s: %s", host, words);
        }
        return -code;
    }
    for (ai = res; ai && n < max; ai = ai->ai_next) {
        DtInetAddr a;
        uint16_t port;
        bool dup = false;
        if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
            continue;
        addr_from_sockaddr((const struct sockaddr_storage *)ai->ai_addr, &a, &port);
        for (size_t i = 0; i < n; i++)
            dup = dup || dt_inet_equal(&addrs[i], &a);
        if (!dup)
            addrs[n++] = a;
    }
    freeaddrinfo(res);
    if (n == 0) {
        if (err) {
            err->code = ENXIO;
            snprintf(err->message, sizeof err->message,
                     "Cannot resolve %s: no IPv4 or IPv6 address", host);
        }
        return -ENXIO;
    }
    return (int)n;
}

static int64_t
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for the connect to finish; 0 (connected), or -errno. */
static int
wait_connected(int fd, uint32_t timeout_ms, int cancel_fd)
{
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        struct pollfd pfd[2] = {{.fd = fd, .events = POLLOUT}, {.fd = cancel_fd, .events = POLLIN}};
        int64_t left = deadline - now_ms();
        int rc, soerr = 0;
        socklen_t len = sizeof soerr;
        if (left <= 0)
            return -ETIMEDOUT;
        rc = poll(pfd, cancel_fd >= 0 ? 2 : 1, (int)left);
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (rc == 0)
            return -ETIMEDOUT;
        if (cancel_fd >= 0 && (pfd[1].revents & POLLIN))
            return -ECANCELED;
        if (pfd[0].revents == 0)
            continue;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
            return -errno;
        return soerr ? -soerr : 0;
    }
}

int
dt_tcp_connect(DtTcp *tcp, const DtInetAddr *addr, uint16_t port, const char *host,
               uint32_t timeout_ms, int cancel_fd, DtIoError *err)
{
    char text[DT_INET_STRLEN];
    struct sockaddr_storage ss;
    socklen_t sslen;
    int rc;

    memset(tcp, 0, offsetof(DtTcp, out));
    tcp->fd = -1;
    dt_inet_to_string(addr, text);
    if (!host)
        host = text;
    sslen = sockaddr_with_port(addr, port, &ss);
    if (sslen == 0)
        return fail_reach(err, EAFNOSUPPORT, host, port);
    tcp->fd = socket(addr->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
    if (tcp->fd < 0)
        return fail_reach(err, errno, host, port);
    set_options(tcp->fd);
    if (connect(tcp->fd, (struct sockaddr *)&ss, sslen) == 0)
        rc = 0;
    else if (errno == EINPROGRESS)
        rc = wait_connected(tcp->fd, timeout_ms, cancel_fd);
    else
        rc = -errno;
    if (rc < 0) {
        dt_tcp_close(tcp);
        return fail_reach(err, -rc, host, port);
    }
    fill_names(tcp);
    return 0;
}

int
dt_tcp_connect_host(DtTcp *tcp, const char *host, uint16_t port, uint32_t timeout_ms, int cancel_fd,
                    DtInetAddr *used, DtIoError *err)
{
    DtInetAddr addrs[DT_TCP_RESOLVE_MAX];
    int n = dt_tcp_resolve(host, addrs, DT_TCP_RESOLVE_MAX, err);
    int rc = -ENXIO;
    tcp->fd = -1;
    for (int i = 0; i < n; i++) {
        rc = dt_tcp_connect(tcp, &addrs[i], port, host, timeout_ms, cancel_fd, err);
        if (rc == 0) {
            if (used)
                *used = addrs[i];
            return 0;
        }
        if (rc == -ECANCELED)
            break;
    }
    return n < 0 ? n : rc;
}

void
dt_tcp_close(DtTcp *tcp)
{
    if (tcp->fd >= 0)
        close(tcp->fd);
    tcp->fd = -1;
    tcp->out_len = 0;
}

long
dt_tcp_read(DtTcp *tcp, uint8_t *buf, size_t len, DtIoError *err)
{
    for (;;) {
        ssize_t n = recv(tcp->fd, buf, len, 0);
        if (n >= 0)
            return (long)n;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return -EAGAIN;
        return dt_io_fail(err, errno, "reading the control connection");
    }
}

/* Writes from data until the kernel stops taking it; returns bytes written or -errno. */
static long
write_some(int fd, const uint8_t *data, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = send(fd, data + done, len - done, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            done += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        return n < 0 ? -errno : -EIO;
    }
    return (long)done;
}

int
dt_tcp_flush(DtTcp *tcp, DtIoError *err)
{
    long n;
    if (tcp->out_len == 0)
        return 0;
    n = write_some(tcp->fd, tcp->out, tcp->out_len);
    if (n < 0)
        return dt_io_fail(err, (int)-n, "writing the control connection");
    memmove(tcp->out, tcp->out + n, tcp->out_len - (size_t)n);
    tcp->out_len -= (size_t)n;
    return 0;
}

int
dt_tcp_send(DtTcp *tcp, const uint8_t *data, size_t len, DtIoError *err)
{
    long n = 0;
    int rc = dt_tcp_flush(tcp, err);
    if (rc < 0)
        return rc;
    if (tcp->out_len == 0) {
        n = write_some(tcp->fd, data, len);
        if (n < 0)
            return dt_io_fail(err, (int)-n, "writing the control connection");
    }
    if (len - (size_t)n > sizeof tcp->out - tcp->out_len)
        return dt_io_fail(err, ENOBUFS, "queueing %zu bytes for the control connection",
                          len - (size_t)n);
    memcpy(tcp->out + tcp->out_len, data + n, len - (size_t)n);
    tcp->out_len += len - (size_t)n;
    return 0;
}

int
dt_tcp_listen(DtTcpListener *l, const char *address, uint16_t port, int backlog, DtIoError *err)
{
    DtInetAddr addr;
    struct sockaddr_storage ss;
    socklen_t sslen;
    char text[DT_INET_STRLEN];
    int on = 1, off = 0, saved;

    memset(l, 0, sizeof *l);
    l->fd = -1;
    if (!address || !*address)
        address = "::";
    if (!dt_inet_parse(address, &addr))
        return dt_io_fail(err, EINVAL, "listening on %s: not an IPv4 or IPv6 address", address);
    dt_inet_to_string(&addr, text);
    l->fd = socket(addr.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
    if (l->fd < 0)
        return dt_io_fail(err, errno, "listening on %s port %u", text, (unsigned)port);
    (void)setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    /* "::" takes IPv4 clients too (as ::ffff:a.b.c.d) whatever net.ipv6.bindv6only says. */
    if (addr.family == AF_INET6)
        (void)setsockopt(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    sslen = sockaddr_with_port(&addr, port, &ss);
    if (bind(l->fd, (struct sockaddr *)&ss, sslen) < 0 ||
        listen(l->fd, backlog > 0 ? backlog : 64) < 0) {
        saved = errno;
        dt_tcp_listener_close(l);
        return dt_io_fail(err, saved, "listening on %s port %u", text, (unsigned)port);
    }
    sslen = sizeof ss;
    if (getsockname(l->fd, (struct sockaddr *)&ss, &sslen) == 0)
        addr_from_sockaddr(&ss, &l->local, &l->port);
    return 0;
}

void
dt_tcp_listener_close(DtTcpListener *l)
{
    if (l->fd >= 0)
        close(l->fd);
    l->fd = -1;
}

int
dt_tcp_accept(DtTcpListener *l, DtTcp *tcp, DtIoError *err)
{
    int fd;
    for (;;) {
        fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0)
            break;
        if (errno == EINTR)
            continue;
        /* A connection that died before we took it (ECONNABORTED) is just not there. */
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED)
            return -EAGAIN;
        return dt_io_fail(err, errno, "accepting a control connection");
    }
    memset(tcp, 0, offsetof(DtTcp, out));
    tcp->fd = fd;
    set_options(fd);
    fill_names(tcp);
    /* A dual-stack listener shows IPv4 clients as ::ffff:a.b.c.d; the GRE socket for the call
     * must be IPv4, so name the peer the way it really is. */
    static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (tcp->peer.family == AF_INET6 && memcmp(tcp->peer.bytes, v4mapped, 12) == 0) {
        memmove(tcp->peer.bytes, tcp->peer.bytes + 12, 4);
        memset(tcp->peer.bytes + 4, 0, 12);
        tcp->peer.family = AF_INET;
        if (tcp->local.family == AF_INET6 && memcmp(tcp->local.bytes, v4mapped, 12) == 0) {
            memmove(tcp->local.bytes, tcp->local.bytes + 12, 4);
            memset(tcp->local.bytes + 4, 0, 12);
            tcp->local.family = AF_INET;
        }
    }
    return 0;
}
