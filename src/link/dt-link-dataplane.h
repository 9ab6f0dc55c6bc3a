/* dt-link-dataplane.h — the running link: the session on the epoll loop with batched GRE and
 * TUN I/O, the control connection, the one timer, and the network-up configuration. */
#ifndef DT_LINK_DATAPLANE_H
#define DT_LINK_DATAPLANE_H

#include "dt-link-standalone.h"

/* Runs the session over run's open TCP, GRE socket and TUN until it ends; fills run->reason and
 * run->message. Returns 0, or -1 when the session could not start (message says why). */
int dt_link_dataplane_run(DtLinkRun *run);

#endif /* DT_LINK_DATAPLANE_H */
