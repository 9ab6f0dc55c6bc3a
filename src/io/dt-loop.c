/* dt-loop.c — epoll + one timerfd. */
#include "dt-loop.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

DtTime
dt_io_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (DtTime)ts.tv_sec * 1000u + (DtTime)ts.tv_nsec / 1000000u;
}

/* The timerfd's epoll data: a pointer no watch can have. */
#define TIMER_TAG(loop) ((void *)&(loop)->timerfd)

int
dt_loop_init(DtLoop *loop, DtIoError *err)
{
    struct epoll_event ev;
    int saved;

    memset(loop, 0, sizeof *loop);
    loop->deadline = DT_TIME_NEVER;
    loop->timerfd = -1;
    loop->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (loop->epfd < 0)
        return dt_io_fail(err, errno, "creating the epoll instance");
    loop->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (loop->timerfd < 0) {
        saved = errno;
        dt_loop_clear(loop);
        return dt_io_fail(err, saved, "creating the link timer");
    }
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.ptr = TIMER_TAG(loop);
    if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->timerfd, &ev) < 0) {
        saved = errno;
        dt_loop_clear(loop);
        return dt_io_fail(err, saved, "watching the link timer");
    }
    return 0;
}

void
dt_loop_clear(DtLoop *loop)
{
    if (loop->timerfd >= 0)
        close(loop->timerfd);
    if (loop->epfd >= 0)
        close(loop->epfd);
    loop->timerfd = -1;
    loop->epfd = -1;
}

int
dt_loop_add(DtLoop *loop, DtLoopWatch *watch, DtIoError *err)
{
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = watch->events;
    ev.data.ptr = watch;
    if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, watch->fd, &ev) < 0)
        return dt_io_fail(err, errno, "watching fd %d", watch->fd);
    return 0;
}

int
dt_loop_modify(DtLoop *loop, DtLoopWatch *watch, uint32_t events, DtIoError *err)
{
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.ptr = watch;
    if (epoll_ctl(loop->epfd, EPOLL_CTL_MOD, watch->fd, &ev) < 0)
        return dt_io_fail(err, errno, "changing the watch on fd %d", watch->fd);
    watch->events = events;
    return 0;
}

int
dt_loop_remove(DtLoop *loop, DtLoopWatch *watch, DtIoError *err)
{
    /* Events already fetched for this watch must not reach it after removal. */
    for (int i = loop->next; i < loop->next + loop->pending && i < DT_LOOP_EVENTS_MAX; i++) {
        if (loop->events[i].data.ptr == watch)
            loop->events[i].data.ptr = NULL;
    }
    if (epoll_ctl(loop->epfd, EPOLL_CTL_DEL, watch->fd, NULL) < 0)
        return dt_io_fail(err, errno, "unwatching fd %d", watch->fd);
    return 0;
}

int
dt_loop_set_deadline(DtLoop *loop, DtTime deadline, DtLoopTimerFunc func, void *user,
                     DtIoError *err)
{
    struct itimerspec its;

    memset(&its, 0, sizeof its);
    loop->timer_func = func;
    loop->timer_user = user;
    loop->deadline = deadline;
    if (deadline != DT_TIME_NEVER) {
        its.it_value.tv_sec = (time_t)(deadline / 1000u);
        its.it_value.tv_nsec = (long)(deadline % 1000u) * 1000000L;
        /* An all-zero it_value disarms a timerfd; deadline 0 means "now". */
        if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
            its.it_value.tv_nsec = 1;
    }
    if (timerfd_settime(loop->timerfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
        return dt_io_fail(err, errno, "arming the link timer");
    return 0;
}

static void
fire_timer(DtLoop *loop)
{
    uint64_t expirations;
    DtTime now;

    /* Drain the timerfd; EAGAIN means it was re-armed after it fired, and the new deadline
     * decides (checked below against the clock). */
    if (read(loop->timerfd, &expirations, sizeof expirations) < 0 && errno != EAGAIN)
        return;
    now = dt_io_now();
    if (loop->deadline == DT_TIME_NEVER || now < loop->deadline || !loop->timer_func)
        return;
    /* One shot: the callback re-arms with the engine's next deadline. */
    loop->deadline = DT_TIME_NEVER;
    loop->timer_func(loop, now, loop->timer_user);
}

int
dt_loop_iterate(DtLoop *loop, int timeout_ms, DtIoError *err)
{
    int n;

    /* dt_loop_stop() is called from callbacks: it ends this turn's dispatch (the rest of the
     * batch stays pending, level-triggered) and the run around it, never a later turn. */
    loop->stopping = false;
    do {
        n = epoll_wait(loop->epfd, loop->events, DT_LOOP_EVENTS_MAX, timeout_ms);
    } while (n < 0 && errno == EINTR && !loop->stopping);
    if (n < 0)
        return loop->stopping ? 0 : dt_io_fail(err, errno, "waiting for events");
    loop->pending = n;
    for (loop->next = 0; loop->pending > 0 && !loop->stopping;) {
        struct epoll_event *ev = &loop->events[loop->next];
        loop->next++;
        loop->pending--;
        if (ev->data.ptr == TIMER_TAG(loop)) {
            fire_timer(loop);
        } else if (ev->data.ptr) {
            DtLoopWatch *w = ev->data.ptr;
            w->func(loop, w, ev->events, w->user);
        }
    }
    loop->pending = 0;
    loop->next = 0;
    return 0;
}

int
dt_loop_run(DtLoop *loop, DtIoError *err)
{
    do {
        int rc = dt_loop_iterate(loop, -1, err);
        if (rc < 0)
            return rc;
    } while (!loop->stopping);
    loop->stopping = false;
    return 0;
}

void
dt_loop_stop(DtLoop *loop)
{
    loop->stopping = true;
}
