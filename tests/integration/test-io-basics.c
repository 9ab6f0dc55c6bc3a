/* test-io-basics.c — the parts of libdtio that need no privilege: address parsing, batches and
 * the loop's timer and watch rules. Runs in the unit suite; lives here to link libdtio. */
#include "dt-inet.h"
#include "dt-io-batch.h"
#include "dt-loop.h"

#include <errno.h>
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
test_inet(void)
{
    DtInetPrefix p;
    DtInetAddr a;
    char buf[DT_INET_STRLEN];

    CHECK(dt_inet_parse("192.0.2.1", &a) && a.family == AF_INET && a.bytes[3] == 1);
    CHECK(dt_inet_parse("2001:db8::1", &a) && a.family == AF_INET6 && a.bytes[15] == 1);
    CHECK(!dt_inet_parse("192.0.2.256", &a));
    CHECK(!dt_inet_parse("", &a));
    CHECK(dt_inet_prefix_parse("10.0.0.0/8", &p) && p.prefix_len == 8);
    CHECK(dt_inet_prefix_parse("192.0.2.7", &p) && p.prefix_len == 32);
    CHECK(dt_inet_prefix_parse("::/0", &p) && p.prefix_len == 0 && p.addr.family == AF_INET6);
    CHECK(!dt_inet_prefix_parse("10.0.0.1/8", &p)); /* host bits set */
    CHECK(!dt_inet_prefix_parse("10.0.0.0/33", &p));
    CHECK(!dt_inet_prefix_parse("10.0.0.0/", &p));
    CHECK(!dt_inet_prefix_parse("10.0.0.0/8x", &p));
    CHECK(dt_inet_prefix_parse("2001:db8::/32", &p));
    CHECK(strcmp(dt_inet_prefix_to_string(&p, buf), "2001:db8::/32") == 0);
}

static void
test_batch(void)
{
    DtIoBatch b;
    DtIoError err;

    CHECK(dt_io_batch_init(&b, 0, 2048, 128, &err) == -EINVAL && err.code == EINVAL);
    CHECK(dt_io_batch_init(&b, DT_IO_BATCH_MAX + 1, 2048, 128, &err) == -EINVAL);
    CHECK(dt_io_batch_init(&b, 4, 2048, 2048, &err) == -EINVAL);
    CHECK(strstr(err.message, "Invalid argument") != NULL);
    CHECK(dt_io_batch_init(&b, 4, 2000, 128, &err) == 0);
    for (unsigned i = 0; i < 4; i++) {
        CHECK(((uintptr_t)b.slots[i].buf & 63) == 0);
        CHECK(b.slots[i].off == 128 && b.slots[i].len == 0 && b.slots[i].cap == 2000);
        if (i > 0)
            CHECK(b.slots[i].buf >= b.slots[i - 1].buf + 2000);
    }
    b.slots[2].off = 7;
    dt_io_batch_reset(&b);
    CHECK(b.slots[2].off == 128);
    dt_io_batch_clear(&b);
}

typedef struct {
    DtLoopWatch a, b;
    int pipe_a[2], pipe_b[2];
    int a_calls, b_calls, timer_calls;
    DtTime fired_at;
} LoopTest;

static void
on_a_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    LoopTest *t = user;
    char c;
    t->a_calls++;
    (void)!read(w->fd, &c, 1);
    /* Whichever of a and b runs first removes the other: its pending event must not run. */
    dt_loop_remove(loop, &t->b, NULL);
}

static void
on_b_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    LoopTest *t = user;
    char c;
    t->b_calls++;
    (void)!read(w->fd, &c, 1);
    dt_loop_remove(loop, &t->a, NULL);
}

static void
on_timer_cb(DtLoop *loop, DtTime now, void *user)
{
    LoopTest *t = user;
    t->timer_calls++;
    t->fired_at = now;
    dt_loop_stop(loop);
}

static void
test_loop(void)
{
    LoopTest t;
    DtLoop loop;
    DtIoError err;
    DtTime start;

    memset(&t, 0, sizeof t);
    CHECK(dt_loop_init(&loop, &err) == 0);

    /* A deadline in the past (even 0) fires at once; the callback gets the real time. */
    start = dt_io_now();
    CHECK(dt_loop_set_deadline(&loop, 0, on_timer_cb, &t, &err) == 0);
    CHECK(dt_loop_run(&loop, &err) == 0);
    CHECK(t.timer_calls == 1 && t.fired_at >= start);

    /* A deadline 30 ms ahead fires no earlier. */
    start = dt_io_now();
    CHECK(dt_loop_set_deadline(&loop, start + 30, on_timer_cb, &t, &err) == 0);
    CHECK(dt_loop_run(&loop, &err) == 0);
    CHECK(t.timer_calls == 2 && t.fired_at >= start + 30 && t.fired_at < start + 1000);

    /* DT_TIME_NEVER disarms: nothing fires within 50 ms. */
    CHECK(dt_loop_set_deadline(&loop, start + 10, on_timer_cb, &t, &err) == 0);
    CHECK(dt_loop_set_deadline(&loop, DT_TIME_NEVER, on_timer_cb, &t, &err) == 0);
    CHECK(dt_loop_iterate(&loop, 50, &err) == 0);
    CHECK(t.timer_calls == 2);

    /* Two ready fds in one wake-up; the first callback removes the other watch. */
    CHECK(pipe(t.pipe_a) == 0 && pipe(t.pipe_b) == 0);
    t.a = (DtLoopWatch){.fd = t.pipe_a[0], .events = EPOLLIN, .func = on_a_cb, .user = &t};
    t.b = (DtLoopWatch){.fd = t.pipe_b[0], .events = EPOLLIN, .func = on_b_cb, .user = &t};
    CHECK(dt_loop_add(&loop, &t.a, &err) == 0 && dt_loop_add(&loop, &t.b, &err) == 0);
    CHECK(write(t.pipe_a[1], "x", 1) == 1 && write(t.pipe_b[1], "y", 1) == 1);
    CHECK(dt_loop_iterate(&loop, 100, &err) == 0);
    CHECK(t.a_calls + t.b_calls == 1);

    /* Adding the same fd twice is refused with words. */
    DtLoopWatch again = {.fd = t.a_calls ? t.pipe_a[0] : t.pipe_b[0], .events = EPOLLIN};
    CHECK(dt_loop_add(&loop, &again, &err) == -EEXIST && strstr(err.message, "watching fd"));

    for (int i = 0; i < 2; i++) {
        close(t.pipe_a[i]);
        close(t.pipe_b[i]);
    }
    dt_loop_clear(&loop);
}

int
main(void)
{
    test_inet();
    test_batch();
    test_loop();
    if (failures)
        fprintf(stderr, "%d checks failed\n", failures);
    else
        printf("io basics: all checks passed\n");
    return failures ? 1 : 0;
}
