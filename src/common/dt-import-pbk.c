/* dt-import-pbk.c — see dt-import-pbk.h. Key names and values follow
 * [MS-RRASM] §2.2.2 and ../shared/USERS.md §3A. */
#include "dt-import-pbk.h"

#include <string.h>

#include "dt-validate.h"

/* AuthRestrictions: the spec numbers bits from 1 (real files only decode
 * that way: 608 = MS-CHAP v2 + MS-CHAP + CHAP). */
enum {
    PBK_AUTH_PAP = 1 << 3,
    PBK_AUTH_SPAP = 1 << 4,
    PBK_AUTH_CHAP = 1 << 5,
    PBK_AUTH_MSCHAP = 1 << 6,
    PBK_AUTH_EAP = 1 << 7,
    PBK_AUTH_MSCHAPV2 = 1 << 9,
    PBK_AUTH_W95_MSCHAP = 1 << 10,
};

/* Keys that mean nothing for a Dialtone profile: Windows UI, bookkeeping,
 * multilink, NetBIOS, IPsec and IKEv2 settings. Counted, not listed. */
static const char *const ignored_keys[] = {
    "encoding",
    "pbversion",
    "autologon",
    "userascredentials",
    "lowdatetime",
    "highdatetime",
    "dialparamsuid",
    "baseprotocol",
    "lcpextensions",
    "negotiatemultilinkalways",
    "dialmode",
    "dialpercent",
    "dialseconds",
    "hanguppercent",
    "hangupseconds",
    "skipnwcwarning",
    "skipdownleveldialog",
    "skipdoubledialdialog",
    "overridepref",
    "callbackmode",
    "customdialdll",
    "customdialfunc",
    "customrasdialdll",
    "forcesecurecompartment",
    "disableikenameekucheck",
    "authenticateserver",
    "sharemsfileprint",
    "bindmsnetclient",
    "sharedphonenumbers",
    "globaldevicesettings",
    "prerequisitepbk",
    "preferredport",
    "preferreddevice",
    "preferredprotocol",
    "preferredcompression",
    "preferredspeaker",
    "preferredmdmprotocol",
    "previewuserpw",
    "previewdomain",
    "previewphonenumber",
    "showdialingprogress",
    "showmonitoriconintaskbar",
    "customauthdata",
    "typicalauth",
    "ipinterfacemetric",
    "ipheadercompression",
    "ipframesize",
    "ipdnsflags",
    "ipnbtflags",
    "tcpwindowsize",
    "useflags",
    "ipsecflags",
    "ipwinsaddress",
    "ipwins2address",
    "ipv6assign",
    "ipv6prefixlength",
    "ipv6prioritizeremote",
    "ipv6interfacemetric",
    "ipv6nameassign",
    "ipv6address",
    "ipv6dnsaddress",
    "ipv6dns2address",
    "ipv6prefixlength",
    "ipv6interfaceid",
    "ipv6remotedefaultgateway",
    "disableclassbasedefaultroute",
    "disablemobility",
    "networkoutagetime",
    "provisiontype",
    "presharedkey",
    "numcustompolicy",
    "customipsecpolicies",
    "powershellcreatedprofile",
    "disabledefaultdnssuffixes",
    "numtrustednetworks",
    "trustednetworks",
    "numdnssearchsuffixes",
    "dnssearchsuffixes",
    "proxyflags",
    "proxyserver",
    "proxybypass",
    "autoconfigscript",
    "authtypeotp",
    "grekeydefined",
    "alwaysoncapable",
    "devicetunnel",
    "privatenetwork",
    "vpnsuccessstrategies",
    "usepreshardkeyforikev2initiator",
    "usepresharedkeyforikev2initiator",
    "usepresharedkeyforikev2responder",
    "cacheduidname",
    "ipdnssuffixlist",
    "redialpref",
    "registerdnsname",
    "disablenbtoverip",
    "autotiggercapable",
    "autotriggercapable",
    "numappids",
    "numclassicappids",
    "securitydescriptor",
    "apnname",
    "isrememberoncecredentials",
    "isdpmnoneed",
    "ipsecenforced",
    "routes",
    "numroutes",
    "numnrptrules",
    "autologondomain",
    "idisableipv6",
    "lastselectedphone",
    "promotealternates",
    "trynextalternateonfail",
    "ms_msclient",
    "ms_server",
    "ms_tcpip",
    "ms_tcpip6",
    "ms_pacer",
    "ms_psched",
    "ms_netbt",
    "ms_nwlnkipx",
    "ms_nwlnknb",
    "ms_netbeui",
    "ipv6prefix",
    "disableclassbaseddefaultroute",
    "idi",
    "idr",
    "imsconfig",
    "iditype",
    "idrtype",
    "cachecredentials",
    "numeku",
    "usemachinerootcert",
    "disable_ikev2_fragmentation",
    "plumbikev2tsasroutes",
    "numservers",
    "routeversion",
    "apninfoproviderid",
    "apninfousername",
    "apninfopassword",
    "apninfoaccesspoint",
    "apninfoauthentication",
    "apninfocompression",
    "devicecomplianceenabled",
    "devicecompliancessoenabled",
    "devicecompliancessoeku",
    "devicecompliancessoissuer",
    "webauthenabled",
    "webauthclientid",
    "flagsset",
    "options",
    "proxysettingsmodified",
    "provisioningauthority",
    "numperapptrafficfilters",
};

typedef struct {
    char *number;
    char *area_code;
    gboolean dialing_rules;
} PbkPhone;

typedef struct {
    char *name;
    GHashTable *keys;       /* lower-case key → value, entry level, first wins */
    GPtrArray *order;       /* lower-case entry-level keys in file order */
    guint n_media;          /* MEDIA= subsections */
    char *media;            /* the first MEDIA's value */
    GHashTable *media_keys; /* the first MEDIA's keys */
    char *device;           /* the first DEVICE= value */
    GPtrArray *phones;      /* PbkPhone * of the first DEVICE that has numbers */
    DtImportEntry *entry;
} PbkEntry;

static void
phone_free(gpointer data)
{
    PbkPhone *ph = data;
    g_free(ph->number);
    g_free(ph->area_code);
    g_free(ph);
}

static void
pbk_entry_free(gpointer data)
{
    PbkEntry *pe = data;
    g_free(pe->name);
    g_hash_table_unref(pe->keys);
    g_ptr_array_unref(pe->order);
    g_free(pe->media);
    g_hash_table_unref(pe->media_keys);
    g_free(pe->device);
    g_ptr_array_unref(pe->phones);
    g_free(pe);
}

static PbkEntry *
pbk_entry_new(const char *name)
{
    PbkEntry *pe = g_new0(PbkEntry, 1);
    pe->name = g_strdup(name);
    pe->keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    pe->order = g_ptr_array_new_with_free_func(g_free);
    pe->media_keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    pe->phones = g_ptr_array_new_with_free_func(phone_free);
    return pe;
}

static const char *
get(PbkEntry *pe, const char *key)
{
    return g_hash_table_lookup(pe->keys, key);
}

static gboolean
get_uint(PbkEntry *pe, const char *key, guint64 *out)
{
    return dt_import_parse_uint(get(pe, key), G_MAXUINT32, out);
}

static gboolean
is_ignored(const char *lower)
{
    for (gsize i = 0; i < G_N_ELEMENTS(ignored_keys); i++)
        if (strcmp(lower, ignored_keys[i]) == 0)
            return TRUE;
    return FALSE;
}

typedef enum {
    SUB_ENTRY,
    SUB_NETCOMPONENTS,
    SUB_MEDIA,
    SUB_DEVICE,
    SUB_OTHER, /* a second MEDIA or DEVICE: multilink, not used */
} PbkSub;

/* Splits the text into entries and their subsections. */
static GPtrArray *
parse(const char *text)
{
    GPtrArray *entries = g_ptr_array_new_with_free_func(pbk_entry_free);
    PbkEntry *cur = NULL;
    PbkSub sub = SUB_ENTRY;
    gboolean device_has_phones = FALSE;
    gsize pos = 0;
    for (;;) {
        g_autofree char *line = dt_import_next_line(text, &pos);
        if (line == NULL)
            break;
        g_strstrip(line);
        if (*line == '\0' || *line == ';' || *line == '#')
            continue;
        if (*line == '[') {
            char *end = strrchr(line, ']');
            if (end == NULL)
                continue;
            *end = '\0';
            cur = pbk_entry_new(line + 1);
            g_ptr_array_add(entries, cur);
            sub = SUB_ENTRY;
            device_has_phones = FALSE;
            continue;
        }
        char *eq = strchr(line, '=');
        if (cur == NULL || eq == NULL)
            continue;
        *eq = '\0';
        /* Subsections open with upper-case keys ([MS-RRASM] §2.2.2: DEVICE
         * is case-sensitive), which MEDIA's own "Device=" is not. */
        const char *raw = g_strstrip(line);
        g_autofree char *key = g_ascii_strdown(raw, -1);
        char *value = g_strstrip(eq + 1);
        if (strcmp(raw, "NETCOMPONENTS") == 0) {
            sub = SUB_NETCOMPONENTS;
            continue;
        }
        if (strcmp(raw, "MEDIA") == 0) {
            if (cur->n_media++ == 0) {
                cur->media = g_strdup(value);
                sub = SUB_MEDIA;
            } else {
                sub = SUB_OTHER;
            }
            continue;
        }
        if (strcmp(raw, "DEVICE") == 0) {
            if (sub == SUB_MEDIA && cur->device == NULL) {
                cur->device = g_strdup(value);
                sub = SUB_DEVICE;
            } else {
                sub = SUB_OTHER;
            }
            continue;
        }
        switch (sub) {
        case SUB_ENTRY:
            if (!g_hash_table_contains(cur->keys, key)) {
                g_ptr_array_add(cur->order, g_strdup(key));
                g_hash_table_insert(cur->keys, g_strdup(key), g_strdup(value));
            }
            break;
        case SUB_MEDIA:
            if (!g_hash_table_contains(cur->media_keys, key))
                g_hash_table_insert(cur->media_keys, g_strdup(key), g_strdup(value));
            break;
        case SUB_DEVICE:
            if (strcmp(key, "phonenumber") == 0) {
                PbkPhone *ph = g_new0(PbkPhone, 1);
                ph->number = g_strdup(value);
                g_ptr_array_add(cur->phones, ph);
                device_has_phones = TRUE;
            } else if (device_has_phones && strcmp(key, "areacode") == 0) {
                PbkPhone *ph = g_ptr_array_index(cur->phones, cur->phones->len - 1);
                g_free(ph->area_code);
                ph->area_code = g_strdup(value);
            } else if (device_has_phones && strcmp(key, "usedialingrules") == 0) {
                PbkPhone *ph = g_ptr_array_index(cur->phones, cur->phones->len - 1);
                ph->dialing_rules = strcmp(value, "1") == 0;
            }
            break;
        case SUB_NETCOMPONENTS:
        case SUB_OTHER:
        default:
            break;
        }
    }
    return entries;
}

static char *
guid_to_uuid(const char *guid)
{
    if (guid == NULL || strlen(guid) != 32)
        return NULL;
    for (const char *p = guid; *p; p++)
        if (!g_ascii_isxdigit(*p))
            return NULL;
    g_autofree char *lower = g_ascii_strdown(guid, -1);
    return g_strdup_printf("%.8s-%.4s-%.4s-%.4s-%.12s", lower, lower + 8, lower + 12, lower + 16,
                           lower + 20);
}

static void
set_strv(char ***field, GPtrArray *items)
{
    g_strfreev(*field);
    g_ptr_array_add(items, NULL);
    *field = (char **)g_ptr_array_free(items, FALSE);
}

static void
map_auth(PbkEntry *pe, DtProfile *p)
{
    DtImportEntry *e = pe->entry;
    guint64 bits;
    if (!get_uint(pe, "authrestrictions", &bits)) {
        if (get(pe, "authrestrictions")) {
            g_autofree char *def = dt_auth_list_to_string(&p->security.authentication);
            dt_import_entry_note(e, "AuthRestrictions=%s: not a number; kept the default %s",
                                 get(pe, "authrestrictions"), def);
        }
        return;
    }
    DtAuthList l = {0};
    if (bits & PBK_AUTH_MSCHAPV2)
        l.methods[l.n++] = DT_PROFILE_AUTH_MSCHAPV2;
    if (bits & (PBK_AUTH_MSCHAP | PBK_AUTH_W95_MSCHAP))
        l.methods[l.n++] = DT_PROFILE_AUTH_MSCHAP;
    if (bits & PBK_AUTH_CHAP)
        l.methods[l.n++] = DT_PROFILE_AUTH_CHAP;
    if (bits & PBK_AUTH_PAP)
        l.methods[l.n++] = DT_PROFILE_AUTH_PAP;
    if (bits & PBK_AUTH_EAP)
        dt_import_entry_note(e,
                             "AuthRestrictions allows EAP (CustomAuthKey=%s): Dialtone has no "
                             "EAP",
                             get(pe, "customauthkey") ? get(pe, "customauthkey") : "?");
    if (bits & PBK_AUTH_SPAP)
        dt_import_entry_note(e, "AuthRestrictions allows SPAP (Shiva): Dialtone has no SPAP");
    if (l.n == 0) {
        g_autofree char *def = dt_auth_list_to_string(&p->security.authentication);
        dt_import_entry_note(
            e, "AuthRestrictions=%" G_GUINT64_FORMAT " allows no method Dialtone has; kept %s",
            bits, def);
        return;
    }
    p->security.authentication = l;
    g_autofree char *s = dt_auth_list_to_string(&l);
    dt_import_entry_map(e, "AuthRestrictions=%" G_GUINT64_FORMAT " → Authentication=%s", bits, s);
}

static void
map_security(PbkEntry *pe, DtProfile *p)
{
    DtImportEntry *e = pe->entry;
    guint64 n;
    map_auth(pe, p);
    if (get_uint(pe, "dataencryption", &n)) {
        gboolean ok = TRUE;
        switch (n) {
        case 0:
            p->security.encryption = DT_ENCRYPTION_NONE;
            break;
        case 8:
            p->security.encryption = DT_ENCRYPTION_OPTIONAL;
            break;
        case 256:
            p->security.encryption = DT_ENCRYPTION_REQUIRE;
            break;
        case 512:
            p->security.encryption = DT_ENCRYPTION_REQUIRE_128;
            break;
        default:
            ok = FALSE;
            dt_import_entry_note(e,
                                 "DataEncryption=%" G_GUINT64_FORMAT
                                 " is none of 0, 8, 256, 512; kept Encryption=%s",
                                 n, dt_encryption_to_string(p->security.encryption));
        }
        if (ok)
            dt_import_entry_map(e, "DataEncryption=%" G_GUINT64_FORMAT " → Encryption=%s", n,
                                dt_encryption_to_string(p->security.encryption));
    }
    /* MPPE keys come only from MS-CHAP (RFC 3079 §2); Windows' own dialog
     * enforces the same, so a file that breaks it was edited by hand. */
    if (p->security.encryption != DT_ENCRYPTION_NONE &&
        !dt_auth_list_contains(&p->security.authentication, DT_PROFILE_AUTH_MSCHAPV2) &&
        !dt_auth_list_contains(&p->security.authentication, DT_PROFILE_AUTH_MSCHAP)) {
        if (p->security.encryption == DT_ENCRYPTION_OPTIONAL) {
            p->security.encryption = DT_ENCRYPTION_NONE;
            dt_import_entry_note(e, "optional encryption needs MS-CHAP, which AuthRestrictions "
                                    "does not allow; set Encryption=none");
        } else {
            DtAuthList *l = &p->security.authentication;
            memmove(&l->methods[1], &l->methods[0], l->n * sizeof l->methods[0]);
            l->methods[0] = DT_PROFILE_AUTH_MSCHAPV2;
            l->n++;
            dt_import_entry_note(e, "required encryption needs MS-CHAP, which AuthRestrictions "
                                    "does not allow; added mschapv2 to Authentication");
        }
    }
    if (get_uint(pe, "swcompression", &n) && n <= 1) {
        p->security.compression = n == 1;
        dt_import_entry_map(e, "SwCompression=%" G_GUINT64_FORMAT " → Compression=%s", n,
                            n ? "true" : "false");
    }
}

static void
map_ip(PbkEntry *pe, DtProfile *p)
{
    DtImportEntry *e = pe->entry;
    guint64 n;
    if (get_uint(pe, "ipprioritizeremote", &n) && n <= 1) {
        p->ipv4.default_route = n == 1;
        dt_import_entry_map(e, "IpPrioritizeRemote=%" G_GUINT64_FORMAT " → DefaultRoute=%s", n,
                            n ? "true" : "false");
    }
    if (get_uint(pe, "excludedprotocols", &n)) {
        p->ipv6.enabled = (n & 8) == 0;
        dt_import_entry_map(e, "ExcludedProtocols=%" G_GUINT64_FORMAT " → IPv6 Enabled=%s", n,
                            p->ipv6.enabled ? "true" : "false");
        if (n & 4)
            dt_import_entry_note(e, "ExcludedProtocols excludes IPv4; Dialtone always runs IPv4");
    }
    GPtrArray *dns = g_ptr_array_new();
    static const char *const dns_keys[] = {"ipdnsaddress", "ipdns2address"};
    for (gsize i = 0; i < G_N_ELEMENTS(dns_keys); i++) {
        const char *v = get(pe, dns_keys[i]);
        if (v == NULL || *v == '\0' || strcmp(v, "0.0.0.0") == 0)
            continue;
        if (dt_validate_ipv4(v, NULL))
            g_ptr_array_add(dns, g_strdup(v));
        else
            dt_import_entry_note(e, "%s=%s is not an IPv4 address", dns_keys[i], v);
    }
    if (dns->len > 0) {
        g_autofree char *shown = NULL;
        g_ptr_array_add(dns, NULL);
        shown = g_strjoinv(";", (char **)dns->pdata);
        g_ptr_array_set_size(dns, dns->len - 1);
        p->ipv4.dns.mode = DT_DNS_STATIC;
        set_strv(&p->ipv4.dns.servers, dns);
        dt_import_entry_map(e, "IpDnsAddress/IpDns2Address → DNS=%s", shown);
    } else {
        g_ptr_array_free(dns, TRUE);
    }
    const char *suffix = get(pe, "ipdnssuffix");
    if (suffix && *suffix) {
        if (dt_validate_hostname(suffix, NULL)) {
            GPtrArray *l = g_ptr_array_new();
            g_ptr_array_add(l, g_strdup(suffix));
            set_strv(&p->ipv4.dns_search, l);
            dt_import_entry_map(e, "IpDnsSuffix=%s → DNSSearch=%s", suffix, suffix);
        } else {
            dt_import_entry_note(e, "IpDnsSuffix=%s is not a domain name", suffix);
        }
    }
    const char *addr = get(pe, "ipaddress");
    if ((get_uint(pe, "ipassign", &n) && n == 2) || (addr && *addr && strcmp(addr, "0.0.0.0") != 0))
        dt_import_entry_note(e,
                             "a static client address (IpAddress=%s): Dialtone takes the "
                             "address the server assigns",
                             addr ? addr : "");
}

static void
map_redial(PbkEntry *pe, DtProfile *p)
{
    DtImportEntry *e = pe->entry;
    guint64 n;
    if (get_uint(pe, "redialattempts", &n)) {
        p->redial.attempts = (guint)MIN(n, 100);
        dt_import_entry_map(e, "RedialAttempts=%" G_GUINT64_FORMAT " → Redial Attempts=%u", n,
                            p->redial.attempts);
    }
    if (get_uint(pe, "redialseconds", &n)) {
        p->redial.interval = (guint)CLAMP(n, 1, 3600);
        dt_import_entry_map(e, "RedialSeconds=%" G_GUINT64_FORMAT " → Redial Interval=%u", n,
                            p->redial.interval);
    }
    if (get_uint(pe, "redialonlinkfailure", &n) && n <= 1) {
        p->redial.on_link_failure = n == 1;
        dt_import_entry_map(e, "RedialOnLinkFailure=%" G_GUINT64_FORMAT " → OnLinkFailure=%s", n,
                            n ? "true" : "false");
    }
    if (get_uint(pe, "idledisconnectseconds", &n)) {
        p->redial.idle_disconnect = (guint)MIN(n, 604800);
        dt_import_entry_map(e, "IdleDisconnectSeconds=%" G_GUINT64_FORMAT " → IdleDisconnect=%u", n,
                            p->redial.idle_disconnect);
    }
}

/* VpnStrategy ([MS-RRASM] §2.2.2.2.x): which tunnel Windows tries. */
static gboolean
map_strategy(PbkEntry *pe)
{
    DtImportEntry *e = pe->entry;
    guint64 n = 0;
    const char *dev = g_hash_table_lookup(pe->media_keys, "device");
    if (!get_uint(pe, "vpnstrategy", &n)) {
        /* Absent: the device decides. */
        if (dev && strstr(dev, "(PPTP)") == NULL &&
            (strstr(dev, "L2TP") || strstr(dev, "IKEv2") || strstr(dev, "SSTP"))) {
            dt_import_entry_skip(e, "a VPN through “%s”; Dialtone speaks only PPTP", dev);
            return FALSE;
        }
        return TRUE;
    }
    switch (n) {
    case 0:
        dt_import_entry_map(e, "VpnStrategy=0 (automatic) → PPTP");
        return TRUE;
    case 1:
    case 2:
        dt_import_entry_map(e, "VpnStrategy=%" G_GUINT64_FORMAT " (PPTP%s) → PPTP", n,
                            n == 2 ? " first" : " only");
        return TRUE;
    case 4:
    case 6:
    case 8:
        dt_import_entry_note(
            e, "VpnStrategy=%" G_GUINT64_FORMAT " tries %s first; Dialtone will use PPTP only", n,
            n == 4   ? "L2TP"
            : n == 6 ? "SSTP"
                     : "IKEv2");
        return TRUE;
    case 3:
    case 5:
    case 7:
        dt_import_entry_skip(e,
                             "VpnStrategy=%" G_GUINT64_FORMAT " means %s only; Dialtone speaks "
                             "only PPTP",
                             n,
                             n == 3   ? "L2TP/IPsec"
                             : n == 5 ? "SSTP"
                                      : "IKEv2");
        return FALSE;
    default:
        dt_import_entry_skip(e, "VpnStrategy=%" G_GUINT64_FORMAT " is not a PPTP strategy", n);
        return FALSE;
    }
}

static DtProfile *
make_vpn(PbkEntry *pe)
{
    DtImportEntry *e = pe->entry;
    if (!map_strategy(pe))
        return NULL;
    if (pe->device && g_ascii_strcasecmp(pe->device, "vpn") != 0)
        dt_import_entry_note(e, "DEVICE=%s in a VPN entry; read it as a VPN", pe->device);
    if (pe->phones->len == 0) {
        dt_import_entry_skip(e, "no PhoneNumber: the entry names no VPN server");
        return NULL;
    }
    PbkPhone *first = g_ptr_array_index(pe->phones, 0);
    g_autoptr(GString) why = g_string_new(NULL);
    if (!dt_validate_host(first->number, why)) {
        dt_import_entry_skip(e, "PhoneNumber=%s is not a server Dialtone can dial: %s",
                             first->number, why->str);
        return NULL;
    }
    DtProfile *p = dt_profile_new(DT_PROFILE_TYPE_PPTP);
    p->pptp.server = g_strdup(first->number);
    dt_import_entry_map(e, "PhoneNumber=%s → Server", first->number);
    for (guint i = 1; i < pe->phones->len; i++)
        dt_import_entry_note(e,
                             "alternate server %s: a profile has one server; make a copy "
                             "for it",
                             ((PbkPhone *)g_ptr_array_index(pe->phones, i))->number);
    return p;
}

static DtProfile *
make_dialup(PbkEntry *pe)
{
    DtImportEntry *e = pe->entry;
    if (pe->phones->len == 0) {
        dt_import_entry_skip(e, "no PhoneNumber: the entry has no number to dial");
        return NULL;
    }
    PbkPhone *first = g_ptr_array_index(pe->phones, 0);
    g_autoptr(GString) why = g_string_new(NULL);
    if (!dt_validate_phone(first->number, why)) {
        dt_import_entry_skip(e, "PhoneNumber=%s is not a number a modem dials: %s", first->number,
                             why->str);
        return NULL;
    }
    DtProfile *p = dt_profile_new(DT_PROFILE_TYPE_DIALUP);
    p->dialup.phone = g_strdup(first->number);
    dt_import_entry_map(e, "PhoneNumber=%s → Phone", first->number);
    if (first->dialing_rules && first->area_code && *first->area_code)
        dt_import_entry_note(e,
                             "UseDialingRules with AreaCode=%s: Dialtone dials the number as "
                             "written; add the area code to Phone if it is needed",
                             first->area_code);
    for (guint i = 1; i < pe->phones->len; i++)
        dt_import_entry_note(e, "alternate number %s: a profile dials one number",
                             ((PbkPhone *)g_ptr_array_index(pe->phones, i))->number);

    const char *port = g_hash_table_lookup(pe->media_keys, "port");
    const char *modem = g_hash_table_lookup(pe->media_keys, "device");
    char *dev = dt_import_serial_device(port);
    if (dev) {
        p->dialup.device = dev;
        dt_import_entry_map(e, "Port=%s → Device=%s", port, dev);
    } else {
        p->dialup.device = g_strdup("/dev/ttyS0");
        dt_import_entry_note(e,
                             "modem “%s” on port “%s”: no Linux device for it; Device is "
                             "/dev/ttyS0, change it to your modem (often /dev/ttyACM0 or "
                             "/dev/ttyUSB0)",
                             modem ? modem : "", port ? port : "");
    }
    if (pe->device && g_ascii_strcasecmp(pe->device, "modem") != 0)
        dt_import_entry_note(e, "DEVICE=%s: read as an analogue modem", pe->device);
    guint64 bps;
    const char *speed_key = "ConnectBps";
    const char *speed = g_hash_table_lookup(pe->media_keys, "connectbps");
    if (speed == NULL) {
        speed = get(pe, "preferredbps");
        speed_key = "PreferredBps";
    }
    if (speed) {
        if (dt_import_parse_uint(speed, 4000000, &bps) && dt_import_serial_speed(bps)) {
            p->dialup.speed = (guint)bps;
            dt_import_entry_map(e, "%s=%s → Speed", speed_key, speed);
        } else {
            dt_import_entry_note(e, "%s=%s is not a serial speed; kept %u", speed_key, speed,
                                 p->dialup.speed);
        }
    }
    const char *flow = g_hash_table_lookup(pe->media_keys, "hwflowcontrol");
    if (flow == NULL)
        flow = get(pe, "preferredhwflow");
    if (flow && (strcmp(flow, "0") == 0 || strcmp(flow, "1") == 0)) {
        p->dialup.flow_control = flow[0] == '1' ? DT_FLOW_CONTROL_HARDWARE : DT_FLOW_CONTROL_NONE;
        dt_import_entry_map(e, "HwFlowControl=%s → FlowControl=%s", flow,
                            flow[0] == '1' ? "hardware" : "none");
    }
    return p;
}

/* Keys the mapping reads, so they are not counted as ignored. */
static const char *const mapped_keys[] = {
    "type",
    "guid",
    "vpnstrategy",
    "dataencryption",
    "authrestrictions",
    "swcompression",
    "ipprioritizeremote",
    "excludedprotocols",
    "ipdnsaddress",
    "ipdns2address",
    "ipdnssuffix",
    "ipaddress",
    "ipassign",
    "ipnameassign",
    "redialattempts",
    "redialseconds",
    "redialonlinkfailure",
    "idledisconnectseconds",
    "prerequisiteentry",
    "preferredbps",
    "preferredhwflow",
    "customauthkey",
};

static void
count_keys(PbkEntry *pe)
{
    GPtrArray *unknown = g_ptr_array_new();
    for (guint i = 0; i < pe->order->len; i++) {
        const char *k = g_ptr_array_index(pe->order, i);
        gboolean mapped = FALSE;
        for (gsize j = 0; j < G_N_ELEMENTS(mapped_keys) && !mapped; j++)
            mapped = strcmp(k, mapped_keys[j]) == 0;
        if (mapped)
            continue;
        if (is_ignored(k))
            pe->entry->ignored++;
        else
            g_ptr_array_add(unknown, (gpointer)k);
    }
    if (unknown->len > 0) {
        g_ptr_array_add(unknown, NULL);
        g_autofree char *list = g_strjoinv(", ", (char **)unknown->pdata);
        dt_import_entry_note(pe->entry, "unknown keys, ignored: %s", list);
    }
    g_ptr_array_free(unknown, TRUE);
}

static void
import_entry(DtImport *imp, PbkEntry *pe, GHashTable *ids)
{
    DtImportEntry *e = pe->entry = dt_import_add_entry(imp, pe->name);
    guint64 type = 0;
    const char *type_s = get(pe, "type");
    count_keys(pe);
    if (!get_uint(pe, "type", &type)) {
        /* Old files omit Type: a VPN device says what the entry is. */
        type = pe->device && g_ascii_strcasecmp(pe->device, "vpn") == 0 ? 2 : 1;
        if (type_s)
            dt_import_entry_note(e, "Type=%s is not a number; read as %s", type_s,
                                 type == 2 ? "VPN" : "dial-up");
    }
    DtProfile *p = NULL;
    switch (type) {
    case 1:
        p = make_dialup(pe);
        break;
    case 2:
        p = make_vpn(pe);
        break;
    case 3:
        dt_import_entry_skip(e, "Type=3 is a direct (cable) connection; Dialtone dials modems "
                                "and PPTP servers");
        break;
    case 4:
        dt_import_entry_skip(e, "Type=4 is a Connection Manager profile; import its dial-up "
                                "or VPN entries instead");
        break;
    case 5:
        dt_import_entry_skip(e, "Type=5 is broadband (PPPoE), which Dialtone does not speak");
        break;
    default:
        dt_import_entry_skip(e, "Type=%" G_GUINT64_FORMAT " is not a dial-up or VPN entry", type);
        break;
    }
    if (p == NULL) {
        dt_import_entry_finish(e);
        return;
    }
    e->profile = p;
    g_free(p->name);
    p->name = dt_import_clean_name(pe->name, "Imported connection");
    dt_import_entry_map(e, "Type=%" G_GUINT64_FORMAT " → Type=%s", type,
                        dt_profile_type_to_string(p->type));
    char *id = guid_to_uuid(get(pe, "guid"));
    if (id && !g_hash_table_contains(ids, id)) {
        g_free(p->id);
        p->id = id;
        dt_import_entry_map(e, "Guid → Id %s", p->id);
    } else {
        g_free(id);
    }
    g_hash_table_add(ids, g_strdup(p->id));
    map_security(pe, p);
    map_ip(pe, p);
    map_redial(pe, p);
    dt_import_entry_finish(e);
}

/* PrerequisiteEntry → DialFirst, once every entry has its Id. */
static void
link_prerequisites(GPtrArray *entries)
{
    for (guint i = 0; i < entries->len; i++) {
        PbkEntry *pe = g_ptr_array_index(entries, i);
        const char *pre = get(pe, "prerequisiteentry");
        DtProfile *p = pe->entry->profile;
        if (p == NULL || pre == NULL || *pre == '\0')
            continue;
        if (p->type != DT_PROFILE_TYPE_PPTP) {
            dt_import_entry_note(pe->entry,
                                 "PrerequisiteEntry=%s: a dial-up profile dials "
                                 "nothing first",
                                 pre);
            continue;
        }
        PbkEntry *target = NULL;
        for (guint j = 0; j < entries->len && target == NULL; j++) {
            PbkEntry *t = g_ptr_array_index(entries, j);
            if (t != pe && g_utf8_collate(t->name, pre) == 0)
                target = t;
        }
        for (guint j = 0; j < entries->len && target == NULL; j++) {
            PbkEntry *t = g_ptr_array_index(entries, j);
            g_autofree char *a = g_utf8_casefold(t->name, -1);
            g_autofree char *b = g_utf8_casefold(pre, -1);
            if (t != pe && strcmp(a, b) == 0)
                target = t;
        }
        if (target == NULL) {
            const char *pbk = get(pe, "prerequisitepbk");
            dt_import_entry_note(pe->entry,
                                 "PrerequisiteEntry=%s is not in this phonebook%s%s; import it "
                                 "and set DialFirst",
                                 pre, pbk && *pbk ? " but in " : "", pbk && *pbk ? pbk : "");
        } else if (target->entry->profile == NULL) {
            dt_import_entry_note(pe->entry, "PrerequisiteEntry=%s was not imported", pre);
        } else if (target->entry->profile->type != DT_PROFILE_TYPE_DIALUP) {
            dt_import_entry_note(pe->entry,
                                 "PrerequisiteEntry=%s is a VPN; Dialtone brings up "
                                 "only a dial-up profile first",
                                 pre);
        } else {
            p->dial_first = g_strdup(target->entry->profile->id);
            dt_import_entry_map(pe->entry, "PrerequisiteEntry=%s → DialFirst", pre);
        }
    }
}

DtImport *
dt_import_pbk(const char *data, gsize len, GError **error)
{
    const char *encoding = NULL;
    g_autofree char *text = dt_import_decode(data, len, &encoding, error);
    if (text == NULL)
        return NULL;
    g_autoptr(GPtrArray) entries = parse(text);
    if (entries->len == 0) {
        g_set_error(error, DT_IMPORT_ERROR, DT_IMPORT_ERROR_FORMAT,
                    "no [Entry] in this phonebook; a rasphone.pbk lists each connection under "
                    "its name in brackets");
        return NULL;
    }
    g_autoptr(DtImport) imp = dt_import_new(DT_IMPORT_FORMAT_PBK);
    g_free(imp->encoding);
    imp->encoding = g_strdup(encoding);
    g_autoptr(GHashTable) ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < entries->len; i++)
        import_entry(imp, g_ptr_array_index(entries, i), ids);
    /* After validation, so DialFirst names only profiles that are imported. */
    link_prerequisites(entries);
    return g_steal_pointer(&imp);
}
