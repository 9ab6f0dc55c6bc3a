/* dt-link-dns.c — see dt-link-dns.h. */
#include "dt-link-dns.h"

#include "dt-resolver.h"

#include <arpa/inet.h>
#include <stdio.h>

struct DtLinkDns {
    DtResolver *resolver;
    int ifindex;
};

DtLinkDns *
dt_link_dns_apply(const DtLinkProfile *p, const char *ifname, int ifindex,
                  const uint32_t offered[2], const char **via, char *why, size_t why_size)
{
    g_autoptr(GPtrArray) servers = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDBusConnection) bus = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *backup = NULL;
    const char *state = g_getenv("DIALTONE_STATE_DIR");
    char text[DT_INET_STRLEN];
    DtLinkDns *d;

    why[0] = '\0';
    if (p->dns_mode == DT_LINK_DNS_STATIC) {
        for (size_t i = 0; i < p->n_dns; i++)
            g_ptr_array_add(servers, g_strdup(dt_inet_to_string(&p->dns[i], text)));
    } else if (p->dns_mode == DT_LINK_DNS_AUTO) {
        for (int i = 0; i < 2; i++) {
            struct in_addr ia = {.s_addr = htonl(offered[i])};
            if (offered[i] && inet_ntop(AF_INET, &ia, text, sizeof text))
                g_ptr_array_add(servers, g_strdup(text));
        }
    }
    if (servers->len == 0)
        return NULL;
    g_ptr_array_add(servers, NULL);
    /* No system bus is no error: resolved cannot run without one, so resolv.conf it is. */
    bus = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, NULL);
    backup = g_build_filename(state && g_path_is_absolute(state) ? state : DT_STATE_DIR,
                              DT_RESOLVER_BACKUP_NAME, NULL);
    d = g_new0(DtLinkDns, 1);
    d->resolver = dt_resolver_new(bus, DT_RESOLVER_DEFAULT_RESOLV_CONF, backup);
    d->ifindex = ifindex;
    DtResolverLink link = {
        .ifindex = ifindex,
        .ifname = ifname,
        .servers = (const char *const *)servers->pdata,
        .domains = (const char *const *)p->dns_search,
        .default_route = p->default_route,
    };
    if (!dt_resolver_apply(d->resolver, &link, &error)) {
        snprintf(why, why_size, "%s", error->message);
        dt_resolver_free(d->resolver);
        g_free(d);
        return NULL;
    }
    if (via)
        *via = dt_resolver_link_backend(d->resolver, ifindex);
    return d;
}

void
dt_link_dns_revert(DtLinkDns *d)
{
    if (!d)
        return;
    dt_resolver_free(d->resolver); /* reverts */
    g_free(d);
}
