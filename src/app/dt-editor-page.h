/* dt-editor-page.h — one page of the profile editor (General, Security, …),
 * as a small GInterface in the manner of gnome-control-center's CEPage.
 *
 * The editor calls load() once with the profile being edited, apply() to
 * copy the page's fields into a scratch profile, and validate() after every
 * change: validate() marks each wrong field itself and returns the first
 * problem as a sentence. A page emits "changed" whenever a field changes. */
#ifndef DT_EDITOR_PAGE_H
#define DT_EDITOR_PAGE_H

#include <gtk/gtk.h>

#include "dt-profile-store.h"

G_BEGIN_DECLS

#define DT_TYPE_EDITOR_PAGE (dt_editor_page_get_type())
G_DECLARE_INTERFACE(DtEditorPage, dt_editor_page, DT, EDITOR_PAGE, GtkWidget)

struct _DtEditorPageInterface {
    GTypeInterface parent_iface;

    /* store: the other profiles, for choices like Dial first. */
    void (*load)(DtEditorPage *page, const DtProfile *p, DtProfileStore *store);
    void (*apply)(DtEditorPage *page, DtProfile *p);
    gboolean (*validate)(DtEditorPage *page, GError **error);
};

void dt_editor_page_load(DtEditorPage *page, const DtProfile *p, DtProfileStore *store);
void dt_editor_page_apply(DtEditorPage *page, DtProfile *p);
gboolean dt_editor_page_validate(DtEditorPage *page, GError **error);
void dt_editor_page_changed(DtEditorPage *page);

/* Helpers for pages: mark an entry wrong (red, a warning icon whose tooltip
 * and accessible description carry the message) or right again. */
void dt_editor_page_mark_entry(GtkEntry *entry, const char *message);
/* Checks entry's text with check (a dt-validate.h function); marks it and
 * sets error ("Server: …") when wrong. Empty text passes when allow_empty. */
gboolean dt_editor_page_check_entry(GtkEntry *entry, const char *field,
                                    gboolean (*check)(const char *, GString *),
                                    gboolean allow_empty, GError **error);
/* The same for a ';'- or ','-separated list, each element checked. */
gboolean dt_editor_page_check_list(GtkEntry *entry, const char *field,
                                   gboolean (*check)(const char *, GString *), GError **error);
/* The entry's text split at ';', ',' or spaces, empty parts dropped. */
char **dt_editor_page_split_list(const char *text);

/* g_strdup of the text, or NULL when it is empty. */
char *dt_editor_page_dup_text(GtkEntry *entry);
void dt_editor_page_set_text(GtkEntry *entry, const char *text);

G_END_DECLS

#endif
