/* dt-mschap-msg.c — parse and format MS-CHAP Success/Failure message text
 * (RFC 2759 §5, §6; RFC 2433 "Failure packet"). */
#include "dt-mschap-msg.h"

#include <stdio.h>
#include <string.h>

static int
hex_value(uint8_t ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

static bool
is_hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (hex_value(p[i]) < 0)
            return false;
    return true;
}

/* At most 10 digits, no sign, no overflow of unsigned (32 bits assumed by
 * the RFC's "eeeeeeeeee" width). */
static bool
parse_decimal(const uint8_t *p, size_t n, unsigned *out)
{
    if (n == 0 || n > 10)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(p[i] - '0');
    }
    if (v > 0xFFFFFFFFu)
        return false;
    *out = (unsigned)v;
    return true;
}

void
dt_mschap_msg_sanitise(char *dst, size_t cap, const uint8_t *src, size_t len)
{
    if (cap == 0)
        return;
    size_t n = len < cap - 1 ? len : cap - 1;
    for (size_t i = 0; i < n; i++)
        dst[i] = (src[i] >= 0x20 && src[i] < 0x7F) ? (char)src[i] : '?';
    dst[n] = '\0';
}

static void
parse_field(DtMschapMsg *m, uint8_t key, const uint8_t *v, size_t n)
{
    switch (key) {
    case 'S':
        if (!m->have_auth && n == DT_MSCHAP_AUTH_HEX_LEN && is_hex(v, n)) {
            memcpy(m->auth, v, n);
            m->auth[n] = '\0';
            m->have_auth = true;
        }
        break;
    case 'E':
        if (!m->have_error)
            m->have_error = parse_decimal(v, n, &m->error);
        break;
    case 'R':
        if (!m->have_retry && n == 1 && (v[0] == '0' || v[0] == '1')) {
            m->have_retry = true;
            m->retry = v[0] == '1';
        }
        break;
    case 'C':
        /* v2: exactly 32 digits (RFC 2759 §6); v1: 16 (RFC 2433). */
        if (m->challenge_len == 0 && (n == 32 || n == 16) && is_hex(v, n)) {
            for (size_t i = 0; i < n / 2; i++)
                m->challenge[i] = (uint8_t)(hex_value(v[2 * i]) << 4 | hex_value(v[2 * i + 1]));
            m->challenge_len = n / 2;
        }
        break;
    case 'V':
        if (!m->have_version)
            m->have_version = parse_decimal(v, n, &m->version);
        break;
    default:
        break;
    }
}

void
dt_mschap_msg_parse(const uint8_t *p, size_t len, DtMschapMsg *m)
{
    memset(m, 0, sizeof(*m));
    if (!p)
        len = 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && p[i] == ' ')
            i++;
        if (i >= len)
            break;
        /* M= runs to the end of the packet: the text has spaces of its own. */
        if (len - i >= 2 && p[i] == 'M' && p[i + 1] == '=') {
            if (!m->have_text) {
                dt_mschap_msg_sanitise(m->text, sizeof(m->text), p + i + 2, len - i - 2);
                m->have_text = true;
            }
            break;
        }
        size_t start = i;
        while (i < len && p[i] != ' ')
            i++;
        if (i - start >= 2 && p[start + 1] == '=')
            parse_field(m, p[start], p + start + 2, i - start - 2);
        /* anything else is garbage between fields: skipped */
    }
}

size_t
dt_mschap_msg_format_success(char *buf, size_t cap, const char *auth, const char *text)
{
    int n = text ? snprintf(buf, cap, "%.42s M=%s", auth, text) : snprintf(buf, cap, "%.42s", auth);
    if (n < 0 || (size_t)n >= cap)
        return 0;
    return (size_t)n;
}

size_t
dt_mschap_msg_format_failure(char *buf, size_t cap, unsigned error, bool retry,
                             const uint8_t *challenge, size_t challenge_len, unsigned version,
                             const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    char chal[33];
    if (challenge_len > 16)
        return 0;
    for (size_t i = 0; i < challenge_len; i++) {
        chal[2 * i] = hex[challenge[i] >> 4];
        chal[2 * i + 1] = hex[challenge[i] & 15];
    }
    chal[2 * challenge_len] = '\0';
    int n = snprintf(buf, cap, "E=%u R=%c C=%s V=%u%s%s", error, retry ? '1' : '0', chal, version,
                     text ? " M=" : "", text ? text : "");
    if (n < 0 || (size_t)n >= cap)
        return 0;
    return (size_t)n;
}
