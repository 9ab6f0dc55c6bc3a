/* test-tcp.c — the control connection's TCP over loopback: resolve, connect, accept, queued
 * output, and the words of a refused connection. Needs no privilege; runs in the unit suite. */
#include "dt-tcp.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                        \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static void
test_resolve(void)
{
    DtInetAddr addrs[DT_TCP_RESOLVE_MAX];
    DtIoError err;
    int n = dt_tcp_resolve("127.0.0.1", addrs, DT_TCP_RESOLVE_MAX, &err);
    CHECK(n == 1 && addrs[0].family == AF_INET && addrs[0].bytes[0] == 127);
    n = dt_tcp_resolve("::1", addrs, DT_TCP_RESOLVE_MAX, &err);
    /* AI_ADDRCONFIG may hide IPv6 where no interface has it; either answer is honest. */
    CHECK(n == -ENXIO || (n == 1 && addrs[0].family == AF_INET6));
    n = dt_tcp_resolve("no-such-host.invalid", addrs, DT_TCP_RESOLVE_MAX, &err);
    CHECK(n == -ENXIO || n == -EAGAIN);
    CHECK(strstr(err.message, "Cannot resolve no-such-host.invalid: ") == err.message);
    CHECK(dt_tcp_resolve("", addrs, DT_TCP_RESOLVE_MAX, &err) == -EINVAL);
}

static void
test_refused(void)
{
    DtTcpListener l;
    DtInetAddr lo;
    DtTcp c;
    DtIoError err;
    uint16_t port;

    /* Take a free port, then close it: nothing listens there now. */
    CHECK(dt_tcp_listen(&l, "127.0.0.1", 0, 1, &err) == 0);
    port = l.port;
    dt_tcp_listener_close(&l);
    dt_inet_parse("127.0.0.1", &lo);
    CHECK(dt_tcp_connect(&c, &lo, port, "vpn.example.com", 2000, -1, &err) == -ECONNREFUSED);
    CHECK(c.fd == -1);
    char want[128];
    snprintf(want, sizeof want, "Cannot reach vpn.example.com port %u: connection refused",
             (unsigned)port);
    CHECK(strcmp(err.message, want) == 0);
    CHECK(dt_tcp_connect_host(&c, "127.0.0.1", port, 2000, -1, NULL, &err) == -ECONNREFUSED);
}

static void
test_cancel(void)
{
    DtTcpListener l;
    DtInetAddr lo;
    DtTcp c;
    DtIoError err;
    int p[2];
    /* A cancel fd already readable abandons even an attempt that would succeed, unless the
     * kernel connected it at once (loopback often does); both outcomes leave no socket open. */
    CHECK(dt_tcp_listen(&l, "127.0.0.1", 0, 1, &err) == 0);
    CHECK(pipe(p) == 0);
    CHECK(write(p[1], "x", 1) == 1);
    dt_inet_parse("127.0.0.1", &lo);
    int rc = dt_tcp_connect(&c, &lo, l.port, NULL, 2000, p[0], &err);
    CHECK(rc == 0 || rc == -ECANCELED);
    if (rc == 0)
        dt_tcp_close(&c);
    else
        CHECK(c.fd == -1);
    close(p[0]);
    close(p[1]);
    dt_tcp_listener_close(&l);
}

static void
test_exchange(const char *listen_on, const char *connect_to)
{
    DtTcpListener l;
    DtInetAddr used;
    DtTcp c, s;
    DtIoError err;
    uint8_t buf[4096];
    static uint8_t big[3 * DT_TCP_OUT_MAX];
    int on = 0;
    socklen_t len = sizeof on;

    if (dt_tcp_listen(&l, listen_on, 0, 4, &err) < 0) {
        printf("skip %s: %s\n", listen_on, err.message);
        return;
    }
    CHECK(dt_tcp_accept(&l, &s, &err) == -EAGAIN);
    CHECK(dt_tcp_connect_host(&c, connect_to, l.port, 2000, -1, &used, &err) == 0);
    CHECK(c.peer_port == l.port);
    for (int i = 0; i < 100 && dt_tcp_accept(&l, &s, &err) == -EAGAIN; i++)
        usleep(10000);
    CHECK(s.fd >= 0);
    /* An IPv4 client of a dual-stack listener is named as IPv4, as its GRE will be. */
    CHECK(s.peer.family == used.family);
    CHECK(s.local.family == used.family);
    CHECK(getsockopt(s.fd, IPPROTO_TCP, TCP_NODELAY, &on, &len) == 0 && on == 1);

    CHECK(dt_tcp_send(&c, (const uint8_t *)"hello", 5, &err) == 0);
    long n = -EAGAIN;
    for (int i = 0; i < 100 && n == -EAGAIN; i++) {
        n = dt_tcp_read(&s, buf, sizeof buf, &err);
        if (n == -EAGAIN)
            usleep(10000);
    }
    CHECK(n == 5 && memcmp(buf, "hello", 5) == 0);

    /* Shrink the buffers so the queue is reached, then overflow it: refused, nothing queued. */
    int small = 4096;
    setsockopt(c.fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    setsockopt(s.fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    int rc = 0;
    size_t sent = 0;
    while (rc == 0 && sent < 100 * sizeof big) {
        rc = dt_tcp_send(&c, big, 1024, &err);
        if (rc == 0)
            sent += 1024;
    }
    CHECK(rc == -ENOBUFS);
    CHECK(dt_tcp_pending(&c));
    size_t queued = c.out_len;
    CHECK(queued <= DT_TCP_OUT_MAX);
    /* Drain the server side; flushing then empties the queue, and every byte arrives. */
    size_t got = 0;
    for (int i = 0; i < 2000 && got < sent; i++) {
        n = dt_tcp_read(&s, buf, sizeof buf, &err);
        if (n > 0)
            got += (size_t)n;
        CHECK(dt_tcp_flush(&c, &err) == 0);
        if (n == -EAGAIN)
            usleep(1000);
    }
    CHECK(got == sent);
    CHECK(!dt_tcp_pending(&c));

    dt_tcp_close(&c);
    for (int i = 0; i < 100; i++) {
        n = dt_tcp_read(&s, buf, sizeof buf, &err);
        if (n != -EAGAIN)
            break;
        usleep(10000);
    }
    CHECK(n == 0); /* end of stream */
    dt_tcp_close(&s);
    dt_tcp_close(&s); /* twice is harmless */
    dt_tcp_listener_close(&l);
}

int
main(void)
{
    test_resolve();
    test_refused();
    test_cancel();
    test_exchange("127.0.0.1", "127.0.0.1");
    test_exchange(NULL, "127.0.0.1"); /* dual-stack listener, IPv4 client */
    test_exchange("::1", "::1");
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    else
        printf("all tcp checks passed\n");
    return failures ? 1 : 0;
}
