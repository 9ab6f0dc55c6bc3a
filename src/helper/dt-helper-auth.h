/* dt-helper-auth.h — the one place the helper decides who may call what.
 *
 * A table maps each guarded method to its polkit action; dt_helper_auth_attach() connects
 * GDBusInterfaceSkeleton::g-authorize-method, which GDBus runs in a thread of its own, so
 * the polkit call may block there without blocking the main loop. Callers with uid 0 are
 * allowed without asking polkit; polkit being absent or failing refuses (fails closed).
 * Methods not in the table (ListConnections, property reads) are open to everyone the bus
 * policy lets through. The caller's uid is left on the invocation for the handler. */
#ifndef DT_HELPER_AUTH_H
#define DT_HELPER_AUTH_H

#include <gio/gio.h>

G_BEGIN_DECLS

/* The connection's owner, for the "the caller who connected may disconnect" rule: set on a
 * Connection1 skeleton before it is exported. */
#define DT_HELPER_AUTH_OWNER_KEY "dt-owner-uid"

void dt_helper_auth_attach(GDBusInterfaceSkeleton *skeleton);
/* The caller's uid as the authorization step found it; G_MAXUINT when unknown. */
guint dt_helper_auth_caller_uid(GDBusMethodInvocation *invocation);

G_END_DECLS

#endif /* DT_HELPER_AUTH_H */
