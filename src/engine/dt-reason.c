/* dt-reason.c — tokens and sentences for DtReason. */
#include "dt-reason.h"

static const struct {
    const char *token;
    const char *sentence;
} reasons[] = {
    [DT_REASON_NONE] = {"none", "No error."},
    [DT_REASON_LOCAL_REQUEST] = {"local-request", "The connection was closed on request."},
    [DT_REASON_PEER_TERMINATED] = {"peer-terminated", "The server ended the connection."},
    [DT_REASON_PEER_STOPPED] = {"peer-stopped", "The server stopped the tunnel."},
    [DT_REASON_NEGOTIATION_FAILED] = {"negotiation-failed",
                                      "The two sides could not agree on the link settings."},
    [DT_REASON_PROTOCOL_REJECTED] = {"protocol-rejected",
                                     "The server refused a protocol this connection needs."},
    [DT_REASON_LOOPBACK] = {"loopback", "The line is looped back: we are talking to ourselves."},
    [DT_REASON_AUTH_FAILED] = {"auth-failed", "The user name or password was not accepted."},
    [DT_REASON_AUTH_REFUSED] = {"auth-refused",
                                "The server and this profile allow no authentication method "
                                "in common."},
    [DT_REASON_AUTH_NO_DIALIN] = {"auth-no-dialin",
                                  "The account is not allowed to dial in (no remote access "
                                  "permission)."},
    [DT_REASON_AUTH_EXPIRED] = {"auth-expired", "The account's password has expired."},
    [DT_REASON_AUTH_RESTRICTED] = {"auth-restricted",
                                   "The account is disabled or not allowed to log on now."},
    [DT_REASON_AUTH_BAD_SERVER] = {"auth-bad-server",
                                   "The server could not prove it knows the password; the "
                                   "connection was stopped in case it is an impostor."},
    [DT_REASON_AUTH_TIMEOUT] = {"auth-timeout", "Authentication did not finish in time."},
    [DT_REASON_MPPE_REFUSED] = {"mppe-refused",
                                "The server does not offer the encryption this profile "
                                "requires."},
    [DT_REASON_MPPE_NO_KEYS] = {"mppe-no-keys",
                                "Encryption is required, but the authentication method used "
                                "cannot provide encryption keys (only MS-CHAP can)."},
    [DT_REASON_ECHO_TIMEOUT] = {"echo-timeout", "The server stopped answering."},
    [DT_REASON_IDLE_TIMEOUT] = {"idle-timeout", "The connection was idle for too long."},
    [DT_REASON_TIMEOUT] = {"timeout", "The server did not answer in time."},
    [DT_REASON_MALFORMED] = {"malformed", "The server sent messages that make no sense."},
    [DT_REASON_CALL_REFUSED] = {"call-refused", "The server refused the call."},
    [DT_REASON_CONTROL_REFUSED] = {"control-refused",
                                   "The server refused the tunnel's control connection."},
    [DT_REASON_MODEM_BUSY] = {"modem-busy", "The number is busy."},
    [DT_REASON_MODEM_NO_CARRIER] = {"modem-no-carrier", "The modem lost or never found a carrier."},
    [DT_REASON_MODEM_NO_DIALTONE] = {"modem-no-dialtone",
                                     "The modem hears no dial tone: is the phone line plugged "
                                     "in?"},
    [DT_REASON_MODEM_NO_ANSWER] = {"modem-no-answer", "Nobody answered the call."},
    [DT_REASON_MODEM_ERROR] = {"modem-error", "The modem rejected a command."},
    [DT_REASON_MODEM_TIMEOUT] = {"modem-timeout", "The modem did not answer in time."},
    [DT_REASON_ADDRESS_REFUSED] = {"address-refused",
                                   "The server offered an address that cannot be used safely."},
    [DT_REASON_INTERNAL] = {"internal", "Something went wrong inside Dialtone."},
    [DT_REASON_CARRIER_LOST] = {"carrier-lost",
                                "The modem lost the carrier: the call was cut off."},
    [DT_REASON_LOWER_LINK_DOWN] = {"lower-link-down",
                                   "The dial-up connection under the VPN went down."},
    [DT_REASON_SANDBOX_VIOLATION] = {"sandbox-violation",
                                     "The link's protocol process broke its sandbox and was "
                                     "stopped."},
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
    return "Unknown error.";
}
