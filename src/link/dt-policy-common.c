/* dt-policy-common.c — the one place the programs read src/common (GLib). */
#include "dt-policy-common.h"

#include "dt-chap-secrets.h"
#include "dt-profile.h"
#include "dt-server-config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *
dt_policy_encryption_to_string(DtPolicyEncryption e)
{
    return dt_encryption_to_string((DtEncryption)e);
}

G_STATIC_ASSERT(DT_STRENGTH_40 == DT_POLICY_STRENGTH_40 &&
                DT_STRENGTH_56 == DT_POLICY_STRENGTH_56 &&
                DT_STRENGTH_128 == DT_POLICY_STRENGTH_128);

static void
fill_policy(DtPolicy *p, const DtSecurity *sec, const DtPppSettings *ppp)
{
    memset(p, 0, sizeof *p);
    for (guint i = 0; i < sec->authentication.n && i < DT_POLICY_AUTH_MAX; i++)
        p->auth[p->n_auth++] = dt_profile_auth_tokens[sec->authentication.methods[i]];
    p->encryption = (DtPolicyEncryption)sec->encryption;
    p->allow_stateful = sec->allow_stateful;
    p->compression = sec->compression;
    p->strengths = dt_security_strength_mask(sec);
    p->prefer_stateful = sec->prefer_stateful;
    p->mtu = ppp->mtu;
    p->mru = ppp->mru;
    p->echo_interval = ppp->echo_interval;
    p->echo_failures = ppp->echo_failures;
}

static int __attribute__((format(printf, 3, 4)))
fail(char *why, size_t why_size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_size, fmt, ap);
    va_end(ap);
    return -1;
}

static size_t
parse_dns(char **list, DtInetAddr *out, size_t max)
{
    size_t n = 0;
    for (guint i = 0; list && list[i] && n < max; i++)
        if (dt_inet_parse(list[i], &out[n]))
            n++;
    return n;
}

static int
fill_dialup(DtLinkProfile *lp, const DtProfile *p, const char *path, char *why, size_t why_size)
{
    if (!p->dialup.device || !*p->dialup.device)
        return fail(why, why_size, "%s: [Dialup] Device: %s", path, "missing");
    if (!p->dialup.phone || !*p->dialup.phone)
        return fail(why, why_size, "%s: [Dialup] Phone: %s", path, "missing");
    for (guint i = 0; p->dialup.init && p->dialup.init[i]; i++) {
        if (!*p->dialup.init[i])
            continue;
        if (lp->dialup.n_init == DT_LINK_INIT_MAX)
            return fail(why, why_size, "%s: [Dialup] Init: more than %d commands", path,
                        DT_LINK_INIT_MAX);
        lp->dialup.init[lp->dialup.n_init++] = g_strdup(p->dialup.init[i]);
    }
    lp->is_dialup = true;
    lp->dialup.device = g_strdup(p->dialup.device);
    lp->dialup.speed = p->dialup.speed;
    lp->dialup.hw_flow = p->dialup.flow_control == DT_FLOW_CONTROL_HARDWARE;
    lp->dialup.dial_command = g_strdup(
        p->dialup.dial_command && *p->dialup.dial_command ? p->dialup.dial_command : "ATDT");
    lp->dialup.phone = g_strdup(p->dialup.phone);
    lp->user = g_strdup(p->dialup.user ? p->dialup.user : "");
    return 0;
}

/* The checks --standalone and --managed share; origin names the profile in messages. */
static int
link_profile_from_profile(DtLinkProfile *lp, const DtProfile *p, const char *origin, char *why,
                          size_t why_size)
{
    const char *path = origin;

    if (p->type == DT_PROFILE_TYPE_DIALUP) {
        if (fill_dialup(lp, p, path, why, why_size) < 0) {
            dt_link_profile_clear(lp);
            return -1;
        }
    } else {
        if (!p->pptp.server || !*p->pptp.server)
            return fail(why, why_size, "%s: [PPTP] Server: %s", path, "missing");
        if (!p->pptp.user || !*p->pptp.user)
            return fail(why, why_size, "%s: [PPTP] User: %s", path,
                        "missing (the server needs a user name)");
        lp->server = g_strdup(p->pptp.server);
        lp->user = p->pptp.domain && *p->pptp.domain
                       ? g_strdup_printf("%s\\%s", p->pptp.domain, p->pptp.user)
                       : g_strdup(p->pptp.user);
        lp->dial_first = g_strdup(p->dial_first);
    }
    lp->path = g_strdup(path);
    lp->id = g_strdup(p->id);
    lp->name = g_strdup(p->name);
    fill_policy(&lp->policy, &p->security, &p->ppp);
    lp->policy.idle_disconnect = p->redial.idle_disconnect;
    lp->default_route = p->ipv4.default_route;
    lp->n_routes = p->ipv4.routes ? g_strv_length(p->ipv4.routes) : 0;
    lp->routes = g_new0(DtInetPrefix, lp->n_routes + 1);
    for (size_t i = 0; i < lp->n_routes; i++) {
        if (!dt_inet_prefix_parse(p->ipv4.routes[i], &lp->routes[i]) ||
            lp->routes[i].addr.family != AF_INET) {
            fail(why, why_size, "%s: [IPv4] Routes: %s is not an IPv4 CIDR", path,
                 p->ipv4.routes[i]);
            dt_link_profile_clear(lp);
            return -1;
        }
    }
    lp->dns_mode = p->ipv4.dns.mode == DT_DNS_AUTO   ? DT_LINK_DNS_AUTO
                   : p->ipv4.dns.mode == DT_DNS_NONE ? DT_LINK_DNS_NONE
                                                     : DT_LINK_DNS_STATIC;
    lp->n_dns = parse_dns(p->ipv4.dns.servers, lp->dns, DT_DNS_MAX);
    lp->dns_search = g_strdupv(p->ipv4.dns_search);
    lp->ipv6 = p->ipv6.enabled;
    return 0;
}

int
dt_link_profile_load(DtLinkProfile *lp, const char *path, char *why, size_t why_size)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtProfile) p = NULL;

    memset(lp, 0, sizeof *lp);
    p = dt_profile_load_file(path, &error);
    if (!p)
        return fail(why, why_size, "%s", error->message);
    return link_profile_from_profile(lp, p, path, why, why_size);
}

int
dt_link_profile_from_variant_data(DtLinkProfile *lp, const void *data, size_t len,
                                  const char *origin, char *why, size_t why_size)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtProfile) p = NULL;
    g_autoptr(DtProfile) first = NULL;
    g_autoptr(GVariant) v = NULL;

    memset(lp, 0, sizeof *lp);
    g_autoptr(GBytes) bytes = g_bytes_new(data, len);
    v = g_variant_ref_sink(g_variant_new_from_bytes(G_VARIANT_TYPE_VARDICT, bytes, FALSE));
    if (!g_variant_is_normal_form(v))
        return fail(why, why_size, "%s: not a profile dictionary in normal form", origin);
    p = dt_profile_from_variant(v, &first, &error);
    if (!p)
        return fail(why, why_size, "%s", error->message);
    if (p->dial_first && !first)
        return fail(why, why_size, "%s: [Profile] DialFirst: %s", origin,
                    "the dial-up profile to bring up first is not included");
    if (first && (!p->dial_first || first->type != DT_PROFILE_TYPE_DIALUP || !first->id ||
                  g_ascii_strcasecmp(first->id, p->dial_first) != 0))
        return fail(why, why_size, "%s: [Profile] DialFirst: %s", origin,
                    "the nested profile is not the dial-up profile DialFirst names");
    if (link_profile_from_profile(lp, p, origin, why, why_size) < 0)
        return -1;
    if (first) {
        g_autoptr(GVariant) fv = g_variant_ref_sink(dt_profile_to_variant(first, NULL));
        lp->lower_len = g_variant_get_size(fv);
        lp->lower = g_malloc(lp->lower_len ? lp->lower_len : 1);
        g_variant_store(fv, lp->lower);
    }
    return 0;
}

int
dt_link_profile_file_to_variant_data(const char *path, void **data, size_t *len, char *why,
                                     size_t why_size)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtProfile) p = dt_profile_load_file(path, &error);

    if (!p)
        return fail(why, why_size, "%s", error->message);
    g_autoptr(GVariant) v = g_variant_ref_sink(dt_profile_to_variant(p, NULL));
    *len = g_variant_get_size(v);
    *data = g_malloc(*len ? *len : 1);
    g_variant_store(v, *data);
    return 0;
}

void
dt_link_profile_clear(DtLinkProfile *lp)
{
    g_free(lp->path);
    g_free(lp->id);
    g_free(lp->name);
    g_free(lp->server);
    g_free(lp->user);
    g_free(lp->routes);
    g_strfreev(lp->dns_search);
    g_free(lp->dial_first);
    g_free(lp->dialup.device);
    for (size_t i = 0; i < lp->dialup.n_init; i++)
        g_free(lp->dialup.init[i]);
    g_free(lp->dialup.dial_command);
    g_free(lp->dialup.phone);
    g_free(lp->lower);
    memset(lp, 0, sizeof *lp);
}

int
dt_server_settings_load(DtServerSettings *s, const char *path, char *why, size_t why_size)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtServerConfig) c = NULL;

    memset(s, 0, sizeof *s);
    c = dt_server_config_load_file(path, &error);
    if (!c)
        return fail(why, why_size, "%s", error->message);
    s->path = g_strdup(path);
    s->listen_address = g_strdup(c->listen_address ? c->listen_address : "");
    s->listen_port = c->listen_port ? c->listen_port : DT_SERVER_CONFIG_DEFAULT_PORT;
    s->local_ipv4 = c->local_ipv4;
    s->remote_first = c->remote_first;
    s->remote_last = c->remote_last;
    s->n_dns = parse_dns(c->dns, s->dns, DT_DNS_MAX);
    s->secrets_path = g_strdup(c->secrets);
    s->max_calls = c->max_calls;
    fill_policy(&s->policy, &c->security, &c->ppp);
    s->warnings = g_new0(char *, c->warnings->len + 1);
    for (guint i = 0; i < c->warnings->len; i++)
        s->warnings[i] = g_strdup(g_ptr_array_index(c->warnings, i));
    return 0;
}

void
dt_server_settings_clear(DtServerSettings *s)
{
    g_free(s->path);
    g_free(s->listen_address);
    g_free(s->secrets_path);
    g_strfreev(s->warnings);
    memset(s, 0, sizeof *s);
}

struct DtSecretsTable {
    DtChapSecrets *table;
};

DtSecretsTable *
dt_secrets_table_load(const char *path, char *why, size_t why_size)
{
    g_autoptr(GError) error = NULL;
    DtChapSecrets *t = dt_chap_secrets_load(path, &error);
    DtSecretsTable *st;
    if (!t) {
        fail(why, why_size, "%s", error->message);
        return NULL;
    }
    st = g_new0(DtSecretsTable, 1);
    st->table = t;
    return st;
}

void
dt_secrets_table_free(DtSecretsTable *t)
{
    if (!t)
        return;
    dt_chap_secrets_free(t->table);
    g_free(t);
}

bool
dt_secrets_table_lookup(const DtSecretsTable *t, const char *client, const char *local_name,
                        char *secret, size_t cap, uint32_t *allowed_ipv4)
{
    const DtChapSecret *e = dt_chap_secrets_lookup(t->table, client, local_name);
    size_t len;
    if (allowed_ipv4)
        *allowed_ipv4 = 0;
    if (!e)
        return false;
    len = strlen(e->secret);
    if (len + 1 > cap)
        return false;
    memcpy(secret, e->secret, len + 1);
    for (guint i = 0; allowed_ipv4 && e->addresses && e->addresses[i]; i++) {
        struct in_addr a;
        if (inet_pton(AF_INET, e->addresses[i], &a) == 1) {
            *allowed_ipv4 = ntohl(a.s_addr);
            break;
        }
    }
    return true;
}
