/* test-helper-log.c — the helper's connection log (src/helper/dt-helper-log.c): entries keep
 * their fields, callers read only their own (uid 0 everyone's), newest first, filtered by
 * profile and bounded by the limit and by what is kept. */
#include "dt-helper-log.h"

#include <string.h>

static void
add(DtHelperLog *log, guint owner, const char *id, const char *event)
{
    g_autofree char *msg = g_strdup_printf("%s %s by %u", event, id, owner);
    const char *const fields[] = {"EVENT", event, "PROFILE_ID", id, "USER", "alice", NULL};
    dt_helper_log_add(log, owner, msg, fields);
}

static const char *
message_at(GVariant *entries, gsize i)
{
    const char *m;
    g_variant_get_child(entries, i, "(x&s@a{ss})", NULL, &m, NULL);
    return m;
}

static void
test_owner_and_order(void)
{
    g_autoptr(DtHelperLog) log = dt_helper_log_new(16);
    add(log, 1000, "a", "attempt");
    add(log, 1001, "b", "attempt");
    add(log, 1000, "a", "connected");

    g_autoptr(GVariant) mine = g_variant_ref_sink(dt_helper_log_query(log, 1000, "", 0));
    g_assert_cmpuint(g_variant_n_children(mine), ==, 2);
    g_assert_cmpstr(message_at(mine, 0), ==, "connected a by 1000");
    g_assert_cmpstr(message_at(mine, 1), ==, "attempt a by 1000");
    g_autoptr(GVariant) fields = NULL;
    g_variant_get_child(mine, 0, "(xs@a{ss})", NULL, NULL, &fields);
    const char *v = NULL;
    g_assert_true(g_variant_lookup(fields, "EVENT", "&s", &v));
    g_assert_cmpstr(v, ==, "connected");
    g_assert_true(g_variant_lookup(fields, "USER", "&s", &v));
    g_assert_cmpstr(v, ==, "alice");

    g_autoptr(GVariant) other = g_variant_ref_sink(dt_helper_log_query(log, 1001, "", 0));
    g_assert_cmpuint(g_variant_n_children(other), ==, 1);
    g_autoptr(GVariant) nobody = g_variant_ref_sink(dt_helper_log_query(log, 65534, "", 0));
    g_assert_cmpuint(g_variant_n_children(nobody), ==, 0);
    g_autoptr(GVariant) root = g_variant_ref_sink(dt_helper_log_query(log, 0, "", 0));
    g_assert_cmpuint(g_variant_n_children(root), ==, 3);
}

static void
test_filter_limit_keep(void)
{
    g_autoptr(DtHelperLog) log = dt_helper_log_new(4);
    for (int i = 0; i < 6; i++)
        add(log, 1000, i % 2 ? "odd" : "even", i < 5 ? "attempt" : "failed");

    g_autoptr(GVariant) all = g_variant_ref_sink(dt_helper_log_query(log, 1000, "", 0));
    g_assert_cmpuint(g_variant_n_children(all), ==, 4); /* only the newest four are kept */
    g_autoptr(GVariant) odd = g_variant_ref_sink(dt_helper_log_query(log, 1000, "odd", 0));
    g_assert_cmpuint(g_variant_n_children(odd), ==, 2);
    g_assert_cmpstr(message_at(odd, 0), ==, "failed odd by 1000");
    g_autoptr(GVariant) one = g_variant_ref_sink(dt_helper_log_query(log, 1000, "", 1));
    g_assert_cmpuint(g_variant_n_children(one), ==, 1);
    g_assert_cmpstr(message_at(one, 0), ==, "failed odd by 1000");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/helper-log/owner-and-order", test_owner_and_order);
    g_test_add_func("/helper-log/filter-limit-keep", test_filter_limit_keep);
    return g_test_run();
}
