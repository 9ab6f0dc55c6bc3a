/* dt-ctl-wait.h — waiting, bounded, for a connection's State to leave a set of values. */
#ifndef DT_CTL_WAIT_H
#define DT_CTL_WAIT_H

#include "dt-ctl.h"

/* Runs the main loop until State is none of the NULL-terminated busy states (or the
 * connection vanished from the bus); FALSE on timeout. */
gboolean dt_ctl_wait_state(DtDBusConnection1 *c, const char *const *busy, guint timeout_s);

#endif /* DT_CTL_WAIT_H */
