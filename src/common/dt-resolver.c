/* dt-resolver.c — see dt-resolver.h. */
#include "dt-resolver.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define RESOLVED_NAME "org.freedesktop.resolve1"
#define RESOLVED_PATH "/org/freedesktop/resolve1"
#define RESOLVED_MANAGER "org.freedesktop.resolve1.Manager"
#define MAXNS 3          /* glibc's resolv.h: later nameserver lines are ignored */
#define RESOLV_MAX 65536 /* a resolv.conf larger than this is not one we rewrite */

typedef enum {
    BACKEND_RESOLVED,
    BACKEND_FILE,
} Backend;

typedef struct {
    int ifindex;
    char *ifname;
    char **servers;
    char **domains;
    Backend backend;
} Applied;

struct _DtResolver {
    GDBusConnection *bus;
    char *resolv_conf;
    char *backup;
    GPtrArray *links;   /* Applied, oldest first */
    gboolean backed_up; /* this process wrote the backup and owes the restore */
    char *original;     /* the backup's bytes while backed_up */
    gsize original_len;
};

static void
applied_free(Applied *a)
{
    g_free(a->ifname);
    g_strfreev(a->servers);
    g_strfreev(a->domains);
    g_free(a);
}

DtResolver *
dt_resolver_new(GDBusConnection *system_bus, const char *resolv_conf, const char *backup)
{
    DtResolver *r = g_new0(DtResolver, 1);
    r->bus = system_bus ? g_object_ref(system_bus) : NULL;
    r->resolv_conf = g_strdup(resolv_conf);
    r->backup = g_strdup(backup);
    r->links = g_ptr_array_new_with_free_func((GDestroyNotify)applied_free);
    return r;
}

void
dt_resolver_free(DtResolver *r)
{
    if (!r)
        return;
    while (r->links->len > 0) {
        Applied *a = g_ptr_array_index(r->links, r->links->len - 1);
        g_autoptr(GError) error = NULL;
        if (!dt_resolver_revert(r, a->ifindex, &error)) {
            g_warning("DNS: %s", error->message);
            if (r->links->len > 0 && g_ptr_array_index(r->links, r->links->len - 1) == a)
                g_ptr_array_remove_index(r->links, r->links->len - 1);
        }
    }
    g_ptr_array_unref(r->links);
    g_clear_object(&r->bus);
    g_free(r->resolv_conf);
    g_free(r->backup);
    g_free(r->original);
    g_free(r);
}

static Applied *
find(DtResolver *r, int ifindex, guint *index)
{
    for (guint i = 0; i < r->links->len; i++) {
        Applied *a = g_ptr_array_index(r->links, i);
        if (a->ifindex == ifindex) {
            if (index)
                *index = i;
            return a;
        }
    }
    return NULL;
}

const char *
dt_resolver_link_backend(DtResolver *r, int ifindex)
{
    Applied *a = find(r, ifindex, NULL);
    if (!a)
        return NULL;
    return a->backend == BACKEND_RESOLVED ? "systemd-resolved" : "resolv.conf";
}

/* Whether resolved runs now; asking NameHasOwner does not activate it. */
static gboolean
resolved_running(DtResolver *r)
{
    g_autoptr(GVariant) reply = NULL;
    gboolean has = FALSE;

    if (!r->bus)
        return FALSE;
    reply = g_dbus_connection_call_sync(r->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                        "org.freedesktop.DBus", "NameHasOwner",
                                        g_variant_new("(s)", RESOLVED_NAME), G_VARIANT_TYPE("(b)"),
                                        G_DBUS_CALL_FLAGS_NONE, DT_RESOLVER_TIMEOUT_MS, NULL, NULL);
    if (reply)
        g_variant_get(reply, "(b)", &has);
    return has;
}

static gboolean
call_resolved(DtResolver *r, const char *method, GVariant *args, GError **error)
{
    g_autoptr(GVariant) reply = g_dbus_connection_call_sync(
        r->bus, RESOLVED_NAME, RESOLVED_PATH, RESOLVED_MANAGER, method, args, NULL,
        G_DBUS_CALL_FLAGS_NO_AUTO_START, DT_RESOLVER_TIMEOUT_MS, NULL, error);
    if (!reply)
        g_prefix_error(error, "systemd-resolved refused %s: ", method);
    return reply != NULL;
}

static gboolean
apply_resolved(DtResolver *r, const Applied *a, gboolean default_route, GError **error)
{
    GVariantBuilder dns, domains;

    g_variant_builder_init(&dns, G_VARIANT_TYPE("a(iay)"));
    for (char **s = a->servers; *s; s++) {
        g_autoptr(GInetAddress) ia = g_inet_address_new_from_string(*s);
        int family = g_inet_address_get_family(ia) == G_SOCKET_FAMILY_IPV6 ? AF_INET6 : AF_INET;
        g_variant_builder_add(&dns, "(i@ay)", family,
                              g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE,
                                                        g_inet_address_to_bytes(ia),
                                                        g_inet_address_get_native_size(ia), 1));
    }
    g_variant_builder_init(&domains, G_VARIANT_TYPE("a(sb)"));
    for (char **d = a->domains; d && *d; d++)
        g_variant_builder_add(&domains, "(sb)", *d, FALSE);
    if (!call_resolved(r, "SetLinkDNS", g_variant_new("(ia(iay))", a->ifindex, &dns), error)) {
        g_variant_builder_clear(&domains);
        return FALSE;
    }
    if (!call_resolved(r, "SetLinkDomains", g_variant_new("(ia(sb))", a->ifindex, &domains), error))
        return FALSE;
    if (default_route) {
        /* resolved ≥ 240; an older one decides by the domains alone, which is fine. */
        g_autoptr(GError) ignored = NULL;
        call_resolved(r, "SetLinkDefaultRoute", g_variant_new("(ib)", a->ifindex, TRUE), &ignored);
    }
    return TRUE;
}

/* Reads the file, bounded; NULL with error when it cannot be read. */
static char *
read_bounded(const char *path, gsize *len, GError **error)
{
    char *data = NULL;
    if (!g_file_get_contents(path, &data, len, error))
        return NULL;
    if (*len > RESOLV_MAX) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                    "%s is larger than %d octets; not rewriting it", path, RESOLV_MAX);
        g_free(data);
        return NULL;
    }
    return data;
}

/* Rewrites path in place: it may be a bind mount or a symlink's target, which a rename would
 * replace or fail on. */
static gboolean
write_in_place(const char *path, const char *data, gsize len, GError **error)
{
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    gsize done = 0;

    if (fd < 0) {
        int e = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "Cannot write %s: %s", path,
                    g_strerror(e));
        return FALSE;
    }
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            close(fd);
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "Cannot write %s: %s", path,
                        g_strerror(e));
            return FALSE;
        }
        done += (gsize)n;
    }
    fsync(fd);
    close(fd);
    return TRUE;
}

static gboolean
write_backup(DtResolver *r, const char *data, gsize len, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(r->backup);
    if (g_mkdir_with_parents(dir, 0755) < 0) {
        int e = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "Cannot make %s: %s", dir,
                    g_strerror(e));
        return FALSE;
    }
    /* Atomic and synced, before resolv.conf changes: a crash leaves the old file or the new
     * one with a complete backup. */
    return g_file_set_contents_full(r->backup, data, (gssize)len,
                                    G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                    0644, error);
}

static gboolean
is_ours(const char *data, gsize len)
{
    gsize n = strlen(DT_RESOLVER_MARKER);
    return len >= n && memcmp(data, DT_RESOLVER_MARKER, n) == 0;
}

static char *
compose_file(DtResolver *r)
{
    GString *s = g_string_new(DT_RESOLVER_MARKER " for");
    g_autoptr(GPtrArray) search = g_ptr_array_new();
    guint ns = 0;

    for (guint i = r->links->len; i-- > 0;) {
        Applied *a = g_ptr_array_index(r->links, i);
        if (a->backend == BACKEND_FILE)
            g_string_append_printf(s, " %s", a->ifname);
    }
    g_string_append_printf(s,
                           "; the original is kept in %s and comes back when the link goes "
                           "down.\n",
                           r->backup);
    for (guint i = r->links->len; i-- > 0;) {
        Applied *a = g_ptr_array_index(r->links, i);
        if (a->backend != BACKEND_FILE)
            continue;
        for (char **sv = a->servers; *sv && ns < MAXNS; sv++, ns++)
            g_string_append_printf(s, "nameserver %s\n", *sv);
        for (char **d = a->domains; d && *d; d++)
            g_ptr_array_add(search, *d);
    }
    if (search->len > 0) {
        g_string_append(s, "search");
        for (guint i = 0; i < search->len; i++)
            g_string_append_printf(s, " %s", (char *)g_ptr_array_index(search, i));
        g_string_append_c(s, '\n');
    }
    /* The original's options (timeout, edns0, …) still apply to the new servers. */
    g_auto(GStrv) lines = g_strsplit(r->original ? r->original : "", "\n", -1);
    for (char **l = lines; *l; l++)
        if (g_str_has_prefix(*l, "options"))
            g_string_append_printf(s, "%s\n", *l);
    return g_string_free(s, FALSE);
}

static gboolean
rewrite_file(DtResolver *r, GError **error)
{
    g_autofree char *text = compose_file(r);
    return write_in_place(r->resolv_conf, text, strlen(text), error);
}

static gboolean
apply_file(DtResolver *r, GError **error)
{
    if (!r->backed_up) {
        gsize len = 0;
        g_autofree char *current = read_bounded(r->resolv_conf, &len, error);
        if (!current)
            return FALSE;
        if (is_ours(current, len) && g_file_test(r->backup, G_FILE_TEST_EXISTS)) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_BUSY,
                        "%s is managed by another Dialtone link (its backup is %s); not "
                        "changing it",
                        r->resolv_conf, r->backup);
            return FALSE;
        }
        if (is_ours(current, len)) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                        "%s carries Dialtone's marker but no backup exists (%s); restore it "
                        "by hand",
                        r->resolv_conf, r->backup);
            return FALSE;
        }
        if (!write_backup(r, current, len, error))
            return FALSE;
        r->original = g_steal_pointer(&current);
        r->original_len = len;
        r->backed_up = TRUE;
    }
    return rewrite_file(r, error);
}

static gboolean
restore_file(DtResolver *r, GError **error)
{
    if (!write_in_place(r->resolv_conf, r->original, r->original_len, error))
        return FALSE;
    g_unlink(r->backup);
    g_clear_pointer(&r->original, g_free);
    r->backed_up = FALSE;
    return TRUE;
}

static guint
count_file_links(DtResolver *r)
{
    guint n = 0;
    for (guint i = 0; i < r->links->len; i++)
        n += ((Applied *)g_ptr_array_index(r->links, i))->backend == BACKEND_FILE;
    return n;
}

static gboolean
check_servers(const char *const *servers, const char *const *domains, GError **error)
{
    for (const char *const *s = servers; s && *s; s++) {
        g_autoptr(GInetAddress) ia = g_inet_address_new_from_string(*s);
        if (!ia) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "“%s” is not an IP address",
                        *s);
            return FALSE;
        }
    }
    for (const char *const *d = domains; d && *d; d++) {
        gboolean ok = **d && strlen(*d) <= 253;
        for (const char *p = *d; ok && *p; p++)
            ok = g_ascii_isalnum(*p) || *p == '-' || *p == '.' || *p == '_';
        if (!ok) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                        "“%s” is not a search domain", *d);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean
dt_resolver_apply(DtResolver *r, const DtResolverLink *link, GError **error)
{
    Applied *a;
    guint index;

    if (!link->servers || !link->servers[0])
        return TRUE;
    if (!check_servers(link->servers, link->domains, error))
        return FALSE;
    if (find(r, link->ifindex, NULL) && !dt_resolver_revert(r, link->ifindex, error))
        return FALSE;
    a = g_new0(Applied, 1);
    a->ifindex = link->ifindex;
    a->ifname = g_strdup(link->ifname ? link->ifname : "?");
    a->servers = g_strdupv((char **)link->servers);
    a->domains = g_strdupv((char **)link->domains);
    a->backend = resolved_running(r) ? BACKEND_RESOLVED : BACKEND_FILE;
    g_ptr_array_add(r->links, a);
    if (a->backend == BACKEND_RESOLVED ? apply_resolved(r, a, link->default_route, error)
                                       : apply_file(r, error))
        return TRUE;
    if (find(r, link->ifindex, &index))
        g_ptr_array_remove_index(r->links, index);
    return FALSE;
}

gboolean
dt_resolver_revert(DtResolver *r, int ifindex, GError **error)
{
    guint index;
    Applied *a = find(r, ifindex, &index);
    Backend backend;

    if (!a)
        return TRUE;
    backend = a->backend;
    g_ptr_array_remove_index(r->links, index);
    if (backend == BACKEND_RESOLVED) {
        g_autoptr(GError) e = NULL;
        /* The link may be gone already, and its settings with it: that is the point. */
        if (!call_resolved(r, "RevertLink", g_variant_new("(i)", ifindex), &e) &&
            !g_dbus_error_is_remote_error(e)) {
            g_propagate_error(error, g_steal_pointer(&e));
            return FALSE;
        }
        return TRUE;
    }
    if (!r->backed_up)
        return TRUE;
    return count_file_links(r) > 0 ? rewrite_file(r, error) : restore_file(r, error);
}

gboolean
dt_resolver_recover(DtResolver *r, gboolean *restored, GError **error)
{
    g_autofree char *saved = NULL, *current = NULL;
    gsize saved_len = 0, current_len = 0;
    g_autoptr(GError) e = NULL;

    if (restored)
        *restored = FALSE;
    if (!g_file_test(r->backup, G_FILE_TEST_EXISTS))
        return TRUE;
    saved = read_bounded(r->backup, &saved_len, error);
    if (!saved)
        return FALSE;
    current = read_bounded(r->resolv_conf, &current_len, &e);
    if (current && is_ours(current, current_len)) {
        if (!write_in_place(r->resolv_conf, saved, saved_len, error))
            return FALSE;
        if (restored)
            *restored = TRUE;
    }
    /* Restored, or rewritten by someone else since: the backup has done its work. */
    g_unlink(r->backup);
    return TRUE;
}
