/* dt-security.c — tokens and the cross-key rule of [Security]. */
#include "dt-security.h"

#include <string.h>

const char *const dt_profile_auth_tokens[] = {"mschapv2", "mschap", "chap", "pap", NULL};
const char *const dt_encryption_tokens[] = {"none", "optional", "require", "require-128", NULL};

const char *
dt_profile_auth_to_string(DtProfileAuth m)
{
    return (guint)m < DT_PROFILE_AUTH_N ? dt_profile_auth_tokens[m] : "unknown";
}

gboolean
dt_profile_auth_from_string(const char *s, DtProfileAuth *out)
{
    for (guint i = 0; dt_profile_auth_tokens[i]; i++) {
        if (g_ascii_strcasecmp(s, dt_profile_auth_tokens[i]) == 0) {
            *out = (DtProfileAuth)i;
            return TRUE;
        }
    }
    return FALSE;
}

const char *
dt_encryption_to_string(DtEncryption e)
{
    return (guint)e <= DT_ENCRYPTION_REQUIRE_128 ? dt_encryption_tokens[e] : "unknown";
}

gboolean
dt_encryption_from_string(const char *s, DtEncryption *out)
{
    for (guint i = 0; dt_encryption_tokens[i]; i++) {
        if (g_ascii_strcasecmp(s, dt_encryption_tokens[i]) == 0) {
            *out = (DtEncryption)i;
            return TRUE;
        }
    }
    return FALSE;
}

gboolean
dt_auth_list_contains(const DtAuthList *l, DtProfileAuth m)
{
    for (guint i = 0; i < l->n; i++)
        if (l->methods[i] == m)
            return TRUE;
    return FALSE;
}

char *
dt_auth_list_to_string(const DtAuthList *l)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < l->n; i++) {
        if (i)
            g_string_append_c(s, ',');
        g_string_append(s, dt_profile_auth_to_string(l->methods[i]));
    }
    return g_string_free(s, FALSE);
}

gboolean
dt_validate_strength(const char *v, GString *why)
{
    if (strcmp(v, "128") == 0 || strcmp(v, "56") == 0 || strcmp(v, "40") == 0)
        return TRUE;
    g_string_append(why, "is not an MPPE key length; use 128, 56 or 40 (';'-separated)");
    return FALSE;
}

guint
dt_security_strength_mask(const DtSecurity *s)
{
    guint mask = 0;
    for (char **v = s->strengths; v && *v; v++)
        mask |= strcmp(*v, "128") == 0  ? DT_STRENGTH_128
                : strcmp(*v, "56") == 0 ? DT_STRENGTH_56
                : strcmp(*v, "40") == 0 ? DT_STRENGTH_40
                                        : 0;
    return mask ? mask : DT_STRENGTH_ALL;
}

gboolean
dt_security_check(const DtSecurity *s, GString *why)
{
    if (s->encryption == DT_ENCRYPTION_NONE)
        return TRUE;
    if (s->encryption == DT_ENCRYPTION_REQUIRE_128 &&
        !(dt_security_strength_mask(s) & DT_STRENGTH_128)) {
        if (why)
            g_string_append(why, "Encryption=require-128 allows 128-bit MPPE only, but "
                                 "Strengths leaves 128 out; add 128 to Strengths or set "
                                 "Encryption=require");
        return FALSE;
    }
    if (dt_auth_list_contains(&s->authentication, DT_PROFILE_AUTH_MSCHAPV2) ||
        dt_auth_list_contains(&s->authentication, DT_PROFILE_AUTH_MSCHAP))
        return TRUE;
    if (why)
        g_string_append_printf(why,
                               "Encryption=%s needs MS-CHAP, but Authentication allows only "
                               "CHAP or PAP, which give no MPPE keys; add mschapv2 to "
                               "Authentication or set Encryption=none",
                               dt_encryption_to_string(s->encryption));
    return FALSE;
}
