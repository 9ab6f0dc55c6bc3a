/* dt-editor-page.c — see dt-editor-page.h. */
#include "dt-editor-page.h"

#include <glib/gi18n.h>

#include "dt-profile.h"

G_DEFINE_INTERFACE(DtEditorPage, dt_editor_page, GTK_TYPE_WIDGET)

static guint changed_signal;

static void
dt_editor_page_default_init(DtEditorPageInterface *iface)
{
    changed_signal = g_signal_new("changed", G_TYPE_FROM_INTERFACE(iface), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

void
dt_editor_page_load(DtEditorPage *page, const DtProfile *p, DtProfileStore *store)
{
    g_return_if_fail(DT_IS_EDITOR_PAGE(page));
    DT_EDITOR_PAGE_GET_IFACE(page)->load(page, p, store);
}

void
dt_editor_page_apply(DtEditorPage *page, DtProfile *p)
{
    g_return_if_fail(DT_IS_EDITOR_PAGE(page));
    DT_EDITOR_PAGE_GET_IFACE(page)->apply(page, p);
}

gboolean
dt_editor_page_validate(DtEditorPage *page, GError **error)
{
    g_return_val_if_fail(DT_IS_EDITOR_PAGE(page), FALSE);
    DtEditorPageInterface *iface = DT_EDITOR_PAGE_GET_IFACE(page);
    return iface->validate ? iface->validate(page, error) : TRUE;
}

void
dt_editor_page_changed(DtEditorPage *page)
{
    g_signal_emit(page, changed_signal, 0);
}

void
dt_editor_page_mark_entry(GtkEntry *entry, const char *message)
{
    GtkStyleContext *style = gtk_widget_get_style_context(GTK_WIDGET(entry));
    AtkObject *acc = gtk_widget_get_accessible(GTK_WIDGET(entry));

    if (message) {
        gtk_style_context_add_class(style, GTK_STYLE_CLASS_ERROR);
        gtk_entry_set_icon_from_icon_name(entry, GTK_ENTRY_ICON_SECONDARY,
                                          "dialog-warning-symbolic");
        gtk_entry_set_icon_tooltip_text(entry, GTK_ENTRY_ICON_SECONDARY, message);
        atk_object_set_description(acc, message);
    } else {
        gtk_style_context_remove_class(style, GTK_STYLE_CLASS_ERROR);
        gtk_entry_set_icon_from_icon_name(entry, GTK_ENTRY_ICON_SECONDARY, NULL);
        atk_object_set_description(acc, "");
    }
}

/* The validators' sentences continue a subject: “… is not a valid host name;
 * use …”, so the field's name goes in front. */
static void
fail_entry(GtkEntry *entry, GError **error, const char *sentence)
{
    dt_editor_page_mark_entry(entry, sentence);
    g_set_error_literal(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_INVALID, sentence);
}

gboolean
dt_editor_page_check_entry(GtkEntry *entry, const char *field,
                           gboolean (*check)(const char *, GString *), gboolean allow_empty,
                           GError **error)
{
    const char *text = gtk_entry_get_text(entry);
    g_autoptr(GString) why = g_string_new(NULL);

    if (!*text && !allow_empty) {
        /* Translators: %s is a field's label, like “Server”. */
        g_autofree char *msg = g_strdup_printf(_("%s is required"), field);
        fail_entry(entry, error, msg);
        return FALSE;
    }
    if (*text && check && !check(text, why)) {
        /* Translators: “Server is not a valid host name; use …”: a field's
         * label, then the validator's sentence (which is in English). */
        g_autofree char *msg = g_strdup_printf(_("%s %s"), field, why->str);
        fail_entry(entry, error, msg);
        return FALSE;
    }
    dt_editor_page_mark_entry(entry, NULL);
    return TRUE;
}

char **
dt_editor_page_split_list(const char *text)
{
    g_auto(GStrv) parts = g_regex_split_simple("[;,\\s]+", text ? text : "", 0, 0);
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();

    for (guint i = 0; parts && parts[i]; i++)
        if (*parts[i])
            g_strv_builder_add(b, parts[i]);
    return g_strv_builder_end(b);
}

gboolean
dt_editor_page_check_list(GtkEntry *entry, const char *field,
                          gboolean (*check)(const char *, GString *), GError **error)
{
    g_auto(GStrv) items = dt_editor_page_split_list(gtk_entry_get_text(entry));

    for (guint i = 0; items[i]; i++) {
        g_autoptr(GString) why = g_string_new(NULL);
        if (!check(items[i], why)) {
            /* Translators: “Routes: “10.0.0.0/33” is not …”: a field's label,
             * one element of its list, and the validator's sentence. */
            g_autofree char *msg = g_strdup_printf(_("%s: “%s” %s"), field, items[i], why->str);
            fail_entry(entry, error, msg);
            return FALSE;
        }
    }
    dt_editor_page_mark_entry(entry, NULL);
    return TRUE;
}

char *
dt_editor_page_dup_text(GtkEntry *entry)
{
    const char *t = gtk_entry_get_text(entry);
    return *t ? g_strdup(t) : NULL;
}

void
dt_editor_page_set_text(GtkEntry *entry, const char *text)
{
    gtk_entry_set_text(entry, text ? text : "");
}
