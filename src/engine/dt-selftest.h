/* dt-selftest.h — known-answer self-test of the engine on this machine.
 *
 * Proves, before any link is brought up, that OpenSSL's legacy provider is
 * there and that MS-CHAP and MPPE compute what the RFCs print.  The lines it
 * reports are for people ("ok MS-CHAP v2 NT-Response (RFC 2759 §9.2)").
 */
#ifndef DT_SELFTEST_H
#define DT_SELFTEST_H

#include <stdbool.h>
#include <stddef.h>

/* Called once per check with its outcome and a one-line description. */
typedef void (*DtSelftestReportFn)(bool ok, const char *what, void *user_data);

/* Runs every check; returns the number that failed (0 = all passed). */
int dt_selftest_run(DtSelftestReportFn report, void *user_data);

#endif /* DT_SELFTEST_H */
