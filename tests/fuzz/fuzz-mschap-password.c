/* fuzz-mschap-password.c — the UTF-8 → UTF-16LE password conversion.
 *
 * Passwords come from users, files and D-Bus: any octets.  Whatever the
 * input, the conversion must stay in its buffer, and whatever it accepts
 * must convert back to exactly the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dt-mschap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
utf16le_to_utf8(const uint8_t *u, size_t len, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i + 1 < len; i += 2) {
        uint32_t cp = (uint32_t)(u[i] | u[i + 1] << 8);
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo = (uint32_t)(u[i + 2] | u[i + 3] << 8);
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 2;
        }
        if (cp < 0x80) {
            out[o++] = (char)cp;
        } else if (cp < 0x800) {
            out[o++] = (char)(0xC0 | cp >> 6);
            out[o++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[o++] = (char)(0xE0 | cp >> 12);
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        } else {
            out[o++] = (char)(0xF0 | cp >> 18);
            out[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    out[o] = '\0';
    return o;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    uint8_t unicode[2 * DT_MSCHAP_MAX_PASSWORD_CHARS];
    size_t len = 0;
    if (dt_mschap_password_to_unicode(text, unicode, &len)) {
        if (len % 2 != 0 || len > sizeof(unicode))
            abort();
        char back[4 * DT_MSCHAP_MAX_PASSWORD_CHARS + 1];
        size_t n = utf16le_to_utf8(unicode, len, back);
        if (n != strlen(text) || memcmp(back, text, n) != 0)
            abort();
    }
    free(text);
    return 0;
}
