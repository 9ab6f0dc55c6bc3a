/* dt-helper-error.h — the helper's errors, registered as D-Bus error names so that clients
 * get org.dialtone.Error.<Name> and can act on the code, not on the words. */
#ifndef DT_HELPER_ERROR_H
#define DT_HELPER_ERROR_H

#include <gio/gio.h>

G_BEGIN_DECLS

#define DT_HELPER_ERROR (dt_helper_error_quark())
GQuark dt_helper_error_quark(void);

typedef enum {
    DT_HELPER_ERROR_FAILED,           /* org.dialtone.Error.Failed */
    DT_HELPER_ERROR_INVALID_ARGUMENT, /* org.dialtone.Error.InvalidArgument: names the key */
    DT_HELPER_ERROR_NOT_AUTHORIZED,   /* org.dialtone.Error.NotAuthorized */
    DT_HELPER_ERROR_NOT_SUPPORTED,    /* org.dialtone.Error.NotSupported */
    DT_HELPER_ERROR_NOT_RUNNING,      /* org.dialtone.Error.NotRunning: the connection ended */
    DT_HELPER_ERROR_LIMIT,            /* org.dialtone.Error.Limit: too many connections */
} DtHelperError;

G_END_DECLS

#endif /* DT_HELPER_ERROR_H */
