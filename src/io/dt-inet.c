/* dt-inet.c — IPv4/IPv6 address values. */
#include "dt-inet.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned
dt_inet_addr_len(int family)
{
    return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

unsigned
dt_inet_max_prefix(int family)
{
    return dt_inet_addr_len(family) * 8;
}

bool
dt_inet_parse(const char *text, DtInetAddr *out)
{
    DtInetAddr a;
    memset(&a, 0, sizeof a);
    if (!text)
        return false;
    if (inet_pton(AF_INET, text, a.bytes) == 1)
        a.family = AF_INET;
    else if (inet_pton(AF_INET6, text, a.bytes) == 1)
        a.family = AF_INET6;
    else
        return false;
    *out = a;
    return true;
}

bool
dt_inet_prefix_parse(const char *text, DtInetPrefix *out)
{
    char addr[DT_INET_STRLEN];
    const char *slash = text ? strchr(text, '/') : NULL;
    size_t n = slash ? (size_t)(slash - text) : (text ? strlen(text) : 0);
    DtInetPrefix p;

    if (!text || n == 0 || n >= sizeof addr)
        return false;
    memcpy(addr, text, n);
    addr[n] = '\0';
    if (!dt_inet_parse(addr, &p.addr))
        return false;
    p.prefix_len = dt_inet_max_prefix(p.addr.family);
    if (slash) {
        char *end = NULL;
        unsigned long len;
        if (slash[1] < '0' || slash[1] > '9')
            return false;
        len = strtoul(slash + 1, &end, 10);
        if (*end != '\0' || len > p.prefix_len)
            return false;
        p.prefix_len = (unsigned)len;
    }
    for (unsigned bit = p.prefix_len; bit < dt_inet_max_prefix(p.addr.family); bit++) {
        if (p.addr.bytes[bit / 8] & (0x80u >> (bit % 8)))
            return false;
    }
    *out = p;
    return true;
}

bool
dt_inet_equal(const DtInetAddr *a, const DtInetAddr *b)
{
    return a->family == b->family && memcmp(a->bytes, b->bytes, dt_inet_addr_len(a->family)) == 0;
}

const char *
dt_inet_to_string(const DtInetAddr *addr, char *buf)
{
    if (!addr || !inet_ntop(addr->family, addr->bytes, buf, DT_INET_STRLEN))
        snprintf(buf, DT_INET_STRLEN, "none");
    return buf;
}

const char *
dt_inet_prefix_to_string(const DtInetPrefix *prefix, char *buf)
{
    char a[DT_INET_STRLEN];
    snprintf(buf, DT_INET_STRLEN, "%s/%u", dt_inet_to_string(&prefix->addr, a), prefix->prefix_len);
    return buf;
}

socklen_t
dt_inet_to_sockaddr(const DtInetAddr *addr, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (addr->family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *)ss;
        sin->sin_family = AF_INET;
        memcpy(&sin->sin_addr, addr->bytes, 4);
        return sizeof *sin;
    }
    if (addr->family == AF_INET6) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
        sin6->sin6_family = AF_INET6;
        memcpy(&sin6->sin6_addr, addr->bytes, 16);
        return sizeof *sin6;
    }
    return 0;
}
