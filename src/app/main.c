/* main.c — the dialtone program: sets up translations and runs DtApplication. */
#include <glib/gi18n.h>
#include <locale.h>

#include "dt-application.h"

int
main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    /* DIALTONE_LOCALEDIR: catalogues from another tree, such as the build tree's po/ (the GUI
     * tests run the app in German from there). */
    const char *localedir = g_getenv("DIALTONE_LOCALEDIR");
    bindtextdomain(GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);

    g_autoptr(DtApplication) app = dt_application_new();
    return g_application_run(G_APPLICATION(app), argc, argv);
}
