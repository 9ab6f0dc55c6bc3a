/* dt-import-peers.c — see dt-import-peers.h. Option names from pppd(8)
 * and pptpsetup(8). */
#include "dt-import-peers.h"

#include <string.h>

#include "dt-validate.h"

GPtrArray *
dt_import_peers_words(const char *text)
{
    GPtrArray *words = g_ptr_array_new_with_free_func(g_free);
    const char *p = text;
    while (*p) {
        while (*p && g_ascii_isspace(*p))
            p++;
        if (*p == '\0')
            break;
        if (*p == '#') {
            while (*p && *p != '\n' && *p != '\r')
                p++;
            continue;
        }
        GString *w = g_string_new(NULL);
        char quote = 0;
        while (*p && (quote || !g_ascii_isspace(*p))) {
            if (quote && *p == quote) {
                quote = 0;
                p++;
            } else if (!quote && (*p == '"' || *p == '\'')) {
                quote = *p++;
            } else if (*p == '\\' && p[1]) {
                g_string_append_c(w, p[1]);
                p += 2;
            } else {
                g_string_append_c(w, *p++);
            }
        }
        g_ptr_array_add(words, g_string_free(w, FALSE));
    }
    return words;
}

/* Options with one argument that mean nothing here. */
static const char *const ignored_with_arg[] = {
    "remotename",
    "ipparam",
    "linkname",
    "logfile",
    "connect-delay",
    "unit",
    "asyncmap",
    "escape",
    "ms-dns",
    "ms-wins",
    "lcp-max-configure",
    "lcp-restart",
    "ipcp-max-configure",
    "ipcp-restart",
    "ccp-max-configure",
    "ipcp-accept-local",
};
static const char *const ignored_flags[] = {
    "lock",
    "nolock",
    "noauth",
    "auth",
    "nobsdcomp",
    "nodeflate",
    "novj",
    "novjccomp",
    "nopcomp",
    "noaccomp",
    "debug",
    "dump",
    "nodetach",
    "updetach",
    "noipdefault",
    "ipcp-accept-local",
    "ipcp-accept-remote",
    "local",
    "modem",
    "refuse-eap",
    "noccp",
    "nomultilink",
    "hide-password",
    "show-password",
    "kdebug",
    "passive",
    "silent",
    "nopersist",
    "nodeflate",
    "noipx",
    "nobsdcomp",
    "nomagic",
    "default-asyncmap",
    "nopredictor1",
};

static gboolean
in_list(const char *w, const char *const *list, gsize n)
{
    for (gsize i = 0; i < n; i++)
        if (strcmp(w, list[i]) == 0)
            return TRUE;
    return FALSE;
}

static gboolean
arg_uint(GPtrArray *w, guint *i, guint64 max, guint64 *out)
{
    if (*i + 1 >= w->len)
        return FALSE;
    (*i)++;
    return dt_import_parse_uint(g_ptr_array_index(w, *i), max, out);
}

/* The number in a chat script: the word after ATD[TP]. */
static gboolean
find_dial(const char *chat, char **cmd, char **phone)
{
    g_autoptr(GPtrArray) w = dt_import_peers_words(chat);
    for (guint i = 0; i < w->len; i++) {
        const char *s = g_ptr_array_index(w, i);
        if (g_ascii_strncasecmp(s, "ATD", 3) != 0)
            continue;
        gsize n = 3;
        if (s[3] == 'T' || s[3] == 't' || s[3] == 'P' || s[3] == 'p')
            n = 4;
        if (s[n] == '\0')
            return FALSE;
        *cmd = g_ascii_strup(s, (gssize)n);
        *phone = g_strdup(s + n);
        return TRUE;
    }
    return FALSE;
}

typedef struct {
    char *pty;
    char *device;
    char *connect;
    guint64 speed;
    int crtscts; /* -1 unset */
    char *user;
    gboolean refuse[DT_PROFILE_AUTH_N];
    gboolean any_refuse;
    int mppe; /* -1 unset, else DtEncryption */
    int stateful;
    int defaultroute;
    gboolean usepeerdns;
    int ipv6;
    guint64 mtu, mru, echo_interval, echo_failure;
    gboolean have_echo_interval, have_echo_failure;
    gboolean persist;
    guint64 maxfail, holdoff, idle;
    gboolean have_maxfail, have_holdoff, have_idle;
} Peer;

static void
parse_mppe_word(DtImportEntry *e, Peer *pe, const char *arg)
{
    /* The MPPE-MPPC patch's syntax (pppd ≤ 2.4.3 on Debian/Mageia):
     * mppe required,stateless,no40,no56 */
    g_auto(GStrv) parts = g_strsplit(arg, ",", -1);
    gboolean required = FALSE, no40 = FALSE, no128 = FALSE;
    for (guint i = 0; parts[i]; i++) {
        if (strcmp(parts[i], "required") == 0)
            required = TRUE;
        else if (strcmp(parts[i], "no40") == 0)
            no40 = TRUE;
        else if (strcmp(parts[i], "no128") == 0)
            no128 = TRUE;
        else if (strcmp(parts[i], "stateless") == 0)
            pe->stateful = 0;
        else if (strcmp(parts[i], "stateful") == 0)
            pe->stateful = 1;
    }
    pe->mppe = !required        ? DT_ENCRYPTION_OPTIONAL
               : no40 && !no128 ? DT_ENCRYPTION_REQUIRE_128
                                : DT_ENCRYPTION_REQUIRE;
    dt_import_entry_map(e, "mppe %s → Encryption=%s", arg,
                        dt_encryption_to_string((DtEncryption)pe->mppe));
}

static void
set_auth(DtImportEntry *e, Peer *pe, DtProfile *p)
{
    if (!pe->any_refuse)
        return;
    DtAuthList l = {0};
    for (guint m = 0; m < DT_PROFILE_AUTH_N; m++)
        if (!pe->refuse[m])
            l.methods[l.n++] = (DtProfileAuth)m;
    if (l.n == 0) {
        dt_import_entry_note(e, "every method is refused; kept the default");
        return;
    }
    p->security.authentication = l;
    g_autofree char *s = dt_auth_list_to_string(&l);
    dt_import_entry_map(e, "refuse-* → Authentication=%s", s);
}

static void
fix_security(DtImportEntry *e, DtProfile *p)
{
    if (p->security.encryption == DT_ENCRYPTION_NONE ||
        dt_auth_list_contains(&p->security.authentication, DT_PROFILE_AUTH_MSCHAPV2) ||
        dt_auth_list_contains(&p->security.authentication, DT_PROFILE_AUTH_MSCHAP))
        return;
    if (p->security.encryption == DT_ENCRYPTION_OPTIONAL) {
        p->security.encryption = DT_ENCRYPTION_NONE;
        dt_import_entry_note(e, "MS-CHAP is refused, so MPPE cannot start: Encryption=none");
        return;
    }
    DtAuthList *l = &p->security.authentication;
    memmove(&l->methods[1], &l->methods[0], l->n * sizeof l->methods[0]);
    l->methods[0] = DT_PROFILE_AUTH_MSCHAPV2;
    l->n++;
    dt_import_entry_note(e, "MPPE is required but MS-CHAP refused, which cannot work; allowed "
                            "mschapv2 again");
}

static DtProfile *
make_profile(DtImportEntry *e, Peer *pe)
{
    DtProfile *p = NULL;
    if (pe->pty) {
        g_auto(GStrv) argv = NULL;
        if (!g_shell_parse_argv(pe->pty, NULL, &argv, NULL)) {
            dt_import_entry_skip(e, "pty command cannot be read");
            return NULL;
        }
        g_autofree char *prog = g_path_get_basename(argv[0]);
        if (strcmp(prog, "pptp") != 0) {
            dt_import_entry_skip(e,
                                 "pty runs %s, not pptp; Dialtone imports PPTP and modem "
                                 "peers",
                                 prog);
            return NULL;
        }
        const char *host = NULL;
        for (guint i = 1; argv[i] && host == NULL; i++) {
            if (argv[i][0] != '-')
                host = argv[i];
            else if (strcmp(argv[i], "--loglevel") == 0 || strcmp(argv[i], "--phone") == 0 ||
                     strcmp(argv[i], "--localbind") == 0 || strcmp(argv[i], "--rtmark") == 0 ||
                     strcmp(argv[i], "--max-echo-wait") == 0 || strcmp(argv[i], "--timeout") == 0 ||
                     strcmp(argv[i], "--logstring") == 0 || strcmp(argv[i], "--quirks") == 0)
                i += argv[i + 1] ? 1 : 0;
        }
        g_autoptr(GString) why = g_string_new(NULL);
        if (host == NULL || !dt_validate_host(host, why)) {
            dt_import_entry_skip(e, "the pptp command names no server Dialtone can dial%s%s",
                                 host ? ": " : "", why->str);
            return NULL;
        }
        p = dt_profile_new(DT_PROFILE_TYPE_PPTP);
        p->pptp.server = g_strdup(host);
        dt_import_entry_map(e, "pty \"pptp %s …\" → Server", host);
        if (pe->user) {
            p->pptp.user = g_strdup(pe->user);
            dt_import_entry_map(e, "name → User");
        }
    } else if (pe->device) {
        g_autofree char *cmd = NULL, *phone = NULL;
        if (pe->connect == NULL || !find_dial(pe->connect, &cmd, &phone)) {
            dt_import_entry_skip(e, "%s",
                                 pe->connect && strstr(pe->connect, "-f")
                                     ? "the number is in the chat script this peer "
                                       "runs (chat -f); make a dial-up profile with "
                                       "that number"
                                     : "no number to dial: no ATD in a connect line");
            return NULL;
        }
        g_autoptr(GString) why = g_string_new(NULL);
        if (!dt_validate_phone(phone, why)) {
            dt_import_entry_skip(e, "the number in the connect line cannot be dialled: %s",
                                 why->str);
            return NULL;
        }
        p = dt_profile_new(DT_PROFILE_TYPE_DIALUP);
        p->dialup.device = g_strdup(pe->device);
        p->dialup.phone = g_steal_pointer(&phone);
        g_free(p->dialup.dial_command);
        p->dialup.dial_command = g_steal_pointer(&cmd);
        dt_import_entry_map(e, "%s → Device; connect \"… %s%s …\" → Phone", pe->device,
                            p->dialup.dial_command, p->dialup.phone);
        if (pe->speed) {
            if (dt_import_serial_speed(pe->speed)) {
                p->dialup.speed = (guint)pe->speed;
                dt_import_entry_map(e, "%" G_GUINT64_FORMAT " → Speed", pe->speed);
            } else {
                dt_import_entry_note(e, "speed %" G_GUINT64_FORMAT " is not a standard rate",
                                     pe->speed);
            }
        }
        if (pe->crtscts >= 0) {
            p->dialup.flow_control = pe->crtscts ? DT_FLOW_CONTROL_HARDWARE : DT_FLOW_CONTROL_NONE;
            dt_import_entry_map(e, "%s → FlowControl=%s", pe->crtscts ? "crtscts" : "nocrtscts",
                                pe->crtscts ? "hardware" : "none");
        }
        if (pe->user) {
            p->dialup.user = g_strdup(pe->user);
            dt_import_entry_map(e, "user → User");
        }
    } else {
        dt_import_entry_skip(e, "neither a pty \"pptp …\" line nor a serial device: not a PPTP "
                                "or modem peer");
        return NULL;
    }

    set_auth(e, pe, p);
    if (pe->mppe >= 0) {
        p->security.encryption = (DtEncryption)pe->mppe;
    } else if (p->type == DT_PROFILE_TYPE_PPTP) {
        p->security.encryption = DT_ENCRYPTION_OPTIONAL;
        dt_import_entry_map(e, "no require-mppe (pppd accepts MPPE when offered) → "
                               "Encryption=optional");
    }
    if (pe->stateful >= 0)
        p->security.allow_stateful = pe->stateful;
    fix_security(e, p);
    if (pe->defaultroute >= 0)
        p->ipv4.default_route = pe->defaultroute;
    if (pe->usepeerdns)
        dt_import_entry_map(e, "usepeerdns → DNS=auto");
    else
        dt_import_entry_note(e, "no usepeerdns: pppd left DNS alone; Dialtone uses the server's "
                                "(DNS=auto)");
    if (pe->ipv6 >= 0)
        p->ipv6.enabled = pe->ipv6;
    if (pe->mtu) {
        p->ppp.mtu = (guint)CLAMP(pe->mtu, 576, 1500);
        dt_import_entry_map(e, "mtu %" G_GUINT64_FORMAT " → MTU=%u", pe->mtu, p->ppp.mtu);
    }
    if (pe->mru) {
        p->ppp.mru = (guint)CLAMP(pe->mru, 576, 1500);
        dt_import_entry_map(e, "mru %" G_GUINT64_FORMAT " → MRU=%u", pe->mru, p->ppp.mru);
    }
    if (pe->have_echo_interval) {
        p->ppp.echo_interval = (guint)MIN(pe->echo_interval, 3600);
        dt_import_entry_map(e, "lcp-echo-interval → EchoInterval=%u", p->ppp.echo_interval);
    }
    if (pe->have_echo_failure) {
        if (pe->echo_failure == 0) {
            p->ppp.echo_interval = 0;
            dt_import_entry_map(e, "lcp-echo-failure 0 → EchoInterval=0 (off)");
        } else {
            p->ppp.echo_failures = (guint)MIN(pe->echo_failure, 100);
            dt_import_entry_map(e, "lcp-echo-failure → EchoFailures=%u", p->ppp.echo_failures);
        }
    }
    p->redial.on_link_failure = pe->persist;
    dt_import_entry_map(e, "%s → OnLinkFailure=%s", pe->persist ? "persist" : "no persist",
                        pe->persist ? "true" : "false");
    if (pe->have_maxfail) {
        p->redial.attempts = (guint)MIN(pe->maxfail, 100);
        dt_import_entry_map(e, "maxfail → Attempts=%u", p->redial.attempts);
    }
    if (pe->have_holdoff) {
        p->redial.interval = (guint)CLAMP(pe->holdoff, 1, 3600);
        dt_import_entry_map(e, "holdoff → Interval=%u", p->redial.interval);
    }
    if (pe->have_idle) {
        p->redial.idle_disconnect = (guint)MIN(pe->idle, 604800);
        dt_import_entry_map(e, "idle → IdleDisconnect=%u", p->redial.idle_disconnect);
    }
    return p;
}

DtImport *
dt_import_peers(const char *data, gsize len, const char *name, GError **error)
{
    const char *encoding = NULL;
    g_autofree char *text = dt_import_decode(data, len, &encoding, error);
    if (text == NULL)
        return NULL;
    g_autoptr(GPtrArray) w = dt_import_peers_words(text);
    if (w->len == 0) {
        g_set_error(error, DT_IMPORT_ERROR, DT_IMPORT_ERROR_FORMAT,
                    "the peers file has no options");
        return NULL;
    }
    g_autoptr(DtImport) imp = dt_import_new(DT_IMPORT_FORMAT_PEERS);
    g_free(imp->encoding);
    imp->encoding = g_strdup(encoding);
    DtImportEntry *e = dt_import_add_entry(imp, name ? name : "pppd peer");
    Peer pe = {.crtscts = -1, .mppe = -1, .stateful = -1, .defaultroute = -1, .ipv6 = -1};
    g_autoptr(GPtrArray) unknown = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < w->len; i++) {
        const char *o = g_ptr_array_index(w, i);
        const char *next = i + 1 < w->len ? g_ptr_array_index(w, i + 1) : NULL;
        guint64 n;
        if (strcmp(o, "pty") == 0 && next) {
            g_free(pe.pty);
            pe.pty = g_strdup(next);
            i++;
        } else if (strcmp(o, "connect") == 0 && next) {
            g_free(pe.connect);
            pe.connect = g_strdup(next);
            i++;
        } else if ((strcmp(o, "name") == 0 || strcmp(o, "user") == 0) && next) {
            if (dt_validate_text(next, 256, FALSE, NULL)) {
                g_free(pe.user);
                pe.user = g_strdup(next);
            }
            i++;
        } else if (g_str_has_prefix(o, "/dev/") && dt_validate_device_path(o, NULL)) {
            g_free(pe.device);
            pe.device = g_strdup(o);
        } else if (g_str_has_prefix(o, "tty") && strchr(o, '/') == NULL) {
            g_free(pe.device);
            pe.device = g_strconcat("/dev/", o, NULL);
            if (!dt_validate_device_path(pe.device, NULL))
                g_clear_pointer(&pe.device, g_free);
        } else if (dt_import_parse_uint(o, 4000000, &n)) {
            pe.speed = n;
        } else if (strcmp(o, "crtscts") == 0) {
            pe.crtscts = 1;
        } else if (strcmp(o, "nocrtscts") == 0 || strcmp(o, "xonxoff") == 0) {
            pe.crtscts = 0;
        } else if (strcmp(o, "refuse-pap") == 0) {
            pe.refuse[DT_PROFILE_AUTH_PAP] = pe.any_refuse = TRUE;
        } else if (strcmp(o, "refuse-chap") == 0) {
            pe.refuse[DT_PROFILE_AUTH_CHAP] = pe.any_refuse = TRUE;
        } else if (strcmp(o, "refuse-mschap") == 0) {
            pe.refuse[DT_PROFILE_AUTH_MSCHAP] = pe.any_refuse = TRUE;
        } else if (strcmp(o, "refuse-mschap-v2") == 0) {
            pe.refuse[DT_PROFILE_AUTH_MSCHAPV2] = pe.any_refuse = TRUE;
        } else if (strcmp(o, "require-mppe-128") == 0) {
            pe.mppe = DT_ENCRYPTION_REQUIRE_128;
            dt_import_entry_map(e, "require-mppe-128 → Encryption=require-128");
        } else if (strcmp(o, "require-mppe") == 0 || strcmp(o, "require-mppe-40") == 0) {
            if (pe.mppe != DT_ENCRYPTION_REQUIRE_128)
                pe.mppe = DT_ENCRYPTION_REQUIRE;
            dt_import_entry_map(e, "%s → Encryption=require", o);
        } else if (strcmp(o, "nomppe") == 0 || strcmp(o, "noccp") == 0) {
            pe.mppe = DT_ENCRYPTION_NONE;
            dt_import_entry_map(e, "%s → Encryption=none", o);
        } else if (strcmp(o, "mppe") == 0 && next) {
            parse_mppe_word(e, &pe, next);
            i++;
        } else if (strcmp(o, "mppe-stateful") == 0) {
            pe.stateful = 1;
            dt_import_entry_map(e, "mppe-stateful → AllowStateful=true");
        } else if (strcmp(o, "defaultroute") == 0 || strcmp(o, "replacedefaultroute") == 0) {
            pe.defaultroute = 1;
            dt_import_entry_map(e, "%s → DefaultRoute=true", o);
        } else if (strcmp(o, "nodefaultroute") == 0) {
            pe.defaultroute = 0;
            dt_import_entry_map(e, "nodefaultroute → DefaultRoute=false");
        } else if (strcmp(o, "usepeerdns") == 0) {
            pe.usepeerdns = TRUE;
        } else if (strcmp(o, "noipv6") == 0) {
            pe.ipv6 = 0;
            dt_import_entry_map(e, "noipv6 → IPv6 Enabled=false");
        } else if (strcmp(o, "+ipv6") == 0 || strcmp(o, "ipv6") == 0) {
            pe.ipv6 = 1;
            dt_import_entry_map(e, "%s → IPv6 Enabled=true", o);
            if (strcmp(o, "ipv6") == 0 && next && strchr(next, ','))
                i++;
        } else if (strcmp(o, "mtu") == 0) {
            if (!arg_uint(w, &i, G_MAXUINT32, &pe.mtu))
                pe.mtu = 0;
        } else if (strcmp(o, "mru") == 0) {
            if (!arg_uint(w, &i, G_MAXUINT32, &pe.mru))
                pe.mru = 0;
        } else if (strcmp(o, "lcp-echo-interval") == 0) {
            pe.have_echo_interval = arg_uint(w, &i, G_MAXUINT32, &pe.echo_interval);
        } else if (strcmp(o, "lcp-echo-failure") == 0) {
            pe.have_echo_failure = arg_uint(w, &i, G_MAXUINT32, &pe.echo_failure);
        } else if (strcmp(o, "persist") == 0) {
            pe.persist = TRUE;
        } else if (strcmp(o, "maxfail") == 0) {
            pe.have_maxfail = arg_uint(w, &i, G_MAXUINT32, &pe.maxfail);
        } else if (strcmp(o, "holdoff") == 0) {
            pe.have_holdoff = arg_uint(w, &i, G_MAXUINT32, &pe.holdoff);
        } else if (strcmp(o, "idle") == 0) {
            pe.have_idle = arg_uint(w, &i, G_MAXUINT32, &pe.idle);
        } else if ((strcmp(o, "file") == 0 || strcmp(o, "call") == 0 || strcmp(o, "plugin") == 0) &&
                   next) {
            dt_import_entry_note(e, "%s %s: its options are not read; check them by hand", o, next);
            i++;
        } else if (strcmp(o, "password") == 0 && next) {
            /* A secret on a command line or in a world-readable file; take
             * it to the keyring rather than lose it. */
            if (dt_validate_text(next, 256, FALSE, NULL)) {
                g_free(e->password);
                e->password = g_strdup(next);
            }
            i++;
        } else if (in_list(o, ignored_with_arg, G_N_ELEMENTS(ignored_with_arg)) && next) {
            e->ignored++;
            i++;
        } else if (in_list(o, ignored_flags, G_N_ELEMENTS(ignored_flags))) {
            e->ignored++;
        } else if (unknown->len < 20) {
            g_ptr_array_add(unknown, g_strescape(o, NULL));
        }
    }
    if (unknown->len > 0) {
        g_ptr_array_add(unknown, NULL);
        g_autofree char *list = g_strjoinv(", ", (char **)unknown->pdata);
        dt_import_entry_note(e, "unknown options, ignored: %s", list);
    }
    char *password = g_steal_pointer(&e->password);
    e->profile = make_profile(e, &pe);
    if (e->profile) {
        g_free(e->profile->name);
        e->profile->name = dt_import_clean_name(name, "pppd peer");
        e->password = password;
    } else if (password) {
        memset(password, 0, strlen(password));
        g_free(password);
    }
    dt_import_entry_finish(e);
    g_free(pe.pty);
    g_free(pe.device);
    g_free(pe.connect);
    g_free(pe.user);
    return g_steal_pointer(&imp);
}
