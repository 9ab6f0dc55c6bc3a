/* dt-pptp-msg.h — the 15 PPTP control messages (RFC 2637 §2) as host-order structs.
 *
 * Encoders write the exact wire bytes through a DtWriter; decoders read
 * through a DtReader and check the 12-octet header (Length,
 * PPTP-Message-Type = 1, Magic-Cookie, Control-Message-Type 1..15,
 * Reserved0 = 0) and the exact length of each message before filling a
 * struct.  Text fields (Host-Name, Vendor, numbers, Call-Statistics) are cut
 * at the first NUL — Windows 95 left garbage after it — and control
 * characters are replaced by '?' so they can go straight into a log.
 */
#ifndef DT_PPTP_MSG_H
#define DT_PPTP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DT_PPTP_TCP_PORT 1723
#define DT_PPTP_MAGIC_COOKIE 0x1A2B3C4Du
#define DT_PPTP_VERSION 0x0100 /* "1.00" */
#define DT_PPTP_HEADER_LEN 12
#define DT_PPTP_MAX_MSG_LEN 220 /* Incoming-Call-Request, the longest */
#define DT_PPTP_TEXT_LEN 64     /* Host-Name, Vendor, Phone-Number, Subaddress */
#define DT_PPTP_STATS_LEN 128   /* Call-Statistics in Call-Disconnect-Notify */

typedef enum {
    DT_PPTP_SCCRQ = 1, /* Start-Control-Connection-Request */
    DT_PPTP_SCCRP,     /* Start-Control-Connection-Reply */
    DT_PPTP_STOPCCRQ,  /* Stop-Control-Connection-Request */
    DT_PPTP_STOPCCRP,  /* Stop-Control-Connection-Reply */
    DT_PPTP_ECHORQ,    /* Echo-Request */
    DT_PPTP_ECHORP,    /* Echo-Reply */
    DT_PPTP_OCRQ,      /* Outgoing-Call-Request */
    DT_PPTP_OCRP,      /* Outgoing-Call-Reply */
    DT_PPTP_ICRQ,      /* Incoming-Call-Request */
    DT_PPTP_ICRP,      /* Incoming-Call-Reply */
    DT_PPTP_ICCN,      /* Incoming-Call-Connected */
    DT_PPTP_CCRQ,      /* Call-Clear-Request */
    DT_PPTP_CDN,       /* Call-Disconnect-Notify */
    DT_PPTP_WEN,       /* WAN-Error-Notify */
    DT_PPTP_SLI,       /* Set-Link-Info */
} DtPptpMsgType;

#define DT_PPTP_MSG_TYPE_MAX DT_PPTP_SLI

/* Framing and bearer capabilities / types (RFC 2637 §2.1, §2.7). */
#define DT_PPTP_FRAMING_ASYNC 0x1
#define DT_PPTP_FRAMING_SYNC 0x2
#define DT_PPTP_BEARER_ANALOG 0x1
#define DT_PPTP_BEARER_DIGITAL 0x2

/* Result codes, per message (RFC 2637 §2.2, §2.4, §2.6, §2.8, §2.10, §2.13). */
#define DT_PPTP_SCCRP_OK 1
#define DT_PPTP_SCCRP_GENERAL_ERROR 2
#define DT_PPTP_SCCRP_EXISTS 3
#define DT_PPTP_SCCRP_NOT_AUTHORIZED 4
#define DT_PPTP_SCCRP_BAD_VERSION 5
#define DT_PPTP_STOP_REASON_NONE 1
#define DT_PPTP_STOP_REASON_PROTOCOL 2
#define DT_PPTP_STOP_REASON_LOCAL_SHUTDOWN 3
#define DT_PPTP_STOPCCRP_OK 1
#define DT_PPTP_STOPCCRP_GENERAL_ERROR 2
#define DT_PPTP_ECHORP_OK 1
#define DT_PPTP_ECHORP_GENERAL_ERROR 2
#define DT_PPTP_OCRP_CONNECTED 1
#define DT_PPTP_OCRP_GENERAL_ERROR 2
#define DT_PPTP_OCRP_NO_CARRIER 3
#define DT_PPTP_OCRP_BUSY 4
#define DT_PPTP_OCRP_NO_DIAL_TONE 5
#define DT_PPTP_OCRP_TIMEOUT 6
#define DT_PPTP_OCRP_DO_NOT_ACCEPT 7
#define DT_PPTP_ICRP_CONNECT 1
#define DT_PPTP_ICRP_GENERAL_ERROR 2
#define DT_PPTP_ICRP_DO_NOT_ACCEPT 3
#define DT_PPTP_CDN_LOST_CARRIER 1
#define DT_PPTP_CDN_GENERAL_ERROR 2
#define DT_PPTP_CDN_ADMIN_SHUTDOWN 3
#define DT_PPTP_CDN_REQUEST 4

/* General Error-Codes, meaningful when the Result-Code is 2 (RFC 2637 §2.16). */
#define DT_PPTP_ERROR_NONE 0
#define DT_PPTP_ERROR_NOT_CONNECTED 1
#define DT_PPTP_ERROR_BAD_FORMAT 2
#define DT_PPTP_ERROR_BAD_VALUE 3
#define DT_PPTP_ERROR_NO_RESOURCE 4
#define DT_PPTP_ERROR_BAD_CALL_ID 5
#define DT_PPTP_ERROR_PAC_ERROR 6

/* SCCRQ and SCCRP share a layout; result/error are Reserved1 (zero) in SCCRQ. */
typedef struct {
    uint16_t version;
    uint8_t result;
    uint8_t error;
    uint32_t framing_caps;
    uint32_t bearer_caps;
    uint16_t max_channels;
    uint16_t firmware;
    char host_name[DT_PPTP_TEXT_LEN + 1];
    char vendor[DT_PPTP_TEXT_LEN + 1];
} DtPptpStartCtrl;

typedef struct {
    uint8_t reason; /* StopCCRQ: DT_PPTP_STOP_REASON_*; StopCCRP: result */
    uint8_t error;  /* StopCCRP only */
} DtPptpStopCtrl;

typedef struct {
    uint32_t id;
    uint8_t result; /* Echo-Reply only */
    uint8_t error;
} DtPptpEcho;

typedef struct {
    uint16_t call_id;
    uint16_t serial;
    uint32_t min_bps;
    uint32_t max_bps;
    uint32_t bearer_type;
    uint32_t framing_type;
    uint16_t recv_window;
    uint16_t processing_delay; /* tenths of a second */
    uint16_t phone_len;
    char phone[DT_PPTP_TEXT_LEN + 1];
    char subaddress[DT_PPTP_TEXT_LEN + 1];
} DtPptpOcrq;

typedef struct {
    uint16_t call_id;      /* the PAC's */
    uint16_t peer_call_id; /* the OCRQ's Call-ID */
    uint8_t result;
    uint8_t error;
    uint16_t cause;
    uint32_t connect_speed;
    uint16_t recv_window;
    uint16_t processing_delay;
    uint32_t channel_id;
} DtPptpOcrp;

typedef struct {
    uint16_t call_id;
    uint16_t serial;
    uint32_t bearer_type;
    uint32_t channel_id;
    uint16_t dialed_len;
    uint16_t dialing_len;
    char dialed[DT_PPTP_TEXT_LEN + 1];
    char dialing[DT_PPTP_TEXT_LEN + 1];
    char subaddress[DT_PPTP_TEXT_LEN + 1];
} DtPptpIcrq;

typedef struct {
    uint16_t call_id;
    uint16_t peer_call_id;
    uint8_t result;
    uint8_t error;
    uint16_t recv_window;
    uint16_t transmit_delay;
} DtPptpIcrp;

typedef struct {
    uint16_t peer_call_id;
    uint32_t connect_speed;
    uint16_t recv_window;
    uint16_t transmit_delay;
    uint32_t framing_type;
} DtPptpIccn;

typedef struct {
    uint16_t call_id; /* the sender's own */
} DtPptpCcrq;

typedef struct {
    uint16_t call_id; /* the PAC's */
    uint8_t result;
    uint8_t error;
    uint16_t cause;
    char stats[DT_PPTP_STATS_LEN + 1];
} DtPptpCdn;

typedef struct {
    uint16_t peer_call_id;
    uint32_t crc_errors;
    uint32_t framing_errors;
    uint32_t hardware_overruns;
    uint32_t buffer_overruns;
    uint32_t timeout_errors;
    uint32_t alignment_errors;
} DtPptpWen;

typedef struct {
    uint16_t peer_call_id;
    uint32_t send_accm;
    uint32_t recv_accm;
} DtPptpSli;

typedef struct {
    DtPptpMsgType type;
    union {
        DtPptpStartCtrl start; /* SCCRQ, SCCRP */
        DtPptpStopCtrl stop;   /* StopCCRQ, StopCCRP */
        DtPptpEcho echo;       /* Echo-Request, Echo-Reply */
        DtPptpOcrq ocrq;
        DtPptpOcrp ocrp;
        DtPptpIcrq icrq;
        DtPptpIcrp icrp;
        DtPptpIccn iccn;
        DtPptpCcrq ccrq;
        DtPptpCdn cdn;
        DtPptpWen wen;
        DtPptpSli sli;
    } u;
} DtPptpMsg;

typedef enum {
    DT_PPTP_MSG_OK = 0,
    DT_PPTP_MSG_ERR_SHORT,     /* fewer octets than the header or its Length */
    DT_PPTP_MSG_ERR_LENGTH,    /* Length is not the size of this message type */
    DT_PPTP_MSG_ERR_PPTP_TYPE, /* PPTP-Message-Type is not 1 (control) */
    DT_PPTP_MSG_ERR_MAGIC,     /* Magic-Cookie is not 0x1A2B3C4D */
    DT_PPTP_MSG_ERR_CTRL_TYPE, /* Control-Message-Type outside 1..15 */
    DT_PPTP_MSG_ERR_RESERVED,  /* Reserved0 is not zero */
} DtPptpMsgError;

/* The fixed Length of a message type, or 0 for an unknown type. */
uint16_t dt_pptp_msg_length(unsigned type);
/* "SCCRQ", "Outgoing-Call-Reply" style short names for logs ("unknown" otherwise). */
const char *dt_pptp_msg_type_to_string(unsigned type);
const char *dt_pptp_msg_error_to_string(DtPptpMsgError e);

/* Checks the 12-octet header at p (len ≥ 12 needed, else ERR_SHORT) and
 * returns its Length and Control-Message-Type.  ERR_CTRL_TYPE still fills
 * both, so a stream reader can skip an unknown message; ERR_LENGTH is
 * returned when a known type's Length is not its RFC size. */
DtPptpMsgError dt_pptp_msg_check_header(const uint8_t *p, size_t len, uint16_t *length,
                                        uint16_t *type);

/* Decodes exactly one message from p (len must be at least its Length;
 * octets after it are ignored).  m is filled only on DT_PPTP_MSG_OK. */
DtPptpMsgError dt_pptp_msg_decode(const uint8_t *p, size_t len, DtPptpMsg *m);

/* Encodes m into buf; returns the number of octets (its Length) or 0 if
 * cap is too small or the type is unknown.  Text fields longer than their
 * wire field are cut. */
size_t dt_pptp_msg_encode(const DtPptpMsg *m, uint8_t *buf, size_t cap);

/* Plain words for a result of a message type, lower case, e.g.
 * (OCRP, 4) → "busy"; (SCCRP, 4) → "requester not authorized". */
const char *dt_pptp_result_to_string(DtPptpMsgType type, unsigned result);
/* Plain words for a General Error-Code: 5 → "bad call ID". */
const char *dt_pptp_error_to_string(unsigned error);
/* "busy", or for a general error "general error: bad call ID", plus
 * " (cause N)" when a Q.931 cause is given; always NUL-terminated. */
void dt_pptp_describe_result(DtPptpMsgType type, unsigned result, unsigned error, unsigned cause,
                             char *buf, size_t cap);

#endif /* DT_PPTP_MSG_H */
