/* dt-helper.h — the org.dialtone.Helper1 object: Connect (every argument validated, here and
 * nowhere else), ListConnections, and the connections it owns. */
#ifndef DT_HELPER_H
#define DT_HELPER_H

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _DtHelper DtHelper;

/* resolv_conf: the file the resolv.conf DNS fallback rewrites; state_dir: where its backup
 * lives (dt-resolver.h). */
DtHelper *dt_helper_new(const char *link_path, const char *resolv_conf, const char *state_dir);
void dt_helper_free(DtHelper *h);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DtHelper, dt_helper_free)

/* Start-up, before any connection: deletes every route tagged DT_RTPROT and restores a
 * resolv.conf backup, both left by a run that crashed (or was killed). */
void dt_helper_remove_leftovers(DtHelper *h, GDBusConnection *bus);
gboolean dt_helper_export(DtHelper *h, GDBusConnection *bus, GError **error);
/* Asks every running worker to disconnect; done() runs once none runs any more. */
void dt_helper_stop_all(DtHelper *h, GSourceFunc done, gpointer user_data);

/* The checks Connect applies to its secrets and options dictionaries; exposed for tests.
 * *password and *dial_first_password point into secrets; the second is required when
 * want_dial_first, refused otherwise. */
gboolean dt_helper_validate_secrets(GVariant *secrets, gboolean want_dial_first,
                                    const char **password, const char **dial_first_password,
                                    GError **error);
gboolean dt_helper_validate_options(GVariant *options, GError **error);
/* A dial-up profile's Device: an absolute path naming (through symlinks) a character device
 * under /dev of the tty kind that is a serial line: a tty-class device or a pseudo-terminal,
 * not a console, a virtual terminal, /dev/tty or /dev/ptmx. */
gboolean dt_helper_validate_serial_device(const char *path, GError **error);

G_END_DECLS

#endif /* DT_HELPER_H */
