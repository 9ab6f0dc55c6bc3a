/* dt-helper-log.h — the connection log (../shared/FORMATS.md): one structured journal entry per
 * attempt and per disconnect, with the Windows event-log facts as fields (USER, PROFILE, PEER,
 * AUTH, ENCRYPTION, STRENGTH, COMPRESSION, ADDRESS; on disconnect REASON, DURATION and the
 * counts), and the most recent entries kept in memory for GetConnectionLog, each tagged with
 * the uid that owns the connection so that callers read only their own. Never a secret. */
#ifndef DT_HELPER_LOG_H
#define DT_HELPER_LOG_H

#include <glib.h>

G_BEGIN_DECLS

#define DT_HELPER_LOG_KEEP 256 /* entries kept for GetConnectionLog */

typedef struct _DtHelperLog DtHelperLog;

DtHelperLog *dt_helper_log_new(guint keep);
void dt_helper_log_free(DtHelperLog *log);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DtHelperLog, dt_helper_log_free)

/* Sends one entry to the journal (or stderr) and keeps it. fields: NULL-terminated pairs of
 * upper-case key and value; EVENT, OWNER and PROFILE_ID are expected among them. */
void dt_helper_log_add(DtHelperLog *log, guint owner, const char *message,
                       const char *const *fields);

/* The newest entries first, at most limit (0: all kept) of the connections uid owns (uid 0:
 * everyone's), only profile_id's when it is not empty: a(xsa{ss}) — realtime µs, message,
 * fields. */
GVariant *dt_helper_log_query(DtHelperLog *log, guint uid, const char *profile_id, guint limit);

G_END_DECLS

#endif /* DT_HELPER_LOG_H */
