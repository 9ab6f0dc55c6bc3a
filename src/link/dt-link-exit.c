/* dt-link-exit.c — reason → exit status. */
#include "dt-link-exit.h"

DtLinkExit
dt_link_exit_for_reason(DtReason r)
{
    switch (r) {
    case DT_REASON_NONE:
    case DT_REASON_LOCAL_REQUEST:
        return DT_EXIT_OK;
    case DT_REASON_AUTH_FAILED:
    case DT_REASON_AUTH_REFUSED:
    case DT_REASON_AUTH_NO_DIALIN:
    case DT_REASON_AUTH_EXPIRED:
    case DT_REASON_AUTH_RESTRICTED:
    case DT_REASON_AUTH_BAD_SERVER:
        return DT_EXIT_AUTH;
    case DT_REASON_MPPE_REFUSED:
    case DT_REASON_MPPE_NO_KEYS:
        return DT_EXIT_ENCRYPTION;
    case DT_REASON_CALL_REFUSED:
    case DT_REASON_CONTROL_REFUSED:
        return DT_EXIT_UNREACHABLE;
    case DT_REASON_PEER_TERMINATED:
    case DT_REASON_PEER_STOPPED:
        return DT_EXIT_PEER_STOPPED;
    case DT_REASON_AUTH_TIMEOUT:
    case DT_REASON_ECHO_TIMEOUT:
    case DT_REASON_IDLE_TIMEOUT:
    case DT_REASON_TIMEOUT:
        return DT_EXIT_TIMEOUT;
    case DT_REASON_MODEM_BUSY:
        return DT_EXIT_MODEM_BUSY;
    case DT_REASON_MODEM_NO_CARRIER:
        return DT_EXIT_MODEM_NO_CARRIER;
    case DT_REASON_MODEM_NO_DIALTONE:
        return DT_EXIT_MODEM_NO_DIALTONE;
    case DT_REASON_MODEM_NO_ANSWER:
        return DT_EXIT_MODEM_NO_ANSWER;
    case DT_REASON_MODEM_ERROR:
        return DT_EXIT_MODEM_ERROR;
    case DT_REASON_MODEM_TIMEOUT:
        return DT_EXIT_MODEM_TIMEOUT;
    case DT_REASON_CARRIER_LOST:
        return DT_EXIT_CARRIER_LOST;
    case DT_REASON_LOWER_LINK_DOWN:
        return DT_EXIT_LOWER_LINK_DOWN;
    default:
        return DT_EXIT_OTHER;
    }
}
