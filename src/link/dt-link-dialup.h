/* dt-link-dialup.h — dialtone-link --standalone for a dial-up profile: one PPP link over a
 * serial modem.
 *
 * The order: the TUN (so that a missing /dev/net/tun fails before the phone rings), the serial
 * line (UUCP lock, exclusive open, raw termios at the profile's speed and flow control), the
 * modem dialogue (dt-modem: every init command must answer OK, then the dial, then CONNECT; BUSY,
 * NO CARRIER, NO DIALTONE, NO ANSWER, ERROR and silence each end the run with their own reason
 * and exit status), then PPP (dt-ppp, peer role) over RFC 1662 framing (dt-hdlc) on the same
 * line, with DCD watched from CONNECT on. IPCP's address goes on the TUN, with the default route
 * when the profile asks. Whatever ends it — SIGINT/SIGTERM (LCP Terminate first), the peer's
 * Terminate, a lost carrier, a failed negotiation — the line is hung up by dropping DTR (a pty
 * has none: the LCP Terminate or the closed line ended the call), unlocked and closed, and every
 * route added is removed.
 *
 * No allocation per packet: the line's receive buffer, the HDLC decoder's frame, the TUN packet
 * and the queue of encoded octets waiting for the line are all allocated once.
 */
#ifndef DT_LINK_DIALUP_H
#define DT_LINK_DIALUP_H

#include "dt-link-standalone.h"

/* Runs the dial-up link of run->profile (is_dialup) with run->secret; returns the exit status
 * (DtLinkExit). Uses run's loop, signal fd, netcfg and TUN, which dt_link_run_free() releases;
 * the serial line and PPP are released here. */
int dt_link_dialup_run(DtLinkRun *run);

#endif /* DT_LINK_DIALUP_H */
