/* dt-validate.h — checks for the strings users type into profiles, server.conf
 * and D-Bus calls: host names, addresses, CIDRs, device paths, modem strings.
 *
 * Each check returns TRUE when the value is acceptable; otherwise it returns
 * FALSE and, when why is not NULL, appends one sentence a person can act on
 * ("use …"), never echoing more of the value than is needed. The helper uses
 * the same checks on every D-Bus field, so the app, the CLI and the
 * privileged side agree on what is valid. */
#ifndef DT_VALIDATE_H
#define DT_VALIDATE_H

#include <glib.h>

G_BEGIN_DECLS

gboolean dt_validate_ipv4(const char *s, GString *why);
gboolean dt_validate_ipv6(const char *s, GString *why);
/* An IPv4 or IPv6 literal. */
gboolean dt_validate_ip(const char *s, GString *why);
/* An RFC 1123 host name in ASCII (IDN in its xn-- form), up to 253 octets. */
gboolean dt_validate_hostname(const char *s, GString *why);
/* A host name, an IPv4 literal or an IPv6 literal (bare or in brackets), no port:
 * what a PPTP client dials (TCP 1723 is implied). */
gboolean dt_validate_host(const char *s, GString *why);
/* IPv4 CIDR "a.b.c.d/n", n in 0..32, no host bits set. */
gboolean dt_validate_ipv4_cidr(const char *s, GString *why);
/* An absolute path under /dev without "." or ".." components. */
gboolean dt_validate_device_path(const char *s, GString *why);
/* An absolute, normalised file path (no "." or "..", no empty components). */
gboolean dt_validate_absolute_path(const char *s, GString *why);
/* A UUID in the 8-4-4-4-12 hex form. */
gboolean dt_validate_uuid(const char *s, GString *why);
/* Text shown to or typed by people: valid UTF-8, no control characters,
 * at most max_chars characters; empty allowed only if allow_empty. */
gboolean dt_validate_text(const char *s, gsize max_chars, gboolean allow_empty, GString *why);
/* One modem command: printable ASCII starting with AT. */
gboolean dt_validate_modem_command(const char *s, GString *why);
/* A phone number as a modem dials it: digits, * # + , ! @ W P T A-D, spaces,
 * - ( ) . as visual separators. */
gboolean dt_validate_phone(const char *s, GString *why);

/* IPv4 literal → host-order number. */
gboolean dt_parse_ipv4(const char *s, guint32 *out);

G_END_DECLS

#endif
