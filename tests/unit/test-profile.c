/* test-profile.c — the profile model: defaults, files, errors, GVariant, store. */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "dt-profile-store.h"
#include "dt-profile.h"

#define ID_VPN "3f1c2a9e-5b7d-4c1e-9a2b-6d8e0f1a2b3c"
#define ID_ISP "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"

static const char full_pptp[] = "[Profile]\n"
                                "Id=" ID_VPN "\n"
                                "Name=Office VPN\n"
                                "Type=pptp\n"
                                "DialFirst=" ID_ISP "\n"
                                "\n"
                                "[PPTP]\n"
                                "Server=vpn.example.com\n"
                                "User=alice\n"
                                "Domain=CORP\n"
                                "\n"
                                "[Security]\n"
                                "Authentication=mschapv2,mschap\n"
                                "Encryption=require\n"
                                "AllowStateful=true\n"
                                "Compression=false\n"
                                "\n"
                                "[IPv4]\n"
                                "DefaultRoute=false\n"
                                "Routes=10.0.0.0/8;192.168.1.0/24\n"
                                "DNS=192.0.2.53;2001:db8::53\n"
                                "DNSSearch=corp.example.com\n"
                                "\n"
                                "[IPv6]\n"
                                "Enabled=false\n"
                                "\n"
                                "[PPP]\n"
                                "MTU=1300\n"
                                "MRU=1310\n"
                                "EchoInterval=0\n"
                                "EchoFailures=7\n"
                                "\n"
                                "[Redial]\n"
                                "Attempts=5\n"
                                "Interval=20\n"
                                "OnLinkFailure=false\n"
                                "IdleDisconnect=600\n";

static const char isp[] = "[Profile]\n"
                          "Id=" ID_ISP "\n"
                          "Name=Home ISP\n"
                          "Type=dialup\n"
                          "[Dialup]\n"
                          "Device=/dev/ttyUSB0\n"
                          "Speed=57600\n"
                          "FlowControl=none\n"
                          "Init=ATZ;AT&F E1\n"
                          "DialCommand=ATDP\n"
                          "Phone=9,555 1234\n"
                          "User=isp-user\n";

static DtProfile *
load(const char *text, GError **error)
{
    return dt_profile_load_data(text, strlen(text), "test.conf", error);
}

static void
test_defaults_pptp(void)
{
    g_autoptr(DtProfile) p = dt_profile_new(DT_PROFILE_TYPE_PPTP);
    g_assert_true(g_uuid_string_is_valid(p->id));
    g_assert_cmpint(p->type, ==, DT_PROFILE_TYPE_PPTP);
    g_assert_cmpuint(p->security.authentication.n, ==, 1);
    g_assert_cmpint(p->security.authentication.methods[0], ==, DT_PROFILE_AUTH_MSCHAPV2);
    g_assert_cmpint(p->security.encryption, ==, DT_ENCRYPTION_REQUIRE_128);
    g_assert_false(p->security.allow_stateful);
    g_assert_true(p->security.compression);
    g_assert_true(p->ipv4.default_route);
    g_assert_cmpint(p->ipv4.dns.mode, ==, DT_DNS_AUTO);
    g_assert_cmpuint(p->ppp.echo_interval, ==, 30);
    g_assert_cmpuint(p->ppp.echo_failures, ==, 4);
    g_assert_cmpuint(p->ppp.mtu, ==, 1400);
    g_assert_cmpuint(p->ppp.mru, ==, 1400);
    g_assert_cmpuint(p->redial.attempts, ==, 3);
    g_assert_cmpuint(p->redial.interval, ==, 10);
    g_assert_true(p->redial.on_link_failure);
    g_assert_cmpuint(p->redial.idle_disconnect, ==, 0);
    g_assert_true(p->ipv6.enabled);
    g_assert_nonnull(p->ipv4.routes);
    g_assert_cmpuint(g_strv_length(p->ipv4.routes), ==, 0);

    g_autoptr(DtProfile) d = dt_profile_new(DT_PROFILE_TYPE_DIALUP);
    g_assert_cmpint(d->security.encryption, ==, DT_ENCRYPTION_NONE);
    g_assert_cmpuint(d->security.authentication.n, ==, 4);
    g_assert_cmpuint(d->dialup.speed, ==, 115200);
    g_assert_cmpstr(d->dialup.dial_command, ==, "ATDT");
    g_assert_cmpstr(d->dialup.init[0], ==, "ATZ");
    g_assert_cmpuint(d->ppp.mtu, ==, 1500);
}

static void
test_load_full(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtProfile) p = load(full_pptp, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(p->id, ==, ID_VPN);
    g_assert_cmpstr(p->name, ==, "Office VPN");
    g_assert_cmpstr(p->dial_first, ==, ID_ISP);
    g_assert_cmpstr(p->pptp.server, ==, "vpn.example.com");
    g_assert_cmpstr(p->pptp.user, ==, "alice");
    g_assert_cmpstr(p->pptp.domain, ==, "CORP");
    g_assert_cmpuint(p->security.authentication.n, ==, 2);
    g_assert_cmpint(p->security.authentication.methods[1], ==, DT_PROFILE_AUTH_MSCHAP);
    g_assert_cmpint(p->security.encryption, ==, DT_ENCRYPTION_REQUIRE);
    g_assert_true(p->security.allow_stateful);
    g_assert_false(p->security.compression);
    g_assert_false(p->ipv4.default_route);
    g_assert_cmpuint(g_strv_length(p->ipv4.routes), ==, 2);
    g_assert_cmpstr(p->ipv4.routes[1], ==, "192.168.1.0/24");
    g_assert_cmpint(p->ipv4.dns.mode, ==, DT_DNS_STATIC);
    g_assert_cmpstr(p->ipv4.dns.servers[1], ==, "2001:db8::53");
    g_assert_cmpstr(p->ipv4.dns_search[0], ==, "corp.example.com");
    g_assert_false(p->ipv6.enabled);
    g_assert_cmpuint(p->ppp.mtu, ==, 1300);
    g_assert_cmpuint(p->ppp.mru, ==, 1310);
    g_assert_cmpuint(p->ppp.echo_interval, ==, 0);
    g_assert_cmpuint(p->ppp.echo_failures, ==, 7);
    g_assert_cmpuint(p->redial.attempts, ==, 5);
    g_assert_cmpuint(p->redial.interval, ==, 20);
    g_assert_false(p->redial.on_link_failure);
    g_assert_cmpuint(p->redial.idle_disconnect, ==, 600);

    g_autoptr(DtProfile) d = load(isp, &error);
    g_assert_no_error(error);
    g_assert_cmpint(d->type, ==, DT_PROFILE_TYPE_DIALUP);
    g_assert_cmpstr(d->dialup.device, ==, "/dev/ttyUSB0");
    g_assert_cmpuint(d->dialup.speed, ==, 57600);
    g_assert_cmpint(d->dialup.flow_control, ==, DT_FLOW_CONTROL_NONE);
    g_assert_cmpuint(g_strv_length(d->dialup.init), ==, 2);
    g_assert_cmpstr(d->dialup.init[1], ==, "AT&F E1");
    g_assert_cmpstr(d->dialup.phone, ==, "9,555 1234");
    /* Absent keys take the dial-up defaults. */
    g_assert_cmpint(d->security.encryption, ==, DT_ENCRYPTION_NONE);
}

static void
assert_same(const DtProfile *a, const DtProfile *b)
{
    g_autoptr(GVariant) va = dt_profile_to_variant(a, NULL);
    g_autoptr(GVariant) vb = dt_profile_to_variant(b, NULL);
    if (!g_variant_equal(va, vb)) {
        g_autofree char *sa = g_variant_print(va, TRUE);
        g_autofree char *sb = g_variant_print(vb, TRUE);
        g_error("profiles differ:\n%s\n%s", sa, sb);
    }
}

static void
test_round_trip(void)
{
    const char *texts[] = {full_pptp, isp};
    for (gsize i = 0; i < G_N_ELEMENTS(texts); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(DtProfile) p = load(texts[i], &error);
        g_assert_no_error(error);
        gsize len;
        g_autofree char *data = dt_profile_to_data(p, &len);
        g_autoptr(DtProfile) q = dt_profile_load_data(data, len, "again.conf", &error);
        g_assert_no_error(error);
        assert_same(p, q);
        /* And saving again changes nothing. */
        g_autofree char *data2 = dt_profile_to_data(q, NULL);
        g_assert_cmpstr(data, ==, data2);
    }
    /* A new profile with every field set survives its own file. */
    g_autoptr(DtProfile) n = dt_profile_new(DT_PROFILE_TYPE_PPTP);
    g_free(n->name);
    n->name = g_strdup("Ünïcode “name”");
    n->pptp.server = g_strdup("2001:db8::1");
    g_autofree char *data = dt_profile_to_data(n, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(DtProfile) m = load(data, &error);
    g_assert_no_error(error);
    assert_same(n, m);
    g_assert_cmpstr(m->name, ==, "Ünïcode “name”");
}

static void
test_unknown_preserved(void)
{
    static const char text[] = "# my notes about this VPN\n"
                               "[Profile]\n"
                               "Id=" ID_VPN "\n"
                               "Name=Office\n"
                               "Name[de]=Büro\n"
                               "Type=pptp\n"
                               "X-Future=a\\sb;c\\;d\\\\e\n"
                               "[PPTP]\n"
                               "Server=192.0.2.1\n"
                               "# keep this comment\n"
                               "Quirks=reject-callback\n"
                               "[Vendor Thing]\n"
                               "Color=#ff0000\n"
                               "Empty=\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(DtProfile) p = load(text, &error);
    g_assert_no_error(error);
    g_free(p->name);
    p->name = g_strdup("Renamed");
    p->ppp.mtu = 1000;
    g_autofree char *data = dt_profile_to_data(p, NULL);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_assert_true(g_key_file_load_from_data(
        kf, data, -1, G_KEY_FILE_KEEP_COMMENTS | G_KEY_FILE_KEEP_TRANSLATIONS, NULL));
    struct {
        const char *group, *key, *raw;
    } keep[] = {
        {"Profile", "Name[de]", "Büro"},       {"Profile", "X-Future", "a\\sb;c\\;d\\\\e"},
        {"PPTP", "Quirks", "reject-callback"}, {"Vendor Thing", "Color", "#ff0000"},
        {"Vendor Thing", "Empty", ""},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(keep); i++) {
        g_autofree char *v = g_key_file_get_value(kf, keep[i].group, keep[i].key, NULL);
        g_assert_cmpstr(v, ==, keep[i].raw);
    }
    g_assert_nonnull(strstr(data, "# my notes about this VPN"));
    g_assert_nonnull(strstr(data, "# keep this comment"));
    g_autofree char *name = g_key_file_get_value(kf, "Profile", "Name", NULL);
    g_assert_cmpstr(name, ==, "Renamed");
    g_autofree char *mtu = g_key_file_get_value(kf, "PPP", "MTU", NULL);
    g_assert_cmpstr(mtu, ==, "1000");
    /* A copy keeps them too. */
    g_autoptr(DtProfile) c = dt_profile_copy(p);
    g_autofree char *cdata = dt_profile_to_data(c, NULL);
    g_assert_cmpstr(cdata, ==, data);
}

/* A valid PPTP file with one line replaced or added: the error must name
 * the file, that line and the key. */
typedef struct {
    const char *group; /* where to put the line */
    const char *line;
    int code;
    const char *expect; /* after "test.conf:LINE: " */
} BadCase;

static const BadCase bad_cases[] = {
    {"PPP", "MTU=9000", DT_PROFILE_ERROR_INVALID,
     "[PPP] MTU: “9000” is out of range; use a number from 576 to 1500"},
    {"PPP", "MRU=575", DT_PROFILE_ERROR_INVALID, "[PPP] MRU: “575” is out of range"},
    {"PPP", "MTU=big", DT_PROFILE_ERROR_INVALID, "[PPP] MTU: “big” is not a number"},
    {"PPP", "EchoInterval=-1", DT_PROFILE_ERROR_INVALID,
     "[PPP] EchoInterval: “-1” is not a number"},
    {"PPP", "EchoFailures=0", DT_PROFILE_ERROR_INVALID, "[PPP] EchoFailures: “0” is out of range"},
    {"Redial", "Interval=0", DT_PROFILE_ERROR_INVALID, "[Redial] Interval: “0” is out of range"},
    {"PPTP", "Server=vpn..example.com", DT_PROFILE_ERROR_INVALID,
     "[PPTP] Server: “vpn..example.com” is not a valid host name"},
    {"PPTP", "Server=vpn.example.com:1723", DT_PROFILE_ERROR_INVALID,
     "[PPTP] Server: “vpn.example.com:1723” has a port"},
    {"PPTP", "Server=300.1.1.1", DT_PROFILE_ERROR_INVALID,
     "[PPTP] Server: “300.1.1.1” is not an IPv4 address"},
    {"PPTP", "Server=2001:db8::zz", DT_PROFILE_ERROR_INVALID,
     "[PPTP] Server: “2001:db8::zz” is not an IPv6 address"},
    {"PPTP", "Server=vpn_1.example.com", DT_PROFILE_ERROR_INVALID,
     "[PPTP] Server: “vpn_1.example.com” is not a valid host name: the character “_”"},
    {"PPTP", "Server=bücher.example", DT_PROFILE_ERROR_INVALID,
     "write it as xn--bcher-kva.example"},
    {"PPTP", "Server=", DT_PROFILE_ERROR_INVALID, "[PPTP] Server: is empty"},
    {"PPTP", "Domain=CORP\\\\X", DT_PROFILE_ERROR_INVALID,
     "[PPTP] Domain: “CORP\\\\X” contains a backslash"},
    {"IPv4", "Routes=10.0.0.1/8", DT_PROFILE_ERROR_INVALID,
     "[IPv4] Routes: “10.0.0.1/8” has host bits set; did you mean 10.0.0.0/8?"},
    {"IPv4", "Routes=10.0.0.0/33", DT_PROFILE_ERROR_INVALID,
     "[IPv4] Routes: “10.0.0.0/33” has a prefix"},
    {"IPv4", "Routes=10.0.0.0", DT_PROFILE_ERROR_INVALID,
     "[IPv4] Routes: “10.0.0.0” is not a network"},
    {"IPv4", "DNS=auto;192.0.2.1", DT_PROFILE_ERROR_INVALID, "[IPv4] DNS: mixes auto or none"},
    {"IPv4", "DNS=192.0.2.300", DT_PROFILE_ERROR_INVALID,
     "[IPv4] DNS: “192.0.2.300” is not an IPv4"},
    {"IPv4", "DNS=", DT_PROFILE_ERROR_INVALID, "[IPv4] DNS: is empty"},
    {"IPv4", "DefaultRoute=yes", DT_PROFILE_ERROR_INVALID,
     "[IPv4] DefaultRoute: “yes” is not a yes/no value; write true or false"},
    {"IPv4", "DNSSearch=-bad-.example", DT_PROFILE_ERROR_INVALID,
     "[IPv4] DNSSearch: “-bad-.example”"},
    {"Security", "Authentication=mschapv2,mschapv2", DT_PROFILE_ERROR_INVALID,
     "[Security] Authentication: lists “mschapv2” twice"},
    {"Security", "Authentication=mschapv2,eap", DT_PROFILE_ERROR_INVALID,
     "[Security] Authentication: “eap” is not an authentication method"},
    {"Security", "Authentication=", DT_PROFILE_ERROR_INVALID,
     "[Security] Authentication: is empty"},
    {"Security", "Encryption=strong", DT_PROFILE_ERROR_INVALID,
     "[Security] Encryption: “strong” is not one of the choices; use one of: none, optional, "
     "require, require-128"},
    {"Security", "Authentication=chap,pap", DT_PROFILE_ERROR_INVALID,
     "[Security] Authentication: Encryption=require-128 needs MS-CHAP, but Authentication allows "
     "only "
     "CHAP or PAP, which give no MPPE keys"},
    {"PPTP", "Password=hunter2", DT_PROFILE_ERROR_SECRET,
     "[PPTP] Password: passwords are never kept in profile files"},
    {"Vendor", "UserPassword=x", DT_PROFILE_ERROR_SECRET,
     "[Vendor] UserPassword: passwords are never"},
    {"Profile", "Id=not-a-uuid", DT_PROFILE_ERROR_INVALID,
     "[Profile] Id: “not-a-uuid” is not a profile id"},
    {"Profile", "Type=l2tp", DT_PROFILE_ERROR_INVALID,
     "[Profile] Type: “l2tp” is not one of the choices"},
    {"Profile", "Name=a\\tb", DT_PROFILE_ERROR_INVALID,
     "[Profile] Name: “a\\tb” contains a control character"},
    {"Profile", "DialFirst=" ID_VPN, DT_PROFILE_ERROR_DIAL_FIRST,
     "[Profile] DialFirst: names this profile itself"},
    {"PPTP", "just some words", DT_PROFILE_ERROR_PARSE, "this line is neither a [Group]"},
    {"PPTP", "[Broken", DT_PROFILE_ERROR_PARSE, "a group header must look like [Name]"},
    {"PPTP", "User=\xff\xfe", DT_PROFILE_ERROR_PARSE, "is not valid UTF-8 text"},
    {"PPTP", "User=alice\\s", DT_PROFILE_ERROR_INVALID,
     "[PPTP] User: “alice ” begins or ends with a space"},
    {"PPTP", "Domain=\\sCORP", DT_PROFILE_ERROR_INVALID,
     "[PPTP] Domain: “ CORP” begins or ends with a space"},
};

/* Builds a valid base file with `extra` added to `group` (replacing the base
 * line with the same key; a new group at the end when absent); returns the
 * extra line's number. */
static char *
build_case(const char *group, const char *extra, guint *line)
{
    const char *base[][2] = {
        {"Profile", "Id=" ID_VPN},
        {"Profile", "Name=Office"},
        {"Profile", "Type=pptp"},
        {"PPTP", "Server=vpn.example.com"},
        {"Security", NULL},
        {"IPv4", NULL},
        {"PPP", NULL},
        {"Redial", NULL},
    };
    gsize klen = strcspn(extra, "=");
    GString *s = g_string_new(NULL);
    guint n = 0;
    gboolean placed = FALSE;
    for (gsize i = 0; i < G_N_ELEMENTS(base); i++) {
        const char *g = base[i][0];
        gboolean first = i == 0 || strcmp(base[i - 1][0], g) != 0;
        gboolean last = i + 1 == G_N_ELEMENTS(base) || strcmp(base[i + 1][0], g) != 0;
        if (first) {
            g_string_append_printf(s, "[%s]\n", g);
            n++;
        }
        const char *l = base[i][1];
        if (l && !(strcmp(g, group) == 0 && strncmp(l, extra, klen + 1) == 0)) {
            g_string_append_printf(s, "%s\n", l);
            n++;
        }
        if (last && strcmp(g, group) == 0) {
            g_string_append_printf(s, "%s\n", extra);
            *line = ++n;
            placed = TRUE;
        }
    }
    if (!placed) {
        g_string_append_printf(s, "[%s]\n%s\n", group, extra);
        *line = n + 2;
    }
    return g_string_free(s, FALSE);
}

static void
test_errors_name_file_line_key(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
        const BadCase *c = &bad_cases[i];
        guint line = 0;
        g_autofree char *text = build_case(c->group, c->line, &line);
        g_autoptr(GError) error = NULL;
        g_autoptr(DtProfile) p = load(text, &error);
        g_test_message("case %s: %s", c->line, error ? error->message : "(loaded)");
        g_assert_null(p);
        g_assert_error(error, DT_PROFILE_ERROR, c->code);
        g_autofree char *prefix = g_strdup_printf("test.conf:%u: ", line);
        g_assert_true(g_str_has_prefix(error->message, prefix));
        if (strstr(error->message, c->expect) == NULL)
            g_error("case “%s”: “%s” not in “%s”", c->line, c->expect, error->message);
    }
}

static void
test_errors_missing_and_collected(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtProfile) p =
        load("[Profile]\nId=" ID_VPN "\nName=x\nType=pptp\n[PPTP]\nUser=a\n", &error);
    g_assert_null(p);
    g_assert_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_MISSING);
    g_assert_cmpstr(error->message, ==,
                    "test.conf:5: [PPTP] Server: is missing; add Server= with the VPN server's "
                    "host name or address under [PPTP]");
    g_clear_error(&error);

    /* Without the group there is no line to point at. */
    p = load("[Profile]\nId=" ID_ISP "\nName=x\nType=dialup\n[Dialup]\nDevice=/dev/ttyS0\n",
             &error);
    g_assert_null(p);
    g_assert_cmpstr(error->message, ==,
                    "test.conf:5: [Dialup] Phone: is missing; add Phone= with the number to dial "
                    "under [Dialup]");
    g_clear_error(&error);

    p = load("[Profile]\nName=x\nType=pptp\n", &error);
    g_assert_null(p);
    g_assert_nonnull(strstr(error->message, "test.conf:1: [Profile] Id: is missing"));
    g_assert_nonnull(strstr(error->message, "test.conf: [PPTP] Server: is missing"));
    g_clear_error(&error);

    /* Every problem, one per line, in one pass. */
    p = load("[Profile]\nId=" ID_VPN "\nName=x\nType=pptp\n[PPTP]\nServer=a..b\n[PPP]\nMTU=1\n"
             "MRU=2\n",
             &error);
    g_assert_null(p);
    g_auto(GStrv) lines = g_strsplit(error->message, "\n", -1);
    g_assert_cmpuint(g_strv_length(lines), ==, 3);
    g_assert_true(g_str_has_prefix(lines[0], "test.conf:6: [PPTP] Server:"));
    g_assert_true(g_str_has_prefix(lines[1], "test.conf:8: [PPP] MTU:"));
    g_assert_true(g_str_has_prefix(lines[2], "test.conf:9: [PPP] MRU:"));
    g_clear_error(&error);

    p = load("[Profile]\nId=" ID_VPN "\nName=x\nType=pptp\n[PPTP]\nServer=a\nUser=u\n"
             "Server=b\n",
             &error);
    g_assert_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_INVALID);
    g_assert_cmpstr(error->message, ==,
                    "test.conf:8: [PPTP] Server: appears twice (lines 6 and 8); keep only one");
    g_clear_error(&error);

    p = load("Name=x\n[Profile]\n", &error);
    g_assert_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_PARSE);
    g_assert_true(g_str_has_prefix(error->message, "test.conf:1: a Key=value line comes before"));
    g_clear_error(&error);

    p = dt_profile_load_data("[Profile]\nId=\0x\n", 16, "nul.conf", &error);
    g_assert_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_PARSE);
    g_assert_true(g_str_has_prefix(error->message, "nul.conf:2: contains a NUL byte"));
    g_clear_error(&error);

    /* Dial-up specific checks. */
    const char *dial_bad[][2] = {
        {"Device=ttyUSB0", "[Dialup] Device: “ttyUSB0” is not a device path"},
        {"Device=/dev/../etc/shadow", "[Dialup] Device: “/dev/../etc/shadow” is not a device path"},
        {"Speed=12345", "[Dialup] Speed: “12345” is not a serial port speed"},
        {"FlowControl=xon", "[Dialup] FlowControl: “xon” is not one of the choices"},
        {"Init=ATZ;+++", "[Dialup] Init: “+++” is not a modem command"},
        {"DialCommand=ATZ", "[Dialup] DialCommand: “ATZ” is not a dial command"},
        {"Phone=555-CALL-NOW", "[Dialup] Phone: “555-CALL-NOW” is not a phone number"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(dial_bad); i++) {
        gboolean device = g_str_has_prefix(dial_bad[i][0], "Device=");
        gboolean phone = g_str_has_prefix(dial_bad[i][0], "Phone=");
        g_autofree char *text = g_strdup_printf(
            "[Profile]\nId=" ID_ISP "\nName=x\nType=dialup\n[Dialup]\n%s%s%s\n",
            device ? "" : "Device=/dev/ttyS0\n", phone ? "" : "Phone=1\n", dial_bad[i][0]);
        g_autoptr(GError) e = NULL;
        g_autoptr(DtProfile) d = load(text, &e);
        g_assert_null(d);
        g_autofree char *want =
            g_strdup_printf("test.conf:%d: %s", device || phone ? 7 : 8, dial_bad[i][1]);
        if (!g_str_has_prefix(e->message, want))
            g_error("“%s” does not start with “%s”", e->message, want);
    }
}

static void
test_validate_edited(void)
{
    g_autoptr(DtProfile) p = dt_profile_new(DT_PROFILE_TYPE_PPTP);
    g_autoptr(GError) error = NULL;
    g_assert_false(dt_profile_validate(p, &error)); /* no name, no server */
    g_assert_nonnull(strstr(error->message, "profile key Profile.Name: is empty"));
    g_assert_nonnull(strstr(error->message, "profile key PPTP.Server: is missing"));
    g_clear_error(&error);
    g_free(p->name);
    p->name = g_strdup("VPN");
    p->pptp.server = g_strdup("vpn.example.com");
    g_assert_true(dt_profile_validate(p, &error));
    g_assert_no_error(error);
    p->ppp.mtu = 100;
    g_assert_false(dt_profile_validate(p, &error));
    g_assert_cmpstr(error->message, ==,
                    "profile key PPP.MTU: “100” is out of range; use a number from 576 to 1500");
    g_clear_error(&error);
    p->ppp.mtu = 1400;
    /* An edited user or domain name with a stray space at either end (the
     * loader strips them from files; the editor and D-Bus do not). */
    p->pptp.user = g_strdup("alice ");
    g_assert_false(dt_profile_validate(p, &error));
    g_assert_cmpstr(error->message, ==,
                    "profile key PPTP.User: “alice ” begins or ends with a space; remove it");
    g_clear_error(&error);
    g_free(p->pptp.user);
    p->pptp.user = g_strdup("alice");
    p->pptp.domain = g_strdup(" CORP");
    g_assert_false(dt_profile_validate(p, &error));
    g_assert_cmpstr(error->message, ==,
                    "profile key PPTP.Domain: “ CORP” begins or ends with a space; remove it");
    g_clear_error(&error);
    g_free(p->pptp.domain);
    p->pptp.domain = g_strdup("CORP");
    g_assert_true(dt_profile_validate(p, &error));
}

static GVariant *
vardict_with(GVariant *base, const char *name, GVariant *value)
{
    GVariantDict d;
    g_variant_dict_init(&d, base);
    if (value)
        g_variant_dict_insert_value(&d, name, value);
    else
        g_variant_dict_remove(&d, name);
    return g_variant_ref_sink(g_variant_dict_end(&d));
}

static void
test_variant(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtProfile) vpn = load(full_pptp, &error);
    g_autoptr(DtProfile) dial = load(isp, &error);
    g_assert_no_error(error);
    g_autoptr(GVariant) v = g_variant_ref_sink(dt_profile_to_variant(vpn, dial));
    g_assert_true(g_variant_is_of_type(v, G_VARIANT_TYPE_VARDICT));
    guint32 mtu = 0;
    g_assert_true(g_variant_lookup(v, "PPP.MTU", "u", &mtu));
    g_assert_cmpuint(mtu, ==, 1300);
    g_autofree const char **auth = NULL;
    g_assert_true(g_variant_lookup(v, "Security.Authentication", "^a&s", &auth));
    g_assert_cmpstr(auth[0], ==, "mschapv2");
    g_assert_false(g_variant_lookup(v, "Dialup.Device", "&s", NULL));

    g_autoptr(DtProfile) first = NULL;
    g_autoptr(DtProfile) back = dt_profile_from_variant(v, &first, &error);
    g_assert_no_error(error);
    assert_same(vpn, back);
    assert_same(dial, first);

    struct {
        const char *name;
        GVariant *value;
        int code;
        const char *expect;
    } bad[] = {
        {"PPP.MTU", g_variant_new_uint32(9000), DT_PROFILE_ERROR_INVALID,
         "profile key PPP.MTU: “9000” is out of range; use a number from 576 to 1500"},
        {"PPP.MTU", g_variant_new_string("1400"), DT_PROFILE_ERROR_INVALID,
         "profile key PPP.MTU: has type “s”; send “u”"},
        {"PPTP.Server", g_variant_new_string("a b"), DT_PROFILE_ERROR_INVALID,
         "profile key PPTP.Server: “a b” is not a valid host name"},
        {"PPTP.Server", g_variant_new_string("x\ny"), DT_PROFILE_ERROR_INVALID,
         "profile key PPTP.Server:"},
        {"PPTP.Server", NULL, DT_PROFILE_ERROR_MISSING, "profile key PPTP.Server: is missing"},
        {"PPTP.Password", g_variant_new_string("x"), DT_PROFILE_ERROR_SECRET,
         "entry “PPTP.Password”: secrets travel in the secrets dictionary"},
        {"PPTP.Bogus", g_variant_new_string("x"), DT_PROFILE_ERROR_INVALID,
         "entry “PPTP.Bogus” is not a profile setting"},
        {"Bogus", g_variant_new_boolean(TRUE), DT_PROFILE_ERROR_INVALID,
         "entry “Bogus” is not a profile setting"},
        {"IPv4.Routes", g_variant_new_strv((const char *[]){"10.0.0.0/8;1.0.0.0/8", NULL}, -1),
         DT_PROFILE_ERROR_INVALID, "profile key IPv4.Routes: “10.0.0.0/8;1.0.0.0/8”"},
        {"Security.Authentication", g_variant_new_strv((const char *[]){"chap,pap", NULL}, -1),
         DT_PROFILE_ERROR_INVALID, "profile key Security.Authentication: has an element with"},
        {"Security.Authentication", g_variant_new_strv((const char *[]){"pap", NULL}, -1),
         DT_PROFILE_ERROR_INVALID, "profile key Security.Encryption: Encryption=require needs"},
        {"IPv4.DNS", g_variant_new_strv((const char *[]){"none", "192.0.2.1", NULL}, -1),
         DT_PROFILE_ERROR_INVALID, "profile key IPv4.DNS: mixes auto or none"},
        {"Profile.Type", g_variant_new_string("dialup"), DT_PROFILE_ERROR_MISSING,
         "profile key Dialup.Device: is missing"},
        {"DialFirst", g_variant_new_string("x"), DT_PROFILE_ERROR_INVALID,
         "entry “DialFirst” has type “s”"},
        {"DialFirst", NULL, DT_PROFILE_ERROR_DIAL_FIRST, "no “DialFirst” dictionary came with it"},
        {"Profile.DialFirst", g_variant_new_string(ID_VPN), DT_PROFILE_ERROR_DIAL_FIRST,
         "Profile.DialFirst: names this profile itself"},
        {"Profile.DialFirst", g_variant_new_string("0a1b2c3d-4e5f-4a6b-8c7d-000000000000"),
         DT_PROFILE_ERROR_DIAL_FIRST, "does not name the Id of the enclosed"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GVariant) b = vardict_with(v, bad[i].name, bad[i].value);
        g_autoptr(GError) e = NULL;
        g_autoptr(DtProfile) p = dt_profile_from_variant(b, NULL, &e);
        g_test_message("variant case %s: %s", bad[i].name, e ? e->message : "(accepted)");
        g_assert_null(p);
        g_assert_error(e, DT_PROFILE_ERROR, bad[i].code);
        if (strstr(e->message, bad[i].expect) == NULL)
            g_error("“%s” not in “%s”", bad[i].expect, e->message);
    }

    /* The nested profile is checked the same way, and by its own rules. */
    g_autoptr(GVariant) dv = g_variant_ref_sink(dt_profile_to_variant(dial, NULL));
    g_autoptr(GVariant) bad_dial =
        vardict_with(dv, "Dialup.Device", g_variant_new_string("/tmp/x"));
    g_autoptr(GVariant) b1 = vardict_with(v, "DialFirst", bad_dial);
    g_autoptr(DtProfile) p1 = dt_profile_from_variant(b1, NULL, &error);
    g_assert_null(p1);
    g_assert_nonnull(strstr(error->message, "dial-first profile key Dialup.Device: “/tmp/x”"));
    g_clear_error(&error);

    g_autoptr(GVariant) nested_twice = vardict_with(dv, "DialFirst", dv);
    g_autoptr(GVariant) b2 = vardict_with(v, "DialFirst", nested_twice);
    g_autoptr(DtProfile) p2 = dt_profile_from_variant(b2, NULL, &error);
    g_assert_null(p2);
    g_assert_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_INVALID);
    g_assert_nonnull(
        strstr(error->message, "dial-first profile: entry “DialFirst” is not a profile setting"));
    g_clear_error(&error);

    g_autoptr(GVariant) dial_dialing =
        vardict_with(dv, "Profile.DialFirst", g_variant_new_string(ID_VPN));
    g_autoptr(GVariant) b4 = vardict_with(v, "DialFirst", dial_dialing);
    g_autoptr(DtProfile) p4 = dt_profile_from_variant(b4, NULL, &error);
    g_assert_null(p4);
    g_assert_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_DIAL_FIRST);
    g_assert_nonnull(
        strstr(error->message, "dial-first profile key Profile.DialFirst: only a PPTP"));
    g_clear_error(&error);

    g_autoptr(GVariant) as_pptp = vardict_with(dv, "Profile.Type", g_variant_new_string("pptp"));
    g_autoptr(GVariant) as_pptp2 = vardict_with(as_pptp, "PPTP.Server", g_variant_new_string("h"));
    g_autoptr(GVariant) b3 = vardict_with(v, "DialFirst", as_pptp2);
    g_autoptr(DtProfile) p3 = dt_profile_from_variant(b3, NULL, &error);
    g_assert_null(p3);
    g_assert_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_DIAL_FIRST);
    g_assert_nonnull(strstr(error->message, "is a PPTP profile"));
    g_clear_error(&error);

    g_autoptr(GVariant) not_dict = g_variant_ref_sink(g_variant_new_string("x"));
    g_assert_null(dt_profile_from_variant(not_dict, NULL, &error));
    g_assert_cmpstr(error->message, ==, "profile: has type “s”; send a dictionary “a{sv}”");

    /* The error domain crosses D-Bus with its code. */
    g_autofree char *dbus_name = g_dbus_error_encode_gerror(error);
    g_assert_cmpstr(dbus_name, ==, "org.dialtone.Error.Profile.Invalid");
}

static char *
make_tmpdir(void)
{
    g_autoptr(GError) error = NULL;
    char *dir = g_dir_make_tmp("dt-profile-XXXXXX", &error);
    g_assert_no_error(error);
    return dir;
}

static void
remove_tree(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *n;
    while (d && (n = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(dir, n, NULL);
        g_remove(p);
    }
    g_rmdir(dir);
}

static void
write_file(const char *dir, const char *name, const char *text)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
}

static void
test_store(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autofree char *pdir = g_build_filename(dir, "profiles", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) problems = NULL;

    {
        g_autoptr(DtProfileStore) s = dt_profile_store_new(pdir);
        g_assert_true(dt_profile_store_load(s, &problems, &error)); /* no folder yet */
        g_assert_cmpuint(problems->len, ==, 0);
        g_clear_pointer(&problems, g_ptr_array_unref);
        g_autoptr(DtProfile) dial = load(isp, &error);
        g_autoptr(DtProfile) vpn = load(full_pptp, &error);
        g_assert_no_error(error);
        /* DialFirst must exist before the VPN naming it is saved. */
        g_assert_false(dt_profile_store_save(s, vpn, &error));
        g_assert_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_DIAL_FIRST);
        g_assert_nonnull(strstr(error->message, "no dial-up profile has the Id " ID_ISP));
        g_clear_error(&error);
        g_assert_true(dt_profile_store_save(s, dial, &error));
        g_assert_true(dt_profile_store_save(s, vpn, &error));
        g_assert_no_error(error);
        g_autofree char *path = g_build_filename(pdir, ID_VPN ".conf", NULL);
        struct stat st;
        g_assert_cmpint(g_stat(path, &st), ==, 0);
        g_assert_cmpuint(st.st_mode & 0777, ==, 0600);
    }

    /* Garbage, a mismatched Id and a duplicate Id are reported and skipped. */
    write_file(pdir, "broken.conf", "[Profile]\nId=" ID_VPN "\nName=x\nType=pptp\n[PPP]\nMTU=1\n");
    write_file(pdir, "11111111-2222-4333-8444-555555555555.conf",
               "[Profile]\nId=" ID_ISP "\nName=dup\nType=dialup\n[Dialup]\nDevice=/dev/ttyS1\n"
               "Phone=1\n");
    write_file(pdir, "notes.txt", "not a profile");

    g_autoptr(DtProfileStore) s = dt_profile_store_new(pdir);
    g_assert_true(dt_profile_store_load(s, &problems, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(problems->len, ==, 2);
    g_autofree char *broken = g_build_filename(pdir, "broken.conf", NULL);
    gboolean saw_broken = FALSE, saw_mismatch = FALSE;
    for (guint i = 0; i < problems->len; i++) {
        GError *e = problems->pdata[i];
        g_test_message("problem: %s", e->message);
        if (g_str_has_prefix(e->message, broken) && strstr(e->message, ":6: [PPP] MTU:"))
            saw_broken = TRUE;
        if (strstr(e->message, "is not this file's name"))
            saw_mismatch = TRUE;
    }
    g_assert_true(saw_broken && saw_mismatch);
    g_clear_pointer(&problems, g_ptr_array_unref);

    GPtrArray *list = dt_profile_store_list(s);
    g_assert_cmpuint(list->len, ==, 2);
    g_assert_cmpstr(((DtProfile *)list->pdata[0])->name, ==, "Home ISP");
    g_assert_cmpstr(((DtProfile *)list->pdata[1])->name, ==, "Office VPN");

    g_assert_nonnull(dt_profile_store_find_by_id(s, ID_VPN));
    g_assert_nonnull(dt_profile_store_find_by_id(s, "3F1C2A9E-5B7D-4C1E-9A2B-6D8E0F1A2B3C"));
    const DtProfile *by_name = dt_profile_store_find_by_name(s, "office vpn", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(by_name->id, ==, ID_VPN);
    g_assert_null(dt_profile_store_find_by_name(s, "Nope", &error));
    g_assert_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_NOT_FOUND);
    g_clear_error(&error);
    g_assert_cmpstr(dt_profile_store_lookup(s, ID_ISP, NULL)->name, ==, "Home ISP");
    g_assert_cmpstr(dt_profile_store_lookup(s, "Home ISP", NULL)->id, ==, ID_ISP);

    /* Duplicate: new Id, "Copy of …", then "(2)". */
    const DtProfile *c1 = dt_profile_store_duplicate(s, ID_VPN, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(c1->name, ==, "Copy of Office VPN");
    g_assert_cmpstr(c1->id, !=, ID_VPN);
    g_assert_cmpstr(c1->dial_first, ==, ID_ISP);
    g_autofree char *c1_id = g_strdup(c1->id);
    const DtProfile *c2 = dt_profile_store_duplicate(s, ID_VPN, &error);
    g_assert_cmpstr(c2->name, ==, "Copy of Office VPN (2)");

    /* Rename: names are unique regardless of case. */
    g_assert_false(dt_profile_store_rename(s, c1_id, "OFFICE vpn", &error));
    g_assert_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_EXISTS);
    g_clear_error(&error);
    g_assert_true(dt_profile_store_rename(s, c1_id, "Branch VPN", &error));
    g_assert_cmpstr(dt_profile_store_find_by_id(s, c1_id)->name, ==, "Branch VPN");

    /* Delete: refused while dialled first by others. */
    g_assert_false(dt_profile_store_delete(s, ID_ISP, &error));
    g_assert_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_DIAL_FIRST);
    g_clear_error(&error);
    g_assert_true(dt_profile_store_delete(s, c1_id, &error));
    g_assert_null(dt_profile_store_find_by_id(s, c1_id));
    g_autofree char *c1_base = g_strconcat(c1_id, ".conf", NULL);
    g_autofree char *c1_path = g_build_filename(pdir, c1_base, NULL);
    g_assert_false(g_file_test(c1_path, G_FILE_TEST_EXISTS));

    /* DialFirst rules. */
    g_autoptr(DtProfile) chain = dt_profile_copy(dt_profile_store_find_by_id(s, ID_ISP));
    chain->dial_first = g_strdup(ID_VPN);
    g_assert_false(dt_profile_store_check(s, chain, &error));
    g_assert_nonnull(strstr(error->message, "only a PPTP profile can dial"));
    g_clear_error(&error);
    g_autoptr(DtProfile) vpn2 = dt_profile_copy(dt_profile_store_find_by_id(s, ID_VPN));
    g_free(vpn2->id);
    vpn2->id = g_uuid_string_random();
    g_free(vpn2->name);
    vpn2->name = g_strdup("Inner");
    g_free(vpn2->dial_first);
    vpn2->dial_first = g_strdup(ID_VPN);
    g_assert_false(dt_profile_store_check(s, vpn2, &error));
    g_assert_nonnull(strstr(error->message, "“Office VPN” is a PPTP profile"));
    g_clear_error(&error);

    /* A dial-up target that itself names something (hand-edited) is refused. */
    write_file(pdir, ID_ISP ".conf",
               "[Profile]\nId=" ID_ISP "\nName=Home ISP\nType=dialup\nDialFirst=" ID_VPN "\n"
               "[Dialup]\nDevice=/dev/ttyS1\nPhone=1\n");
    g_assert_true(dt_profile_store_load(s, &problems, &error));
    g_assert_cmpuint(problems->len, >=, 2);
    g_clear_pointer(&problems, g_ptr_array_unref);
    g_assert_null(dt_profile_store_find_by_id(s, ID_ISP)); /* refused by the loader */

    remove_tree(pdir);
    g_rmdir(dir);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/profile/defaults", test_defaults_pptp);
    g_test_add_func("/profile/load-full", test_load_full);
    g_test_add_func("/profile/round-trip", test_round_trip);
    g_test_add_func("/profile/unknown-preserved", test_unknown_preserved);
    g_test_add_func("/profile/errors/file-line-key", test_errors_name_file_line_key);
    g_test_add_func("/profile/errors/missing-collected", test_errors_missing_and_collected);
    g_test_add_func("/profile/validate", test_validate_edited);
    g_test_add_func("/profile/variant", test_variant);
    g_test_add_func("/profile/store", test_store);
    return g_test_run();
}
