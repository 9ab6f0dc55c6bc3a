/* dt-profile.c — the profile model: key table, load, save, GVariant. */
#include "dt-profile.h"

#include <string.h>

#include "dt-validate.h"

static const GDBusErrorEntry profile_error_entries[] = {
    {DT_PROFILE_ERROR_PARSE, "org.dialtone.Error.Profile.Parse"},
    {DT_PROFILE_ERROR_INVALID, "org.dialtone.Error.Profile.Invalid"},
    {DT_PROFILE_ERROR_MISSING, "org.dialtone.Error.Profile.Missing"},
    {DT_PROFILE_ERROR_SECRET, "org.dialtone.Error.Profile.Secret"},
    {DT_PROFILE_ERROR_DIAL_FIRST, "org.dialtone.Error.Profile.DialFirst"},
    {DT_PROFILE_ERROR_NOT_FOUND, "org.dialtone.Error.Profile.NotFound"},
    {DT_PROFILE_ERROR_AMBIGUOUS, "org.dialtone.Error.Profile.Ambiguous"},
    {DT_PROFILE_ERROR_EXISTS, "org.dialtone.Error.Profile.Exists"},
    {DT_PROFILE_ERROR_IO, "org.dialtone.Error.Profile.IO"},
};

GQuark
dt_profile_error_quark(void)
{
    static gsize quark = 0;
    g_dbus_error_register_error_domain("dt-profile-error-quark", &quark, profile_error_entries,
                                       G_N_ELEMENTS(profile_error_entries));
    return (GQuark)quark;
}

G_DEFINE_BOXED_TYPE(DtProfile, dt_profile, dt_profile_copy, dt_profile_free)

G_STATIC_ASSERT(sizeof(DtProfileType) == sizeof(int));
G_STATIC_ASSERT(sizeof(DtFlowControl) == sizeof(int));
G_STATIC_ASSERT(sizeof(DtEncryption) == sizeof(int));

static const char *const type_tokens[] = {"pptp", "dialup", NULL};
static const char *const flow_tokens[] = {"hardware", "none", NULL};

static gboolean
check_name(const char *v, GString *why)
{
    return dt_validate_text(v, 256, FALSE, why);
}

/* A space at either end of a user or domain name is a typing slip the server
 * would see as part of the name, and then refuse as a wrong password. */
static gboolean
check_unpadded(const char *v, GString *why)
{
    gsize n = strlen(v);
    if (n > 0 && (g_ascii_isspace(v[0]) || g_ascii_isspace(v[n - 1]))) {
        g_string_append(why, "begins or ends with a space; remove it");
        return FALSE;
    }
    return TRUE;
}

static gboolean
check_user(const char *v, GString *why)
{
    /* MS-CHAP carries up to 256 characters of user name (RFC 2759 §4). */
    return dt_validate_text(v, 256, TRUE, why) && check_unpadded(v, why);
}

static gboolean
check_domain(const char *v, GString *why)
{
    if (strchr(v, '\\')) {
        g_string_append(why, "contains a backslash; give only the domain, like CORP");
        return FALSE;
    }
    return dt_validate_text(v, 255, TRUE, why) && check_unpadded(v, why);
}

static gboolean
check_speed(const char *v, GString *why)
{
    static const guint rates[] = {300,     600,     1200,    2400,    4800,    9600,
                                  19200,   38400,   57600,   115200,  230400,  460800,
                                  500000,  576000,  921600,  1000000, 1152000, 1500000,
                                  2000000, 2500000, 3000000, 3500000, 4000000};
    guint64 n = g_ascii_strtoull(v, NULL, 10);
    for (gsize i = 0; i < G_N_ELEMENTS(rates); i++)
        if (n == rates[i])
            return TRUE;
    g_string_append(why, "is not a serial port speed; use a standard rate like 57600, 115200 "
                         "or 460800");
    return FALSE;
}

static gboolean
check_dial_command(const char *v, GString *why)
{
    if (!dt_validate_modem_command(v, why))
        return FALSE;
    if (g_ascii_strncasecmp(v, "ATD", 3) != 0) {
        g_string_append(why, "is not a dial command; use ATDT (tone), ATDP (pulse) or ATD");
        return FALSE;
    }
    return TRUE;
}

#define P(member) G_STRUCT_OFFSET(DtProfile, member)
#define TEXT(g, k, m, fl, def, chk, hint)                                                          \
    {                                                                                              \
        g, k, DT_KEY_STRING, P(m), fl, def, NULL, 0, 0, NULL, chk, hint                            \
    }
#define UINT(g, k, m, def, alt, lo, hi)                                                            \
    {                                                                                              \
        g, k, DT_KEY_UINT, P(m), 0, def, alt, lo, hi, NULL, NULL, NULL                             \
    }
#define BOOL(g, k, m, def, alt)                                                                    \
    {                                                                                              \
        g, k, DT_KEY_BOOL, P(m), 0, def, alt, 0, 0, NULL, NULL, NULL                               \
    }

static const DtKey profile_keys[] = {
    TEXT("Profile", "Id", id, DT_KEY_REQUIRED, NULL, dt_validate_uuid, "the profile's UUID"),
    TEXT("Profile", "Name", name, DT_KEY_REQUIRED, NULL, check_name, "a name for the profile"),
    {"Profile", "Type", DT_KEY_ENUM, P(type), DT_KEY_REQUIRED, NULL, NULL, 0, 0, type_tokens, NULL,
     "pptp or dialup"},
    TEXT("Profile", "DialFirst", dial_first, 0, NULL, dt_validate_uuid, NULL),

    TEXT("PPTP", "Server", pptp.server, DT_KEY_REQUIRED | DT_KEY_ONLY_0, NULL, dt_validate_host,
         "the VPN server's host name or address"),
    TEXT("PPTP", "User", pptp.user, DT_KEY_FREE_TEXT, NULL, check_user, NULL),
    TEXT("PPTP", "Domain", pptp.domain, DT_KEY_FREE_TEXT, NULL, check_domain, NULL),

    TEXT("Dialup", "Device", dialup.device, DT_KEY_REQUIRED | DT_KEY_ONLY_1, NULL,
         dt_validate_device_path, "the modem's device, like /dev/ttyUSB0"),
    {"Dialup", "Speed", DT_KEY_UINT, P(dialup.speed), 0, "115200", NULL, 300, 4000000, NULL,
     check_speed, NULL},
    {"Dialup", "FlowControl", DT_KEY_ENUM, P(dialup.flow_control), 0, "hardware", NULL, 0, 0,
     flow_tokens, NULL, NULL},
    {"Dialup", "Init", DT_KEY_LIST, P(dialup.init), 0, "ATZ", NULL, 0, 0, NULL,
     dt_validate_modem_command, NULL},
    TEXT("Dialup", "DialCommand", dialup.dial_command, 0, "ATDT", check_dial_command, NULL),
    TEXT("Dialup", "Phone", dialup.phone, DT_KEY_REQUIRED | DT_KEY_ONLY_1, NULL, dt_validate_phone,
         "the number to dial"),
    TEXT("Dialup", "User", dialup.user, DT_KEY_FREE_TEXT, NULL, check_user, NULL),

    {"Security", "Authentication", DT_KEY_AUTH, P(security.authentication), 0, "mschapv2",
     "mschapv2,mschap,chap,pap", 0, 0, NULL, NULL, NULL},
    {"Security", "Encryption", DT_KEY_ENUM, P(security.encryption), 0, "require-128", "none", 0, 0,
     dt_encryption_tokens, NULL, NULL},
    BOOL("Security", "AllowStateful", security.allow_stateful, "false", NULL),
    BOOL("Security", "Compression", security.compression, "true", "false"),
    {"Security", "Strengths", DT_KEY_LIST, P(security.strengths), 0, "128;56;40", NULL, 0, 0, NULL,
     dt_validate_strength, NULL},
    BOOL("Security", "PreferStateful", security.prefer_stateful, "false", NULL),

    BOOL("IPv4", "DefaultRoute", ipv4.default_route, "true", NULL),
    {"IPv4", "Routes", DT_KEY_LIST, P(ipv4.routes), 0, NULL, NULL, 0, 0, NULL,
     dt_validate_ipv4_cidr, NULL},
    {"IPv4", "DNS", DT_KEY_DNS, P(ipv4.dns), 0, "auto", NULL, 0, 0, NULL, NULL, NULL},
    {"IPv4", "DNSSearch", DT_KEY_LIST, P(ipv4.dns_search), 0, NULL, NULL, 0, 0, NULL,
     dt_validate_hostname, NULL},

    BOOL("IPv6", "Enabled", ipv6.enabled, "true", NULL),

    /* RFC 1661 §6.1: 576 is the least any IPv4 link must carry whole. */
    UINT("PPP", "MTU", ppp.mtu, "1400", "1500", 576, 1500),
    UINT("PPP", "MRU", ppp.mru, "1400", "1500", 576, 1500),
    UINT("PPP", "EchoInterval", ppp.echo_interval, "30", NULL, 0, 3600),
    UINT("PPP", "EchoFailures", ppp.echo_failures, "4", NULL, 1, 100),

    UINT("Redial", "Attempts", redial.attempts, "3", NULL, 0, 100),
    UINT("Redial", "Interval", redial.interval, "10", NULL, 1, 3600),
    BOOL("Redial", "OnLinkFailure", redial.on_link_failure, "true", NULL),
    UINT("Redial", "IdleDisconnect", redial.idle_disconnect, "0", NULL, 0, 604800),
};

#define N_KEYS G_N_ELEMENTS(profile_keys)

static const char secret_advice[] =
    "passwords are never kept in profile files; remove this line, and the app or "
    "dialtonectl will keep the password in the keyring";

const char *
dt_profile_type_to_string(DtProfileType t)
{
    return (guint)t <= DT_PROFILE_TYPE_DIALUP ? type_tokens[t] : "unknown";
}

gboolean
dt_profile_type_from_string(const char *s, DtProfileType *out)
{
    for (guint i = 0; type_tokens[i]; i++) {
        if (g_ascii_strcasecmp(s, type_tokens[i]) == 0) {
            *out = (DtProfileType)i;
            return TRUE;
        }
    }
    return FALSE;
}

DtProfile *
dt_profile_new(DtProfileType type)
{
    DtProfile *p = g_new0(DtProfile, 1);
    dt_kf_apply_defaults(profile_keys, N_KEYS, type == DT_PROFILE_TYPE_DIALUP, p);
    p->type = type;
    p->id = g_uuid_string_random();
    p->name = g_strdup("");
    p->keyfile = g_key_file_new();
    return p;
}

void
dt_profile_free(DtProfile *p)
{
    if (p == NULL)
        return;
    dt_kf_clear_keys(profile_keys, N_KEYS, p);
    g_clear_pointer(&p->keyfile, g_key_file_unref);
    g_free(p);
}

static GKeyFile *
copy_keyfile(GKeyFile *kf)
{
    GKeyFile *copy = g_key_file_new();
    if (kf) {
        gsize len;
        g_autofree char *data = g_key_file_to_data(kf, &len, NULL);
        g_key_file_load_from_data(copy, data, len,
                                  G_KEY_FILE_KEEP_COMMENTS | G_KEY_FILE_KEEP_TRANSLATIONS, NULL);
    }
    return copy;
}

DtProfile *
dt_profile_copy(const DtProfile *p)
{
    DtProfile *c = g_new0(DtProfile, 1);
    dt_kf_copy_keys(profile_keys, N_KEYS, c, p);
    c->keyfile = copy_keyfile(p->keyfile);
    return c;
}

/* The rules no single key can check, reported at the key to change. */
static void
check_profile(DtKfReader *r, GKeyFile *kf, const DtProfile *p)
{
    g_autoptr(GString) why = g_string_new(NULL);
    /* Point at Encryption if the file sets it, else at the Authentication
     * line that made it impossible. */
    if (!dt_security_check(&p->security, why))
        dt_kf_reader_error(r, DT_KF_ERROR_INVALID, "Security",
                           g_key_file_has_key(kf, "Security", "Encryption", NULL) ||
                                   !g_key_file_has_key(kf, "Security", "Authentication", NULL)
                               ? "Encryption"
                               : "Authentication",
                           "%s", why->str);
    if (p->type == DT_PROFILE_TYPE_PPTP && p->pptp.domain && p->pptp.user &&
        strchr(p->pptp.user, '\\'))
        dt_kf_reader_error(r, DT_KF_ERROR_INVALID, "PPTP", "Domain",
                           "is set, but User already has a domain (DOMAIN\\user); keep one of "
                           "the two");
    if (p->dial_first && p->type != DT_PROFILE_TYPE_PPTP)
        dt_kf_reader_error(r, DT_PROFILE_ERROR_DIAL_FIRST, "Profile", "DialFirst",
                           "only a PPTP profile can dial another profile first; remove "
                           "DialFirst from this dial-up profile");
    else if (p->dial_first && p->id && g_ascii_strcasecmp(p->dial_first, p->id) == 0)
        dt_kf_reader_error(r, DT_PROFILE_ERROR_DIAL_FIRST, "Profile", "DialFirst",
                           "names this profile itself; name the dial-up profile to bring up "
                           "first");
}

/* Validates kf (already checked for syntax) into a new profile. */
static DtProfile *
load_keyfile(DtKfReader *r, GKeyFile *kf, GError **error)
{
    g_autoptr(DtProfile) p = g_new0(DtProfile, 1);
    g_autofree char *type = g_key_file_get_value(kf, "Profile", "Type", NULL);
    guint variant = type && g_ascii_strcasecmp(g_strstrip(type), "dialup") == 0;
    dt_kf_load_keys(r, kf, profile_keys, N_KEYS, variant, p);
    if (p->id) {
        char *lower = g_ascii_strdown(p->id, -1);
        g_free(p->id);
        p->id = lower;
    }
    if (p->dial_first) {
        char *lower = g_ascii_strdown(p->dial_first, -1);
        g_free(p->dial_first);
        p->dial_first = lower;
    }
    if (!dt_kf_reader_failed(r))
        check_profile(r, kf, p);
    if (!dt_kf_reader_finish(r, error))
        return NULL;
    p->keyfile = g_key_file_ref(kf);
    return g_steal_pointer(&p);
}

DtProfile *
dt_profile_load_data(const char *data, gsize len, const char *file_name, GError **error)
{
    g_autoptr(DtKfReader) r =
        dt_kf_reader_new(DT_PROFILE_ERROR, file_name ? file_name : "profile", "profile");
    g_autoptr(GKeyFile) kf = dt_kf_reader_parse(r, data, len);
    if (kf == NULL) {
        dt_kf_reader_finish(r, error);
        return NULL;
    }
    dt_kf_refuse_secrets(r, kf, secret_advice);
    if (dt_kf_reader_failed(r)) {
        dt_kf_reader_finish(r, error);
        return NULL;
    }
    return load_keyfile(r, kf, error);
}

DtProfile *
dt_profile_load_file(const char *path, GError **error)
{
    g_autofree char *data = NULL;
    gsize len;
    g_autoptr(GError) e = NULL;
    if (!g_file_get_contents(path, &data, &len, &e)) {
        g_set_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_IO, "%s", e->message);
        return NULL;
    }
    return dt_profile_load_data(data, len, path, error);
}

static GKeyFile *
build_keyfile(const DtProfile *p)
{
    GKeyFile *kf = copy_keyfile(p->keyfile);
    const char *own = p->type == DT_PROFILE_TYPE_PPTP ? "PPTP" : "Dialup";
    for (gsize i = 0; i < N_KEYS; i++) {
        const DtKey *key = &profile_keys[i];
        /* The other type's group is written only if the file had it, so
         * switching a profile's type loses nothing and adds nothing. */
        if ((strcmp(key->group, "PPTP") == 0 || strcmp(key->group, "Dialup") == 0) &&
            strcmp(key->group, own) != 0 && !g_key_file_has_group(kf, key->group))
            continue;
        dt_kf_save_key(kf, key, p);
    }
    return kf;
}

char *
dt_profile_to_data(const DtProfile *p, gsize *len)
{
    g_autoptr(GKeyFile) kf = build_keyfile(p);
    return g_key_file_to_data(kf, len, NULL);
}

gboolean
dt_profile_validate(const DtProfile *p, GError **error)
{
    /* Through the file form, so an edited profile meets the loader's checks
     * exactly; messages then name "Group.Key". */
    g_autoptr(GKeyFile) kf = build_keyfile(p);
    g_autoptr(DtKfReader) r = dt_kf_reader_new(DT_PROFILE_ERROR, NULL, "profile");
    g_autoptr(DtProfile) check = load_keyfile(r, kf, error);
    return check != NULL;
}

gboolean
dt_profile_save_file(const DtProfile *p, const char *path, GError **error)
{
    if (!dt_profile_validate(p, error))
        return FALSE;
    gsize len;
    g_autofree char *data = dt_profile_to_data(p, &len);
    g_autoptr(GError) e = NULL;
    if (!g_file_set_contents_full(path, data, (gssize)len,
                                  G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                  0600, &e)) {
        g_set_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_IO, "%s", e->message);
        return FALSE;
    }
    return TRUE;
}

GVariant *
dt_profile_to_variant(const DtProfile *p, const DtProfile *dial_first)
{
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
    const char *other = p->type == DT_PROFILE_TYPE_PPTP ? "Dialup" : "PPTP";
    for (gsize i = 0; i < N_KEYS; i++) {
        const DtKey *key = &profile_keys[i];
        if (strcmp(key->group, other) == 0)
            continue; /* the helper needs only the link this profile is */
        GVariant *v = dt_kf_key_to_variant(key, p);
        if (v) {
            g_autofree char *name = g_strconcat(key->group, ".", key->key, NULL);
            g_variant_builder_add(&b, "{sv}", name, v);
        }
    }
    if (dial_first)
        g_variant_builder_add(&b, "{sv}", "DialFirst", dt_profile_to_variant(dial_first, NULL));
    return g_variant_builder_end(&b);
}

static DtProfile *
from_variant(GVariant *dict, const char *what, GVariant **nested, GError **error)
{
    g_autoptr(DtKfReader) r = dt_kf_reader_new(DT_PROFILE_ERROR, NULL, what);
    if (!g_variant_is_of_type(dict, G_VARIANT_TYPE_VARDICT)) {
        dt_kf_reader_error(r, DT_KF_ERROR_INVALID, NULL, NULL,
                           "has type “%s”; send a dictionary “a{sv}”",
                           g_variant_get_type_string(dict));
        dt_kf_reader_finish(r, error);
        return NULL;
    }
    g_autoptr(GKeyFile) kf = g_key_file_new();
    GVariantIter iter;
    const char *name;
    GVariant *value;
    g_variant_iter_init(&iter, dict);
    while (g_variant_iter_loop(&iter, "{&sv}", &name, &value)) {
        if (strcmp(name, "DialFirst") == 0 && nested) {
            if (!g_variant_is_of_type(value, G_VARIANT_TYPE_VARDICT))
                dt_kf_reader_error(r, DT_KF_ERROR_INVALID, NULL, NULL,
                                   "entry “DialFirst” has type “%s”; send the dial-up profile "
                                   "as “a{sv}”",
                                   g_variant_get_type_string(value));
            else if (*nested == NULL)
                *nested = g_variant_ref(value);
            continue;
        }
        g_autofree char *lower = g_ascii_strdown(name, -1);
        const char *dot = strchr(name, '.');
        g_autofree char *group = dot ? g_strndup(name, (gsize)(dot - name)) : NULL;
        const DtKey *key = dot ? dt_kf_find_key(profile_keys, N_KEYS, group, dot + 1) : NULL;
        if (strstr(lower, "password") || strstr(lower, "secret")) {
            dt_kf_reader_error(r, DT_KF_ERROR_SECRET, NULL, NULL,
                               "entry “%s”: secrets travel in the secrets dictionary, never in "
                               "the profile",
                               name);
        } else if (key == NULL) {
            g_autofree char *shown = g_strescape(name, NULL);
            dt_kf_reader_error(r, DT_KF_ERROR_INVALID, NULL, NULL,
                               "entry “%s” is not a profile setting; remove it", shown);
        } else {
            dt_kf_key_from_variant(r, key, value, kf);
        }
    }
    if (dt_kf_reader_failed(r)) {
        dt_kf_reader_finish(r, error);
        return NULL;
    }
    return load_keyfile(r, kf, error);
}

DtProfile *
dt_profile_from_variant(GVariant *dict, DtProfile **dial_first_out, GError **error)
{
    g_autoptr(GVariant) nested = NULL;
    g_autoptr(DtProfile) p = from_variant(dict, "profile", &nested, error);
    if (p == NULL)
        return NULL;
    g_autoptr(DtProfile) first = NULL;
    if (nested) {
        first = from_variant(nested, "dial-first profile", NULL, error);
        if (first == NULL)
            return NULL;
        if (first->type != DT_PROFILE_TYPE_DIALUP) {
            g_set_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_DIAL_FIRST,
                        "dial-first profile “%s” is a PPTP profile; only a dial-up profile can "
                        "be brought up first",
                        first->name);
            return NULL;
        }
        if (p->dial_first == NULL || strcmp(p->dial_first, first->id) != 0) {
            g_set_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_DIAL_FIRST,
                        "profile key Profile.DialFirst does not name the Id of the enclosed "
                        "“DialFirst” profile; send the two together or neither");
            return NULL;
        }
        if (first->dial_first != NULL) {
            g_set_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_DIAL_FIRST,
                        "dial-first profile key Profile.DialFirst: a dial-up profile cannot "
                        "dial another profile first; remove it");
            return NULL;
        }
    } else if (p->dial_first) {
        g_set_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_DIAL_FIRST,
                    "profile key Profile.DialFirst names a profile to dial first, but no "
                    "“DialFirst” dictionary came with it; send the dial-up profile too");
        return NULL;
    }
    if (dial_first_out)
        *dial_first_out = g_steal_pointer(&first);
    return g_steal_pointer(&p);
}
