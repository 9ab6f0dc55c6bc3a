/* dt-log.h — key=value log lines on stderr for dialtone-link and dialtone-server.
 *
 * One line per event, "dialtone-link: stage=connect server=vpn.example.com …", so a script or
 * the journal (stderr of a service) can grep them. Never pass a secret: callers log user names,
 * addresses and negotiated values only. Values with spaces are quoted by dt_log_quote(). */
#ifndef DT_LOG_H
#define DT_LOG_H

#include <stddef.h>

void dt_log_set_program(const char *name);
/* Every line (without the program's name) also goes to sink, e.g. a connection report's
 * timeline (dt-link-report.h); NULL: none. */
void dt_log_set_sink(void (*sink)(void *ctx, const char *line), void *ctx);
void dt_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "value" with quotes and backslashes escaped (or the bare value when it needs none) into buf. */
const char *dt_log_quote(const char *value, char *buf, size_t size);

#endif /* DT_LOG_H */
