/* dt-validate.c — value checks shared by every loader and by the helper. */
#include "dt-validate.h"

#include <arpa/inet.h>
#include <string.h>

#include <glib/gi18n-lib.h>

gboolean
dt_parse_ipv4(const char *s, guint32 *out)
{
    struct in_addr a;
    /* inet_pton accepts only the strict dotted-quad form: no octal, no
     * shortened "10.1", which inet_aton would take and users would not mean. */
    if (s == NULL || inet_pton(AF_INET, s, &a) != 1)
        return FALSE;
    if (out)
        *out = ntohl(a.s_addr);
    return TRUE;
}

gboolean
dt_validate_ipv4(const char *s, GString *why)
{
    if (dt_parse_ipv4(s, NULL))
        return TRUE;
    if (why)
        g_string_append(why, _("is not an IPv4 address; use four numbers from 0 to 255 "
                               "separated by dots, like 192.0.2.1"));
    return FALSE;
}

gboolean
dt_validate_ipv6(const char *s, GString *why)
{
    struct in6_addr a;
    if (s != NULL && inet_pton(AF_INET6, s, &a) == 1)
        return TRUE;
    if (why)
        g_string_append(why, _("is not an IPv6 address; use the usual form, like 2001:db8::1"));
    return FALSE;
}

gboolean
dt_validate_ip(const char *s, GString *why)
{
    if (s != NULL && strchr(s, ':') != NULL)
        return dt_validate_ipv6(s, why);
    return dt_validate_ipv4(s, why);
}

static gboolean
looks_numeric(const char *s)
{
    for (; *s; s++)
        if (!g_ascii_isdigit(*s) && *s != '.')
            return FALSE;
    return TRUE;
}

gboolean
dt_validate_hostname(const char *s, GString *why)
{
    if (s == NULL || *s == '\0') {
        if (why)
            g_string_append(why, _("is empty; give a host name like vpn.example.com"));
        return FALSE;
    }
    if (!g_utf8_validate(s, -1, NULL) || !g_str_is_ascii(s)) {
        if (why) {
            g_autofree char *ascii = g_utf8_validate(s, -1, NULL) ? g_hostname_to_ascii(s) : NULL;
            if (ascii)
                g_string_append_printf(why, _("is not plain ASCII; write it as %s"), ascii);
            else
                g_string_append(why, _("is not a valid host name"));
        }
        return FALSE;
    }
    gsize len = strlen(s);
    if (s[len - 1] == '.')
        len--; /* a fully qualified name may end in a dot */
    if (len == 0 || len > 253) {
        if (why)
            g_string_append(why,
                            _("is not a valid host name: it must be 1 to 253 characters long"));
        return FALSE;
    }
    gsize label = 0;
    for (gsize i = 0; i <= len; i++) {
        char c = i < len ? s[i] : '.';
        if (c == '.') {
            /* RFC 1123 §2.1: labels of 1..63 letters, digits and hyphens,
             * not starting or ending with a hyphen. */
            if (label == 0 || label > 63 || s[i - label] == '-' || s[i - 1] == '-') {
                if (why)
                    g_string_append(why, _("is not a valid host name: each dot-separated part must "
                                           "be 1 to 63 letters, digits or hyphens, and may not "
                                           "start or end with a hyphen"));
                return FALSE;
            }
            label = 0;
        } else if (g_ascii_isalnum(c) || c == '-') {
            label++;
        } else {
            if (why)
                g_string_append_printf(why,
                                       _("is not a valid host name: the character “%c” is not "
                                         "allowed; use letters, digits, hyphens and dots"),
                                       c);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean
dt_validate_host(const char *s, GString *why)
{
    if (s == NULL || *s == '\0') {
        if (why)
            g_string_append(why, _("is empty; give a host name, an IPv4 or an IPv6 address"));
        return FALSE;
    }
    gsize len = strlen(s);
    if (s[0] == '[') {
        if (len < 3 || s[len - 1] != ']') {
            if (why)
                g_string_append(why, _("has an opening “[” without a closing “]”; write an IPv6 "
                                       "address like [2001:db8::1] or without brackets"));
            return FALSE;
        }
        g_autofree char *inner = g_strndup(s + 1, len - 2);
        return dt_validate_ipv6(inner, why);
    }
    if (strchr(s, ':') != NULL) {
        /* One colon is a host with a port; PPTP always uses TCP 1723. */
        if (strchr(s, ':') == strrchr(s, ':')) {
            if (why)
                g_string_append(why, _("has a port; give only the host name or address (PPTP "
                                       "always uses TCP port 1723)"));
            return FALSE;
        }
        return dt_validate_ipv6(s, why);
    }
    if (looks_numeric(s))
        return dt_validate_ipv4(s, why);
    return dt_validate_hostname(s, why);
}

gboolean
dt_validate_ipv4_cidr(const char *s, GString *why)
{
    const char *slash = s ? strchr(s, '/') : NULL;
    if (slash == NULL) {
        if (why)
            g_string_append(why,
                            _("is not a network; write it as address/prefix, like 10.0.0.0/8"));
        return FALSE;
    }
    g_autofree char *addr = g_strndup(s, (gsize)(slash - s));
    guint32 a;
    if (!dt_parse_ipv4(addr, &a)) {
        if (why)
            g_string_append(why,
                            _("does not start with an IPv4 address; write it like 10.0.0.0/8"));
        return FALSE;
    }
    guint64 prefix;
    if (!g_ascii_string_to_unsigned(slash + 1, 10, 0, 32, &prefix, NULL)) {
        if (why)
            g_string_append(why, _("has a prefix length that is not a number from 0 to 32"));
        return FALSE;
    }
    guint32 mask = prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
    if ((a & ~mask) != 0) {
        if (why) {
            guint32 n = a & mask;
            g_string_append_printf(why, _("has host bits set; did you mean %u.%u.%u.%u/%u?"),
                                   n >> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff,
                                   (unsigned)prefix);
        }
        return FALSE;
    }
    return TRUE;
}

static gboolean
path_is_normal(const char *s)
{
    g_auto(GStrv) parts = g_strsplit(s + 1, "/", -1);
    for (char **p = parts; *p; p++)
        if (**p == '\0' || strcmp(*p, ".") == 0 || strcmp(*p, "..") == 0)
            return FALSE;
    return TRUE;
}

static gboolean
has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return TRUE;
    return FALSE;
}

gboolean
dt_validate_absolute_path(const char *s, GString *why)
{
    if (s == NULL || s[0] != '/' || s[1] == '\0' || has_control(s) ||
        !g_utf8_validate(s, -1, NULL) || !path_is_normal(s) || strlen(s) > 4095) {
        if (why)
            g_string_append(why, _("is not an absolute file path; write it like "
                                   "/etc/dialtone/chap-secrets, without “.” or “..” parts"));
        return FALSE;
    }
    return TRUE;
}

gboolean
dt_validate_device_path(const char *s, GString *why)
{
    if (s == NULL || !g_str_has_prefix(s, "/dev/") || s[5] == '\0' || has_control(s) ||
        !g_str_is_ascii(s) || !path_is_normal(s) || strlen(s) > 255) {
        if (why)
            g_string_append(why, _("is not a device path; write the serial port or modem as "
                                   "/dev/ttyUSB0, /dev/ttyACM0 or /dev/ttyS0"));
        return FALSE;
    }
    return TRUE;
}

gboolean
dt_validate_uuid(const char *s, GString *why)
{
    if (s != NULL && g_uuid_string_is_valid(s))
        return TRUE;
    if (why)
        g_string_append(why, _("is not a profile id; ids are UUIDs like "
                               "3f1c2a9e-5b7d-4c1e-9a2b-6d8e0f1a2b3c"));
    return FALSE;
}

gboolean
dt_validate_text(const char *s, gsize max_chars, gboolean allow_empty, GString *why)
{
    if (s == NULL || !g_utf8_validate(s, -1, NULL)) {
        if (why)
            g_string_append(why, _("is not valid UTF-8 text"));
        return FALSE;
    }
    if (!allow_empty && *s == '\0') {
        if (why)
            g_string_append(why, _("is empty; give a value"));
        return FALSE;
    }
    if (has_control(s)) {
        if (why)
            g_string_append(why, _("contains a control character (tab, newline, …); remove it"));
        return FALSE;
    }
    if ((gsize)g_utf8_strlen(s, -1) > max_chars) {
        if (why)
            g_string_append_printf(why, _("is too long; use at most %lu characters"),
                                   (unsigned long)max_chars);
        return FALSE;
    }
    return TRUE;
}

gboolean
dt_validate_modem_command(const char *s, GString *why)
{
    if (s == NULL || g_ascii_strncasecmp(s, "AT", 2) != 0) {
        if (why)
            g_string_append(why,
                            _("is not a modem command; each command starts with AT, like ATZ"));
        return FALSE;
    }
    for (const char *p = s; *p; p++) {
        if (*p < 0x20 || *p > 0x7e) {
            if (why)
                g_string_append(why, _("contains a character a modem does not take; use printable "
                                       "ASCII only"));
            return FALSE;
        }
    }
    if (strlen(s) > 255) {
        if (why)
            g_string_append(why,
                            _("is too long; a modem takes at most 255 characters per command"));
        return FALSE;
    }
    return TRUE;
}

gboolean
dt_validate_phone(const char *s, GString *why)
{
    gboolean digit = FALSE;
    for (const char *p = s ? s : ""; *p; p++) {
        if (g_ascii_isdigit(*p)) {
            digit = TRUE;
            continue;
        }
        if (strchr("*#+,!@WwPpTtAaBbCcDd -().", *p) == NULL || *p == '\0') {
            if (why)
                g_string_append(why,
                                _("is not a phone number; use digits and the dial modifiers "
                                  "* # + , W P T (a “;” or other punctuation is not allowed)"));
            return FALSE;
        }
    }
    if (!digit || strlen(s) > 64) {
        if (why)
            g_string_append(why,
                            _("is not a phone number; give 1 to 64 digits and dial modifiers"));
        return FALSE;
    }
    return TRUE;
}
