/* dt-profile-store.h — the folder of profiles: list, find, save, duplicate,
 * rename, delete, and the DialFirst rules across profiles.
 *
 * The store owns its profiles; functions returning `const DtProfile *` lend
 * them until the next change to the store. Every change is written to disk
 * before the store's copy changes, so a failed write leaves both as they
 * were. */
#ifndef DT_PROFILE_STORE_H
#define DT_PROFILE_STORE_H

#include "dt-profile.h"

G_BEGIN_DECLS

typedef struct _DtProfileStore DtProfileStore;

/* dir NULL: $XDG_CONFIG_HOME/dialtone/profiles. Nothing is read yet. */
DtProfileStore *dt_profile_store_new(const char *dir);
void dt_profile_store_free(DtProfileStore *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DtProfileStore, dt_profile_store_free)

const char *dt_profile_store_get_dir(DtProfileStore *s);

/* (Re)reads every *.conf in the folder. A file that does not load, whose Id
 * is not its file name, or whose Id another file already has, is skipped
 * and its GError added to problems (if not NULL; a GPtrArray of GError*
 * the caller frees); a profile whose DialFirst breaks the rules is loaded
 * and also reported there, so it can be fixed. A missing folder is an empty
 * store. FALSE only when the folder exists but cannot be read. */
gboolean dt_profile_store_load(DtProfileStore *s, GPtrArray **problems, GError **error);

/* Profiles sorted by name (a GPtrArray of const DtProfile *, owned by the store). */
GPtrArray *dt_profile_store_list(DtProfileStore *s);
const DtProfile *dt_profile_store_find_by_id(DtProfileStore *s, const char *id);
/* Exact name first, then a unique case-insensitive match; NOT_FOUND or AMBIGUOUS. */
const DtProfile *dt_profile_store_find_by_name(DtProfileStore *s, const char *name, GError **error);
/* An Id or a name, as the CLI takes them. */
const DtProfile *dt_profile_store_lookup(DtProfileStore *s, const char *id_or_name, GError **error);

/* The DialFirst rules for p against the store: it names an existing dial-up
 * profile, which itself dials nothing first (so no cycles and no PPTP inside
 * PPTP). Names unique case-insensitively among other profiles. */
gboolean dt_profile_store_check(DtProfileStore *s, const DtProfile *p, GError **error);

/* Validates, checks, writes <dir>/<id>.conf atomically, then keeps a copy. */
gboolean dt_profile_store_save(DtProfileStore *s, const DtProfile *p, GError **error);
/* A copy named "Copy of NAME" (or "Copy of NAME (2)", …) with a new Id, saved. */
const DtProfile *dt_profile_store_duplicate(DtProfileStore *s, const char *id, GError **error);
gboolean dt_profile_store_rename(DtProfileStore *s, const char *id, const char *new_name,
                                 GError **error);
/* Refused while another profile names this one in DialFirst. */
gboolean dt_profile_store_delete(DtProfileStore *s, const char *id, GError **error);

G_END_DECLS

#endif
