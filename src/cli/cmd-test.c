/* cmd-test.c — dialtonectl test NAME|--file FILE [--timeout SECONDS] [--json]: the pre-flight
 * check of a PPTP profile's path (dt-preflight.h), without authenticating. Prints a table of
 * the steps, or one JSON object with --json, and exits with a status that names the class of
 * the first failure, so a script can tell a DNS problem from a firewall eating GRE. */
#include "dt-ctl.h"
#include "dt-preflight.h"
#include "dt-profile-store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exit statuses of `test`, after the shared ones (dt-ctl.h) so that they never collide. */
enum {
    TEST_EXIT_DNS = 10,
    TEST_EXIT_TCP_REFUSED = 11,
    TEST_EXIT_TCP_BLOCKED = 12,
    TEST_EXIT_PPTP_REFUSED = 13,
    TEST_EXIT_GRE_BLOCKED = 14,
    TEST_EXIT_GRE_UNCHECKED = 15,
};

#define TEST_TIMEOUT_MAX_S 120

static const char test_usage[] =
    "Usage: dialtonectl test NAME|--file FILE [--timeout SECONDS] [--json]\n"
    "\n"
    "Checks the path to a PPTP profile’s server without logging in: resolves the server’s\n"
    "name, opens TCP port 1723, exchanges Start-Control-Connection-Request/-Reply (the\n"
    "server’s vendor, host name and firmware), places a call, sends one GRE packet and waits\n"
    "for GRE from the server, then clears the call and stops cleanly. Each step waits at most\n"
    "--timeout seconds (default 5). The GRE step needs root (a raw socket); without it, it is\n"
    "skipped and said so, and the other steps still run.\n"
    "\n"
    "  --json     one JSON object on standard output instead of the table\n"
    "\n"
    "Exit status:\n"
    "  0   passed: DNS, TCP 1723, PPTP and GRE all work\n"
    "  1   the check could not run to the end on this machine\n"
    "  2   usage: command line, profile file, or not a PPTP profile\n"
    "  7   no such profile\n"
    "  10  DNS: the server’s name does not resolve\n"
    "  11  TCP refused: nothing listens on TCP 1723 at the server\n"
    "  12  TCP blocked: TCP 1723 timed out or the host is unreachable\n"
    "  13  PPTP refused: the server refused the control connection or the call\n"
    "  14  GRE blocked: the call came up, but no GRE came back\n"
    "  15  GRE not checked (not root); every other step passed\n";

static int
exit_status(DtPreflightVerdict v)
{
    switch (v) {
    case DT_PREFLIGHT_PASSED:
        return DT_CTL_OK;
    case DT_PREFLIGHT_DNS:
        return TEST_EXIT_DNS;
    case DT_PREFLIGHT_TCP_REFUSED:
        return TEST_EXIT_TCP_REFUSED;
    case DT_PREFLIGHT_TCP_BLOCKED:
        return TEST_EXIT_TCP_BLOCKED;
    case DT_PREFLIGHT_PPTP_REFUSED:
        return TEST_EXIT_PPTP_REFUSED;
    case DT_PREFLIGHT_GRE_BLOCKED:
        return TEST_EXIT_GRE_BLOCKED;
    case DT_PREFLIGHT_GRE_UNCHECKED:
        return TEST_EXIT_GRE_UNCHECKED;
    case DT_PREFLIGHT_INTERNAL:
        break;
    }
    return DT_CTL_FAILED;
}

static const char *const step_titles[DT_PREFLIGHT_STEP_COUNT] = {
    "DNS", "TCP 1723", "PPTP", "Call", "GRE", "Close",
};

/* The server's texts are bytes of its choosing: made valid UTF-8 first, so the JSON is. */
static void
json_string(GString *out, const char *text)
{
    g_autofree char *s = g_utf8_make_valid(text, -1);
    g_string_append_c(out, '"');
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            g_string_append_printf(out, "\\%c", *c);
        else if (*c < 0x20)
            g_string_append_printf(out, "\\u%04x", *c);
        else
            g_string_append_c(out, (char)*c);
    }
    g_string_append_c(out, '"');
}

static void
json_key(GString *out, const char *key, gboolean first)
{
    if (!first)
        g_string_append_c(out, ',');
    json_string(out, key);
    g_string_append_c(out, ':');
}

static void
json_key_string(GString *out, const char *key, const char *value)
{
    json_key(out, key, FALSE);
    json_string(out, value);
}

static void
json_key_uint(GString *out, const char *key, guint64 value)
{
    json_key(out, key, FALSE);
    g_string_append_printf(out, "%" G_GUINT64_FORMAT, value);
}

static void
json_key_bool(GString *out, const char *key, gboolean value)
{
    json_key(out, key, FALSE);
    g_string_append(out, value ? "true" : "false");
}

static void
print_json(const DtProfile *p, const DtPreflightResult *r, guint timeout_s)
{
    g_autoptr(GString) o = g_string_new("{");
    char a[DT_INET_STRLEN];
    json_key(o, "profile", TRUE);
    json_string(o, p->name);
    json_key_string(o, "id", p->id);
    json_key_string(o, "server", p->pptp.server);
    json_key_uint(o, "timeout", timeout_s);
    json_key_string(o, "verdict", dt_preflight_verdict_to_string(r->verdict));
    json_key_uint(o, "exit_status", (guint64)exit_status(r->verdict));
    json_key_string(o, "message", dt_preflight_verdict_describe(r->verdict));
    json_key_string(o, "next_step", dt_preflight_verdict_next_step(r->verdict));
    json_key(o, "steps", FALSE);
    g_string_append_c(o, '[');
    for (int i = 0; i < DT_PREFLIGHT_STEP_COUNT; i++) {
        g_string_append(o, i ? ",{" : "{");
        json_key(o, "step", TRUE);
        json_string(o, dt_preflight_step_to_string((DtPreflightStepId)i));
        json_key_string(o, "status", dt_preflight_status_to_string(r->steps[i].status));
        json_key_string(o, "detail", r->steps[i].detail);
        g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
    json_key(o, "addresses", FALSE);
    g_string_append_c(o, '[');
    for (unsigned i = 0; i < r->addr_count; i++) {
        if (i)
            g_string_append_c(o, ',');
        json_string(o, dt_inet_to_string(&r->addrs[i], a));
    }
    g_string_append_c(o, ']');
    json_key(o, "tcp", FALSE);
    g_string_append_c(o, '{');
    json_key(o, "connected", TRUE);
    g_string_append(o, r->connected ? "true" : "false");
    if (r->connected) {
        json_key_string(o, "address", dt_inet_to_string(&r->peer, a));
        json_key_string(o, "local_address", dt_inet_to_string(&r->local, a));
    }
    if (r->tcp_error) {
        json_key_string(o, "error", g_strerror(r->tcp_error));
        json_key_uint(o, "errno", (guint64)r->tcp_error);
    }
    g_string_append_c(o, '}');
    if (r->have_server) {
        const DtPptpPeerInfo *s = &r->server;
        char version[16], res[96];
        dt_pptp_describe_result(DT_PPTP_SCCRP, r->sccrp_result, r->sccrp_error, 0, res, sizeof res);
        g_snprintf(version, sizeof version, "%u.%02u", s->version >> 8, s->version & 0xFF);
        json_key(o, "pptp", FALSE);
        g_string_append_c(o, '{');
        json_key(o, "result", TRUE);
        g_string_append_printf(o, "%u", r->sccrp_result);
        json_key_string(o, "result_text", res);
        json_key_uint(o, "error", r->sccrp_error);
        json_key_string(o, "version", version);
        json_key_string(o, "vendor", s->vendor);
        json_key_string(o, "host_name", s->host_name);
        json_key_uint(o, "firmware", s->firmware);
        json_key_uint(o, "framing_caps", s->framing_caps);
        json_key_bool(o, "framing_async", (s->framing_caps & DT_PPTP_FRAMING_ASYNC) != 0);
        json_key_bool(o, "framing_sync", (s->framing_caps & DT_PPTP_FRAMING_SYNC) != 0);
        json_key_uint(o, "bearer_caps", s->bearer_caps);
        json_key_bool(o, "bearer_analog", (s->bearer_caps & DT_PPTP_BEARER_ANALOG) != 0);
        json_key_bool(o, "bearer_digital", (s->bearer_caps & DT_PPTP_BEARER_DIGITAL) != 0);
        json_key_uint(o, "max_channels", s->max_channels);
        g_string_append_c(o, '}');
    }
    if (r->steps[DT_PREFLIGHT_STEP_CALL].status != DT_PREFLIGHT_NOT_RUN) {
        json_key(o, "call", FALSE);
        g_string_append_c(o, '{');
        json_key(o, "connected", TRUE);
        g_string_append(o, r->steps[DT_PREFLIGHT_STEP_CALL].status == DT_PREFLIGHT_OK ? "true"
                                                                                      : "false");
        json_key_uint(o, "call_id", r->call_id);
        json_key_uint(o, "peer_call_id", r->peer_call_id);
        json_key_uint(o, "result", r->ocrp_result);
        json_key_uint(o, "error", r->ocrp_error);
        json_key_uint(o, "cause", r->ocrp_cause);
        json_key_uint(o, "connect_speed", r->connect_speed);
        g_string_append_c(o, '}');
    }
    json_key(o, "gre", FALSE);
    g_string_append_c(o, '{');
    json_key(o, "checked", TRUE);
    g_string_append(o, r->gre_tried ? "true" : "false");
    json_key_bool(o, "needs_root", r->steps[DT_PREFLIGHT_STEP_GRE].status == DT_PREFLIGHT_SKIPPED);
    json_key_uint(o, "packets", r->gre_packets);
    json_key_uint(o, "icmp_errors", r->gre_icmp_errors);
    if (r->gre_packets)
        json_key_string(o, "first", r->gre_first);
    g_string_append(o, "}}\n");
    fputs(o->str, stdout);
}

static void
print_table(const DtProfile *p, const DtPreflightResult *r)
{
    printf("Pre-flight check of “%s” (server %s)\n\n", p->name, p->pptp.server);
    for (int i = 0; i < DT_PREFLIGHT_STEP_COUNT; i++) {
        const DtPreflightStep *s = &r->steps[i];
        const char *mark = s->status == DT_PREFLIGHT_OK        ? "✓"
                           : s->status == DT_PREFLIGHT_FAILED  ? "✗"
                           : s->status == DT_PREFLIGHT_SKIPPED ? "–"
                                                               : "·";
        printf("  %s %-9s %s\n", mark, step_titles[i],
               s->status == DT_PREFLIGHT_NOT_RUN ? "not tried" : s->detail);
    }
    printf("\nResult: %s\nNext step: %s\n", dt_preflight_verdict_describe(r->verdict),
           dt_preflight_verdict_next_step(r->verdict));
}

int
dt_ctl_test(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtProfileStore) store = NULL;
    g_autoptr(DtProfile) owned = NULL;
    const DtProfile *profile = NULL;
    const char *file = NULL, *name = NULL;
    gboolean json = FALSE, bad = FALSE;
    guint64 timeout_s = DT_PREFLIGHT_DEFAULT_TIMEOUT_MS / 1000;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(test_usage, stdout);
            return DT_CTL_OK;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = TRUE;
        } else if (strcmp(argv[i], "--file") == 0 && i + 1 < argc) {
            file = argv[++i];
        } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            if (!g_ascii_string_to_unsigned(argv[++i], 10, 1, TEST_TIMEOUT_MAX_S, &timeout_s, NULL))
                bad = TRUE;
        } else if (argv[i][0] != '-' && name == NULL) {
            name = argv[i];
        } else {
            bad = TRUE;
        }
    }
    if (bad || (file == NULL) == (name == NULL)) {
        fputs(test_usage, stderr);
        return DT_CTL_USAGE;
    }
    if (file) {
        owned = dt_profile_load_file(file, &error);
        profile = owned;
    } else {
        store = dt_profile_store_new(NULL);
        if (dt_profile_store_load(store, NULL, &error))
            profile = dt_profile_store_lookup(store, name, &error);
    }
    if (profile == NULL) {
        dt_ctl_fail(file ? file : name, error);
        return g_error_matches(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_NOT_FOUND)
                   ? DT_CTL_NOT_FOUND
                   : DT_CTL_USAGE;
    }
    if (profile->type != DT_PROFILE_TYPE_PPTP || profile->pptp.server == NULL ||
        profile->pptp.server[0] == '\0') {
        fprintf(stderr,
                "dialtonectl: test: “%s” is not a PPTP profile with a server; only a "
                "PPTP path can be checked\n",
                profile->name);
        return DT_CTL_USAGE;
    }

    DtPreflightConfig config = {.timeout_ms = (uint32_t)timeout_s * 1000};
    DtPreflightResult *r = g_new0(DtPreflightResult, 1);
    dt_preflight_run(profile->pptp.server, &config, r);
    if (json)
        print_json(profile, r, (guint)timeout_s);
    else
        print_table(profile, r);
    int status = exit_status(r->verdict);
    g_free(r);
    return fflush(stdout) == 0 ? status : DT_CTL_FAILED;
}
