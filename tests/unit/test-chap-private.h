/* test-chap-private.h — what test-chap.c (CHAP in general and per method)
 * and test-chap-mschap.c (MS-CHAP specifics) share: test accounts, the two
 * roles made with short timers, an in-process wire, and packet builders. */
#ifndef TEST_CHAP_PRIVATE_H
#define TEST_CHAP_PRIVATE_H

#include <string.h>

#include "dt-auth.h"
#include "dt-test.h"

typedef struct {
    const char *user;
    const char *secret;
} Account;

static const Account accounts[] = {
    {"alice", "secret"},
    {"CORP\\bob", "Cl\xc3\xa9-p\xc3\xa0ss 2000"}, /* domain user, non-LM password */
    {"carol", "MyPw"},
};

static inline bool
lookup_cb(void *data, const char *user, size_t len, char *secret, size_t cap)
{
    unsigned *calls = data;
    if (calls)
        (*calls)++;
    g_assert_cmpuint(strlen(user), ==, len);
    for (size_t i = 0; i < G_N_ELEMENTS(accounts); i++) {
        if (strcmp(user, accounts[i].user) == 0) {
            g_strlcpy(secret, accounts[i].secret, cap);
            return true;
        }
    }
    return false;
}

typedef struct {
    unsigned restart;
    unsigned max_transmits;
    unsigned max_retries;
    const char *local_name;
} Opts;

static inline DtAuth *
new_peer(DtAuthMethod m, const char *user, const char *password, const Opts *o)
{
    DtAuthConfig c = {
        .method = m,
        .role = DT_PPP_ROLE_PEER,
        .crypto = dt_test_crypto(),
        .user = user,
        .password = password,
        .restart_ms = o ? o->restart : 0,
        .max_transmits = o ? o->max_transmits : 0,
        .max_retries = o ? o->max_retries : 0,
    };
    DtAuth *a = dt_auth_new(&c);
    g_assert_nonnull(a);
    return a;
}

static inline DtAuth *
new_authenticator(DtAuthMethod m, const Opts *o)
{
    DtAuthConfig c = {
        .method = m,
        .role = DT_PPP_ROLE_AUTHENTICATOR,
        .crypto = dt_test_crypto(),
        .lookup = lookup_cb,
        .local_name = o ? o->local_name : NULL,
        .restart_ms = o ? o->restart : 0,
        .max_transmits = o ? o->max_transmits : 0,
        .max_retries = o ? o->max_retries : 0,
    };
    DtAuth *a = dt_auth_new(&c);
    g_assert_nonnull(a);
    return a;
}

static inline unsigned
pump(DtAuth *from, DtAuth *to, DtTime now)
{
    uint8_t buf[DT_AUTH_MAX_PACKET];
    size_t n;
    unsigned count = 0;
    while ((n = dt_auth_poll_transmit(from, buf, sizeof(buf))) > 0) {
        dt_auth_input(to, buf, n, now);
        count++;
    }
    return count;
}

static inline void
run(DtAuth *peer, DtAuth *auth)
{
    dt_auth_start(auth, 0);
    dt_auth_start(peer, 0);
    while (pump(auth, peer, 1) + pump(peer, auth, 1) > 0) {
    }
}

/* Builds Code/Identifier/Length around data. */
static inline size_t
build(uint8_t *buf, uint8_t code, uint8_t id, const void *data, size_t len)
{
    buf[0] = code;
    buf[1] = id;
    buf[2] = (uint8_t)((4 + len) >> 8);
    buf[3] = (uint8_t)(4 + len);
    memcpy(buf + 4, data, len);
    return 4 + len;
}

static inline size_t
build_value(uint8_t *buf, uint8_t code, uint8_t id, const void *value, size_t vlen,
            const char *name)
{
    uint8_t data[600];
    data[0] = (uint8_t)vlen;
    memcpy(data + 1, value, vlen);
    memcpy(data + 1 + vlen, name, strlen(name));
    return build(buf, code, id, data, 1 + vlen + strlen(name));
}

#endif /* TEST_CHAP_PRIVATE_H */
