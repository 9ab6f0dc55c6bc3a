/* dt-link-secret.h — the password of a --standalone link, read from a file or standard input.
 *
 * Never from the command line (any user can read another's argv in /proc). The buffer is a
 * fixed array inside the caller's struct, locked out of swap where the kernel allows, and wiped
 * by dt_link_secret_clear() as soon as the engine has its own copy.
 */
#ifndef DT_LINK_SECRET_H
#define DT_LINK_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#define DT_LINK_SECRET_MAX 256 /* MS-CHAP passwords are at most 256 characters (RFC 2759 §4) */

typedef struct {
    char text[DT_LINK_SECRET_MAX + 1];
    size_t len;
    bool locked; /* mlock() held */
} DtLinkSecret;

/* Reads the first line of path ("-": standard input), without its line end. A file that group
 * or others may read is refused, as pppd refuses such a secrets file. Returns 0, or -1 with a
 * sentence in why (why_size bytes). */
int dt_link_secret_read(DtLinkSecret *s, const char *path, char *why, size_t why_size);
void dt_link_secret_clear(DtLinkSecret *s);

#endif /* DT_LINK_SECRET_H */
