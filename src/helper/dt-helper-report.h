/* dt-helper-report.h — a connection's reports (issue 9), as the worker sends them in REPORT
 * records (dt-link-managed.h): pieces put together, the last attempt's final report kept, and
 * the GetReport calls waiting for a snapshot answered. */
#ifndef DT_HELPER_REPORT_H
#define DT_HELPER_REPORT_H

#include <gio/gio.h>

/* The most a report may take (the worker's own bounds keep it far below). */
#define DT_HELPER_REPORT_MAX (16 * 1024 * 1024)
/* How long a GetReport waits for the worker's snapshot. */
#define DT_HELPER_REPORT_TIMEOUT_S 10

typedef struct DtHelperReport DtHelperReport;

DtHelperReport *dt_helper_report_new(void);
/* Answers every waiting call with an error. */
void dt_helper_report_free(DtHelperReport *r);

/* A REPORT record's body, "(ubay)". FALSE when it breaks the protocol (too large, a piece
 * of another report in the middle of one): the caller stops the worker. */
gboolean dt_helper_report_add(DtHelperReport *r, GVariant *record);

/* The id for the next REPORT_REQUEST; the invocation is answered ("(ay)") when the report
 * with that id is complete, or with an error after DT_HELPER_REPORT_TIMEOUT_S. */
guint32 dt_helper_report_wait(DtHelperReport *r, GDBusMethodInvocation *invocation);
/* A new attempt's worker starts: the report of the one before is no longer "the last". */
void dt_helper_report_new_attempt(DtHelperReport *r);
/* The worker is gone: waiting calls get the last final report, or an error. */
void dt_helper_report_worker_gone(DtHelperReport *r);
/* The last attempt's final report, or NULL. */
GBytes *dt_helper_report_last(DtHelperReport *r);

#endif /* DT_HELPER_REPORT_H */
