/* dt-export.c — see dt-export.h. */
#include "dt-export.h"

#include <stdarg.h>
#include <string.h>

#include "dt-import-nm.h"

const char *const dt_export_nm_pptp_keys[] = {
    "gateway",
    "user",
    "domain",
    "password-flags",
    "refuse-eap",
    "refuse-pap",
    "refuse-chap",
    "refuse-mschap",
    "refuse-mschapv2",
    "require-mppe",
    "require-mppe-40",
    "require-mppe-128",
    "mppe-stateful",
    "nobsdcomp",
    "nodeflate",
    "no-vj-comp",
    "lcp-echo-failure",
    "lcp-echo-interval",
    "unit",
    NULL,
};

static void note(GPtrArray *notes, const char *format, ...) G_GNUC_PRINTF(2, 3);

static void
note(GPtrArray *notes, const char *format, ...)
{
    if (notes == NULL)
        return;
    va_list ap;
    va_start(ap, format);
    g_ptr_array_add(notes, g_strdup_vprintf(format, ap));
    va_end(ap);
}

static void
kv(GString *s, const char *key, const char *value)
{
    g_string_append_printf(s, "%s=%s\r\n", key, value ? value : "");
}

static void
kvu(GString *s, const char *key, guint value)
{
    g_string_append_printf(s, "%s=%u\r\n", key, value);
}

/* A pbk entry name cannot hold brackets or line ends. */
static char *
entry_name(const char *name)
{
    char *n = g_strdup(name);
    for (char *p = n; *p; p++)
        if (*p == '[' || *p == ']' || *p == '\r' || *p == '\n')
            *p = '_';
    return n;
}

static const char *
find_name(const DtProfile *const *profiles, guint n, const char *id)
{
    for (guint i = 0; i < n; i++)
        if (strcmp(profiles[i]->id, id) == 0)
            return profiles[i]->name;
    return NULL;
}

static void
pbk_entry(GString *s, const DtProfile *p, const DtProfile *const *all, guint n, GPtrArray *notes)
{
    gboolean vpn = p->type == DT_PROFILE_TYPE_PPTP;
    g_autofree char *name = entry_name(p->name);
    g_autofree char *guid = g_ascii_strup(p->id, -1);
    {
        char *w = guid;
        for (const char *r = guid; *r; r++)
            if (*r != '-')
                *w++ = *r;
        *w = '\0';
    }
    g_string_append_printf(s, "[%s]\r\n", name);
    kv(s, "Encoding", "1");
    kv(s, "PBVersion", "8");
    kv(s, "Type", vpn ? "2" : "1");
    kv(s, "AutoLogon", "0");
    kv(s, "UseRasCredentials", "1");
    kv(s, "Guid", guid);
    kv(s, "BaseProtocol", "1");
    kv(s, "VpnStrategy", vpn ? "1" : "0");
    kvu(s, "ExcludedProtocols", p->ipv6.enabled ? 0 : 8);
    kv(s, "LcpExtensions", "1");
    static const guint enc[] = {0, 8, 256, 512};
    kvu(s, "DataEncryption", enc[p->security.encryption]);
    kvu(s, "SwCompression", p->security.compression ? 1 : 0);
    kv(s, "NegotiateMultilinkAlways", "0");
    kv(s, "SkipDoubleDialDialog", "0");
    kv(s, "DialMode", "0");
    kv(s, "OverridePref", "15");
    kvu(s, "RedialAttempts", p->redial.attempts);
    kvu(s, "RedialSeconds", p->redial.interval);
    kvu(s, "IdleDisconnectSeconds", p->redial.idle_disconnect);
    kvu(s, "RedialOnLinkFailure", p->redial.on_link_failure ? 1 : 0);
    kv(s, "CallbackMode", "0");
    kv(s, "AuthenticateServer", "0");
    kv(s, "ShareMsFilePrint", "0");
    kv(s, "BindMsNetClient", "1");
    const char *pre = p->dial_first ? find_name(all, n, p->dial_first) : NULL;
    g_autofree char *pre_name = pre ? entry_name(pre) : NULL;
    if (p->dial_first && pre == NULL)
        note(notes,
             "“%s” dials a profile first that is not exported; PrerequisiteEntry left "
             "empty",
             p->name);
    kv(s, "PrerequisiteEntry", pre_name);
    kv(s, "PrerequisitePbk", "");
    kv(s, "PreferredPort", vpn ? "VPN2-0" : "COM1");
    kv(s, "PreferredDevice", vpn ? "WAN Miniport (PPTP)" : "Modem");
    kvu(s, "PreferredBps", vpn ? 0 : p->dialup.speed);
    kvu(s, "PreferredHwFlow", !vpn && p->dialup.flow_control == DT_FLOW_CONTROL_HARDWARE);
    kv(s, "PreviewUserPw", "1");
    kv(s, "PreviewDomain", "1");
    kv(s, "PreviewPhoneNumber", "0");
    kv(s, "ShowDialingProgress", "1");
    kv(s, "ShowMonitorIconInTaskBar", "1");
    kv(s, "CustomAuthKey", "0");
    guint auth = 0;
    for (guint i = 0; i < p->security.authentication.n; i++) {
        switch (p->security.authentication.methods[i]) {
        case DT_PROFILE_AUTH_MSCHAPV2:
            auth |= 1u << 9;
            break;
        case DT_PROFILE_AUTH_MSCHAP:
            auth |= 1u << 6;
            break;
        case DT_PROFILE_AUTH_CHAP:
            auth |= 1u << 5;
            break;
        case DT_PROFILE_AUTH_PAP:
            auth |= 1u << 3;
            break;
        default:
            break;
        }
    }
    kvu(s, "AuthRestrictions", auth);
    kvu(s, "IpPrioritizeRemote", p->ipv4.default_route ? 1 : 0);
    kv(s, "IpInterfaceMetric", "0");
    kv(s, "IpHeaderCompression", "0");
    kv(s, "IpAddress", "0.0.0.0");
    const char *dns1 = NULL, *dns2 = NULL;
    if (p->ipv4.dns.mode == DT_DNS_STATIC) {
        guint k = 0;
        for (guint i = 0; p->ipv4.dns.servers[i]; i++) {
            if (strchr(p->ipv4.dns.servers[i], ':')) {
                note(notes, "“%s”: IPv6 DNS server %s not exported", p->name,
                     p->ipv4.dns.servers[i]);
                continue;
            }
            if (k == 0)
                dns1 = p->ipv4.dns.servers[i];
            else if (k == 1)
                dns2 = p->ipv4.dns.servers[i];
            else
                note(notes, "“%s”: a phonebook holds two DNS servers; %s not exported", p->name,
                     p->ipv4.dns.servers[i]);
            k++;
        }
    } else if (p->ipv4.dns.mode == DT_DNS_NONE) {
        note(notes, "“%s”: DNS=none has no phonebook form; Windows will use the server's DNS",
             p->name);
    }
    kv(s, "IpDnsAddress", dns1 ? dns1 : "0.0.0.0");
    kv(s, "IpDns2Address", dns2 ? dns2 : "0.0.0.0");
    kv(s, "IpWinsAddress", "0.0.0.0");
    kv(s, "IpWins2Address", "0.0.0.0");
    kv(s, "IpAssign", "1");
    kv(s, "IpNameAssign", dns1 ? "2" : "1");
    kv(s, "IpDnsFlags", "0");
    kv(s, "IpNBTFlags", "1");
    kv(s, "TcpWindowSize", "0");
    kv(s, "UseFlags", "2");
    kv(s, "IpSecFlags", "0");
    kv(s, "IpDnsSuffix", p->ipv4.dns_search[0] ? p->ipv4.dns_search[0] : "");
    if (p->ipv4.dns_search[0] && p->ipv4.dns_search[1])
        note(notes, "“%s”: a phonebook holds one DNS suffix; only %s exported", p->name,
             p->ipv4.dns_search[0]);
    if (!p->ipv4.default_route && p->ipv4.routes[0])
        note(notes,
             "“%s”: routes are not part of a phonebook; add them on Windows with "
             "Add-VpnConnectionRoute",
             p->name);
    if (p->security.allow_stateful)
        note(notes, "“%s”: Windows has no setting for stateful MPPE", p->name);
    if (p->ppp.echo_interval != 30 || p->ppp.mtu != (vpn ? 1400u : 1500u))
        note(notes, "“%s”: echo and MTU settings have no phonebook form", p->name);
    const char *user = vpn ? p->pptp.user : p->dialup.user;
    if (user)
        note(notes, "“%s”: the user name is not in a phonebook; Windows asks for it", p->name);
    s = g_string_append(s, "\r\nNETCOMPONENTS=\r\nms_msclient=1\r\nms_server=1\r\n\r\n");
    kv(s, "MEDIA", vpn ? "rastapi" : "rastapi");
    if (vpn) {
        kv(s, "Port", "VPN2-0");
        kv(s, "Device", "WAN Miniport (PPTP)");
    } else {
        /* /dev/ttySn is COMn+1; anything else has no Windows port name. */
        guint64 com = 0;
        const char *d = p->dialup.device;
        if (g_str_has_prefix(d, "/dev/ttyS") && g_ascii_isdigit(d[9]) &&
            g_ascii_string_to_unsigned(d + 9, 10, 0, 255, &com, NULL))
            g_string_append_printf(s, "Port=COM%u\r\n", (guint)com + 1);
        else {
            kv(s, "Port", "COM1");
            note(notes, "“%s”: %s has no Windows port name; exported as COM1", p->name, d);
        }
        kv(s, "Device", "Standard Modem");
        kvu(s, "ConnectBps", p->dialup.speed);
        kvu(s, "HwFlowControl", p->dialup.flow_control == DT_FLOW_CONTROL_HARDWARE);
        kv(s, "Protocol", "1");
        kv(s, "Compression", "1");
        kv(s, "Speaker", "1");
        if (p->dialup.init[0] &&
            !(p->dialup.init[1] == NULL && strcmp(p->dialup.init[0], "ATZ") == 0))
            note(notes, "“%s”: modem init commands live in the modem's driver on Windows", p->name);
        if (g_ascii_strcasecmp(p->dialup.dial_command, "ATDP") == 0)
            note(notes, "“%s”: pulse dialling is a Windows dialling-rules setting", p->name);
    }
    g_string_append(s, "\r\n");
    kv(s, "DEVICE", vpn ? "vpn" : "modem");
    kv(s, "PhoneNumber", vpn ? p->pptp.server : p->dialup.phone);
    kv(s, "AreaCode", "");
    kv(s, "CountryCode", "0");
    kv(s, "CountryID", "0");
    kv(s, "UseDialingRules", "0");
    kv(s, "Comment", "");
    kv(s, "FriendlyName", "");
    kv(s, "LastSelectedPhone", "0");
    kv(s, "PromoteAlternates", "0");
    kv(s, "TryNextAlternateOnFail", "1");
    g_string_append(s, "\r\n");
}

char *
dt_export_pbk(const DtProfile *const *profiles, guint n, GPtrArray *notes)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < n; i++)
        pbk_entry(s, profiles[i], profiles, n, notes);
    return g_string_free(s, FALSE);
}

static const char *
yes(gboolean b)
{
    return b ? "yes" : "no";
}

char *
dt_export_nm(const DtProfile *p, GPtrArray *notes, GError **error)
{
    if (p->type != DT_PROFILE_TYPE_PPTP) {
        g_set_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_INVALID,
                    "“%s” is a dial-up profile; NetworkManager keyfiles are exported for PPTP "
                    "profiles (export it as a phonebook with --format pbk)",
                    p->name);
        return NULL;
    }
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_key_file_set_string(kf, "connection", "id", p->name);
    g_key_file_set_string(kf, "connection", "uuid", p->id);
    g_key_file_set_string(kf, "connection", "type", "vpn");
    g_key_file_set_boolean(kf, "connection", "autoconnect", FALSE);

    g_key_file_set_string(kf, "vpn", "gateway", p->pptp.server);
    if (p->pptp.user)
        g_key_file_set_string(kf, "vpn", "user", p->pptp.user);
    if (p->pptp.domain)
        g_key_file_set_string(kf, "vpn", "domain", p->pptp.domain);
    g_key_file_set_string(kf, "vpn", "password-flags", "1");
    g_key_file_set_string(kf, "vpn", "refuse-eap", "yes");
    const DtAuthList *a = &p->security.authentication;
    g_key_file_set_string(kf, "vpn", "refuse-pap",
                          yes(!dt_auth_list_contains(a, DT_PROFILE_AUTH_PAP)));
    g_key_file_set_string(kf, "vpn", "refuse-chap",
                          yes(!dt_auth_list_contains(a, DT_PROFILE_AUTH_CHAP)));
    g_key_file_set_string(kf, "vpn", "refuse-mschap",
                          yes(!dt_auth_list_contains(a, DT_PROFILE_AUTH_MSCHAP)));
    g_key_file_set_string(kf, "vpn", "refuse-mschapv2",
                          yes(!dt_auth_list_contains(a, DT_PROFILE_AUTH_MSCHAPV2)));
    if (a->n > 1 && a->methods[0] != DT_PROFILE_AUTH_MSCHAPV2)
        note(notes, "NetworkManager has no order of methods; pppd tries its own order");
    switch (p->security.encryption) {
    case DT_ENCRYPTION_REQUIRE_128:
        g_key_file_set_string(kf, "vpn", "require-mppe-128", "yes");
        break;
    case DT_ENCRYPTION_REQUIRE:
        g_key_file_set_string(kf, "vpn", "require-mppe", "yes");
        break;
    case DT_ENCRYPTION_NONE:
        note(notes, "Encryption=none: NetworkManager cannot refuse MPPE; pppd will accept it if "
                    "the server offers it");
        break;
    case DT_ENCRYPTION_OPTIONAL:
    default:
        break;
    }
    g_key_file_set_string(kf, "vpn", "mppe-stateful", yes(p->security.allow_stateful));
    if (p->security.compression)
        note(notes, "MPPC compression: the kernel's PPP has none; NetworkManager connects "
                    "without it");
    if (p->ppp.echo_interval > 0) {
        g_autofree char *f = g_strdup_printf("%u", p->ppp.echo_failures);
        g_autofree char *i = g_strdup_printf("%u", p->ppp.echo_interval);
        g_key_file_set_string(kf, "vpn", "lcp-echo-failure", f);
        g_key_file_set_string(kf, "vpn", "lcp-echo-interval", i);
    }
    g_key_file_set_string(kf, "vpn", "service-type", DT_NM_PPTP_SERVICE);
    g_key_file_set_boolean(kf, "vpn", "persistent", p->redial.on_link_failure);
    if (p->ppp.mtu != 1400 || p->ppp.mru != 1400)
        note(notes, "MTU/MRU: NetworkManager's PPTP plugin always uses 1400");
    if (p->redial.attempts != 3 || p->redial.interval != 10 || p->redial.idle_disconnect)
        note(notes, "redial attempts, interval and idle disconnect have no NetworkManager "
                    "setting for VPNs");
    if (p->dial_first)
        note(notes, "DialFirst: NetworkManager cannot dial a modem before a VPN");

    g_key_file_set_string(kf, "ipv4", "method", "auto");
    if (p->ipv4.dns.mode == DT_DNS_STATIC) {
        g_autoptr(GPtrArray) v4 = g_ptr_array_new();
        for (guint i = 0; p->ipv4.dns.servers[i]; i++) {
            if (strchr(p->ipv4.dns.servers[i], ':'))
                note(notes, "IPv6 DNS server %s belongs in [ipv6]; not exported",
                     p->ipv4.dns.servers[i]);
            else
                g_ptr_array_add(v4, p->ipv4.dns.servers[i]);
        }
        if (v4->len > 0) {
            g_ptr_array_add(v4, NULL);
            g_autofree char *list = g_strjoinv(";", (char **)v4->pdata);
            g_autofree char *with = g_strconcat(list, ";", NULL);
            g_key_file_set_string(kf, "ipv4", "dns", with);
        }
        g_key_file_set_boolean(kf, "ipv4", "ignore-auto-dns", TRUE);
    } else if (p->ipv4.dns.mode == DT_DNS_NONE) {
        g_key_file_set_boolean(kf, "ipv4", "ignore-auto-dns", TRUE);
    }
    if (p->ipv4.dns_search[0]) {
        g_autofree char *list = g_strjoinv(";", p->ipv4.dns_search);
        g_autofree char *with = g_strconcat(list, ";", NULL);
        g_key_file_set_string(kf, "ipv4", "dns-search", with);
    }
    for (guint i = 0; p->ipv4.routes[i]; i++) {
        g_autofree char *k = g_strdup_printf("route%u", i + 1);
        g_key_file_set_string(kf, "ipv4", k, p->ipv4.routes[i]);
    }
    g_key_file_set_boolean(kf, "ipv4", "never-default", !p->ipv4.default_route);
    g_key_file_set_string(kf, "ipv6", "method", p->ipv6.enabled ? "auto" : "ignore");
    if (p->ipv6.enabled)
        note(notes, "IPv6: NetworkManager's PPTP plugin brings up no IPv6");
    return g_key_file_to_data(kf, NULL, NULL);
}
