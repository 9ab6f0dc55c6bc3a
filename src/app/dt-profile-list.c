/* dt-profile-list.c — see dt-profile-list.h. */
#include "dt-profile-list.h"

#include <glib/gi18n.h>

struct _DtProfileList {
    GObject parent_instance;
    DtProfileStore *store;
    GPtrArray *items; /* DtProfileItem, in the store's order */
};

static void dt_profile_list_model_init(GListModelInterface *iface);

G_DEFINE_TYPE_WITH_CODE(DtProfileList, dt_profile_list, G_TYPE_OBJECT,
                        G_IMPLEMENT_INTERFACE(G_TYPE_LIST_MODEL, dt_profile_list_model_init))

static GType
get_item_type(GListModel *model)
{
    return DT_TYPE_PROFILE_ITEM;
}

static guint
get_n_items(GListModel *model)
{
    return DT_PROFILE_LIST(model)->items->len;
}

static gpointer
get_item(GListModel *model, guint position)
{
    DtProfileList *self = DT_PROFILE_LIST(model);

    if (position >= self->items->len)
        return NULL;
    return g_object_ref(g_ptr_array_index(self->items, position));
}

static void
dt_profile_list_model_init(GListModelInterface *iface)
{
    iface->get_item_type = get_item_type;
    iface->get_n_items = get_n_items;
    iface->get_item = get_item;
}

static void
dt_profile_list_finalize(GObject *object)
{
    DtProfileList *self = DT_PROFILE_LIST(object);

    g_clear_pointer(&self->items, g_ptr_array_unref);
    g_clear_pointer(&self->store, dt_profile_store_free);
    G_OBJECT_CLASS(dt_profile_list_parent_class)->finalize(object);
}

static void
dt_profile_list_class_init(DtProfileListClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = dt_profile_list_finalize;
}

static void
dt_profile_list_init(DtProfileList *self)
{
    self->items = g_ptr_array_new_with_free_func(g_object_unref);
}

DtProfileList *
dt_profile_list_new(const char *dir)
{
    DtProfileList *self = g_object_new(DT_TYPE_PROFILE_LIST, NULL);

    self->store = dt_profile_store_new(dir);
    return self;
}

DtProfileStore *
dt_profile_list_get_store(DtProfileList *self)
{
    g_return_val_if_fail(DT_IS_PROFILE_LIST(self), NULL);
    return self->store;
}

/* The store lends its profiles only until its next change, so the items are
 * rebuilt from it after every change. */
static void
refresh_items(DtProfileList *self)
{
    /* Owned by the store. */
    GPtrArray *profiles = dt_profile_store_list(self->store);
    guint removed = self->items->len;

    g_ptr_array_set_size(self->items, 0);
    for (guint i = 0; i < profiles->len; i++) {
        const DtProfile *p = g_ptr_array_index(profiles, i);
        const DtProfile *first =
            p->dial_first ? dt_profile_store_find_by_id(self->store, p->dial_first) : NULL;
        g_ptr_array_add(self->items, dt_profile_item_new(p, first ? first->name : NULL));
    }
    g_list_model_items_changed(G_LIST_MODEL(self), 0, removed, self->items->len);
}

gboolean
dt_profile_list_load(DtProfileList *self, GPtrArray **problems, GError **error)
{
    g_return_val_if_fail(DT_IS_PROFILE_LIST(self), FALSE);
    gboolean ok = dt_profile_store_load(self->store, problems, error);
    refresh_items(self);
    return ok;
}

gint
dt_profile_list_find(DtProfileList *self, const char *id)
{
    g_return_val_if_fail(DT_IS_PROFILE_LIST(self), -1);
    for (guint i = 0; id && i < self->items->len; i++)
        if (g_strcmp0(dt_profile_item_get_id(g_ptr_array_index(self->items, i)), id) == 0)
            return (gint)i;
    return -1;
}

DtProfileItem *
dt_profile_list_get_item(DtProfileList *self, guint position)
{
    g_return_val_if_fail(DT_IS_PROFILE_LIST(self), NULL);
    return position < self->items->len ? g_ptr_array_index(self->items, position) : NULL;
}

gboolean
dt_profile_list_save(DtProfileList *self, const DtProfile *p, GError **error)
{
    g_return_val_if_fail(DT_IS_PROFILE_LIST(self), FALSE);
    if (!dt_profile_store_save(self->store, p, error))
        return FALSE;
    refresh_items(self);
    return TRUE;
}

char *
dt_profile_list_duplicate(DtProfileList *self, const char *id, GError **error)
{
    g_return_val_if_fail(DT_IS_PROFILE_LIST(self), NULL);
    const DtProfile *copy = dt_profile_store_duplicate(self->store, id, error);
    if (!copy)
        return NULL;
    char *new_id = g_strdup(copy->id);
    refresh_items(self);
    return new_id;
}

gboolean
dt_profile_list_rename(DtProfileList *self, const char *id, const char *name, GError **error)
{
    g_return_val_if_fail(DT_IS_PROFILE_LIST(self), FALSE);
    if (!dt_profile_store_rename(self->store, id, name, error))
        return FALSE;
    refresh_items(self);
    return TRUE;
}

DtProfile *
dt_profile_list_delete(DtProfileList *self, const char *id, GError **error)
{
    g_return_val_if_fail(DT_IS_PROFILE_LIST(self), NULL);
    const DtProfile *p = dt_profile_store_find_by_id(self->store, id);
    if (!p) {
        g_set_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_NOT_FOUND,
                    _("No profile has the Id %s"), id);
        return NULL;
    }
    g_autoptr(DtProfile) kept = dt_profile_copy(p);
    if (!dt_profile_store_delete(self->store, id, error))
        return NULL;
    refresh_items(self);
    return g_steal_pointer(&kept);
}
