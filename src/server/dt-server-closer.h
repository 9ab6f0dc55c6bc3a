/* dt-server-closer.h — closes the calls' TUN devices off the event loop.
 *
 * Closing a TUN unregisters its device, and the kernel waits for an RCU grace period before
 * close() returns (netdev_run_todo: rcu_barrier), ~10–20 ms each. On the loop, a thousand calls
 * hanging up at once froze every other call for 20 s (bench/server-scale.sh). One thread does
 * nothing but close the descriptors it is handed through a pipe; the loop never waits for it.
 * The descriptor number stays taken until the thread has closed it, so it cannot be reused
 * under the thread's feet.
 */
#ifndef DT_SERVER_CLOSER_H
#define DT_SERVER_CLOSER_H

#include <pthread.h>
#include <stdbool.h>

typedef struct {
    int pipe_w; /* -1: no thread, closes happen inline */
    int pipe_r;
    pthread_t thread;
} DtServerCloser;

/* Starts the thread; on failure closes stay inline (slow, still correct). */
void dt_server_closer_init(DtServerCloser *c);
/* Closes fd, on the thread if there is one (inline when the pipe is full). */
void dt_server_closer_close(DtServerCloser *c, int fd);
/* Waits for every handed-over close, then stops the thread. */
void dt_server_closer_clear(DtServerCloser *c);

#endif /* DT_SERVER_CLOSER_H */
