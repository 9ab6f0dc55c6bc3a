/* test-app-models.c — the app's code that needs no display: the serial port
 * listing behind the dial-up device chooser, and DtProfileList, the
 * GListModel behind the main window (items-changed, delete and undo), and the tray's icon
 * names and styles. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "dt-connection-info.h"
#include "dt-profile-list.h"
#include "dt-serial-ports.h"
#include "dt-tray.h"

static char *
make_tree(void)
{
    g_autoptr(GError) error = NULL;
    char *root = g_dir_make_tmp("dt-app-models-XXXXXX", &error);
    g_assert_no_error(error);
    return root;
}

static void
touch(const char *dir, const char *name, const char *contents)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autofree char *parent = g_path_get_dirname(path);
    g_assert_cmpint(g_mkdir_with_parents(parent, 0700), ==, 0);
    g_assert_true(g_file_set_contents(path, contents, -1, NULL));
}

static void
remove_tree(const char *path)
{
    g_autoptr(GFile) f = g_file_new_for_path(path);
    g_autoptr(GFileEnumerator) e = g_file_enumerate_children(
        f, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
    GFileInfo *info;
    while (e && (info = g_file_enumerator_next_file(e, NULL, NULL))) {
        g_autofree char *child = g_build_filename(path, g_file_info_get_name(info), NULL);
        if (g_file_info_get_file_type(info) == G_FILE_TYPE_DIRECTORY)
            remove_tree(child);
        else
            g_unlink(child);
        g_object_unref(info);
    }
    g_rmdir(path);
}

static void
test_serial_ports(void)
{
    g_autofree char *root = make_tree();
    g_autofree char *dev = g_build_filename(root, "dev", NULL);
    g_autofree char *sys = g_build_filename(root, "sys", NULL);

    touch(dev, "ttyS0", "");
    touch(dev, "ttyS1", "");
    touch(dev, "ttyS10", "");
    touch(dev, "ttyS2", "");
    touch(dev, "ttyUSB0", "");
    touch(dev, "ttyACM3", "");
    touch(dev, "tty1", "");          /* a console, not a serial port */
    touch(dev, "ttySx", "");         /* not a port name */
    touch(sys, "ttyS1/type", "0\n"); /* an 8250 slot with no UART */
    touch(sys, "ttyS0/type", "4\n");
    g_autofree char *by_id = g_build_filename(dev, "serial", "by-id", NULL);
    g_assert_cmpint(g_mkdir_with_parents(by_id, 0700), ==, 0);
    g_autofree char *link = g_build_filename(by_id, "usb-Acme_Modem_56k-if00", NULL);
    g_assert_cmpint(symlink("../../ttyUSB0", link), ==, 0);

    g_autoptr(GPtrArray) ports = dt_serial_ports_list(dev, sys);
    const char *want[] = {
        "serial/by-id/usb-Acme_Modem_56k-if00", "ttyACM3", "ttyUSB0", "ttyS0", "ttyS2", "ttyS10"};
    g_assert_cmpuint(ports->len, ==, G_N_ELEMENTS(want));
    for (guint i = 0; i < ports->len; i++) {
        const DtSerialPort *p = g_ptr_array_index(ports, i);
        g_autofree char *path = g_build_filename(dev, want[i], NULL);
        g_assert_cmpstr(p->path, ==, path);
    }
    const DtSerialPort *first = g_ptr_array_index(ports, 0);
    g_assert_cmpstr(first->label, ==, "usb-Acme_Modem_56k-if00 (ttyUSB0)");

    /* A folder that is not there lists nothing and does not fail. */
    g_autofree char *none = g_build_filename(root, "missing", NULL);
    g_autoptr(GPtrArray) empty = dt_serial_ports_list(none, none);
    g_assert_cmpuint(empty->len, ==, 0);
    remove_tree(root);
}

typedef struct {
    guint calls, removed, added;
} Changes;

static void
on_items_changed(GListModel *m, guint pos, guint removed, guint added, gpointer data)
{
    Changes *c = data;
    c->calls++;
    c->removed += removed;
    c->added += added;
}

static DtProfile *
make_pptp(const char *name, const char *server)
{
    DtProfile *p = dt_profile_new(DT_PROFILE_TYPE_PPTP);
    g_free(p->name);
    p->name = g_strdup(name);
    p->pptp.server = g_strdup(server);
    return p;
}

static void
test_profile_list(void)
{
    g_autofree char *root = make_tree();
    g_autoptr(DtProfileList) list = dt_profile_list_new(root);
    g_autoptr(GError) error = NULL;
    Changes c = {0};

    g_signal_connect(list, "items-changed", G_CALLBACK(on_items_changed), &c);
    g_assert_true(dt_profile_list_load(list, NULL, &error));
    g_assert_cmpuint(g_list_model_get_n_items(G_LIST_MODEL(list)), ==, 0);
    g_assert_true(g_list_model_get_item_type(G_LIST_MODEL(list)) == DT_TYPE_PROFILE_ITEM);

    /* An ISP to dial first, and a VPN over it: the row says so. */
    g_autoptr(DtProfile) isp = dt_profile_new(DT_PROFILE_TYPE_DIALUP);
    g_free(isp->name);
    isp->name = g_strdup("Office ISP");
    isp->dialup.device = g_strdup("/dev/ttyUSB0");
    isp->dialup.phone = g_strdup("5551234");
    g_assert_true(dt_profile_list_save(list, isp, &error));
    g_autoptr(DtProfile) vpn = make_pptp("Office VPN", "vpn.example.com");
    vpn->dial_first = g_strdup(isp->id);
    g_assert_true(dt_profile_list_save(list, vpn, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(g_list_model_get_n_items(G_LIST_MODEL(list)), ==, 2);
    g_assert_cmpuint(c.calls, ==, 3);

    gint at = dt_profile_list_find(list, vpn->id);
    g_assert_cmpint(at, ==, 1); /* sorted by name */
    g_autoptr(DtProfileItem) item = g_list_model_get_item(G_LIST_MODEL(list), (guint)at);
    g_assert_cmpstr(dt_profile_item_get_name(item), ==, "Office VPN");
    g_assert_cmpstr(dt_profile_item_get_description(item), ==,
                    "PPTP VPN · vpn.example.com · dials Office ISP first");
    g_assert_null(g_list_model_get_item(G_LIST_MODEL(list), 2));

    /* The ISP cannot go while the VPN dials it first. */
    g_assert_null(dt_profile_list_delete(list, isp->id, &error));
    g_assert_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_DIAL_FIRST);
    g_clear_error(&error);

    g_autofree char *copy_id = dt_profile_list_duplicate(list, vpn->id, &error);
    g_assert_no_error(error);
    g_assert_cmpint(dt_profile_list_find(list, copy_id), >=, 0);
    g_autoptr(DtProfileItem) copy =
        g_list_model_get_item(G_LIST_MODEL(list), (guint)dt_profile_list_find(list, copy_id));
    g_assert_cmpstr(dt_profile_item_get_name(copy), ==, "Copy of Office VPN");

    /* Delete hands back the profile; saving it again is the undo. */
    g_autofree char *path = g_strdup_printf("%s/%s.conf", root, copy_id);
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    g_autoptr(DtProfile) gone = dt_profile_list_delete(list, copy_id, &error);
    g_assert_no_error(error);
    g_assert_nonnull(gone);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_cmpint(dt_profile_list_find(list, copy_id), ==, -1);
    g_assert_true(dt_profile_list_save(list, gone, &error));
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_cmpint(dt_profile_list_find(list, copy_id), >=, 0);

    /* A taken name is refused and nothing changes. */
    guint calls = c.calls;
    g_assert_false(dt_profile_list_rename(list, copy_id, "office vpn", &error));
    g_assert_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_EXISTS);
    g_clear_error(&error);
    g_assert_cmpuint(c.calls, ==, calls);
    g_assert_true(dt_profile_list_rename(list, copy_id, "Home VPN", &error));

    /* What the model shows is what a fresh load reads from disk. */
    g_autoptr(DtProfileList) again = dt_profile_list_new(root);
    g_assert_true(dt_profile_list_load(again, NULL, &error));
    g_assert_cmpuint(g_list_model_get_n_items(G_LIST_MODEL(again)), ==, 3);
    g_assert_cmpint(dt_profile_list_find(again, copy_id), >=, 0);
    g_assert_cmpuint(c.added - c.removed, ==, 3);
    remove_tree(root);
}

/* What the helper's Protocols look like after network-up (data/org.dialtone.Helper1.xml). */
static GVariant *
protocols(const char *strength, gboolean encrypted, gboolean compression, gboolean stateless)
{
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&b, "{sv}", "auth", g_variant_new_string("MS-CHAP v2"));
    g_variant_builder_add(&b, "{sv}", "encrypted", g_variant_new_boolean(encrypted));
    g_variant_builder_add(&b, "{sv}", "strength", g_variant_new_string(strength));
    g_variant_builder_add(
        &b, "{sv}", "strength-word",
        g_variant_new_string(g_str_equal(strength, "128-bit") ? "strong" : "weak"));
    g_variant_builder_add(&b, "{sv}", "stateless", g_variant_new_boolean(stateless));
    g_variant_builder_add(&b, "{sv}", "compression", g_variant_new_boolean(compression));
    return g_variant_ref_sink(g_variant_builder_end(&b));
}

static void
test_connection_info(void)
{
    g_autoptr(GVariant) strong = protocols("128-bit", TRUE, TRUE, TRUE);
    g_autoptr(GVariant) weak = protocols("40-bit", TRUE, FALSE, FALSE);
    g_autoptr(GVariant) clear = protocols("", FALSE, FALSE, FALSE);
    g_autoptr(GVariant) empty = g_variant_ref_sink(g_variant_new("a{sv}", NULL));
    g_autofree char *s1 = dt_connection_info_summary(strong);
    g_autofree char *s2 = dt_connection_info_summary(weak);
    g_autofree char *s3 = dt_connection_info_summary(clear);
    g_autofree char *e1 = dt_connection_info_encryption(strong);
    g_autofree char *e2 = dt_connection_info_encryption(weak);
    g_autofree char *e3 = dt_connection_info_encryption(clear);

    g_assert_cmpstr(s1, ==, "MS-CHAP v2 · MPPC · MPPE 128-bit");
    g_assert_cmpstr(s2, ==, "MS-CHAP v2 · MPPE 40-bit");
    g_assert_cmpstr(s3, ==, "MS-CHAP v2 · not encrypted");
    g_assert_null(dt_connection_info_summary(empty));
    g_assert_null(dt_connection_info_summary(NULL));
    g_assert_cmpstr(e1, ==, "MPPE 128-bit, stateless (strong)");
    g_assert_cmpstr(e2, ==, "MPPE 40-bit, stateful (weak)");
    g_assert_cmpstr(e3, ==, "None (not encrypted)");
    g_assert_true(dt_connection_info_is_strong(strong));
    g_assert_false(dt_connection_info_is_strong(weak));
    g_assert_false(dt_connection_info_is_strong(clear));

    /* Option 18 (RFC 3078 §2.1): bytes, and each bit in words. */
    g_autofree char *bytes = dt_connection_info_format_option("01000041");
    g_assert_cmpstr(bytes, ==, "01 00 00 41");
    g_autofree char *lower = dt_connection_info_format_option("0100004a");
    g_assert_cmpstr(lower, ==, "01 00 00 4A");
    const char *bad[] = {NULL, "", "0100004", "010000410", "0100004g", "+1000041", " 1000041"};
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_null(dt_connection_info_format_option(bad[i]));
        g_assert_null(dt_connection_info_explain_option(bad[i]));
    }
    g_autoptr(GPtrArray) bits = dt_connection_info_explain_option("01000041");
    g_assert_cmpuint(bits->len, ==, 6);
    g_assert_cmpstr(bits->pdata[0], ==, "H = 1: stateless mode: a new key for every packet");
    g_assert_cmpstr(bits->pdata[1], ==, "S = 1: 128-bit encryption");
    g_assert_cmpstr(bits->pdata[2], ==, "M = 0: no 56-bit encryption");
    g_assert_cmpstr(bits->pdata[3], ==, "L = 0: no 40-bit encryption");
    g_assert_cmpstr(bits->pdata[5], ==, "C = 1: MPPC compression");
    g_autoptr(GPtrArray) odd = dt_connection_info_explain_option("80000020");
    g_assert_cmpuint(odd->len, ==, 7);
    g_assert_cmpstr(odd->pdata[0], ==,
                    "H = 0: stateful mode allowed: the key changes every 256 packets");
    g_assert_cmpstr(odd->pdata[3], ==, "L = 1: 40-bit encryption");
    g_assert_cmpstr(odd->pdata[6], ==, "Other bits 0x80000000: not defined by RFC 3078");

    g_autofree char *w1 = dt_connection_info_state_words("connecting", "lcp-up");
    g_autofree char *w2 = dt_connection_info_state_words("connected", "network-up");
    g_autofree char *w3 = dt_connection_info_state_words(NULL, NULL);
    g_assert_cmpstr(w1, ==, "Connecting (authenticating)…");
    g_assert_cmpstr(w2, ==, "Connected");
    g_assert_cmpstr(w3, ==, "Not connected");
    g_assert_true(strstr(dt_connection_info_next_step("auth-failed"), "password") != NULL);
    g_assert_true(strstr(dt_connection_info_next_step("mppe-refused"), "Security") != NULL);
    g_assert_true(strstr(dt_connection_info_next_step("modem-busy"), "modem") != NULL);
    g_assert_true(strstr(dt_connection_info_next_step("timeout"), "server address") != NULL);

    g_autofree char *d1 = dt_connection_info_duration(65999);
    g_autofree char *d2 = dt_connection_info_duration(3723000);
    g_assert_cmpstr(d1, ==, "1:05");
    g_assert_cmpstr(d2, ==, "1:02:03");
}

/* Every name the tray can set names a file of its own in the sources (installed as they are),
 * in both styles; and the styles differ. */
static void
test_tray_icons(void)
{
    static const char *const states[] = {"idle", "connecting", "strong", "weak", "error"};
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    guint files = 0;

    for (gsize i = 0; i < G_N_ELEMENTS(states); i++) {
        for (int lights = 0; lights < 4; lights++) {
            for (int symbolic = 0; symbolic < 2; symbolic++) {
                g_autofree char *name =
                    dt_tray_icon_name(states[i], lights & 1, (lights & 2) != 0, symbolic);
                g_autofree char *file = g_strconcat(name, ".svg", NULL);
                g_autofree char *path = g_build_filename(DT_SOURCE_ICONDIR, "hicolor", "scalable",
                                                         "status", file, NULL);
                g_autofree char *svg = NULL;

                g_assert_true(g_str_has_prefix(name, "dialtone-"));
                g_assert_cmpint(g_str_has_suffix(name, "-symbolic"), ==, symbolic);
                g_assert_true(g_file_get_contents(path, &svg, NULL, NULL));
                /* The symbolic ones in one colour, the coloured ones never in it alone. */
                g_assert_cmpint(strstr(svg, "#bebebe") != NULL, ==, symbolic);
                if (!g_hash_table_contains(seen, name))
                    files++;
                g_hash_table_add(seen, g_steal_pointer(&name));
            }
        }
    }
    /* idle, connecting, error without lights; strong and weak with four each: 11 a style. */
    g_assert_cmpuint(files, ==, 22);
    /* The lights only while connected. */
    g_autofree char *idle = dt_tray_icon_name("idle", TRUE, TRUE, FALSE);
    g_autofree char *weak = dt_tray_icon_name("weak", FALSE, TRUE, TRUE);
    g_assert_cmpstr(idle, ==, "dialtone-idle");
    g_assert_cmpstr(weak, ==, "dialtone-weak-rx-symbolic");
}

static void
test_tray_icon_style(void)
{
    static const struct {
        DtTrayIconStyle style;
        const char *desktop;
        gboolean symbolic;
    } cases[] = {
        {DT_TRAY_ICON_STYLE_AUTO, "GNOME", TRUE},
        {DT_TRAY_ICON_STYLE_AUTO, "ubuntu:GNOME", TRUE},
        {DT_TRAY_ICON_STYLE_AUTO, "Budgie:GNOME", TRUE},
        {DT_TRAY_ICON_STYLE_AUTO, "Unity", TRUE},
        {DT_TRAY_ICON_STYLE_AUTO, "Pantheon", TRUE},
        {DT_TRAY_ICON_STYLE_AUTO, "GNOME-Classic:GNOME", TRUE},
        {DT_TRAY_ICON_STYLE_AUTO, "XFCE", FALSE},
        {DT_TRAY_ICON_STYLE_AUTO, "KDE", FALSE},
        {DT_TRAY_ICON_STYLE_AUTO, "X-Cinnamon", FALSE},
        {DT_TRAY_ICON_STYLE_AUTO, "", FALSE},
        {DT_TRAY_ICON_STYLE_AUTO, NULL, FALSE},
        {DT_TRAY_ICON_STYLE_COLOR, "GNOME", FALSE},
        {DT_TRAY_ICON_STYLE_SYMBOLIC, "XFCE", TRUE},
        {DT_TRAY_ICON_STYLE_SYMBOLIC, NULL, TRUE},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++)
        g_assert_cmpint(dt_tray_icon_style_is_symbolic(cases[i].style, cases[i].desktop), ==,
                        cases[i].symbolic);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/app/serial-ports", test_serial_ports);
    g_test_add_func("/app/profile-list", test_profile_list);
    g_test_add_func("/app/connection-info", test_connection_info);
    g_test_add_func("/app/tray-icons", test_tray_icons);
    g_test_add_func("/app/tray-icon-style", test_tray_icon_style);
    return g_test_run();
}
