/* cmd-show.c — dialtonectl show NAME|PATH: everything a connection negotiated, with the CCP
 * option 18 Supported Bits (RFC 3078 §2.1, RFC 3079) spelled out, each way. */
#include "dt-ctl.h"

#include <stdio.h>
#include <string.h>

/* RFC 3078 §2.1 / RFC 3079 §2: the bits of option 18 we know, most significant first. */
static const struct {
    guint32 bit;
    const char *letter;
    const char *meaning;
} ccp_bits[] = {
    {0x01000000, "H", "stateless (key changes every packet)"},
    {0x00000080, "M", "56-bit MPPE"},
    {0x00000040, "S", "128-bit MPPE"},
    {0x00000020, "L", "40-bit MPPE"},
    {0x00000010, "D", "obsolete (RFC 3078 §2.1)"},
    {0x00000001, "C", "MPPC compression"},
};

static void
print_bits(const char *label, const char *hex)
{
    char *end = NULL;
    guint64 v;
    guint32 known = 0;

    if (!hex || strlen(hex) != 8) {
        printf("  %-24s -\n", label);
        return;
    }
    v = g_ascii_strtoull(hex, &end, 16);
    if (!end || *end || v > G_MAXUINT32) {
        printf("  %-24s %s (not hexadecimal)\n", label, hex);
        return;
    }
    printf("  %-24s %s\n", label, hex);
    for (gsize i = 0; i < G_N_ELEMENTS(ccp_bits); i++) {
        known |= ccp_bits[i].bit;
        if (v & ccp_bits[i].bit)
            printf("  %-24s   %s  %s\n", "", ccp_bits[i].letter, ccp_bits[i].meaning);
    }
    if ((guint32)v & ~known)
        printf("  %-24s   ?  unknown bits %08x\n", "", (guint32)v & ~known);
    if (((guint32)v & (0x80 | 0x40 | 0x20)) == 0)
        printf("  %-24s      no encryption offered\n", "");
}

int
dt_ctl_show(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = NULL;
    DtDBusConnection1 *c;
    GVariant *p, *stats;
    const char *sent = NULL, *received = NULL, *server = NULL;

    if (argc != 2) {
        fprintf(stderr, "Usage: dialtonectl show NAME|PATH\n");
        return DT_CTL_USAGE;
    }
    list = dt_ctl_list_connections(&error);
    if (!list)
        return dt_ctl_fail("show", error);
    c = dt_ctl_find_connection(list, argv[1]);
    if (!c) {
        fprintf(stderr, "dialtonectl: show: no running connection “%s”\n", argv[1]);
        return DT_CTL_NOT_FOUND;
    }
    dt_ctl_print_connection(c, TRUE);
    p = dt_dbus_connection1_get_protocols(c);
    if (p && g_variant_lookup(p, "server", "&s", &server) && *server)
        printf("  Server address:         %s\n", server);
    const char *vendor = NULL, *host = NULL;
    guint32 firmware = 0;
    if (p && g_variant_lookup(p, "server-vendor", "&s", &vendor)) {
        g_variant_lookup(p, "server-host", "&s", &host);
        g_variant_lookup(p, "server-firmware", "u", &firmware);
        printf("  Server software:        %s on \"%s\", firmware %u\n",
               *vendor ? vendor : "unnamed", host && *host ? host : "?", firmware);
    }
    g_autofree const char **quirks = NULL;
    g_autofree char *quirk_list = NULL;
    if (p && g_variant_lookup(p, "quirks", "^a&s", &quirks) && quirks && quirks[0])
        printf("  Server quirks applied:  %s\n", (quirk_list = g_strjoinv(", ", (char **)quirks)));
    if (p) {
        g_variant_lookup(p, "ccp-sent", "&s", &sent);
        g_variant_lookup(p, "ccp-received", "&s", &received);
        if (sent || received) {
            print_bits("CCP option 18 sent:", sent);
            print_bits("CCP option 18 received:", received);
        }
    }
    stats = dt_dbus_connection1_get_stats(c);
    if (stats && g_variant_n_children(stats) > 0) {
        guint64 txp = 0, rxp = 0, errors = 0, in = 0, out = 0, ms = 0;
        g_variant_lookup(stats, "tx-packets", "t", &txp);
        g_variant_lookup(stats, "rx-packets", "t", &rxp);
        g_variant_lookup(stats, "errors", "t", &errors);
        g_variant_lookup(stats, "mppc-in", "t", &in);
        g_variant_lookup(stats, "mppc-out", "t", &out);
        g_variant_lookup(stats, "duration-ms", "t", &ms);
        printf("  Packets:                %" G_GUINT64_FORMAT " sent, %" G_GUINT64_FORMAT
               " received, %" G_GUINT64_FORMAT " errors\n",
               txp, rxp, errors);
        if (out)
            printf("  Compression ratio:      %.2f\n", (double)in / (double)out);
        printf("  Duration:               %" G_GUINT64_FORMAT " s\n", ms / 1000);
    }
    return DT_CTL_OK;
}
