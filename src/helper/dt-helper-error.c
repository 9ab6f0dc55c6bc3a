/* dt-helper-error.c — see dt-helper-error.h. */
#include "dt-helper-error.h"

static const GDBusErrorEntry helper_error_entries[] = {
    {DT_HELPER_ERROR_FAILED, "org.dialtone.Error.Failed"},
    {DT_HELPER_ERROR_INVALID_ARGUMENT, "org.dialtone.Error.InvalidArgument"},
    {DT_HELPER_ERROR_NOT_AUTHORIZED, "org.dialtone.Error.NotAuthorized"},
    {DT_HELPER_ERROR_NOT_SUPPORTED, "org.dialtone.Error.NotSupported"},
    {DT_HELPER_ERROR_NOT_RUNNING, "org.dialtone.Error.NotRunning"},
    {DT_HELPER_ERROR_LIMIT, "org.dialtone.Error.Limit"},
};

GQuark
dt_helper_error_quark(void)
{
    static gsize quark = 0;
    g_dbus_error_register_error_domain("dt-helper-error-quark", &quark, helper_error_entries,
                                       G_N_ELEMENTS(helper_error_entries));
    return (GQuark)quark;
}
