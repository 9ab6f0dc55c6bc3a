/* dt-import-nm.c — see dt-import-nm.h. Key names from NetworkManager-pptp's
 * shared/nm-service-defines.h and NetworkManager's keyfile format. */
#include "dt-import-nm.h"

#include <string.h>

#include "dt-validate.h"

/* NMSettingVpn's own properties in [vpn]; every other key there is a plugin
 * data item. */
static const char *const vpn_properties[] = {"service-type", "user-name", "persistent", "timeout"};

/* Plugin data items with nothing to map (compression Dialtone does not
 * have, pppd's unit number). */
static const char *const vpn_ignored[] = {"nobsdcomp", "nodeflate",  "no-vj-comp",
                                          "unit",      "refuse-eap", "password-flags"};

static const char *const vpn_mapped[] = {
    "gateway",          "user",          "domain",
    "refuse-pap",       "refuse-chap",   "refuse-mschap",
    "refuse-mschapv2",  "require-mppe",  "require-mppe-40",
    "require-mppe-128", "mppe-stateful", "lcp-echo-interval",
    "lcp-echo-failure",
};

static gboolean
in_list(const char *k, const char *const *list, gsize n)
{
    for (gsize i = 0; i < n; i++)
        if (strcmp(k, list[i]) == 0)
            return TRUE;
    return FALSE;
}

/* TRUE/FALSE in *out; FALSE when the value is not a boolean at all. */
static gboolean
parse_bool(const char *v, gboolean *out)
{
    if (v == NULL)
        return FALSE;
    if (g_ascii_strcasecmp(v, "yes") == 0 || g_ascii_strcasecmp(v, "true") == 0 ||
        strcmp(v, "1") == 0) {
        *out = TRUE;
        return TRUE;
    }
    if (g_ascii_strcasecmp(v, "no") == 0 || g_ascii_strcasecmp(v, "false") == 0 ||
        strcmp(v, "0") == 0) {
        *out = FALSE;
        return TRUE;
    }
    return FALSE;
}

static char *
value(GKeyFile *kf, const char *group, const char *key)
{
    char *v = g_key_file_get_string(kf, group, key, NULL);
    if (v)
        g_strstrip(v);
    return v;
}

static gboolean
get_bool(DtImportEntry *e, GKeyFile *kf, const char *group, const char *key, gboolean *out)
{
    g_autofree char *v = value(kf, group, key);
    if (v == NULL)
        return FALSE;
    if (!parse_bool(v, out)) {
        dt_import_entry_note(e, "%s.%s=%s is not yes or no; ignored", group, key, v);
        return FALSE;
    }
    return TRUE;
}

static void
set_strv(char ***field, GPtrArray *items)
{
    g_strfreev(*field);
    g_ptr_array_add(items, NULL);
    *field = (char **)g_ptr_array_free(items, FALSE);
}

static void
map_auth(DtImportEntry *e, GKeyFile *kf, DtProfile *p)
{
    static const struct {
        const char *key;
        DtProfileAuth method;
    } refuse[] = {
        {"refuse-mschapv2", DT_PROFILE_AUTH_MSCHAPV2},
        {"refuse-mschap", DT_PROFILE_AUTH_MSCHAP},
        {"refuse-chap", DT_PROFILE_AUTH_CHAP},
        {"refuse-pap", DT_PROFILE_AUTH_PAP},
    };
    DtAuthList l = {0};
    gboolean any = FALSE;
    for (gsize i = 0; i < G_N_ELEMENTS(refuse); i++) {
        gboolean b = FALSE;
        if (get_bool(e, kf, "vpn", refuse[i].key, &b))
            any = TRUE;
        if (!b)
            l.methods[l.n++] = refuse[i].method;
    }
    if (l.n == 0) {
        g_autofree char *def = dt_auth_list_to_string(&p->security.authentication);
        dt_import_entry_note(e, "every method is refused; kept Authentication=%s", def);
        return;
    }
    p->security.authentication = l;
    g_autofree char *s = dt_auth_list_to_string(&l);
    dt_import_entry_map(e, "%s → Authentication=%s",
                        any ? "refuse-*" : "no refuse-* (pppd allows all)", s);
}

static void
map_mppe(DtImportEntry *e, GKeyFile *kf, DtProfile *p)
{
    gboolean any = FALSE, b128 = FALSE, b40 = FALSE, st = FALSE;
    get_bool(e, kf, "vpn", "require-mppe", &any);
    get_bool(e, kf, "vpn", "require-mppe-128", &b128);
    get_bool(e, kf, "vpn", "require-mppe-40", &b40);
    if (b128 && !b40) {
        p->security.encryption = DT_ENCRYPTION_REQUIRE_128;
        dt_import_entry_map(e, "require-mppe-128=yes → Encryption=require-128");
    } else if (any || b40 || b128) {
        p->security.encryption = DT_ENCRYPTION_REQUIRE;
        dt_import_entry_map(e, "require-mppe%s=yes → Encryption=require", b40 && !any ? "-40" : "");
        if (b40 && !b128)
            dt_import_entry_note(e, "require-mppe-40: Dialtone offers 128-bit first and accepts "
                                    "40-bit, never 40-bit only");
    } else {
        p->security.encryption = DT_ENCRYPTION_OPTIONAL;
        dt_import_entry_map(e, "no require-mppe (pppd accepts MPPE when offered) → "
                               "Encryption=optional");
    }
    if (get_bool(e, kf, "vpn", "mppe-stateful", &st)) {
        p->security.allow_stateful = st;
        dt_import_entry_map(e, "mppe-stateful=%s → AllowStateful=%s", st ? "yes" : "no",
                            st ? "true" : "false");
    }
    if (!dt_auth_list_contains(&p->security.authentication, DT_PROFILE_AUTH_MSCHAPV2) &&
        !dt_auth_list_contains(&p->security.authentication, DT_PROFILE_AUTH_MSCHAP)) {
        /* MPPE keys come only from MS-CHAP (RFC 3079 §2). */
        if (p->security.encryption == DT_ENCRYPTION_OPTIONAL) {
            p->security.encryption = DT_ENCRYPTION_NONE;
            dt_import_entry_note(e, "MS-CHAP is refused, so MPPE cannot start: Encryption=none");
        } else {
            DtAuthList *l = &p->security.authentication;
            memmove(&l->methods[1], &l->methods[0], l->n * sizeof l->methods[0]);
            l->methods[0] = DT_PROFILE_AUTH_MSCHAPV2;
            l->n++;
            dt_import_entry_note(e, "MPPE is required but MS-CHAP refused, which cannot work; "
                                    "allowed mschapv2 again");
        }
    }
}

static void
map_echo(DtImportEntry *e, GKeyFile *kf, DtProfile *p)
{
    g_autofree char *iv = value(kf, "vpn", "lcp-echo-interval");
    g_autofree char *fv = value(kf, "vpn", "lcp-echo-failure");
    guint64 interval = 0, failures = 0;
    gboolean have_i = iv && dt_import_parse_uint(iv, G_MAXUINT32, &interval);
    gboolean have_f = fv && dt_import_parse_uint(fv, G_MAXUINT32, &failures);
    if (iv && !have_i)
        dt_import_entry_note(e, "lcp-echo-interval=%s is not a number", iv);
    if (fv && !have_f)
        dt_import_entry_note(e, "lcp-echo-failure=%s is not a number", fv);
    /* The plugin passes 0 for an absent key, and pppd sends no echo when
     * either is 0. */
    if (!have_i || !have_f || interval == 0 || failures == 0) {
        p->ppp.echo_interval = 0;
        dt_import_entry_map(e, "lcp-echo-* %s → EchoInterval=0 (off)",
                            have_i || have_f ? "with a 0" : "absent");
        return;
    }
    p->ppp.echo_interval = (guint)MIN(interval, 3600);
    p->ppp.echo_failures = (guint)MIN(failures, 100);
    dt_import_entry_map(e,
                        "lcp-echo-interval=%s, lcp-echo-failure=%s → EchoInterval=%u, "
                        "EchoFailures=%u",
                        iv, fv, p->ppp.echo_interval, p->ppp.echo_failures);
}

static GPtrArray *
split_list(const char *v)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) parts = g_strsplit_set(v ? v : "", ";,", -1);
    for (guint i = 0; parts[i]; i++) {
        g_strstrip(parts[i]);
        if (*parts[i])
            g_ptr_array_add(out, g_strdup(parts[i]));
    }
    return out;
}

static void
map_ipv4(DtImportEntry *e, GKeyFile *kf, DtProfile *p)
{
    g_autofree char *method = value(kf, "ipv4", "method");
    if (method && strcmp(method, "auto") != 0)
        dt_import_entry_note(e, "ipv4.method=%s: Dialtone takes the address the server assigns",
                             method);
    gboolean b;
    if (get_bool(e, kf, "ipv4", "never-default", &b)) {
        p->ipv4.default_route = !b;
        dt_import_entry_map(e, "ipv4.never-default=%s → DefaultRoute=%s", b ? "true" : "false",
                            b ? "false" : "true");
    }
    gboolean ignore_auto = FALSE;
    get_bool(e, kf, "ipv4", "ignore-auto-dns", &ignore_auto);
    g_autofree char *dns_v = value(kf, "ipv4", "dns");
    g_autoptr(GPtrArray) dns = split_list(dns_v);
    GPtrArray *servers = g_ptr_array_new();
    for (guint i = 0; i < dns->len; i++) {
        const char *s = g_ptr_array_index(dns, i);
        if (dt_validate_ip(s, NULL))
            g_ptr_array_add(servers, g_strdup(s));
        else
            dt_import_entry_note(e, "ipv4.dns entry %s is not an address", s);
    }
    if (servers->len > 0) {
        p->ipv4.dns.mode = DT_DNS_STATIC;
        set_strv(&p->ipv4.dns.servers, servers);
        dt_import_entry_map(e, "ipv4.dns=%s → DNS", dns_v);
        if (!ignore_auto)
            dt_import_entry_note(e, "NetworkManager also used the server's DNS "
                                    "(ignore-auto-dns=false); Dialtone uses only the listed "
                                    "servers");
    } else {
        g_ptr_array_free(servers, TRUE);
        if (ignore_auto) {
            p->ipv4.dns.mode = DT_DNS_NONE;
            g_strfreev(p->ipv4.dns.servers);
            p->ipv4.dns.servers = g_new0(char *, 1);
            dt_import_entry_map(e, "ipv4.ignore-auto-dns=true, no dns → DNS=none");
        }
    }
    g_autofree char *search_v = value(kf, "ipv4", "dns-search");
    g_autoptr(GPtrArray) search = split_list(search_v);
    GPtrArray *domains = g_ptr_array_new();
    for (guint i = 0; i < search->len; i++) {
        const char *s = g_ptr_array_index(search, i);
        if (dt_validate_hostname(s, NULL))
            g_ptr_array_add(domains, g_strdup(s));
        else
            dt_import_entry_note(e, "ipv4.dns-search entry %s is not a domain name", s);
    }
    if (domains->len > 0) {
        set_strv(&p->ipv4.dns_search, domains);
        dt_import_entry_map(e, "ipv4.dns-search=%s → DNSSearch", search_v);
    } else {
        g_ptr_array_free(domains, TRUE);
    }

    /* route1=10.0.0.0/8,10.0.0.1,100 (keyfile form); also routes1= of
     * older files. Gateway and metric have no meaning on a PPP link. */
    GPtrArray *routes = g_ptr_array_new();
    g_auto(GStrv) keys = g_key_file_get_keys(kf, "ipv4", NULL, NULL);
    for (guint i = 0; keys && keys[i]; i++) {
        const char *k = keys[i];
        const char *num = g_str_has_prefix(k, "routes")  ? k + 6
                          : g_str_has_prefix(k, "route") ? k + 5
                                                         : NULL;
        guint64 n;
        if (num == NULL || !dt_import_parse_uint(num, 100000, &n))
            continue;
        g_autofree char *v = value(kf, "ipv4", k);
        g_auto(GStrv) parts = g_strsplit(v ? v : "", ",", 2);
        char *cidr = parts[0] ? g_strstrip(parts[0]) : NULL;
        if (cidr && !strchr(cidr, '/')) {
            char *with = g_strconcat(cidr, "/32", NULL);
            g_free(parts[0]);
            parts[0] = cidr = with;
        }
        if (cidr && dt_validate_ipv4_cidr(cidr, NULL) && routes->len < 64) {
            gboolean dup = FALSE;
            for (guint j = 0; j < routes->len && !dup; j++)
                dup = strcmp(g_ptr_array_index(routes, j), cidr) == 0;
            if (!dup)
                g_ptr_array_add(routes, g_strdup(cidr));
        } else {
            dt_import_entry_note(e, "ipv4.%s=%s is not a network Dialtone can route", k,
                                 v ? v : "");
        }
    }
    if (routes->len > 0) {
        dt_import_entry_map(e, "ipv4.route* → Routes (%u)", routes->len);
        set_strv(&p->ipv4.routes, routes);
        if (p->ipv4.default_route)
            dt_import_entry_note(e, "routes are listed but never-default is false: Dialtone "
                                    "uses them only when DefaultRoute=false");
    } else {
        g_ptr_array_free(routes, TRUE);
    }
}

static void
count_unknown(DtImportEntry *e, GKeyFile *kf)
{
    gsize n_groups;
    g_auto(GStrv) groups = g_key_file_get_groups(kf, &n_groups);
    g_autoptr(GPtrArray) unknown = g_ptr_array_new_with_free_func(g_free);
    for (gsize i = 0; i < n_groups; i++) {
        g_auto(GStrv) keys = g_key_file_get_keys(kf, groups[i], NULL, NULL);
        for (guint j = 0; keys && keys[j]; j++) {
            if (strcmp(groups[i], "vpn") == 0) {
                if (in_list(keys[j], vpn_mapped, G_N_ELEMENTS(vpn_mapped)) ||
                    strcmp(keys[j], "persistent") == 0 || strcmp(keys[j], "service-type") == 0 ||
                    strcmp(keys[j], "user-name") == 0)
                    continue;
                if (in_list(keys[j], vpn_ignored, G_N_ELEMENTS(vpn_ignored)) ||
                    in_list(keys[j], vpn_properties, G_N_ELEMENTS(vpn_properties)))
                    e->ignored++;
                else
                    g_ptr_array_add(unknown, g_strdup_printf("vpn.%s", keys[j]));
            } else if (strcmp(groups[i], "vpn-secrets") == 0) {
                continue;
            } else {
                e->ignored++;
            }
        }
    }
    if (unknown->len > 0) {
        g_ptr_array_add(unknown, NULL);
        g_autofree char *list = g_strjoinv(", ", (char **)unknown->pdata);
        dt_import_entry_note(e, "unknown plugin keys, ignored: %s", list);
    }
}

static void
import_connection(DtImport *imp, GKeyFile *kf)
{
    g_autofree char *id = value(kf, "connection", "id");
    DtImportEntry *e = dt_import_add_entry(imp, id ? id : "NetworkManager connection");
    g_autofree char *type = value(kf, "connection", "type");
    g_autofree char *service = value(kf, "vpn", "service-type");
    if (type == NULL || strcmp(type, "vpn") != 0) {
        dt_import_entry_skip(e,
                             "connection.type is %s, not a VPN; Dialtone imports PPTP VPNs "
                             "from NetworkManager",
                             type ? type : "missing");
        dt_import_entry_finish(e);
        return;
    }
    if (service == NULL ||
        (strcmp(service, DT_NM_PPTP_SERVICE) != 0 && strcmp(service, "pptp") != 0)) {
        dt_import_entry_skip(e,
                             "a VPN of service-type %s; Dialtone speaks only PPTP "
                             "(" DT_NM_PPTP_SERVICE ")",
                             service ? service : "(missing)");
        dt_import_entry_finish(e);
        return;
    }
    g_autofree char *gateway = value(kf, "vpn", "gateway");
    g_autoptr(GString) why = g_string_new(NULL);
    if (gateway == NULL || !dt_validate_host(gateway, why)) {
        dt_import_entry_skip(e, "vpn.gateway %s%s", gateway ? "is not a server: " : "is missing",
                             why->str);
        dt_import_entry_finish(e);
        return;
    }
    DtProfile *p = e->profile = dt_profile_new(DT_PROFILE_TYPE_PPTP);
    g_free(p->name);
    p->name = dt_import_clean_name(id, "NetworkManager PPTP");
    dt_import_entry_map(e, "connection.id → Name “%s”", p->name);
    g_autofree char *uuid = value(kf, "connection", "uuid");
    if (uuid && dt_validate_uuid(uuid, NULL)) {
        g_free(p->id);
        p->id = g_ascii_strdown(uuid, -1);
        dt_import_entry_map(e, "connection.uuid → Id");
    }
    p->pptp.server = g_steal_pointer(&gateway);
    dt_import_entry_map(e, "vpn.gateway=%s → Server", p->pptp.server);

    g_autofree char *user = value(kf, "vpn", "user");
    if (user == NULL || *user == '\0') {
        g_free(user);
        user = value(kf, "vpn", "user-name");
    }
    g_autofree char *domain = value(kf, "vpn", "domain");
    if (user && *user && dt_validate_text(user, 256, FALSE, NULL)) {
        p->pptp.user = g_strdup(user);
        dt_import_entry_map(e, "vpn.user → User");
    } else if (user && *user) {
        dt_import_entry_note(e, "vpn.user is not a usable user name");
    }
    if (domain && *domain) {
        if (p->pptp.user && strchr(p->pptp.user, '\\'))
            dt_import_entry_note(e, "vpn.domain=%s: the user name already has a domain", domain);
        else if (strchr(domain, '\\') || !dt_validate_text(domain, 255, FALSE, NULL))
            dt_import_entry_note(e, "vpn.domain is not a domain name");
        else {
            p->pptp.domain = g_strdup(domain);
            dt_import_entry_map(e, "vpn.domain=%s → Domain", domain);
        }
    }
    map_auth(e, kf, p);
    map_mppe(e, kf, p);
    map_echo(e, kf, p);
    gboolean b;
    if (get_bool(e, kf, "vpn", "persistent", &b)) {
        p->redial.on_link_failure = b;
        dt_import_entry_map(e, "vpn.persistent=%s → OnLinkFailure=%s", b ? "true" : "false",
                            b ? "true" : "false");
    }
    map_ipv4(e, kf, p);
    g_autofree char *m6 = value(kf, "ipv6", "method");
    if (m6) {
        p->ipv6.enabled = strcmp(m6, "ignore") != 0 && strcmp(m6, "disabled") != 0;
        dt_import_entry_map(e, "ipv6.method=%s → IPv6 Enabled=%s", m6,
                            p->ipv6.enabled ? "true" : "false");
    }
    count_unknown(e, kf);

    g_autofree char *flags = value(kf, "vpn", "password-flags");
    char *secret = g_key_file_get_string(kf, "vpn-secrets", "password", NULL);
    if (secret && *secret) {
        e->password = secret;
        dt_import_entry_map(e, "vpn-secrets.password → the keyring");
    } else {
        if (secret) {
            memset(secret, 0, strlen(secret));
            g_free(secret);
        }
        if (flags && strcmp(flags, "2") == 0)
            dt_import_entry_note(e, "password-flags=2 (ask every time): Dialtone asks on "
                                    "connect and offers to keep it in the keyring");
        else if (flags && strcmp(flags, "1") == 0)
            dt_import_entry_note(e, "password-flags=1: the password is in your session's agent "
                                    "(usually the GNOME keyring, NetworkManager's item), not in "
                                    "this file; Dialtone asks on the first connect");
    }
    dt_import_entry_finish(e);
}

DtImport *
dt_import_nm(const char *data, gsize len, GError **error)
{
    const char *encoding = NULL;
    g_autofree char *text = dt_import_decode(data, len, &encoding, error);
    if (text == NULL)
        return NULL;
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) e = NULL;
    if (!g_key_file_load_from_data(kf, text, (gsize)-1, G_KEY_FILE_NONE, &e)) {
        g_set_error(error, DT_IMPORT_ERROR, DT_IMPORT_ERROR_FORMAT,
                    "not a NetworkManager keyfile: %s", e->message);
        return NULL;
    }
    if (!g_key_file_has_group(kf, "connection")) {
        g_set_error(error, DT_IMPORT_ERROR, DT_IMPORT_ERROR_FORMAT,
                    "not a NetworkManager keyfile: it has no [connection] section");
        return NULL;
    }
    g_autoptr(DtImport) imp = dt_import_new(DT_IMPORT_FORMAT_NM);
    g_free(imp->encoding);
    imp->encoding = g_strdup(encoding);
    import_connection(imp, kf);
    return g_steal_pointer(&imp);
}
