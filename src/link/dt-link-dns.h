/* dt-link-dns.h — DNS for dialtone-link --standalone: the profile's DNS= policy (FORMATS.md:
 * "auto" takes what IPCP offered, a list is used as it is, "none" applies nothing) through
 * dt-resolver.h (systemd-resolved when it runs, else resolv.conf with a backup). The backup
 * goes to $DIALTONE_STATE_DIR or the helper's state directory, where dialtone-helper's start
 * finds it after a crash. Plain C for the data plane. */
#ifndef DT_LINK_DNS_H
#define DT_LINK_DNS_H

#include "dt-policy-common.h"

#include <stddef.h>
#include <stdint.h>

typedef struct DtLinkDns DtLinkDns;

/* offered: IPCP's primary and secondary (host order, 0: none). Returns NULL when nothing was
 * applied; why then holds the reason ("" when there was nothing to apply). *via (optional)
 * receives "systemd-resolved" or "resolv.conf". */
DtLinkDns *dt_link_dns_apply(const DtLinkProfile *p, const char *ifname, int ifindex,
                             const uint32_t offered[2], const char **via, char *why,
                             size_t why_size);
/* Takes it back and frees; NULL is fine. */
void dt_link_dns_revert(DtLinkDns *d);

#endif /* DT_LINK_DNS_H */
