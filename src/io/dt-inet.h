/* dt-inet.h — IPv4/IPv6 addresses and prefixes as plain values, for the I/O shell's APIs. */
#ifndef DT_INET_H
#define DT_INET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define DT_INET_STRLEN 64 /* enough for any IPv6 address with a "/128" suffix */

typedef struct {
    int family;        /* AF_INET, AF_INET6, or 0 for "none" */
    uint8_t bytes[16]; /* network order; IPv4 uses the first 4 */
} DtInetAddr;

typedef struct {
    DtInetAddr addr;
    unsigned prefix_len; /* 0..32 or 0..128 */
} DtInetPrefix;

/* "192.0.2.1" or "2001:db8::1". False (and *out untouched) on anything else. */
bool dt_inet_parse(const char *text, DtInetAddr *out);
/* "10.0.0.0/8", "2001:db8::/32"; a bare address is a host prefix (/32 or /128). Host bits set
 * below the prefix are refused, as the kernel would refuse such a route. */
bool dt_inet_prefix_parse(const char *text, DtInetPrefix *out);

unsigned dt_inet_addr_len(int family); /* 4, 16, or 0 */
unsigned dt_inet_max_prefix(int family);
bool dt_inet_equal(const DtInetAddr *a, const DtInetAddr *b);

/* Both return buf; "none" for family 0. buf holds DT_INET_STRLEN bytes. */
const char *dt_inet_to_string(const DtInetAddr *addr, char *buf);
const char *dt_inet_prefix_to_string(const DtInetPrefix *prefix, char *buf);

/* Fills *ss (port 0) and returns its length, or 0 for a family that is not IP. */
socklen_t dt_inet_to_sockaddr(const DtInetAddr *addr, struct sockaddr_storage *ss);

#endif /* DT_INET_H */
