/* dt-helper-connection.h — one live connection: its bus object (org.dialtone.Connection1) and
 * the dialtone-link --managed worker behind it.
 *
 * The worker's records (dt-link-managed.h) become properties and signals; its exit is
 * noticed and, when it left no typed reason, mapped to Error from how it ended. Only
 * validated values reach dt_helper_connection_start(). */
#ifndef DT_HELPER_CONNECTION_H
#define DT_HELPER_CONNECTION_H

#include "dt-helper-generated.h"
#include "dt-helper-log.h"
#include "dt-profile.h"
#include "dt-resolver.h"

G_BEGIN_DECLS

typedef struct _DtHelperConnection DtHelperConnection;

/* Called once when the worker has exited and the final State/Error are set. */
typedef void (*DtHelperConnectionEndedFunc)(DtHelperConnection *c, gpointer user_data);

/* What the helper shares with its connections; outlives them. */
typedef struct {
    DtResolver *resolver; /* DNS for the links (NULL: none applied) */
    DtHelperLog *log;     /* the connection log (NULL: none kept) */
    /* Whether a connection other than c has a worker running that reached server (NULL: any
     * server); the stale-route rule asks before it deletes. */
    gboolean (*in_use)(DtHelperConnection *c, const char *server, gpointer user_data);
    gpointer user_data;
} DtHelperConnectionEnv;

/* Exports a Connection1 at path on bus and spawns link_path --managed with the profile,
 * the password and the options (a{sv}, already validated; sunk). On a failure the profile's
 * [Redial] allows, a new worker is spawned after the backoff, on the same object (Stage
 * "redial-wait" in between, Attempt counting); the password is kept for that, locked. */
DtHelperConnection *dt_helper_connection_start(GDBusConnection *bus, const char *path,
                                               const char *link_path, const DtProfile *profile,
                                               const DtProfile *dial_first, const char *password,
                                               const char *dial_first_password, GVariant *options,
                                               guint owner, const DtHelperConnectionEnv *env,
                                               DtHelperConnectionEndedFunc ended,
                                               gpointer user_data, GError **error);
/* Unexports the object; a worker still running is killed. */
void dt_helper_connection_free(DtHelperConnection *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DtHelperConnection, dt_helper_connection_free)

const char *dt_helper_connection_get_path(DtHelperConnection *c);
gboolean dt_helper_connection_is_running(DtHelperConnection *c);
/* Whether a worker process runs now (not while waiting to redial). */
gboolean dt_helper_connection_has_worker(DtHelperConnection *c);
/* The address the worker reached (from its UP record); NULL before. */
const char *dt_helper_connection_get_server(DtHelperConnection *c);
/* SIGTERM to the worker: an orderly disconnect. */
void dt_helper_connection_stop(DtHelperConnection *c);

G_END_DECLS

#endif /* DT_HELPER_CONNECTION_H */
