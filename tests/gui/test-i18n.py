#!/usr/bin/python3
"""test-i18n.py APP — the real app in German, driven through AT-SPI (pyatspi).

Run inside gui-session.sh with DT_GUI_LOCALEDIR set to the build tree's po/
(<lang>/LC_MESSAGES/dialtone.mo, from po/de.po); the app finds it through
DIALTONE_LOCALEDIR. LANGUAGE=de with the C.UTF-8 locale, which every glibc
has. What it proves:
  1. the main window's title bar buttons, profile list and a profile row
     speak German, and the English names are gone;
  2. the Add menu and the PPTP editor it opens do too: the title, Save and
     Cancel, the sidebar's pages, the fields, a page's heading, and a
     validation message the editor builds from translated parts.
Without the catalogue every check fails (the English names are found
instead). Screenshots go to $DT_GUI_SHOTS.
"""
import os
import subprocess
import sys

import guilib
from guilib import (check, click, find, frame, find_app, label_starting, named, set_text, shot,
                    showing, sensitive, wait_for)

APP = sys.argv[1]
LOCALEDIR = os.environ["DT_GUI_LOCALEDIR"]
CONFIG = os.environ["XDG_CONFIG_HOME"]
PROFILES = os.path.join(CONFIG, "dialtone", "profiles")
SHOTS = os.environ.get("DT_GUI_SHOTS", os.path.join(os.getcwd(), "screenshots"))
ISP_ID = "5d0c7f3e-8a1b-4c2d-9e3f-a4b5c6d7e8f9"

check(os.path.isfile(os.path.join(LOCALEDIR, "de", "LC_MESSAGES", "dialtone.mo")),
      "the German catalogue is built: %s/de/LC_MESSAGES/dialtone.mo" % LOCALEDIR)

os.makedirs(PROFILES, exist_ok=True)
with open(os.path.join(PROFILES, ISP_ID + ".conf"), "w") as f:
    f.write("[Profile]\nId=%s\nName=Office ISP\nType=dialup\n\n"
            "[Dialup]\nDevice=/dev/ttyUSB0\nPhone=5551234\nUser=isp-user\n" % ISP_ID)

env = dict(os.environ, G_DEBUG="fatal-criticals", LANGUAGE="de", LANG="C.UTF-8",
           DIALTONE_LOCALEDIR=LOCALEDIR)
env.pop("LC_ALL", None)  # under LC_ALL=C gettext ignores LANGUAGE
env.pop("LC_MESSAGES", None)
log = open(os.path.join(os.environ["DT_GUI_WORK"], "app.log"), "w")
proc = subprocess.Popen([APP], env=env, stdout=log, stderr=subprocess.STDOUT)
try:
    app = wait_for(lambda: (find_app() or [None])[0], "the app on the AT-SPI bus")
    main = wait_for(lambda: frame(app, "Dialtone"), "the main window")

    # 1. The main window.
    profiles = wait_for(lambda: named(main, "Profile", "list box"),
                        "the profile list, named “Profile”")
    check(True, "the profile list is named “Profile”")
    check(named(main, "Profiles") is None, "no widget is still named “Profiles”")
    row = wait_for(lambda: named(profiles, "Office ISP"), "the dial-up profile's row")
    check(find(row, lambda n: n.getRoleName() == "label" and
               n.name == "Einwahl · 5551234 · /dev/ttyUSB0") is not None,
          "the row says “Einwahl · 5551234 · /dev/ttyUSB0”")
    connect = named(row, "Verbinden", "push button")
    check(connect is not None and not sensitive(connect),
          "the row's button is “Verbinden” (insensitive: no system service here)")
    check(connect.description.startswith("Benötigt den Dialtone-Systemdienst"),
          "its explanation is German: %r" % connect.description)
    add = named(main, "Hinzufügen")
    check(add is not None, "the add button is “Hinzufügen”")
    check(named(main, "Add") is None, "no widget is still named “Add”")
    for german in ("Bearbeiten", "Umbenennen", "Duplizieren", "Löschen"):
        check(named(main, german) is not None, "the main window has “%s”" % german)
    shot(SHOTS, "main-window-de", "Dialtone")

    # 2. Add → PPTP-VPN … opens the editor, in German.
    click(add)
    click(wait_for(lambda: find(app, lambda n: n.name == "PPTP-VPN …" and showing(n)),
                   "the Add menu's “PPTP-VPN …”"))
    ed = wait_for(lambda: frame(app, "Neues PPTP-VPN"), "the editor titled “Neues PPTP-VPN”")
    check(frame(app, "New PPTP VPN") is None, "no editor is titled “New PPTP VPN”")
    save = named(ed, "Speichern", "push button")
    check(save is not None and not sensitive(save), "“Speichern”, insensitive while empty")
    check(named(ed, "Abbrechen", "push button") is not None, "“Abbrechen”")
    sidebar = named(ed, "Einstellungsseiten")
    check(sidebar is not None, "the sidebar is “Einstellungsseiten”")
    for page in ("Allgemein", "Zuerst einwählen", "Sicherheit", "Netzwerk"):
        check(find(sidebar, lambda n, p=page: n.name == p) is not None,
              "the sidebar lists “%s”" % page)
    for field in ("Name", "Server", "Benutzername", "Domäne"):
        check(named(ed, field, "text") is not None, "the field “%s”" % field)
    check(named(ed, "User name", "text") is None, "no field is still named “User name”")

    # A message the editor puts together: the field's label and a translated sentence.
    name = named(ed, "Name", "text")
    set_text(name, "Büro-VPN")
    set_text(name, "")
    msg = wait_for(lambda: label_starting(ed, "Name ist erforderlich"),
                   "the message “Name ist erforderlich”")
    print("   message:", msg.name)
    check(True, "an empty name says “Name ist erforderlich”")

    row = find(sidebar, lambda n: n.getRoleName() == "list item" and
               find(n, lambda m: m.name == "Sicherheit") is not None)
    row.parent.querySelection().selectChild(row.getIndexInParent())
    wait_for(lambda: showing(named(ed, "MS-CHAP v2 erlauben", "check box")),
             "the Security page's check box “MS-CHAP v2 erlauben”")
    check(True, "the Security page shows “MS-CHAP v2 erlauben”")
    # Further down the page, so not always on screen (no SHOWING): the heading exists.
    check(named(ed, "Wovor PPTP nicht schützt", "label") is not None,
          "the Security page's heading “Wovor PPTP nicht schützt”")
    shot(SHOTS, "editor-security-de", "Neues PPTP-VPN")

    click(named(ed, "Abbrechen", "push button"))
    wait_for(lambda: frame(app, "Neues PPTP-VPN") is None, "the editor to close on Abbrechen")
    check(True, "“Abbrechen” closes the editor")
finally:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
print("%d checks passed" % guilib.checks)
