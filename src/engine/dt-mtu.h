/* dt-mtu.h — the tunnel's MTU from the stack it runs over, and TCP MSS clamping.
 *
 * An IP packet from the TUN leaves the machine wrapped several times (RFC 2637 §4.1,
 * RFC 1661 §2, RFC 3078 §3):
 *
 *   outer IPv4 (20) | GRE with seq+ack (16) | FF 03 (2, 0 with ACFC) | protocol (2)
 *   | MPPE header (2) | inner protocol (2) | IP packet …
 *
 * (dt-session-data.c always writes 00 FD and the inner protocol in full; plain IP without CCP
 * goes as FF 03 00 21, or 21 alone with ACFC and PFC.)
 *
 * The whole must fit the path under the tunnel (1500 on Ethernet, the dial-up link's MTU when
 * PPTP runs over a DialFirst PPP link), and the PPP Information field (MPPE header, inner
 * protocol and IP packet) must fit the MRU the peer asked for in LCP (RFC 1661 §6.1).
 * dt_mtu_compute() gives the largest IP packet that satisfies both.
 *
 * Hosts behind a router that drops ICMP "fragmentation needed" never learn that smaller
 * packets are needed, and TCP stalls once it sends a full-size segment (an MTU black hole,
 * RFC 2923 §2.1).  Rewriting the Maximum Segment Size option (RFC 9293 §3.7.1) of every SYN
 * crossing the link, as routers do for PPPoE, keeps TCP segments within the MTU whatever
 * ICMP does: dt_mtu_clamp_mss().
 */
#ifndef DT_MTU_H
#define DT_MTU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DT_MTU_ETHERNET 1500   /* RFC 894: what the path is assumed to carry when unknown */
#define DT_MTU_IPV4_HEADER 20  /* the outer header, no options (RFC 791) */
#define DT_MTU_IPV6_HEADER 40  /* the outer header, no extension headers (RFC 8200) */
#define DT_MTU_GRE_HEADER 16   /* enhanced GRE with sequence and acknowledgment (RFC 2637 §4.1) */
#define DT_MTU_MPPE_OVERHEAD 4 /* MPPE/MPPC header (2) + inner protocol (2): pppd's MPPE_PAD */
/* MPPC sends what would grow as is (RFC 2118; dt-mppc.c send_uncompressed), so a compressed
 * packet is never longer than the plain one. */
#define DT_MTU_MPPC_EXPANSION 0
#define DT_MTU_MIN 68 /* the least an IPv4 link must carry (RFC 791) */
/* TCP and IP headers without options under the MSS (RFC 9293 §3.7.1, RFC 8200 §8.3). */
#define DT_MTU_TCP_IPV4_HEADERS 40
#define DT_MTU_TCP_IPV6_HEADERS 60

/* The layers under one tunnel, as negotiated; each field in octets. */
typedef struct {
    uint16_t path_mtu;     /* the MTU under the tunnel; 0: DT_MTU_ETHERNET */
    uint16_t outer_header; /* DT_MTU_IPV4_HEADER or DT_MTU_IPV6_HEADER */
    uint16_t gre_header;   /* DT_MTU_GRE_HEADER: the ack rides along whenever one is owed */
    uint16_t ppp_header;   /* address/control (0 with ACFC, else 2) + protocol (1 with PFC, 2) */
    bool ccp;              /* MPPE and/or MPPC frames what we send */
    uint16_t peer_mru;     /* the peer's LCP MRU; 0: the RFC 1661 default 1500 */
    uint16_t local_mtu;    /* the profile's PPP MTU, a cap on our frames as pppd's "mtu"; 0: none */
} DtMtuStack;

/* The largest IP packet the tunnel carries whole: the smallest of
 *   path_mtu − outer_header − gre_header − ppp_header − (ccp ? 4 + MPPC expansion : 0),
 *   peer_mru − (ccp ? 4 : 0) and local_mtu − (ccp ? 4 : 0),
 * never below DT_MTU_MIN.  Over Ethernet with MPPE and FF 03 00 FD that is 1456. */
uint16_t dt_mtu_compute(const DtMtuStack *st);

/* The MSS to advertise for a link of this MTU: mtu − 40 (IPv4) or mtu − 60 (IPv6). */
uint16_t dt_mtu_mss_for(uint16_t mtu, bool ipv6);

typedef enum {
    DT_MSS_UNTOUCHED, /* not a TCP SYN, or its MSS is within the limit */
    DT_MSS_CLAMPED,   /* every MSS option now says at most the limit; checksum updated */
    DT_MSS_MALFORMED, /* looked like a TCP SYN but did not parse: left as it was */
} DtMssResult;

/* Lowers the MSS option of a TCP SYN (or SYN-ACK) in the IP packet pkt[0..len) to at most
 * dt_mtu_mss_for(mtu, …), in place, and updates the TCP checksum incrementally (RFC 1624 eqn. 3).
 * Strict: only an unfragmented IPv4 packet with a sane header and total length, or an IPv6
 * packet whose next header is TCP, with a TCP header and options that parse within the
 * segment; anything else is left untouched.  No allocation, no reads outside pkt[0..len). */
DtMssResult dt_mtu_clamp_mss(uint8_t *pkt, size_t len, uint16_t mtu);
/* What dt_mtu_clamp_mss() would return, without writing: for packets in a read-only place. */
DtMssResult dt_mtu_check_mss(const uint8_t *pkt, size_t len, uint16_t mtu);

#endif /* DT_MTU_H */
