/* dt-link-managed.h — dialtone-link --managed: one link run for dialtone-helper, and the framed
 * protocol the two speak over the socketpair the helper passes as fd 3.
 *
 * The socket is SOCK_SEQPACKET, so the kernel keeps record boundaries: one record is one
 * frame, at most DT_MANAGED_FRAME_MAX octets: the type (one octet), seven zero octets, then the
 * GVariant of the type's signature below in GLib's serialized normal form. A record that is
 * too short, has an unknown type, or whose body is not in normal form is refused (the worker
 * ends; the helper kills the worker).
 *
 * The helper sends START once; the worker answers with any number of STAGE, LOG, UP and STATS
 * records, then DOWN when the session ended (with the engine's typed reason) and EXIT after
 * the clean-up, just before it exits. SIGTERM asks for an orderly disconnect; a closed socket
 * (the helper went away) does too. REPORT_REQUEST asks for a snapshot of the connection report
 * (dt-link-report.h), answered by REPORT records with its id; when the link ends, the report
 * comes unasked, with id 0, before EXIT. This header is plain C: the helper includes it for the
 * numbers only.
 */
#ifndef DT_LINK_MANAGED_H
#define DT_LINK_MANAGED_H

#define DT_MANAGED_FD 3
#define DT_MANAGED_FRAME_MAX 65536
#define DT_MANAGED_HEADER 8 /* keeps the body 8-aligned, as GVariant needs */

typedef enum {
    /* helper → worker */
    DT_MANAGED_START = 1,          /* (a{sv}a{sv}a{sv}) profile, secrets {"password": s}, options */
    DT_MANAGED_REPORT_REQUEST = 2, /* u: an id (not 0) for the REPORT records that answer */
    /* worker → helper */
    DT_MANAGED_STAGE = 16, /* (ss) from, to: dt_session_stage_to_string(), or "connect" */
    DT_MANAGED_LOG = 17,   /* s: one key=value line, never a secret */
    DT_MANAGED_UP = 18,    /* a{sv}: the Protocols dictionary (org.dialtone.Helper1.xml) */
    DT_MANAGED_STATS = 19, /* a{sv}: the Stats dictionary, at most once a second */
    DT_MANAGED_DOWN = 20,  /* (ssqi): reason token, plain words, protocol, option (-1: none) */
    DT_MANAGED_EXIT = 21,  /* (iss): exit status (dt-link-exit.h), reason token, message */
    /* (ubay): id (0: the link ended), last, a piece of the pcapng file; an empty last piece
     * alone means the report could not be made */
    DT_MANAGED_REPORT = 22,
} DtManagedFrame;

#define DT_MANAGED_START_TYPE "(a{sv}a{sv}a{sv})"
#define DT_MANAGED_STAGE_TYPE "(ss)"
#define DT_MANAGED_LOG_TYPE "s"
#define DT_MANAGED_UP_TYPE "a{sv}"
#define DT_MANAGED_STATS_TYPE "a{sv}"
#define DT_MANAGED_DOWN_TYPE "(ssqi)"
#define DT_MANAGED_EXIT_TYPE "(iss)"
#define DT_MANAGED_REPORT_REQUEST_TYPE "u"
#define DT_MANAGED_REPORT_TYPE "(ubay)"
/* The largest piece of a report one REPORT record carries. */
#define DT_MANAGED_REPORT_PIECE 60000

/* Runs the link the START record on DT_MANAGED_FD describes; returns the exit status. */
int dt_link_managed_main(void);

#endif /* DT_LINK_MANAGED_H */
