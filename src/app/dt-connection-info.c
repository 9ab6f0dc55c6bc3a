/* dt-connection-info.c — see dt-connection-info.h. */
#include "dt-connection-info.h"

#include <glib/gi18n.h>

/* MPPE/MPPC Supported Bits of CCP option 18 (RFC 3078 §2.1, RFC 2118 §2), as the engine's
 * dt-ccp-mppe.h has them; the app does not link the engine, so they are repeated here with
 * translatable words. */
#define BIT_H 0x01000000u
#define BIT_M 0x00000080u
#define BIT_S 0x00000040u
#define BIT_L 0x00000020u
#define BIT_D 0x00000010u
#define BIT_C 0x00000001u

static const char *
lookup_str(GVariant *dict, const char *key)
{
    const char *s = NULL;
    if (dict && g_variant_lookup(dict, key, "&s", &s) && *s)
        return s;
    return NULL;
}

static gboolean
lookup_bool(GVariant *dict, const char *key)
{
    gboolean b = FALSE;
    if (dict)
        g_variant_lookup(dict, key, "b", &b);
    return b;
}

/* The link's English words for the key ("128-bit") and its strength ("strong"), in the user's
 * language; anything else is shown as it came. */
static const char *
translate_strength(const char *word)
{
    static const char *const words[] = {
        /* Translators: key lengths, as in “MPPE 128-bit”, and the strength of the encryption,
         * as in “MPPE 128-bit, stateless (strong)”. */
        N_("128-bit"), N_("56-bit"), N_("40-bit"), N_("strong"), N_("weak"),
    };
    for (gsize i = 0; word && i < G_N_ELEMENTS(words); i++)
        if (g_str_equal(word, words[i]))
            return _(words[i]);
    return word ? word : "?";
}

char *
dt_connection_info_summary(GVariant *protocols)
{
    const char *auth = lookup_str(protocols, "auth");
    const char *strength = lookup_str(protocols, "strength");
    g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(g_free);

    if (!auth)
        return NULL;
    g_ptr_array_add(parts, g_strdup(auth));
    if (lookup_bool(protocols, "compression"))
        g_ptr_array_add(parts, g_strdup("MPPC"));
    if (lookup_bool(protocols, "encrypted") && strength)
        /* Translators: %s is a key length such as "128-bit". */
        g_ptr_array_add(parts, g_strdup_printf(_("MPPE %s"), translate_strength(strength)));
    else
        g_ptr_array_add(parts, g_strdup(_("not encrypted")));
    g_ptr_array_add(parts, NULL);
    return g_strjoinv(" · ", (char **)parts->pdata);
}

char *
dt_connection_info_encryption(GVariant *protocols)
{
    const char *strength = lookup_str(protocols, "strength");
    const char *word = lookup_str(protocols, "strength-word");

    if (!lookup_str(protocols, "auth"))
        return NULL;
    if (!lookup_bool(protocols, "encrypted") || !strength)
        return g_strdup(_("None (not encrypted)"));
    /* Translators: "MPPE 128-bit, stateless (strong)": key length, key-change mode and the
     * strength in a word. */
    return g_strdup_printf(_("MPPE %s, %s (%s)"), translate_strength(strength),
                           lookup_bool(protocols, "stateless") ? _("stateless") : _("stateful"),
                           translate_strength(word));
}

gboolean
dt_connection_info_is_strong(GVariant *protocols)
{
    return lookup_bool(protocols, "encrypted") &&
           g_strcmp0(lookup_str(protocols, "strength"), "128-bit") == 0;
}

static gboolean
parse_option(const char *hex, guint32 *bits)
{
    guint64 v;

    if (!hex || strlen(hex) != 8)
        return FALSE;
    for (int i = 0; i < 8; i++)
        if (!g_ascii_isxdigit(hex[i]))
            return FALSE;
    if (!g_ascii_string_to_unsigned(hex, 16, 0, G_MAXUINT32, &v, NULL))
        return FALSE;
    *bits = (guint32)v;
    return TRUE;
}

char *
dt_connection_info_format_option(const char *hex)
{
    guint32 bits;

    if (!parse_option(hex, &bits))
        return NULL;
    return g_strdup_printf("%02X %02X %02X %02X", bits >> 24, (bits >> 16) & 0xff,
                           (bits >> 8) & 0xff, bits & 0xff);
}

GPtrArray *
dt_connection_info_explain_option(const char *hex)
{
    const struct {
        guint32 bit;
        const char *letter;
        const char *set;
        const char *clear;
    } known[] = {
        {BIT_H, "H", N_("stateless mode: a new key for every packet"),
         N_("stateful mode allowed: the key changes every 256 packets")},
        {BIT_S, "S", N_("128-bit encryption"), N_("no 128-bit encryption")},
        {BIT_M, "M", N_("56-bit encryption"), N_("no 56-bit encryption")},
        {BIT_L, "L", N_("40-bit encryption"), N_("no 40-bit encryption")},
        {BIT_D, "D", N_("obsolete bit, should never be set"), N_("obsolete bit, unused")},
        {BIT_C, "C", N_("MPPC compression"), N_("no MPPC compression")},
    };
    guint32 bits, known_mask = 0;
    GPtrArray *lines;

    if (!parse_option(hex, &bits))
        return NULL;
    lines = g_ptr_array_new_with_free_func(g_free);
    for (gsize i = 0; i < G_N_ELEMENTS(known); i++) {
        gboolean on = (bits & known[i].bit) != 0;
        known_mask |= known[i].bit;
        /* Translators: "S = 1: 128-bit encryption" — a bit of CCP option 18, its value and
         * what that value means. */
        g_ptr_array_add(lines, g_strdup_printf(_("%s = %d: %s"), known[i].letter, on ? 1 : 0,
                                               _(on ? known[i].set : known[i].clear)));
    }
    if (bits & ~known_mask)
        g_ptr_array_add(lines, g_strdup_printf(_("Other bits 0x%08X: not defined by RFC 3078"),
                                               bits & ~known_mask));
    return lines;
}

static const char *
stage_words(const char *stage)
{
    static const struct {
        const char *stage;
        const char *words;
    } stages[] = {
        {"starting", N_("starting")},
        {"idle", N_("starting")},
        {"lower-dialling", N_("dialling the ISP")},
        {"lower-line-up", N_("setting up the dial-up link")},
        {"lower-lcp-up", N_("logging on to the ISP")},
        {"lower-authenticated", N_("getting an address from the ISP")},
        {"lower-network-up", N_("dial-up link up")},
        {"lower-disconnecting", N_("hanging up")},
        {"dialling", N_("dialling")},
        {"line-up", N_("setting up the link")},
        {"connect", N_("reaching the server")},
        {"control", N_("opening the tunnel")},
        {"control-up", N_("placing the call")},
        {"call-up", N_("setting up the link")},
        {"lcp-up", N_("authenticating")},
        {"authenticated", N_("negotiating encryption")},
        {"ccp-up", N_("negotiating addresses")},
        {"network-up", N_("network up")},
        {"disconnecting", N_("closing")},
        {"down", N_("down")},
        {"ended", N_("ended")},
    };
    for (gsize i = 0; stage && i < G_N_ELEMENTS(stages); i++)
        if (g_str_equal(stage, stages[i].stage))
            return _(stages[i].words);
    return stage;
}

char *
dt_connection_info_state_words(const char *state, const char *stage)
{
    const char *sw = stage_words(stage);

    if (g_strcmp0(state, "connecting") == 0)
        /* Translators: %s is the stage, such as "authenticating". */
        return sw && *sw ? g_strdup_printf(_("Connecting (%s)…"), sw) : g_strdup(_("Connecting…"));
    if (g_strcmp0(state, "connected") == 0)
        return g_strdup(_("Connected"));
    if (g_strcmp0(state, "disconnecting") == 0)
        return g_strdup(_("Disconnecting…"));
    if (g_strcmp0(state, "disconnected") == 0)
        return g_strdup(_("Disconnected"));
    if (g_strcmp0(state, "failed") == 0)
        return g_strdup(_("Failed"));
    return g_strdup(_("Not connected"));
}

const char *
dt_connection_info_next_step(const char *reason)
{
    if (!reason || !*reason)
        return _("Try again; the Status window's log shows each step.");
    if (g_str_has_prefix(reason, "auth-bad-server"))
        return _("Do not retry until you have checked the server address with its "
                 "administrator.");
    if (g_str_equal(reason, "auth-expired") || g_str_equal(reason, "auth-restricted") ||
        g_str_equal(reason, "auth-no-dialin"))
        return _("Ask the server's administrator to check the account.");
    if (g_str_equal(reason, "auth-refused"))
        return _("Allow MS-CHAP v2 on the profile's Security page, or ask the administrator.");
    if (g_str_has_prefix(reason, "auth-"))
        return _("Check the user name, domain and password, then connect again.");
    if (g_str_has_prefix(reason, "mppe-"))
        return _("Check the encryption setting on the profile's Security page; the server "
                 "may need a different one.");
    if (g_str_has_prefix(reason, "modem-"))
        return _("Check the modem, the phone line and the number, then connect again.");
    if (g_str_equal(reason, "timeout") || g_str_equal(reason, "echo-timeout") ||
        g_str_equal(reason, "call-refused") || g_str_equal(reason, "control-refused") ||
        g_str_equal(reason, "peer-stopped") || g_str_equal(reason, "peer-terminated"))
        return _("Check the server address and your network, then connect again.");
    return _("Try again; the Status window's log shows each step.");
}

/* The helper sends English: one of the engine's sentences (dt-reason.c marks them N_(), so they are
 * in this catalogue), often followed by what the peer said. Translate the leading sentence when the
 * catalogue has it; the peer's own text stays as it came. */
char *
dt_connection_info_failure_words(const char *words)
{
    if (!words || !*words)
        return g_strdup(""); /* gettext("") is the catalogue's header */
    const char *whole = _(words);
    if (whole != words)
        return g_strdup(whole);
    for (const char *p = words; *p; p++) {
        if ((*p != '.' && *p != '?') || p[1] != ' ')
            continue;
        g_autofree char *head = g_strndup(words, (gsize)(p + 1 - words));
        const char *translated = _(head);
        if (translated != head)
            return g_strconcat(translated, p + 1, NULL);
    }
    return g_strdup(words);
}

char *
dt_connection_info_duration(guint64 ms)
{
    guint64 s = ms / 1000;

    if (s >= 3600)
        return g_strdup_printf("%" G_GUINT64_FORMAT ":%02u:%02u", s / 3600, (guint)((s / 60) % 60),
                               (guint)(s % 60));
    return g_strdup_printf("%u:%02u", (guint)(s / 60), (guint)(s % 60));
}
