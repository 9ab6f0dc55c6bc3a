/* test-resolver.c — dt-resolver's resolv.conf backend on files in a temporary directory (the
 * systemd-resolved backend runs against the real daemon in tests/integration/test-dns.sh). */
#include "dt-resolver.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ORIGINAL "# the machine's own\nnameserver 192.0.2.53\nsearch home.example\noptions edns0\n"

typedef struct {
    char *dir;
    char *conf;
    char *backup;
} Fixture;

static void
fixture_set_up(Fixture *f, gconstpointer data)
{
    f->dir = g_dir_make_tmp("dt-resolver-XXXXXX", NULL);
    g_assert_nonnull(f->dir);
    f->conf = g_build_filename(f->dir, "resolv.conf", NULL);
    f->backup = g_build_filename(f->dir, "state", DT_RESOLVER_BACKUP_NAME, NULL);
    g_assert_true(g_file_set_contents(f->conf, ORIGINAL, -1, NULL));
}

static void
fixture_tear_down(Fixture *f, gconstpointer data)
{
    g_autofree char *state = g_path_get_dirname(f->backup);
    g_unlink(f->backup);
    g_rmdir(state);
    g_unlink(f->conf);
    g_rmdir(f->dir);
    g_free(f->dir);
    g_free(f->conf);
    g_free(f->backup);
}

static char *
slurp(const char *path)
{
    char *s = NULL;
    g_assert_true(g_file_get_contents(path, &s, NULL, NULL));
    return s;
}

static void
test_apply_revert(Fixture *f, gconstpointer data)
{
    const char *const servers[] = {"198.51.100.53", "2001:db8::53", NULL};
    const char *const domains[] = {"corp.example", NULL};
    DtResolverLink link = {.ifindex = 7,
                           .ifname = "dt0",
                           .servers = servers,
                           .domains = domains,
                           .default_route = TRUE};
    g_autoptr(DtResolver) r = dt_resolver_new(NULL, f->conf, f->backup);
    g_autoptr(GError) error = NULL;

    g_assert_true(dt_resolver_apply(r, &link, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(dt_resolver_link_backend(r, 7), ==, "resolv.conf");
    g_autofree char *during = slurp(f->conf);
    g_assert_true(g_str_has_prefix(during, DT_RESOLVER_MARKER));
    g_assert_nonnull(strstr(during, "\nnameserver 198.51.100.53\nnameserver 2001:db8::53\n"));
    g_assert_nonnull(strstr(during, "\nsearch corp.example\n"));
    g_assert_nonnull(strstr(during, "\noptions edns0\n"));
    g_assert_null(strstr(during, "192.0.2.53"));
    g_autofree char *saved = slurp(f->backup);
    g_assert_cmpstr(saved, ==, ORIGINAL);

    g_assert_true(dt_resolver_revert(r, 7, &error));
    g_autofree char *after = slurp(f->conf);
    g_assert_cmpstr(after, ==, ORIGINAL);
    g_assert_false(g_file_test(f->backup, G_FILE_TEST_EXISTS));
    g_assert_null(dt_resolver_link_backend(r, 7));
}

static void
test_two_links(Fixture *f, gconstpointer data)
{
    const char *const a[] = {"198.51.100.1", "198.51.100.2", NULL};
    const char *const b[] = {"203.0.113.1", "203.0.113.2", NULL};
    DtResolverLink la = {.ifindex = 3, .ifname = "dt0", .servers = a};
    DtResolverLink lb = {.ifindex = 4, .ifname = "dt1", .servers = b};
    g_autoptr(DtResolver) r = dt_resolver_new(NULL, f->conf, f->backup);
    g_autoptr(GError) error = NULL;

    g_assert_true(dt_resolver_apply(r, &la, &error));
    g_assert_true(dt_resolver_apply(r, &lb, &error));
    g_autofree char *both = slurp(f->conf);
    /* Newest first, at most three. */
    g_assert_nonnull(strstr(
        both, "\nnameserver 203.0.113.1\nnameserver 203.0.113.2\nnameserver 198.51.100.1\n"));
    g_assert_null(strstr(both, "198.51.100.2"));
    g_assert_true(dt_resolver_revert(r, 4, &error));
    g_autofree char *one = slurp(f->conf);
    g_assert_true(g_str_has_prefix(one, DT_RESOLVER_MARKER));
    g_assert_nonnull(strstr(one, "nameserver 198.51.100.2\n"));
    g_assert_null(strstr(one, "203.0.113.1"));
    g_assert_true(g_file_test(f->backup, G_FILE_TEST_EXISTS));
    g_assert_true(dt_resolver_revert(r, 3, &error));
    g_assert_no_error(error);
    g_autofree char *after = slurp(f->conf);
    g_assert_cmpstr(after, ==, ORIGINAL);
}

static void
test_free_restores(Fixture *f, gconstpointer data)
{
    const char *const servers[] = {"198.51.100.53", NULL};
    DtResolverLink link = {.ifindex = 9, .ifname = "dt0", .servers = servers};
    DtResolver *r = dt_resolver_new(NULL, f->conf, f->backup);

    g_assert_true(dt_resolver_apply(r, &link, NULL));
    dt_resolver_free(r);
    g_autofree char *after = slurp(f->conf);
    g_assert_cmpstr(after, ==, ORIGINAL);
}

/* A run that died with the file rewritten (a child that exits without tearing down): another
 * instance leaves the file alone, and the next start brings the original back. */
static void
test_recover(Fixture *f, gconstpointer data)
{
    const char *const servers[] = {"198.51.100.53", NULL};
    DtResolverLink link = {.ifindex = 9, .ifname = "dt0", .servers = servers};
    gboolean restored = FALSE;
    g_autoptr(GError) error = NULL;
    int status = -1;
    pid_t pid = fork();

    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        DtResolver *crashing = dt_resolver_new(NULL, f->conf, f->backup);
        _exit(dt_resolver_apply(crashing, &link, NULL) ? 0 : 1);
    }
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    g_autofree char *during = slurp(f->conf);
    g_assert_true(g_str_has_prefix(during, DT_RESOLVER_MARKER));
    {
        g_autoptr(DtResolver) other = dt_resolver_new(NULL, f->conf, f->backup);
        g_assert_false(dt_resolver_apply(other, &link, &error));
        g_assert_error(error, G_IO_ERROR, G_IO_ERROR_BUSY);
        g_clear_error(&error);
    }
    g_autoptr(DtResolver) next = dt_resolver_new(NULL, f->conf, f->backup);
    g_assert_true(dt_resolver_recover(next, &restored, &error));
    g_assert_no_error(error);
    g_assert_true(restored);
    g_autofree char *after = slurp(f->conf);
    g_assert_cmpstr(after, ==, ORIGINAL);
    g_assert_false(g_file_test(f->backup, G_FILE_TEST_EXISTS));
}

/* Someone rewrote the file after the crash: theirs stays, the stale backup goes. */
static void
test_recover_rewritten(Fixture *f, gconstpointer data)
{
    g_autofree char *state = g_path_get_dirname(f->backup);
    gboolean restored = TRUE;
    g_autoptr(DtResolver) r = dt_resolver_new(NULL, f->conf, f->backup);

    g_assert_cmpint(g_mkdir_with_parents(state, 0755), ==, 0);
    g_assert_true(g_file_set_contents(f->backup, "nameserver 10.0.0.1\n", -1, NULL));
    g_assert_true(g_file_set_contents(f->conf, "nameserver 10.9.9.9\n", -1, NULL));
    g_assert_true(dt_resolver_recover(r, &restored, NULL));
    g_assert_false(restored);
    g_autofree char *after = slurp(f->conf);
    g_assert_cmpstr(after, ==, "nameserver 10.9.9.9\n");
    g_assert_false(g_file_test(f->backup, G_FILE_TEST_EXISTS));
}

static void
test_refuses_bad_values(Fixture *f, gconstpointer data)
{
    const char *const bad_server[] = {"198.51.100.53\nnameserver 6.6.6.6", NULL};
    const char *const good[] = {"198.51.100.53", NULL};
    const char *const bad_domain[] = {"corp.example\noptions ndots:15", NULL};
    DtResolverLink l1 = {.ifindex = 1, .ifname = "dt0", .servers = bad_server};
    DtResolverLink l2 = {.ifindex = 1, .ifname = "dt0", .servers = good, .domains = bad_domain};
    DtResolverLink none = {.ifindex = 2, .ifname = "dt1", .servers = NULL};
    g_autoptr(DtResolver) r = dt_resolver_new(NULL, f->conf, f->backup);
    g_autoptr(GError) error = NULL;

    g_assert_false(dt_resolver_apply(r, &l1, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_clear_error(&error);
    g_assert_false(dt_resolver_apply(r, &l2, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_assert_true(dt_resolver_apply(r, &none, NULL));
    g_autofree char *after = slurp(f->conf);
    g_assert_cmpstr(after, ==, ORIGINAL);
    g_assert_false(g_file_test(f->backup, G_FILE_TEST_EXISTS));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(name, fn) g_test_add(name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
    ADD("/resolver/file/apply-revert", test_apply_revert);
    ADD("/resolver/file/two-links", test_two_links);
    ADD("/resolver/file/free-restores", test_free_restores);
    ADD("/resolver/file/recover", test_recover);
    ADD("/resolver/file/recover-rewritten", test_recover_rewritten);
    ADD("/resolver/file/refuses-bad-values", test_refuses_bad_values);
#undef ADD
    return g_test_run();
}
