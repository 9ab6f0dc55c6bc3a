/* dt-reason.c — tokens and sentences for DtReason. */
#include "dt-reason.h"

/* N_() marks a sentence for xgettext (po/POTFILES.in) and nothing more: the engine never calls
 * gettext. The app translates the words it is sent in the dialtone domain
 * (dt_connection_info_failure_words). */
#define N_(s) s

static const struct {
    const char *token;
    const char *sentence;
} reasons[] = {
    [DT_REASON_NONE] = {"none", N_("No error.")},
    [DT_REASON_LOCAL_REQUEST] = {"local-request", N_("The connection was closed on request.")},
    [DT_REASON_PEER_TERMINATED] = {"peer-terminated", N_("The server ended the connection.")},
    [DT_REASON_PEER_STOPPED] = {"peer-stopped", N_("The server stopped the tunnel.")},
    [DT_REASON_NEGOTIATION_FAILED] = {"negotiation-failed",
                                      N_("The two sides could not agree on the link settings.")},
    [DT_REASON_PROTOCOL_REJECTED] = {"protocol-rejected",
                                     N_("The server refused a protocol this connection needs.")},
    [DT_REASON_LOOPBACK] = {"loopback",
                            N_("The line is looped back: we are talking to ourselves.")},
    [DT_REASON_AUTH_FAILED] = {"auth-failed", N_("The user name or password was not accepted.")},
    [DT_REASON_AUTH_REFUSED] = {"auth-refused",
                                N_("The server and this profile allow no authentication method "
                                   "in common.")},
    [DT_REASON_AUTH_NO_DIALIN] = {"auth-no-dialin",
                                  N_("The account is not allowed to dial in (no remote access "
                                     "permission).")},
    [DT_REASON_AUTH_EXPIRED] = {"auth-expired", N_("The account's password has expired.")},
    [DT_REASON_AUTH_RESTRICTED] = {"auth-restricted",
                                   N_("The account is disabled or not allowed to log on now.")},
    [DT_REASON_AUTH_BAD_SERVER] = {"auth-bad-server",
                                   N_("The server could not prove it knows the password; the "
                                      "connection was stopped in case it is an impostor.")},
    [DT_REASON_AUTH_TIMEOUT] = {"auth-timeout", N_("Authentication did not finish in time.")},
    [DT_REASON_MPPE_REFUSED] = {"mppe-refused",
                                N_("The server does not offer the encryption this profile "
                                   "requires.")},
    [DT_REASON_MPPE_NO_KEYS] = {"mppe-no-keys",
                                N_("Encryption is required, but the authentication method used "
                                   "cannot provide encryption keys (only MS-CHAP can).")},
    [DT_REASON_ECHO_TIMEOUT] = {"echo-timeout", N_("The server stopped answering.")},
    [DT_REASON_IDLE_TIMEOUT] = {"idle-timeout", N_("The connection was idle for too long.")},
    [DT_REASON_TIMEOUT] = {"timeout", N_("The server did not answer in time.")},
    [DT_REASON_MALFORMED] = {"malformed", N_("The server sent messages that make no sense.")},
    [DT_REASON_CALL_REFUSED] = {"call-refused", N_("The server refused the call.")},
    [DT_REASON_CONTROL_REFUSED] = {"control-refused",
                                   N_("The server refused the tunnel's control connection.")},
    [DT_REASON_MODEM_BUSY] = {"modem-busy", N_("The number is busy.")},
    [DT_REASON_MODEM_NO_CARRIER] = {"modem-no-carrier",
                                    N_("The modem lost or never found a carrier.")},
    [DT_REASON_MODEM_NO_DIALTONE] = {"modem-no-dialtone",
                                     N_("The modem hears no dial tone: is the phone line plugged "
                                        "in?")},
    [DT_REASON_MODEM_NO_ANSWER] = {"modem-no-answer", N_("Nobody answered the call.")},
    [DT_REASON_MODEM_ERROR] = {"modem-error", N_("The modem rejected a command.")},
    [DT_REASON_MODEM_TIMEOUT] = {"modem-timeout", N_("The modem did not answer in time.")},
    [DT_REASON_ADDRESS_REFUSED] = {"address-refused",
                                   N_("The server offered an address that cannot be used safely.")},
    [DT_REASON_INTERNAL] = {"internal", N_("Something went wrong inside Dialtone.")},
    [DT_REASON_CARRIER_LOST] = {"carrier-lost",
                                N_("The modem lost the carrier: the call was cut off.")},
    [DT_REASON_LOWER_LINK_DOWN] = {"lower-link-down",
                                   N_("The dial-up connection under the VPN went down.")},
    [DT_REASON_SANDBOX_VIOLATION] = {"sandbox-violation",
                                     N_("The link's protocol process broke its sandbox and was "
                                        "stopped.")},
};

const char *
dt_reason_to_string(DtReason r)
{
    if ((unsigned)r < sizeof(reasons) / sizeof(reasons[0]) && reasons[r].token)
        return reasons[r].token;
    return "unknown";
}

const char *
dt_reason_describe(DtReason r)
{
    if ((unsigned)r < sizeof(reasons) / sizeof(reasons[0]) && reasons[r].sentence)
        return reasons[r].sentence;
    return N_("Unknown error.");
}
