/* test-link-report.c — the connection report (src/link/dt-link-report.c): what it keeps of a
 * long link, the text in the section comment, withheld frames; read back by tshark and
 * capinfos when they are installed. */
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "dt-link-report.h"
#include "dt-test.h"

/* An LCP Echo-Request with its number in the magic field. */
static void
tap_echo(DtLinkReport *r, unsigned i, DtTime now)
{
    uint8_t pkt[8] = {9, (uint8_t)i, 0, 8};
    pkt[4] = (uint8_t)(i >> 24);
    pkt[5] = (uint8_t)(i >> 16);
    pkt[6] = (uint8_t)(i >> 8);
    pkt[7] = (uint8_t)i;
    DtPppTapFrame f = {.direction = i % 2 ? DT_PPP_TAP_RECEIVED : DT_PPP_TAP_SENT,
                       .protocol = 0xC021,
                       .pkt = pkt,
                       .len = sizeof pkt,
                       .orig_len = sizeof pkt,
                       .time = now};
    dt_link_report_tap_cb(r, &f);
}

static void
test_long_link(void)
{
    const unsigned n_frames = 2000, n_lines = 1500;
    DtTime t0 = 5000000;
    DtLinkReport *r = dt_link_report_new("Profile:           Long one\n", t0);
    g_assert_nonnull(r);
    for (unsigned i = 0; i < n_lines; i++) {
        g_autofree char *line = g_strdup_printf("layer=test event=line n=%u", i);
        dt_link_report_line(r, t0 + i, line);
    }
    for (unsigned i = 0; i < n_frames; i++)
        tap_echo(r, i, t0 + 10 * i);
    /* A withheld frame (an MS-CHAP Change-Password): kept as its PPP header only. */
    DtPppTapFrame withheld = {
        .direction = DT_PPP_TAP_SENT, .protocol = 0xC223, .orig_len = 582, .time = t0 + 30000};
    dt_link_report_tap_cb(r, &withheld);
    g_assert_cmpuint(dt_link_report_frames(r), ==, n_frames + 1);
    /* A link that never opened: its counters, and no LCP section. */
    DtPppConfig pc = {.role = DT_PPP_ROLE_PEER, .crypto = dt_test_crypto()};
    DtPpp *ppp = dt_ppp_new(&pc);
    g_assert_nonnull(ppp);
    dt_ppp_input(ppp, (const uint8_t *)"\xff\x03\x00", 3, t0, NULL); /* malformed */
    dt_link_report_set_ppp(r, ppp);
    dt_ppp_free(ppp);
    dt_link_report_set_result(r, DT_REASON_ECHO_TIMEOUT, "lcp: 3 echo requests went unanswered",
                              t0 + 40000);

    g_autofree char *path = NULL;
    int fd = g_file_open_tmp("dt-report-XXXXXX.pcapng", &path, NULL);
    g_assert_cmpint(fd, >=, 0);
    g_assert_true(dt_link_report_write(r, fd));
    close(fd);
    dt_link_report_free(r);

    const char *const capinfos[] = {"capinfos", "-k", "-c", "-M", path, NULL};
    g_autofree char *ci = dt_test_spawn(capinfos);
    if (!ci) {
        g_unlink(path);
        g_test_skip("capinfos is not installed (tools/deps)");
        return;
    }
    /* The first DT_LINK_REPORT_HEAD and the last DT_LINK_REPORT_TAIL frames. */
    g_assert_true(g_regex_match_simple("Number of packets: +768\\b", ci, 0, 0));
    g_assert_nonnull(strstr(ci, "Profile:           Long one"));
    g_assert_nonnull(strstr(ci, "echo-timeout"));
    g_assert_nonnull(strstr(ci, "lcp: 3 echo requests went unanswered"));
    g_assert_nonnull(strstr(ci, "2001 PPP control frames: LCP 2000, PAP 0, CHAP 1"));
    g_assert_nonnull(strstr(ci, "1233 frames in the middle were not kept"));
    g_assert_nonnull(strstr(ci, "1 authentication packets withheld"));
    g_assert_nonnull(
        strstr(ci, "PPP:             frames in 1, out 0, datagrams in 0; malformed 1"));
    g_assert_nonnull(strstr(ci, "LCP echo:        0 sent"));
    g_assert_null(strstr(ci, "LCP (ours):"));
    /* Timeline: the first and the last lines, the middle counted. */
    g_assert_nonnull(strstr(ci, "0.000  layer=test event=line n=0"));
    g_assert_nonnull(strstr(ci, "layer=test event=line n=511"));
    g_assert_null(strstr(ci, "layer=test event=line n=512"));
    g_assert_nonnull(strstr(ci, "732 lines not kept"));
    g_assert_nonnull(strstr(ci, "1.499  layer=test event=line n=1499"));

    const char *const tshark[] = {"tshark",
                                  "-r",
                                  path,
                                  "-T",
                                  "fields",
                                  "-E",
                                  "separator=,",
                                  "-e",
                                  "frame.p2p_dir",
                                  "-e",
                                  "lcp.magic_number",
                                  "-e",
                                  "frame.time_delta",
                                  "-e",
                                  "frame.comment",
                                  NULL};
    g_autofree char *out = dt_test_spawn(tshark);
    g_auto(GStrv) lines = g_strsplit(g_strchomp(out), "\n", -1);
    g_assert_cmpuint(g_strv_length(lines), ==, 768);
    g_assert_true(g_str_has_prefix(lines[0], "0,0x00000000,0.000000000,"));
    g_assert_true(g_str_has_prefix(lines[1], "1,0x00000001,0.010000000,"));
    g_assert_true(g_str_has_prefix(lines[511], "1,0x000001ff,"));
    /* The tail starts at frame 2001 − 256 = 1745, and says what went before it. */
    g_assert_true(g_str_has_prefix(lines[512], "1,0x000006d1,12.340000000,"));
    g_assert_nonnull(strstr(lines[512], "1233 frames before this one were not kept"));
    g_assert_true(g_str_has_prefix(lines[766], "1,0x000007cf,"));
    g_assert_true(g_str_has_prefix(lines[767], "0,,10.010000000,Dialtone withheld this CHAP"));
    g_unlink(path);
}

static void
test_nothing_ran(void)
{
    /* A link that failed before PPP: the timeline and the result, no packets. */
    g_autoptr(GDateTime) before = g_date_time_new_now_utc();
    DtLinkReport *r = dt_link_report_new("Profile:           Early\n", 100);
    g_autoptr(GDateTime) after = g_date_time_new_now_utc();
    dt_link_report_line(r, 100, "stage=connect error=\"connection refused\"");
    dt_link_report_set_result(r, DT_REASON_NONE, "Connection refused", 150);
    g_autofree char *path = NULL;
    int fd = g_file_open_tmp("dt-report-XXXXXX.pcapng", &path, NULL);
    g_assert_true(dt_link_report_write(r, fd));
    close(fd);
    dt_link_report_free(r);
    const char *const capinfos[] = {"capinfos", "-k", "-c", "-M", path, NULL};
    g_autofree char *ci = dt_test_spawn(capinfos);
    if (!ci) {
        g_unlink(path);
        g_test_skip("capinfos is not installed (tools/deps)");
        return;
    }
    g_assert_true(g_regex_match_simple("Number of packets: +0\\b", ci, 0, 0));
    g_assert_nonnull(strstr(ci, "Result:            Connection refused"));
    g_assert_nonnull(strstr(ci, "(none: the link did not start)"));
    /* The date is worked out without gmtime_r (dt-link-report.c says why): it must agree. */
    g_autofree char *d1 = g_date_time_format(before, "Started:           %Y-%m-%d %H:%M");
    g_autofree char *d2 = g_date_time_format(after, "Started:           %Y-%m-%d %H:%M");
    g_assert_true(strstr(ci, d1) || strstr(ci, d2));
    g_assert_true(g_regex_match_simple(
        "Started: +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} UTC", ci, 0, 0));
    g_assert_nonnull(strstr(ci, "connection refused"));
    g_unlink(path);
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/link-report/long-link", test_long_link);
    g_test_add_func("/link-report/nothing-ran", test_nothing_ran);
    return dt_test_run();
}
