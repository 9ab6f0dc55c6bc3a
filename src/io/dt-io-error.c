/* dt-io-error.c — errno + words for the I/O shell. */
#include "dt-io-error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A caller that lost errno still gets a failure, never a success. */
#define EIO_FALLBACK EIO

int
dt_io_fail(DtIoError *err, int code, const char *fmt, ...)
{
    if (code <= 0)
        code = EIO_FALLBACK;
    if (err) {
        va_list ap;
        size_t used;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        used = strlen(err->message);
        /* The cause goes last; a long context is cut first, the cause never vanishes whole. */
        if (used + 40 > sizeof err->message)
            used = sizeof err->message - 40;
        snprintf(err->message + used, sizeof err->message - used, ": %s", strerror(code));
        err->code = code;
    }
    return -code;
}

void
dt_io_error_reset(DtIoError *err)
{
    if (err) {
        err->code = 0;
        err->message[0] = '\0';
    }
}
