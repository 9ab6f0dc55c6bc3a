/* dt-log.c — key=value lines on stderr. */
#include "dt-log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *program = "dialtone";
static void (*log_sink)(void *ctx, const char *line);
static void *log_sink_ctx;

void
dt_log_set_program(const char *name)
{
    program = name;
}

void
dt_log_set_sink(void (*sink)(void *ctx, const char *line), void *ctx)
{
    log_sink = sink;
    log_sink_ctx = ctx;
}

void
dt_log(const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    /* One write per line, so lines of concurrent writers (server calls) never interleave. */
    fprintf(stderr, "%s: %s\n", program, line);
    fflush(stderr);
    if (log_sink)
        log_sink(log_sink_ctx, line);
}

const char *
dt_log_quote(const char *value, char *buf, size_t size)
{
    bool plain = *value != '\0';
    size_t o = 0;
    for (const char *c = value; *c; c++)
        if (*c == ' ' || *c == '"' || *c == '\\' || *c == '=' || (unsigned char)*c < 0x20)
            plain = false;
    if (plain) {
        snprintf(buf, size, "%s", value);
        return buf;
    }
    if (size < 3)
        return "\"\"";
    buf[o++] = '"';
    for (const char *c = value; *c && o + 3 < size; c++) {
        unsigned char ch = (unsigned char)*c;
        if (ch == '"' || ch == '\\')
            buf[o++] = '\\';
        buf[o++] = ch < 0x20 ? '?' : (char)ch;
    }
    buf[o++] = '"';
    buf[o] = '\0';
    return buf;
}
