/* test-import-libnm.c — NetworkManager's own keyfile code (libnm 1.30+, Debian 12 has 1.42)
 * on both sides of the NM importer and exporter, offline:
 * - every keyfile dt_export_nm() writes is read by nm_keyfile_read() without a single warning
 *   at any severity, normalises and verifies as a connection NetworkManager would load, and
 *   carries only data items the PPTP plugin knows, its booleans exactly yes/no;
 * - a connection built through libnm the way nm-connection-editor fills it, written with
 *   nm_keyfile_write(), imports to the expected profile, its secret to the keyring side. */
#include <NetworkManager.h>
#include <string.h>

#include "dt-export.h"
#include "dt-import-nm.h"
#include "dt-import.h"

static gboolean
warn_cb(GKeyFile *keyfile, NMConnection *connection, NMKeyfileHandlerType type,
        NMKeyfileHandlerData *data, void *user_data)
{
    (void)keyfile;
    (void)connection;
    GPtrArray *warnings = user_data;
    if (type == NM_KEYFILE_HANDLER_TYPE_WARN) {
        const char *message = NULL;
        NMKeyfileWarnSeverity severity;
        nm_keyfile_handler_data_warn_get(data, &message, &severity);
        g_ptr_array_add(warnings, g_strdup_printf("%d: %s", (int)severity, message));
    }
    return TRUE;
}

static DtImport *
import_sample(const char *name)
{
    g_autofree char *path = g_build_filename(g_getenv("DT_IMPORT_SAMPLES"), name, NULL);
    g_autoptr(GError) error = NULL;
    DtImport *imp = dt_import_file(path, DT_IMPORT_FORMAT_UNKNOWN, &error);
    g_assert_no_error(error);
    return imp;
}

static void
check_with_libnm(const DtProfile *p)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *text = dt_export_nm(p, NULL, &error);
    g_assert_no_error(error);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_assert_true(g_key_file_load_from_data(kf, text, (gsize)-1, G_KEY_FILE_NONE, &error));
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(NMConnection) c = nm_keyfile_read(kf, "/nonexistent", NM_KEYFILE_HANDLER_FLAGS_NONE,
                                                warn_cb, warnings, &error);
    g_assert_no_error(error);
    g_assert_nonnull(c);
    for (guint i = 0; i < warnings->len; i++)
        g_test_message("libnm: %s", (char *)g_ptr_array_index(warnings, i));
    g_assert_cmpuint(warnings->len, ==, 0);
    g_assert_true(nm_connection_normalize(c, NULL, NULL, &error));
    g_assert_no_error(error);
    g_assert_true(nm_connection_verify(c, &error));
    g_assert_no_error(error);

    g_assert_cmpstr(nm_connection_get_uuid(c), ==, p->id);
    g_assert_cmpstr(nm_connection_get_id(c), ==, p->name);
    NMSettingVpn *vpn = nm_connection_get_setting_vpn(c);
    g_assert_nonnull(vpn);
    g_assert_cmpstr(nm_setting_vpn_get_service_type(vpn), ==, DT_NM_PPTP_SERVICE);
    g_assert_cmpstr(nm_setting_vpn_get_data_item(vpn, "gateway"), ==, p->pptp.server);
    g_assert_cmpuint(nm_setting_vpn_get_num_secrets(vpn), ==, 0);
    guint n = 0;
    const char **keys = nm_setting_vpn_get_data_keys(vpn, &n);
    g_assert_cmpuint(n, >, 0);
    for (guint i = 0; i < n; i++) {
        g_assert_true(g_strv_contains(dt_export_nm_pptp_keys, keys[i]));
        const char *v = nm_setting_vpn_get_data_item(vpn, keys[i]);
        if (g_str_has_prefix(keys[i], "refuse-") || g_str_has_prefix(keys[i], "require-") ||
            strcmp(keys[i], "mppe-stateful") == 0)
            g_assert_true(strcmp(v, "yes") == 0 || strcmp(v, "no") == 0);
    }
    g_free(keys);
    g_assert_true(nm_setting_vpn_get_persistent(vpn) == p->redial.on_link_failure);
    NMSettingIPConfig *ip4 = nm_connection_get_setting_ip4_config(c);
    g_assert_nonnull(ip4);
    g_assert_true(nm_setting_ip_config_get_never_default(ip4) == !p->ipv4.default_route);
    if (p->ipv4.dns.mode == DT_DNS_STATIC)
        g_assert_cmpstr(nm_setting_ip_config_get_dns(ip4, 0), ==, p->ipv4.dns.servers[0]);
    g_assert_cmpuint(nm_setting_ip_config_get_num_routes(ip4), ==, g_strv_length(p->ipv4.routes));
}

static void
test_export_accepted(void)
{
    static const char *const files[] = {"work-pptp.nmconnection", "hotel.nmconnection",
                                        "windows10.pbk", "tunnel.peers", "office.peers"};
    guint checked = 0;
    for (gsize f = 0; f < G_N_ELEMENTS(files); f++) {
        g_autoptr(DtImport) imp = import_sample(files[f]);
        for (guint i = 0; i < imp->entries->len; i++) {
            DtImportEntry *e = g_ptr_array_index(imp->entries, i);
            if (e->profile && e->profile->type == DT_PROFILE_TYPE_PPTP) {
                check_with_libnm(e->profile);
                checked++;
            }
        }
    }
    g_assert_cmpuint(checked, ==, 6);
}

static void
test_import_libnm_written(void)
{
    NMConnection *c = nm_simple_connection_new();
    NMSettingConnection *sc = NM_SETTING_CONNECTION(nm_setting_connection_new());
    g_object_set(sc, NM_SETTING_CONNECTION_ID, "Branch office", NM_SETTING_CONNECTION_UUID,
                 "7d8e9f00-1122-4334-8556-778899aabbcc", NM_SETTING_CONNECTION_TYPE,
                 NM_SETTING_VPN_SETTING_NAME, NM_SETTING_CONNECTION_AUTOCONNECT, FALSE, NULL);
    nm_connection_add_setting(c, NM_SETTING(sc));
    NMSettingVpn *vpn = NM_SETTING_VPN(nm_setting_vpn_new());
    g_object_set(vpn, NM_SETTING_VPN_SERVICE_TYPE, DT_NM_PPTP_SERVICE, NULL);
    nm_setting_vpn_add_data_item(vpn, "gateway", "branch.example.net");
    nm_setting_vpn_add_data_item(vpn, "user", "dave");
    nm_setting_vpn_add_data_item(vpn, "domain", "BRANCH");
    nm_setting_vpn_add_data_item(vpn, "password-flags", "0");
    nm_setting_vpn_add_data_item(vpn, "refuse-eap", "yes");
    nm_setting_vpn_add_data_item(vpn, "refuse-pap", "yes");
    nm_setting_vpn_add_data_item(vpn, "refuse-chap", "yes");
    nm_setting_vpn_add_data_item(vpn, "refuse-mschap", "yes");
    nm_setting_vpn_add_data_item(vpn, "require-mppe", "yes");
    nm_setting_vpn_add_data_item(vpn, "lcp-echo-failure", "5");
    nm_setting_vpn_add_data_item(vpn, "lcp-echo-interval", "30");
    nm_setting_vpn_add_secret(vpn, "password", "correct horse battery");
    nm_connection_add_setting(c, NM_SETTING(vpn));
    NMSettingIPConfig *ip4 = NM_SETTING_IP_CONFIG(nm_setting_ip4_config_new());
    g_object_set(ip4, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP4_CONFIG_METHOD_AUTO,
                 NM_SETTING_IP_CONFIG_NEVER_DEFAULT, TRUE, NULL);
    nm_setting_ip_config_add_dns(ip4, "172.16.0.2");
    nm_setting_ip_config_add_dns_search(ip4, "branch.example.net");
    g_autoptr(GError) error = NULL;
    NMIPRoute *r = nm_ip_route_new(AF_INET, "172.16.0.0", 12, NULL, -1, &error);
    g_assert_no_error(error);
    nm_setting_ip_config_add_route(ip4, r);
    nm_ip_route_unref(r);
    nm_connection_add_setting(c, NM_SETTING(ip4));
    g_assert_true(nm_connection_normalize(c, NULL, NULL, &error));
    g_assert_no_error(error);

    g_autoptr(GKeyFile) kf = nm_keyfile_write(c, NM_KEYFILE_HANDLER_FLAGS_NONE, NULL, NULL, &error);
    g_assert_no_error(error);
    g_object_unref(c);
    gsize len;
    g_autofree char *text = g_key_file_to_data(kf, &len, NULL);
    g_autoptr(DtImport) imp = dt_import_nm(text, len, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(imp->entries->len, ==, 1);
    DtImportEntry *e = g_ptr_array_index(imp->entries, 0);
    const DtProfile *p = e->profile;
    g_assert_nonnull(p);
    g_assert_cmpstr(p->id, ==, "7d8e9f00-1122-4334-8556-778899aabbcc");
    g_assert_cmpstr(p->name, ==, "Branch office");
    g_assert_cmpstr(p->pptp.server, ==, "branch.example.net");
    g_assert_cmpstr(p->pptp.user, ==, "dave");
    g_assert_cmpstr(p->pptp.domain, ==, "BRANCH");
    g_autofree char *auth = dt_auth_list_to_string(&p->security.authentication);
    g_assert_cmpstr(auth, ==, "mschapv2");
    g_assert_cmpint(p->security.encryption, ==, DT_ENCRYPTION_REQUIRE);
    g_assert_cmpuint(p->ppp.echo_interval, ==, 30);
    g_assert_cmpuint(p->ppp.echo_failures, ==, 5);
    g_assert_false(p->ipv4.default_route);
    g_assert_cmpstr(p->ipv4.dns.servers[0], ==, "172.16.0.2");
    g_assert_cmpstr(p->ipv4.dns_search[0], ==, "branch.example.net");
    g_assert_cmpstr(p->ipv4.routes[0], ==, "172.16.0.0/12");
    g_assert_cmpstr(e->password, ==, "correct horse battery");
    g_autofree char *profile_text = dt_profile_to_data(p, NULL);
    g_assert_null(strstr(profile_text, "horse"));
    g_autofree char *summary = dt_import_summary(imp);
    g_assert_null(strstr(summary, "horse"));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/import/libnm/export-accepted", test_export_accepted);
    g_test_add_func("/import/libnm/import-libnm-written", test_import_libnm_written);
    return g_test_run();
}
