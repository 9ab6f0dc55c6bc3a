/* dt-link-report.h — the connection report of one link (issue 9): one pcapng file that Wireshark,
 * tshark and capinfos open.
 *
 *   Section Header comment   the text report: profile, result, what was negotiated, the GRE
 *                            and PPP counters, the timeline (every key=value log line, timed),
 *                            and what the capture holds
 *   one interface            LINKTYPE_PPP_WITH_DIR ("ppp-control")
 *   one packet per frame     every PPP control frame either way (LCP, PAP, CHAP, IPCP, IPv6CP,
 *                            CCP, Protocol-Rejects) as the engine's tap gave it: redacted
 *                            (dt-ppp-tap.h), never a data frame
 *
 * Bounded: the first DT_LINK_REPORT_HEAD frames and lines are kept (the negotiation) and the
 * last DT_LINK_REPORT_TAIL (the end); the report says how many went between. Frames are kept
 * in memory until dt_link_report_write(), which only calls write(2) on an fd already open, so
 * the sandboxed protocol child can write the report when its link ends.
 */
#ifndef DT_LINK_REPORT_H
#define DT_LINK_REPORT_H

#include "dt-pcapng.h"
#include "dt-ppp.h"
#include "dt-session.h"

#include <stdbool.h>

#define DT_LINK_REPORT_HEAD 512
#define DT_LINK_REPORT_TAIL 256
#define DT_LINK_REPORT_MAX_LINE 512

typedef struct DtLinkReport DtLinkReport;

/* header: the first lines of the text ("Profile: …\nServer: …"), copied. now: the monotonic
 * clock (dt_io_now()); the wall clock is read once here to date the packets. NULL: no memory. */
DtLinkReport *dt_link_report_new(const char *header, DtTime now);
void dt_link_report_free(DtLinkReport *r);

/* A DtPppTapFn: ctx is the report. */
void dt_link_report_tap_cb(void *ctx, const DtPppTapFrame *frame);
/* A timeline line (a key=value log line). */
void dt_link_report_line(DtLinkReport *r, DtTime now, const char *line);

/* What the end of the link knew; any may be NULL (a dial-up link has no session). */
void dt_link_report_set_session(DtLinkReport *r, const DtSessionSummary *summary,
                                const DtSessionStats *stats);
/* The PPP link's counters and what LCP and IPCP negotiated (all a dial-up link has). */
void dt_link_report_set_ppp(DtLinkReport *r, const DtPpp *ppp);
void dt_link_report_set_result(DtLinkReport *r, DtReason reason, const char *message, DtTime now);

/* Frames seen so far (kept or not). */
uint64_t dt_link_report_frames(const DtLinkReport *r);

/* Writes the whole report to fd (write(2) only). False on a write error. Before
 * dt_link_report_set_result() it is a snapshot of a link still running. */
bool dt_link_report_write(DtLinkReport *r, int fd);
/* The same through any write callback (the managed worker's buffer for the helper). */
bool dt_link_report_write_to(DtLinkReport *r, DtPcapngWriteFn write, void *ctx);

#endif /* DT_LINK_REPORT_H */
