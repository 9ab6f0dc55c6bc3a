/* dt-policy-common.h — loading what src/common validates into plain values for the programs:
 * a PPTP profile for dialtone-link --standalone and server.conf for dialtone-server. Plain C:
 * callers need not include GLib or src/common. */
#ifndef DT_POLICY_COMMON_H
#define DT_POLICY_COMMON_H

#include "dt-inet.h"
#include "dt-policy.h"

#include <stddef.h>
#include <stdint.h>

#define DT_DNS_MAX 4

typedef enum {
    DT_LINK_DNS_AUTO, /* what IPCP offers (RFC 1877) */
    DT_LINK_DNS_NONE,
    DT_LINK_DNS_STATIC,
} DtLinkDnsMode;

#define DT_LINK_INIT_MAX 8

/* [Dialup] of a dial-up profile. */
typedef struct {
    char *device; /* /dev/ttyUSB0 */
    unsigned speed;
    bool hw_flow;
    char *init[DT_LINK_INIT_MAX]; /* Init= split at ';' */
    size_t n_init;
    char *dial_command; /* ATDT */
    char *phone;
} DtLinkDialup;

typedef struct {
    char *path; /* the file it came from, for messages */
    char *id;
    char *name;
    bool is_dialup; /* Type=dialup: dialup is filled in, server is NULL */
    char *server;
    char *user;       /* as sent: "DOMAIN\user" when a domain is set */
    char *dial_first; /* PPTP: the Id of the dial-up profile to bring up first, or NULL */
    DtLinkDialup dialup;
    DtPolicy policy;
    bool default_route;
    DtInetPrefix *routes; /* IPv4 CIDRs used when !default_route */
    size_t n_routes;
    DtLinkDnsMode dns_mode;
    DtInetAddr dns[DT_DNS_MAX];
    size_t n_dns;
    char **dns_search; /* NULL-terminated search domains ([IPv4] DNSSearch) */
    bool ipv6;
    /* DialFirst: the dial-up profile as a serialized a{sv} (dt_profile_to_variant()'s form),
     * from --managed's START, where the helper nests it; NULL: <dial_first>.conf beside path. */
    void *lower;
    size_t lower_len;
} DtLinkProfile;

/* Loads and validates a PPTP or dial-up profile file (src/common's rules: file, line and key
 * in the message). Returns 0, or -1 with the sentence in why. */
int dt_link_profile_load(DtLinkProfile *p, const char *path, char *why, size_t why_size);
/* The same from a serialized a{sv} (dt_profile_to_variant()'s form, GLib's normal form), as the
 * helper sends it to dialtone-link --managed; a PPTP profile with DialFirst must carry the
 * dial-up profile nested (it lands in p->lower). origin names it in messages. */
int dt_link_profile_from_variant_data(DtLinkProfile *p, const void *data, size_t len,
                                      const char *origin, char *why, size_t why_size);
/* Loads a profile file and serializes it as dt_link_profile_from_variant_data() reads it, into
 * *data (g_free()) and *len. Returns 0, or -1 with the sentence in why. */
int dt_link_profile_file_to_variant_data(const char *path, void **data, size_t *len, char *why,
                                         size_t why_size);
void dt_link_profile_clear(DtLinkProfile *p);

typedef struct {
    char *path;
    char *listen_address; /* without brackets; "" for any */
    uint16_t listen_port;
    uint32_t local_ipv4;                /* host order */
    uint32_t remote_first, remote_last; /* host order */
    DtInetAddr dns[DT_DNS_MAX];
    size_t n_dns;
    char *secrets_path;
    unsigned max_calls;
    DtPolicy policy;
    char **warnings; /* NULL-terminated, "FILE:LINE: …" for unknown keys */
} DtServerSettings;

int dt_server_settings_load(DtServerSettings *s, const char *path, char *why, size_t why_size);
void dt_server_settings_clear(DtServerSettings *s);

/* chap-secrets (pppd format), loaded with src/common's permission checks. */
typedef struct DtSecretsTable DtSecretsTable;
DtSecretsTable *dt_secrets_table_load(const char *path, char *why, size_t why_size);
void dt_secrets_table_free(DtSecretsTable *t);
/* Copies the secret of client (server name "*" or local_name) into secret (cap bytes with the
 * NUL); false for an unknown client or a secret too long. *allowed_ipv4 (host order, 0 = any)
 * receives the entry's first fixed IPv4 address, if it names one. */
bool dt_secrets_table_lookup(const DtSecretsTable *t, const char *client, const char *local_name,
                             char *secret, size_t cap, uint32_t *allowed_ipv4);

#endif /* DT_POLICY_COMMON_H */
