/* dt-loop.h — a small epoll loop for the I/O shell: fd watches, one deadline, run until stopped.
 *
 * The engine is pulled (poll_transmit, next_deadline), so a link needs exactly one timer: arm
 * it with the engine's next deadline after every step. Watches live in the caller's memory (a
 * field of the link's struct), so registering and dispatching allocate nothing.
 */
#ifndef DT_LOOP_H
#define DT_LOOP_H

#include "dt-io-error.h"
#include "dt-time.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

#define DT_LOOP_EVENTS_MAX 32 /* epoll events taken per wake-up */

typedef struct DtLoop DtLoop;
typedef struct DtLoopWatch DtLoopWatch;

/* events: the EPOLLIN/EPOLLOUT/EPOLLERR/EPOLLHUP bits that fired. */
typedef void (*DtLoopFdFunc)(DtLoop *loop, DtLoopWatch *watch, uint32_t events, void *user);
typedef void (*DtLoopTimerFunc)(DtLoop *loop, DtTime now, void *user);

struct DtLoopWatch {
    int fd;
    uint32_t events; /* what is asked for: EPOLLIN, EPOLLOUT (level-triggered) */
    DtLoopFdFunc func;
    void *user;
};

struct DtLoop {
    int epfd;
    int timerfd;
    DtTime deadline; /* DT_TIME_NEVER when disarmed */
    DtLoopTimerFunc timer_func;
    void *timer_user;
    bool stopping;
    int pending; /* events left in the batch being dispatched */
    int next;    /* index of the next one */
    struct epoll_event events[DT_LOOP_EVENTS_MAX];
};

/* The I/O shell's clock: CLOCK_MONOTONIC in milliseconds, the DtTime the engine is fed. */
DtTime dt_io_now(void);

int dt_loop_init(DtLoop *loop, DtIoError *err);
void dt_loop_clear(DtLoop *loop);

/* watch must stay valid (and unmoved) until removed. Removing a watch from inside any callback is
 * safe: its events still waiting in the current batch are discarded. */
int dt_loop_add(DtLoop *loop, DtLoopWatch *watch, DtIoError *err);
int dt_loop_modify(DtLoop *loop, DtLoopWatch *watch, uint32_t events, DtIoError *err);
int dt_loop_remove(DtLoop *loop, DtLoopWatch *watch, DtIoError *err);

/* Arms the one timer for the absolute deadline (dt_io_now() time base); DT_TIME_NEVER disarms.
 * A deadline already past fires on the next turn. func runs with the time it fired. */
int dt_loop_set_deadline(DtLoop *loop, DtTime deadline, DtLoopTimerFunc func, void *user,
                         DtIoError *err);

/* Dispatches until a callback calls dt_loop_stop(), which ends the current turn (events left in
 * it stay pending: epoll is level-triggered) and the run. Returns 0, or -errno if epoll fails. */
int dt_loop_run(DtLoop *loop, DtIoError *err);
/* One wait of at most timeout_ms (-1: forever) and its dispatch; for tests and embedding. */
int dt_loop_iterate(DtLoop *loop, int timeout_ms, DtIoError *err);
void dt_loop_stop(DtLoop *loop);

#endif /* DT_LOOP_H */
