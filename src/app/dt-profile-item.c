/* dt-profile-item.c — see dt-profile-item.h. */
#include "dt-profile-item.h"

#include <glib/gi18n.h>

struct _DtProfileItem {
    GObject parent_instance;
    DtProfile *profile;
    char *description;
};

G_DEFINE_TYPE(DtProfileItem, dt_profile_item, G_TYPE_OBJECT)

static void
dt_profile_item_finalize(GObject *object)
{
    DtProfileItem *self = DT_PROFILE_ITEM(object);

    g_clear_pointer(&self->profile, dt_profile_free);
    g_clear_pointer(&self->description, g_free);
    G_OBJECT_CLASS(dt_profile_item_parent_class)->finalize(object);
}

static void
dt_profile_item_class_init(DtProfileItemClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = dt_profile_item_finalize;
}

static void
dt_profile_item_init(DtProfileItem *self)
{
}

static char *
describe(const DtProfile *p, const char *dial_first_name)
{
    g_autoptr(GString) s = g_string_new(NULL);

    if (p->type == DT_PROFILE_TYPE_PPTP) {
        g_string_append(s, _("PPTP VPN"));
        if (p->pptp.server && *p->pptp.server)
            g_string_append_printf(s, " · %s", p->pptp.server);
        if (dial_first_name) {
            g_string_append(s, " · ");
            /* Translators: %s is the name of a dial-up profile, like “Office ISP”. */
            g_string_append_printf(s, _("dials %s first"), dial_first_name);
        }
    } else {
        g_string_append(s, _("Dial-up"));
        if (p->dialup.phone && *p->dialup.phone)
            g_string_append_printf(s, " · %s", p->dialup.phone);
        if (p->dialup.device && *p->dialup.device)
            g_string_append_printf(s, " · %s", p->dialup.device);
    }
    return g_string_free(g_steal_pointer(&s), FALSE);
}

DtProfileItem *
dt_profile_item_new(const DtProfile *p, const char *dial_first_name)
{
    DtProfileItem *self = g_object_new(DT_TYPE_PROFILE_ITEM, NULL);

    self->profile = dt_profile_copy(p);
    self->description = describe(p, dial_first_name);
    return self;
}

const DtProfile *
dt_profile_item_get_profile(DtProfileItem *self)
{
    g_return_val_if_fail(DT_IS_PROFILE_ITEM(self), NULL);
    return self->profile;
}

const char *
dt_profile_item_get_id(DtProfileItem *self)
{
    g_return_val_if_fail(DT_IS_PROFILE_ITEM(self), NULL);
    return self->profile->id;
}

const char *
dt_profile_item_get_name(DtProfileItem *self)
{
    g_return_val_if_fail(DT_IS_PROFILE_ITEM(self), NULL);
    return self->profile->name;
}

const char *
dt_profile_item_get_description(DtProfileItem *self)
{
    g_return_val_if_fail(DT_IS_PROFILE_ITEM(self), NULL);
    return self->description;
}

const char *
dt_profile_item_get_icon_name(DtProfileItem *self)
{
    g_return_val_if_fail(DT_IS_PROFILE_ITEM(self), NULL);
    return self->profile->type == DT_PROFILE_TYPE_PPTP ? "network-vpn-symbolic" : "modem-symbolic";
}
