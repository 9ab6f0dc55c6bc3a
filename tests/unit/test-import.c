/* test-import.c — importers and exporters on real-looking files
 * (tests/unit/import/: a Windows 10 rasphone.pbk in three encodings,
 * keyfiles as nm-connection-editor writes them, pptpsetup and pppconfig
 * peers files, a wvdial.conf), and the round trips import → export →
 * import. */
#include <string.h>

#include "dt-export.h"
#include "dt-import-nm.h"
#include "dt-import-pbk.h"
#include "dt-import-peers.h"
#include "dt-import-wvdial.h"
#include "dt-import.h"

static char *
sample_path(const char *name)
{
    const char *dir = g_getenv("DT_IMPORT_SAMPLES");
    g_assert_nonnull(dir);
    return g_build_filename(dir, name, NULL);
}

static char *
read_sample(const char *name, gsize *len)
{
    g_autofree char *path = sample_path(name);
    char *data = NULL;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_file_get_contents(path, &data, len, &error));
    g_assert_no_error(error);
    return data;
}

static DtImport *
import_sample(const char *name, DtImportFormat f)
{
    gsize len;
    g_autofree char *data = read_sample(name, &len);
    g_autoptr(GError) error = NULL;
    DtImport *imp = dt_import_data(data, len, name, f, &error);
    g_assert_no_error(error);
    g_assert_nonnull(imp);
    return imp;
}

static DtImportEntry *
entry(DtImport *imp, const char *name)
{
    for (guint i = 0; i < imp->entries->len; i++) {
        DtImportEntry *e = g_ptr_array_index(imp->entries, i);
        if (strcmp(e->name, name) == 0)
            return e;
    }
    g_error("no entry “%s”", name);
    return NULL;
}

static gboolean
has_line(GPtrArray *lines, const char *needle)
{
    for (guint i = 0; i < lines->len; i++)
        if (strstr(g_ptr_array_index(lines, i), needle))
            return TRUE;
    return FALSE;
}

static void
assert_same_profile(const DtProfile *a, const DtProfile *b)
{
    g_autofree char *ta = dt_profile_to_data(a, NULL);
    g_autofree char *tb = dt_profile_to_data(b, NULL);
    g_assert_cmpstr(ta, ==, tb);
}

static void
test_pbk_windows10(void)
{
    g_autoptr(DtImport) imp = import_sample("windows10.pbk", DT_IMPORT_FORMAT_UNKNOWN);
    g_assert_cmpint(imp->format, ==, DT_IMPORT_FORMAT_PBK);
    g_assert_cmpuint(imp->entries->len, ==, 5);
    guint skipped;
    g_assert_cmpuint(dt_import_count(imp, &skipped), ==, 3);
    g_assert_cmpuint(skipped, ==, 2);

    DtImportEntry *vpn = entry(imp, "Office VPN");
    DtImportEntry *isp = entry(imp, "Home ISP");
    const DtProfile *p = vpn->profile;
    g_assert_nonnull(p);
    g_assert_cmpint(p->type, ==, DT_PROFILE_TYPE_PPTP);
    g_assert_cmpstr(p->id, ==, "9a3f0c2e-5b7d-4c1e-9a2b-6d8e0f1a2b3c");
    g_assert_cmpstr(p->pptp.server, ==, "vpn.example.com");
    g_assert_null(p->pptp.user);
    g_autofree char *auth = dt_auth_list_to_string(&p->security.authentication);
    g_assert_cmpstr(auth, ==, "mschapv2,mschap,chap"); /* 608 */
    g_assert_cmpint(p->security.encryption, ==, DT_ENCRYPTION_REQUIRE_128);
    g_assert_true(p->security.compression);
    g_assert_false(p->ipv4.default_route);
    g_assert_false(p->ipv6.enabled); /* ExcludedProtocols=8 */
    g_assert_cmpint(p->ipv4.dns.mode, ==, DT_DNS_STATIC);
    g_assert_cmpstr(p->ipv4.dns.servers[0], ==, "10.20.0.53");
    g_assert_cmpstr(p->ipv4.dns.servers[1], ==, "10.20.0.54");
    g_assert_null(p->ipv4.dns.servers[2]);
    g_assert_cmpstr(p->ipv4.dns_search[0], ==, "corp.example.com");
    g_assert_cmpuint(p->redial.attempts, ==, 5);
    g_assert_cmpuint(p->redial.interval, ==, 30);
    g_assert_cmpuint(p->redial.idle_disconnect, ==, 900);
    g_assert_true(p->redial.on_link_failure);
    g_assert_nonnull(isp->profile);
    g_assert_cmpstr(p->dial_first, ==, isp->profile->id);
    g_assert_true(has_line(vpn->notes, "vpn2.example.com"));
    g_assert_true(has_line(vpn->mapped, "PrerequisiteEntry=Home ISP"));
    g_assert_cmpuint(vpn->ignored, >, 50);
    g_assert_false(has_line(vpn->notes, "unknown keys"));

    p = isp->profile;
    g_assert_cmpint(p->type, ==, DT_PROFILE_TYPE_DIALUP);
    g_assert_cmpstr(p->dialup.phone, ==, "0191 555 0134");
    g_assert_cmpstr(p->dialup.device, ==, "/dev/ttyS2"); /* COM3 */
    g_assert_cmpuint(p->dialup.speed, ==, 57600);
    g_assert_cmpint(p->dialup.flow_control, ==, DT_FLOW_CONTROL_HARDWARE);
    g_autofree char *auth2 = dt_auth_list_to_string(&p->security.authentication);
    g_assert_cmpstr(auth2, ==, "mschapv2,chap,pap"); /* 552 */
    g_assert_cmpint(p->security.encryption, ==, DT_ENCRYPTION_OPTIONAL);
    g_assert_false(p->redial.on_link_failure);
    g_assert_true(has_line(isp->notes, "0191 555 0199"));

    DtImportEntry *aovpn = entry(imp, "Azure Always On");
    g_assert_null(aovpn->profile);
    g_assert_nonnull(strstr(aovpn->skipped, "IKEv2"));
    DtImportEntry *dsl = entry(imp, "DSL");
    g_assert_null(dsl->profile);
    g_assert_nonnull(strstr(dsl->skipped, "PPPoE"));

    DtImportEntry *koeln = entry(imp, "Büro Köln");
    g_assert_cmpstr(koeln->profile->pptp.server, ==, "203.0.113.7");
    g_assert_false(koeln->profile->security.compression);
    g_assert_cmpint(koeln->profile->security.encryption, ==, DT_ENCRYPTION_REQUIRE);

    /* The summary names every entry, imported or not, and why. */
    g_autofree char *summary = dt_import_summary(imp);
    g_assert_nonnull(strstr(summary, "3 profiles to import, 2 entries not imported"));
    g_assert_nonnull(strstr(summary, "“Azure Always On”: NOT IMPORTED: VpnStrategy=7"));
    g_assert_nonnull(strstr(summary, "DataEncryption=512 → Encryption=require-128"));
}

/* The same phonebook saved as Windows-1252 and as UTF-16 with a BOM. */
static void
test_pbk_encodings(void)
{
    g_autoptr(DtImport) utf8 = import_sample("windows10.pbk", DT_IMPORT_FORMAT_PBK);
    static const struct {
        const char *file, *encoding;
    } cases[] = {
        {"windows10-cp1252.pbk", "Windows-1252"},
        {"windows10-utf16.pbk", "UTF-16LE"},
    };
    for (gsize c = 0; c < G_N_ELEMENTS(cases); c++) {
        g_autoptr(DtImport) imp = import_sample(cases[c].file, DT_IMPORT_FORMAT_UNKNOWN);
        g_assert_cmpint(imp->format, ==, DT_IMPORT_FORMAT_PBK);
        g_assert_cmpstr(imp->encoding, ==, cases[c].encoding);
        g_assert_cmpuint(imp->entries->len, ==, utf8->entries->len);
        for (guint i = 0; i < imp->entries->len; i++) {
            DtImportEntry *a = g_ptr_array_index(utf8->entries, i);
            DtImportEntry *b = g_ptr_array_index(imp->entries, i);
            g_assert_cmpstr(a->name, ==, b->name);
            g_assert_true((a->profile == NULL) == (b->profile == NULL));
            if (a->profile)
                assert_same_profile(a->profile, b->profile);
        }
    }
}

static void
test_pbk_tolerant(void)
{
    /* LF only, odd case, unknown keys, no Type (a VPN device says it), an
     * L2TP-only strategy, a missing prerequisite and a bad encryption. */
    static const char text[] = "[Old XP entry]\n"
                               "vpnstrategy=1\n"
                               "DataEncryption=99\n"
                               "PrerequisiteEntry=Gone\n"
                               "FrobnicateLevel=7\n"
                               "MEDIA=rastapi\n"
                               "Port=VPN1-0\n"
                               "Device=WAN Miniport (PPTP)\n"
                               "DEVICE=vpn\n"
                               "PhoneNumber=[2001:db8::1]\n"
                               "[L2TP]\r\n"
                               "Type=2\r\n"
                               "VpnStrategy=3\r\n"
                               "MEDIA=rastapi\r\n"
                               "DEVICE=vpn\r\n"
                               "PhoneNumber=l2tp.example.com\r\n"
                               "[Bad server]\r"
                               "Type=2\r"
                               "MEDIA=rastapi\r"
                               "DEVICE=vpn\r"
                               "PhoneNumber=https://vpn.example.com/\r";
    g_autoptr(GError) error = NULL;
    g_autoptr(DtImport) imp = dt_import_pbk(text, sizeof text - 1, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(imp->entries->len, ==, 3);
    DtImportEntry *xp = entry(imp, "Old XP entry");
    g_assert_nonnull(xp->profile);
    g_assert_cmpstr(xp->profile->pptp.server, ==, "[2001:db8::1]");
    g_assert_null(xp->profile->dial_first);
    g_assert_true(has_line(xp->notes, "PrerequisiteEntry=Gone is not in this phonebook"));
    g_assert_true(has_line(xp->notes, "DataEncryption=99"));
    g_assert_true(has_line(xp->notes, "frobnicatelevel"));
    DtImportEntry *l2tp = entry(imp, "L2TP");
    g_assert_null(l2tp->profile);
    g_assert_nonnull(strstr(l2tp->skipped, "L2TP/IPsec only"));
    DtImportEntry *bad = entry(imp, "Bad server");
    g_assert_null(bad->profile);
    g_assert_nonnull(strstr(bad->skipped, "PhoneNumber=https://vpn.example.com/"));

    /* Not a phonebook at all. */
    g_autoptr(GError) e2 = NULL;
    g_assert_null(dt_import_pbk("hello\n", 6, &e2));
    g_assert_error(e2, DT_IMPORT_ERROR, DT_IMPORT_ERROR_FORMAT);
    g_autoptr(GError) e3 = NULL;
    g_assert_null(dt_import_pbk("[a]\0b", 5, &e3));
    g_assert_error(e3, DT_IMPORT_ERROR, DT_IMPORT_ERROR_ENCODING);
}

static void
test_pbk_round_trip(void)
{
    g_autoptr(DtImport) first = import_sample("windows10.pbk", DT_IMPORT_FORMAT_PBK);
    g_autoptr(GPtrArray) profiles = g_ptr_array_new();
    /* DialFirst targets first, as the exporter wants them. */
    for (int pass = 0; pass < 2; pass++)
        for (guint i = 0; i < first->entries->len; i++) {
            DtImportEntry *e = g_ptr_array_index(first->entries, i);
            if (e->profile && (e->profile->type == DT_PROFILE_TYPE_DIALUP) == (pass == 0))
                g_ptr_array_add(profiles, e->profile);
        }
    g_assert_cmpuint(profiles->len, ==, 3);
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *pbk =
        dt_export_pbk((const DtProfile *const *)profiles->pdata, profiles->len, notes);
    g_assert_nonnull(strstr(pbk, "\r\nDataEncryption=512\r\n"));
    g_assert_nonnull(strstr(pbk, "\r\nPrerequisiteEntry=Home ISP\r\n"));
    g_assert_null(strstr(pbk, "\n\n")); /* every line ends in CR LF */
    g_autoptr(GError) error = NULL;
    g_autoptr(DtImport) again = dt_import_pbk(pbk, strlen(pbk), &error);
    g_assert_no_error(error);
    g_assert_cmpuint(again->entries->len, ==, 3);
    for (guint i = 0; i < profiles->len; i++) {
        const DtProfile *p = g_ptr_array_index(profiles, i);
        DtImportEntry *e = entry(again, p->name);
        g_assert_nonnull(e->profile);
        assert_same_profile(p, e->profile);
        g_assert_false(has_line(e->notes, "unknown keys"));
    }
}

static void
test_nm_editor_keyfile(void)
{
    g_autoptr(DtImport) imp = import_sample("work-pptp.nmconnection", DT_IMPORT_FORMAT_UNKNOWN);
    g_assert_cmpint(imp->format, ==, DT_IMPORT_FORMAT_NM);
    g_assert_cmpuint(imp->entries->len, ==, 1);
    DtImportEntry *e = g_ptr_array_index(imp->entries, 0);
    const DtProfile *p = e->profile;
    g_assert_nonnull(p);
    g_assert_cmpstr(p->name, ==, "Work PPTP");
    g_assert_cmpstr(p->id, ==, "5b2e7c1a-3f4d-4e8a-9b6c-2d1e0f9a8b7c");
    g_assert_cmpstr(p->pptp.server, ==, "vpn.example.com");
    g_assert_cmpstr(p->pptp.user, ==, "alice");
    g_assert_cmpstr(p->pptp.domain, ==, "CORP");
    g_autofree char *auth = dt_auth_list_to_string(&p->security.authentication);
    g_assert_cmpstr(auth, ==, "mschapv2,mschap");
    g_assert_cmpint(p->security.encryption, ==, DT_ENCRYPTION_REQUIRE_128);
    g_assert_true(p->security.allow_stateful);
    g_assert_cmpuint(p->ppp.echo_interval, ==, 30);
    g_assert_cmpuint(p->ppp.echo_failures, ==, 5);
    g_assert_false(p->ipv4.default_route);
    g_assert_cmpint(p->ipv4.dns.mode, ==, DT_DNS_STATIC);
    g_assert_cmpstr(p->ipv4.dns.servers[0], ==, "10.0.0.53");
    g_assert_cmpstr(p->ipv4.dns.servers[1], ==, "10.0.0.54");
    g_assert_cmpstr(p->ipv4.dns_search[0], ==, "corp.example");
    g_assert_cmpstr(p->ipv4.routes[0], ==, "10.109.149.0/24");
    g_assert_cmpstr(p->ipv4.routes[1], ==, "192.168.50.0/24");
    g_assert_null(p->ipv4.routes[2]);
    g_assert_false(p->ipv6.enabled);
    /* The secret goes to the caller for the keyring, never into the profile
     * or the summary. */
    g_assert_cmpstr(e->password, ==, "Tr0ub4dor&3");
    g_autofree char *text = dt_profile_to_data(p, NULL);
    g_assert_null(strstr(text, "Tr0ub4dor"));
    g_autofree char *summary = dt_import_summary(imp);
    g_assert_null(strstr(summary, "Tr0ub4dor"));
    g_assert_nonnull(strstr(summary, "password goes to the keyring"));

    g_autoptr(DtImport) hotel = import_sample("hotel.nmconnection", DT_IMPORT_FORMAT_NM);
    DtImportEntry *h = g_ptr_array_index(hotel->entries, 0);
    g_assert_nonnull(h->profile);
    g_assert_null(h->password);
    g_assert_cmpstr(h->profile->pptp.user, ==, "bob@example.org");
    g_autofree char *hauth = dt_auth_list_to_string(&h->profile->security.authentication);
    g_assert_cmpstr(hauth, ==, "mschapv2,mschap,chap,pap");
    g_assert_cmpint(h->profile->security.encryption, ==, DT_ENCRYPTION_OPTIONAL);
    g_assert_cmpuint(h->profile->ppp.echo_interval, ==, 0); /* the plugin's default: off */
    g_assert_true(h->profile->ipv4.default_route);
    g_assert_true(has_line(h->notes, "password-flags=2"));

    g_autoptr(DtImport) l2tp = import_sample("l2tp.nmconnection", DT_IMPORT_FORMAT_NM);
    DtImportEntry *l = g_ptr_array_index(l2tp->entries, 0);
    g_assert_null(l->profile);
    g_assert_nonnull(strstr(l->skipped, "org.freedesktop.NetworkManager.l2tp"));
}

/* What NetworkManager and its PPTP plugin insist on: only the plugin's data
 * items, booleans exactly yes/no there and true/false in settings. */
static void
assert_strict_nm(const char *text)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(g_key_file_load_from_data(kf, text, (gsize)-1, G_KEY_FILE_NONE, &error));
    g_assert_no_error(error);
    g_assert_false(g_key_file_has_group(kf, "vpn-secrets"));
    g_auto(GStrv) keys = g_key_file_get_keys(kf, "vpn", NULL, NULL);
    static const char *const bools[] = {"refuse-eap",      "refuse-pap",       "refuse-chap",
                                        "refuse-mschap",   "refuse-mschapv2",  "require-mppe",
                                        "require-mppe-40", "require-mppe-128", "mppe-stateful",
                                        "nobsdcomp",       "nodeflate",        "no-vj-comp"};
    for (guint i = 0; keys[i]; i++) {
        g_autofree char *v = g_key_file_get_value(kf, "vpn", keys[i], NULL);
        if (strcmp(keys[i], "service-type") == 0 || strcmp(keys[i], "persistent") == 0) {
            if (strcmp(keys[i], "persistent") == 0)
                g_assert_true(strcmp(v, "true") == 0 || strcmp(v, "false") == 0);
            continue;
        }
        g_assert_true(g_strv_contains(dt_export_nm_pptp_keys, keys[i]));
        for (gsize b = 0; b < G_N_ELEMENTS(bools); b++)
            if (strcmp(keys[i], bools[b]) == 0)
                g_assert_true(strcmp(v, "yes") == 0 || strcmp(v, "no") == 0);
    }
    static const char *const setting_bools[][2] = {
        {"connection", "autoconnect"}, {"ipv4", "never-default"}, {"ipv4", "ignore-auto-dns"}};
    for (gsize i = 0; i < G_N_ELEMENTS(setting_bools); i++) {
        g_autofree char *v =
            g_key_file_get_value(kf, setting_bools[i][0], setting_bools[i][1], NULL);
        if (v)
            g_assert_true(strcmp(v, "true") == 0 || strcmp(v, "false") == 0);
    }
    g_autofree char *st = g_key_file_get_value(kf, "vpn", "service-type", NULL);
    g_assert_cmpstr(st, ==, DT_NM_PPTP_SERVICE);
}

static void
test_nm_round_trip(void)
{
    static const char *const files[] = {"work-pptp.nmconnection", "hotel.nmconnection"};
    for (gsize f = 0; f < G_N_ELEMENTS(files); f++) {
        g_autoptr(DtImport) first = import_sample(files[f], DT_IMPORT_FORMAT_NM);
        DtImportEntry *e = g_ptr_array_index(first->entries, 0);
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
        g_autofree char *nm = dt_export_nm(e->profile, notes, &error);
        g_assert_no_error(error);
        assert_strict_nm(nm);
        g_assert_null(strstr(nm, "Tr0ub4dor"));
        g_autoptr(DtImport) again = dt_import_nm(nm, strlen(nm), &error);
        g_assert_no_error(error);
        DtImportEntry *e2 = g_ptr_array_index(again->entries, 0);
        g_assert_nonnull(e2->profile);
        assert_same_profile(e->profile, e2->profile);
        g_assert_false(has_line(e2->notes, "unknown"));
    }

    /* A PPTP profile from a phonebook goes out as a keyfile too. */
    g_autoptr(DtImport) pbk = import_sample("windows10.pbk", DT_IMPORT_FORMAT_PBK);
    DtImportEntry *vpn = entry(pbk, "Office VPN");
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *nm = dt_export_nm(vpn->profile, notes, &error);
    g_assert_no_error(error);
    assert_strict_nm(nm);
    g_assert_true(has_line(notes, "DialFirst"));
    DtImportEntry *isp = entry(pbk, "Home ISP");
    g_assert_null(dt_export_nm(isp->profile, NULL, &error));
    g_assert_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_INVALID);
}

static void
test_peers(void)
{
    gsize len;
    g_autofree char *office = read_sample("office.peers", &len);
    g_autoptr(GError) error = NULL;
    g_autoptr(DtImport) imp = dt_import_peers(office, len, "office", &error);
    g_assert_no_error(error);
    DtImportEntry *e = g_ptr_array_index(imp->entries, 0);
    const DtProfile *p = e->profile;
    g_assert_nonnull(p);
    g_assert_cmpstr(p->name, ==, "office");
    g_assert_cmpstr(p->pptp.server, ==, "vpn.example.org");
    g_assert_cmpstr(p->pptp.user, ==, "CORP\\alice"); /* pppd reads \\ as one \ */
    g_assert_cmpint(p->security.encryption, ==, DT_ENCRYPTION_REQUIRE_128);
    g_assert_false(p->redial.on_link_failure);

    g_autoptr(DtImport) t = import_sample("tunnel.peers", DT_IMPORT_FORMAT_PEERS);
    e = g_ptr_array_index(t->entries, 0);
    p = e->profile;
    g_assert_nonnull(p);
    g_assert_cmpstr(p->pptp.server, ==, "192.0.2.44");
    g_assert_cmpstr(p->pptp.user, ==, "bob");
    g_autofree char *auth = dt_auth_list_to_string(&p->security.authentication);
    g_assert_cmpstr(auth, ==, "mschapv2");
    g_assert_cmpint(p->security.encryption, ==, DT_ENCRYPTION_REQUIRE_128);
    g_assert_false(p->security.allow_stateful);
    g_assert_true(p->ipv4.default_route);
    g_assert_cmpuint(p->ppp.mtu, ==, 1300);
    g_assert_cmpuint(p->ppp.echo_interval, ==, 20);
    g_assert_cmpuint(p->ppp.echo_failures, ==, 3);
    g_assert_false(p->ipv6.enabled);
    g_assert_true(p->redial.on_link_failure);
    g_assert_cmpuint(p->redial.attempts, ==, 0);
    g_assert_cmpuint(p->redial.interval, ==, 20);
    g_assert_true(has_line(e->notes, "/etc/ppp/options.pptp"));

    g_autoptr(DtImport) prov = import_sample("provider.peers", DT_IMPORT_FORMAT_UNKNOWN);
    g_assert_cmpint(prov->format, ==, DT_IMPORT_FORMAT_PEERS);
    e = g_ptr_array_index(prov->entries, 0);
    p = e->profile;
    g_assert_nonnull(p);
    g_assert_cmpint(p->type, ==, DT_PROFILE_TYPE_DIALUP);
    g_assert_cmpstr(p->dialup.device, ==, "/dev/ttyS1");
    g_assert_cmpuint(p->dialup.speed, ==, 115200);
    g_assert_cmpstr(p->dialup.dial_command, ==, "ATDT");
    g_assert_cmpstr(p->dialup.phone, ==, "08450001234");
    g_assert_cmpstr(p->dialup.user, ==, "isp-user@isp.example");
    g_assert_cmpuint(p->redial.idle_disconnect, ==, 600);

    static const char pppoe[] = "plugin rp-pppoe.so eth0\nuser \"dsl\"\nnoipdefault\n";
    g_autoptr(DtImport) dsl = dt_import_peers(pppoe, sizeof pppoe - 1, "dsl", &error);
    g_assert_no_error(error);
    e = g_ptr_array_index(dsl->entries, 0);
    g_assert_null(e->profile);
    g_assert_nonnull(e->skipped);
}

static void
test_wvdial(void)
{
    g_autoptr(DtImport) imp = import_sample("wvdial.conf", DT_IMPORT_FORMAT_UNKNOWN);
    g_assert_cmpint(imp->format, ==, DT_IMPORT_FORMAT_WVDIAL);
    g_assert_cmpuint(imp->entries->len, ==, 3);
    DtImportEntry *m = entry(imp, "mobile");
    g_assert_cmpstr(m->profile->dialup.phone, ==, "*99#");
    g_assert_cmpstr(m->profile->dialup.device, ==, "/dev/ttyUSB0");
    g_assert_cmpuint(m->profile->dialup.speed, ==, 460800);
    g_assert_cmpuint(g_strv_length(m->profile->dialup.init), ==, 3);
    g_assert_cmpstr(m->profile->dialup.init[2], ==, "AT+CGDCONT=1,\"IP\",\"internet.example\"");
    g_assert_cmpstr(m->password, ==, "web");
    DtImportEntry *isp = entry(imp, "isp");
    g_assert_cmpstr(isp->profile->dialup.phone, ==, "9,5551234");
    g_assert_cmpstr(isp->profile->dialup.dial_command, ==, "ATDP");
    g_assert_cmpstr(isp->profile->dialup.user, ==, "carol");
    g_assert_cmpstr(isp->password, ==, "s3cr3t-dial");
    g_assert_false(isp->profile->redial.on_link_failure);
    g_assert_cmpuint(isp->profile->redial.idle_disconnect, ==, 300);
    g_assert_cmpuint(isp->profile->dialup.speed, ==, 57600);
    /* Inherits isp, and Defaults beneath both. */
    DtImportEntry *b = entry(imp, "isp-backup");
    g_assert_cmpstr(b->profile->dialup.phone, ==, "9,5551299");
    g_assert_cmpstr(b->profile->dialup.user, ==, "carol");
    g_assert_cmpstr(b->profile->dialup.device, ==, "/dev/ttyUSB0");
    g_assert_true(has_line(b->notes, "5551300"));
    g_autofree char *text = dt_profile_to_data(isp->profile, NULL);
    g_assert_null(strstr(text, "s3cr3t"));
    g_autofree char *summary = dt_import_summary(imp);
    g_assert_null(strstr(summary, "s3cr3t"));
}

static void
test_detect(void)
{
    g_assert_cmpint(dt_import_detect("x", 1, "a.PBK"), ==, DT_IMPORT_FORMAT_PBK);
    g_assert_cmpint(dt_import_detect("[connection]\ntype=vpn\n", 22, NULL), ==,
                    DT_IMPORT_FORMAT_NM);
    g_assert_cmpint(dt_import_detect("[Dialer x]\n", 11, NULL), ==, DT_IMPORT_FORMAT_WVDIAL);
    g_assert_cmpint(dt_import_detect("pty \"pptp h\"\n", 13, NULL), ==, DT_IMPORT_FORMAT_PEERS);
    g_assert_cmpint(dt_import_detect("hello", 5, NULL), ==, DT_IMPORT_FORMAT_UNKNOWN);
    g_autoptr(GError) error = NULL;
    g_assert_null(dt_import_data("hello", 5, "notes.txt", DT_IMPORT_FORMAT_UNKNOWN, &error));
    g_assert_error(error, DT_IMPORT_ERROR, DT_IMPORT_ERROR_FORMAT);
    DtImportFormat f;
    g_assert_true(dt_import_format_from_string("NM", &f));
    g_assert_cmpint(f, ==, DT_IMPORT_FORMAT_NM);
    g_assert_false(dt_import_format_from_string("unknown", &f));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/import/pbk/windows10", test_pbk_windows10);
    g_test_add_func("/import/pbk/encodings", test_pbk_encodings);
    g_test_add_func("/import/pbk/tolerant", test_pbk_tolerant);
    g_test_add_func("/import/pbk/round-trip", test_pbk_round_trip);
    g_test_add_func("/import/nm/editor-keyfile", test_nm_editor_keyfile);
    g_test_add_func("/import/nm/round-trip", test_nm_round_trip);
    g_test_add_func("/import/peers", test_peers);
    g_test_add_func("/import/wvdial", test_wvdial);
    g_test_add_func("/import/detect", test_detect);
    return g_test_run();
}
