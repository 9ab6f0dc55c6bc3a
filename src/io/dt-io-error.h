/* dt-io-error.h — how the I/O shell reports failure: an errno plus words a person can act on. */
#ifndef DT_IO_ERROR_H
#define DT_IO_ERROR_H

#define DT_IO_ERROR_MESSAGE_MAX 256

/* Every src/io function that can fail returns 0 (or a count) on success and -errno on failure,
 * and, when given a DtIoError, fills it with the same errno and a sentence naming what was being
 * done ("adding route 0.0.0.0/1 dev dt0: File exists"). The error is optional (NULL is fine). */
typedef struct {
    int code;                              /* positive errno; 0 when there is no error */
    char message[DT_IO_ERROR_MESSAGE_MAX]; /* what failed and why, for logs and the GUI */
} DtIoError;

/* Records code and the formatted context followed by ": " and strerror(code); returns -code so
 * callers can write `return dt_io_fail(err, errno, "opening %s", path);`. */
int dt_io_fail(DtIoError *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void dt_io_error_reset(DtIoError *err);

#endif /* DT_IO_ERROR_H */
