/* dt-link-no-session.c — built only while src/engine has no dt-session.c yet (see meson.build):
 * --standalone then stops honestly after opening the data path, instead of not linking. Removed
 * once the session engine is merged. */
#include "dt-link-dataplane.h"

#include <stdio.h>

int
dt_link_dataplane_run(DtLinkRun *run)
{
    snprintf(run->message, sizeof run->message,
             "This build has no PPTP session engine yet (src/engine/dt-session.c); "
             "the connection was reached and closed again");
    return -1;
}
