/* dt-link-dialfirst.h — a PPTP profile with DialFirst=: the dial-up link first, the tunnel on
 * top of it.
 *
 * The dial-up link runs as a child dialtone-link (--standalone DIALUP.conf --lower-link, its own
 * process group so that a terminal's ^C reaches only us), given its password on a pipe. It says
 * "up ifindex=…" on fd 3 once IPCP is up; we then route the PPTP server through its TUN
 * (server/32 on that device) and run the tunnel as usual. The child takes no default route:
 * the tunnel above decides where traffic goes. Teardown goes in reverse: the tunnel ends (LCP
 * Terminate, Call-Clear, StopCCRQ), then the child gets SIGTERM and hangs up. If the child ends
 * first (carrier lost, the ISP hung up), its pipe reads EOF and the tunnel ends with
 * DT_REASON_LOWER_LINK_DOWN.
 *
 * The dial-up profile is <DialFirst>.conf beside the PPTP profile (the profile store's layout);
 * its password comes from --dial-password-file.
 */
#ifndef DT_LINK_DIALFIRST_H
#define DT_LINK_DIALFIRST_H

#include "dt-link-standalone.h"

/* Runs run->profile (PPTP with dial_first); returns the exit status (DtLinkExit). */
int dt_link_dialfirst_run(DtLinkRun *run);

#endif /* DT_LINK_DIALFIRST_H */
