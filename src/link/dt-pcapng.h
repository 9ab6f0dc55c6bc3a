/* dt-pcapng.h — a small pcapng writer (the pcapng format, IETF draft-ietf-opsawg-pcapng §4):
 * one section, its interfaces, Enhanced Packet Blocks.
 *
 * Blocks go out through a write callback as they are made: nothing is allocated, nothing is
 * buffered beyond a few dozen octets on the stack, so it runs in the sandboxed protocol child
 * (which may only write to fds it holds). Multi-octet fields are little-endian, as the
 * Section Header's byte-order magic says; every reader (Wireshark, tshark, capinfos) accepts
 * either order. After a failed write every later call fails too (failed stays set).
 */
#ifndef DT_PCAPNG_H
#define DT_PCAPNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* LINKTYPE_PPP_WITH_DIR: one octet (0 received, 1 sent), then the PPP frame (FF 03 allowed). */
#define DT_PCAPNG_LINKTYPE_PPP_WITH_DIR 204
/* An option's value is at most 65535 octets; longer comments become several options. */
#define DT_PCAPNG_OPTION_MAX 65532

/* Writes all of buf or returns false. */
typedef bool (*DtPcapngWriteFn)(void *ctx, const void *buf, size_t len);

typedef struct {
    DtPcapngWriteFn write;
    void *ctx;
    bool failed;
    uint64_t written; /* octets so far */
    uint32_t n_interfaces;
} DtPcapng;

typedef enum {
    DT_PCAPNG_DIR_UNKNOWN,
    DT_PCAPNG_DIR_INBOUND,
    DT_PCAPNG_DIR_OUTBOUND,
} DtPcapngDirection;

void dt_pcapng_init(DtPcapng *w, DtPcapngWriteFn write, void *ctx);

/* The Section Header Block. comment (NULL: none; any length) shows in capinfos -k and in
 * Wireshark's capture file properties; hardware, os and application may be NULL. */
bool dt_pcapng_section(DtPcapng *w, const char *comment, const char *hardware, const char *os,
                       const char *application);

/* An Interface Description Block with microsecond timestamps; its id is the count of
 * interfaces before it. Returns the id, or -1. */
int dt_pcapng_interface(DtPcapng *w, uint16_t linktype, uint32_t snaplen, const char *name,
                        const char *description);

/* An Enhanced Packet Block: caplen octets of data (orig_len ≥ caplen on the wire), at ts_us
 * microseconds since 1970, with the direction in epb_flags and an optional comment. */
bool dt_pcapng_packet(DtPcapng *w, uint32_t interface_id, uint64_t ts_us, const void *data,
                      size_t caplen, size_t orig_len, DtPcapngDirection dir, const char *comment);

/* A DtPcapngWriteFn for a file descriptor: ctx points to the int fd (write(2) only, retried on
 * EINTR and short writes). */
bool dt_pcapng_write_fd_cb(void *ctx, const void *buf, size_t len);

#endif /* DT_PCAPNG_H */
