/* dt-preflight-dialog.h — "Test" on a PPTP profile: runs `dialtonectl test ID --json` (the
 * pre-flight check of src/cli/dt-preflight.h: DNS, TCP 1723, SCCRQ/SCCRP, a call, GRE both
 * ways) as a subprocess, so the main loop never waits and Cancel ends it at once, and shows the
 * outcome in plain words: each step ✓ or ✗, the server's fingerprint, the class of the first
 * failure and what to do next.
 *
 * The app is not privileged, so the check's GRE step (a raw socket) is skipped and said so;
 * everything before it runs. DIALTONE_CTL names the dialtonectl to run instead of the installed
 * one (the build tree's, or a wrapper). */
#ifndef DT_PREFLIGHT_DIALOG_H
#define DT_PREFLIGHT_DIALOG_H

#include <gtk/gtk.h>

#include "dt-profile.h"

G_BEGIN_DECLS

#define DT_TYPE_PREFLIGHT_DIALOG (dt_preflight_dialog_get_type())
G_DECLARE_FINAL_TYPE(DtPreflightDialog, dt_preflight_dialog, DT, PREFLIGHT_DIALOG, GtkDialog)

/* Starts the check of p (a PPTP profile saved in the store) at once; the dialog destroys
 * itself when closed, cancelling a check still running. */
DtPreflightDialog *dt_preflight_dialog_new(GtkWindow *parent, const DtProfile *p);

G_END_DECLS

#endif
