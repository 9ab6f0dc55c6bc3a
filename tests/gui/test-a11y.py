#!/usr/bin/python3
"""test-a11y.py APP — every control has an accessible name; 200% scaling and the dark theme.

Run inside gui-session.sh (Xvfb, private session bus, keyring; no system bus: nothing
connects). With a dial-up profile and a PPTP profile that dials it first on disk, the app is
started three times:
  1. as it is: the main window, the Add menu, both editors with every page
     of their sidebars, the new-profile editors, and a status window are walked through AT-SPI.
     Every control a user can reach (visible buttons, check boxes, radio buttons, entries,
     combo boxes, spin buttons, switches, menu items, tabs, sidebar rows) must have a name a
     screen reader can say; a combo box's name must not be just its current choice;
  2. with GDK_SCALE=2 on a 2560x1600 screen (DT_GUI_SCREEN): the main window and the editor
     are about twice the size they were, their controls still named and on screen, the editor
     fits the screen; screenshots;
     Then "Create desktop shortcut" writes a valid launcher whose Exec reaches the app;
  3. with GTK_THEME=Adwaita:dark: the windows are dark (mean brightness of the screenshot),
     the labels still readable (the text is light); screenshots.
"""
import configparser
import os
import shlex
import subprocess
import sys
import time

import pyatspi

from guilib import (check, click, find, find_app, frame, label_starting, named, shot, showing,
                    visible_window, wait_for)

APP = sys.argv[1]
CONFIG = os.environ["XDG_CONFIG_HOME"]
PROFILES = os.path.join(CONFIG, "dialtone", "profiles")
SHOTS = os.environ.get("DT_GUI_SHOTS", os.path.join(os.getcwd(), "screenshots"))
ISP_ID = "0b8e7d8c-1c7e-4d2e-9a51-3f0f6c2d9e21"
EDIT_VPN = "Edit “Office VPN”"
VPN_ID = "0b8e7d8c-1c7e-4d2e-9a51-3f0f6c2d9e22"

ISP = """[Profile]
Id=%s
Name=Office ISP
Type=dialup

[Dialup]
Device=/dev/ttyS0
Speed=115200
Phone=5551234
User=isp-user
""" % ISP_ID

VPN = """[Profile]
Id=%s
Name=Office VPN
Type=pptp

[PPTP]
Server=vpn.example.com
User=alice
Domain=OFFICE

[DialFirst]
Profile=%s
""" % (VPN_ID, ISP_ID)

# Roles a user operates. Labels, panels, fillers and the like are read, not operated.
CONTROLS = {"push button", "toggle button", "check box", "radio button", "text",
            "password text", "combo box", "spin button", "menu item", "check menu item",
            "radio menu item", "page tab", "slider", "switch", "list item", "entry"}

os.makedirs(PROFILES, exist_ok=True)
for pid, text in ((ISP_ID, ISP), (VPN_ID, VPN)):
    with open(os.path.join(PROFILES, pid + ".conf"), "w") as f:
        f.write(text)


def visible(n):
    s = n.getState()
    return s.contains(pyatspi.STATE_VISIBLE) and not s.contains(pyatspi.STATE_DEFUNCT)


def walk(node, depth=0):
    """Every visible node under node (a hidden container's children are unreachable)."""
    if node is None or depth > 40:
        return
    try:
        if not visible(node) and depth > 0:
            return
        yield node
        for i in range(node.childCount):
            yield from walk(node.getChildAtIndex(i), depth + 1)
    except Exception:  # the tree changes under us; what is left is walked next time
        return


def labelled(n):
    try:
        return any(r.getRelationType() == pyatspi.RELATION_LABELLED_BY
                   for r in n.getRelationSet())
    except Exception:
        return False


def spoken(n):
    """What a screen reader says for n: its name, or for a row or button without one, the
    text of the labels inside it (Orca reads those)."""
    name = (n.name or "").strip()
    if name:
        return name
    return " ".join((m.name or "").strip() for m in walk(n)
                    if m.getRoleName() == "label" and (m.name or "").strip())


def combo_choices(n):
    return {m.name for m in walk(n) if m.getRoleName() in ("menu item", "list item")}


def unnamed_controls(root):
    bad = []
    for n in walk(root):
        role = n.getRoleName()
        if role not in CONTROLS:
            continue
        name = (n.name or "").strip()
        if role == "combo box" and not labelled(n) and name in combo_choices(n) | {""}:
            bad.append("%s (named only by its choice %r)" % (role, name))
        elif role in ("list item", "push button", "toggle button") and spoken(n):
            continue
        elif not name and not labelled(n):
            parent = n.parent.name if n.parent is not None else "?"
            bad.append("%s in %r" % (role, parent))
    return bad


def audit(root, what):
    bad = unnamed_controls(root)
    count = sum(1 for n in walk(root) if n.getRoleName() in CONTROLS)
    check(count > 0, "%s: controls found (%d)" % (what, count))
    check(not bad, "%s: every control has an accessible name%s" %
          (what, "" if not bad else "; unnamed: " + "; ".join(bad)))


def sidebar_pages(editor):
    """The editor's sidebar (GtkStackSidebar, "Settings pages"): its list box and the rows a
    user can see (a PPTP profile has no Modem page)."""
    panel = named(editor, "Settings pages")
    side = panel and find(panel, lambda n: n.getRoleName() == "list box")
    if not side:
        return None, []
    rows = [side.getChildAtIndex(i) for i in range(side.childCount)]
    return side, [(i, r) for i, r in enumerate(rows) if showing(r)]


def audit_editor(app, title, what):
    ed = wait_for(lambda: frame(app, title), "the editor %r" % title)
    side, rows = sidebar_pages(ed)
    check(len(rows) >= 4, "%s: the sidebar lists its pages (%d)" % (what, len(rows)))
    for i, row in rows:
        side.querySelection().selectChild(i)
        time.sleep(0.2)
        audit(ed, "%s, page %s" % (what, spoken(row)))
    return ed


def cancel(app, ed, title):
    click(named(ed, "Cancel", "push button"))
    wait_for(lambda: frame(app, title) is None, "the editor %r to close" % title)


def extents(title):
    """The window's size on the X screen, in device pixels (AT-SPI's are GTK's logical
    pixels, the same at every scale)."""
    xid = wait_for(lambda: visible_window(title), "the X window %r" % title)
    info = subprocess.run(["xwininfo", "-id", xid], capture_output=True, text=True).stdout
    size = {k.strip(): v.strip() for k, v in
            (line.split(":", 1) for line in info.splitlines() if ":" in line)}
    return int(size["Width"]), int(size["Height"])


def brightness(png):
    out = subprocess.run(["convert", png, "-colorspace", "Gray", "-format", "%[fx:mean]",
                          "info:"], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def start(env_extra):
    env = dict(os.environ, G_DEBUG="fatal-criticals", **env_extra)
    proc = subprocess.Popen([APP], env=env)
    app = wait_for(lambda: (find_app() or [None])[0], "the app on the AT-SPI bus")
    main = wait_for(lambda: frame(app, "Dialtone"), "the main window")
    wait_for(lambda: named(main, "Office VPN"), "the profile rows")
    return proc, app, main


def stop(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    wait_for(lambda: not find_app(), "the app to leave the AT-SPI bus")


def select_row(main, name):
    plist = named(main, "Profiles", "list box")
    for i in range(plist.childCount):
        if find(plist.getChildAtIndex(i), lambda n: n.name == name):
            plist.querySelection().selectChild(i)
            return
    check(False, "a row named %s" % name)


# 1. Accessible names everywhere, at the normal scale and theme.
proc, app, main = start({})
audit(main, "main window")
click(named(main, "Add"))
pptp = wait_for(lambda: find(app, lambda n: n.name == "PPTP VPN…" and showing(n)),
                "the Add menu")
items = [n for n in walk(pptp.parent) if n.getRoleName() in ("menu item", "push button")
         and showing(n)]
check(items and all((n.name or "").strip() for n in items),
      "the Add menu's items are named: %s" % [n.name for n in items])
click(find(app, lambda n: n.name == "PPTP VPN…" and showing(n)))
cancel(app, audit_editor(app, "New PPTP VPN", "new PPTP editor"), "New PPTP VPN")
click(named(main, "Add"))
click(wait_for(lambda: find(app, lambda n: n.name == "Dial-up Connection…" and showing(n)),
               "the Add menu again"))
title = "New Dial-up Connection"
cancel(app, audit_editor(app, title, "new dial-up editor"), title)

for name in ("Office VPN", "Office ISP"):
    select_row(main, name)
    click(named(main, "Edit", "push button"))
    ed = audit_editor(app, "Edit “%s”" % name, "editor of %s" % name)
    cancel(app, ed, "Edit “%s”" % name)

subprocess.run(["gdbus", "call", "--session", "--dest", "org.dialtone.Dialtone",
                "--object-path", "/org/dialtone/Dialtone", "--method",
                "org.gtk.Actions.Activate", "status", "[<'Office VPN'>]", "{}"],
               check=True, capture_output=True)
status = wait_for(lambda: frame(app, "Office VPN — Status"), "the status window")
audit(status, "status window")
tabs = [n for n in walk(status) if n.getRoleName() == "page tab"]
check(len(tabs) == 4 and all(t.name for t in tabs),
      "the status window's tabs are named: %s" % [t.name for t in tabs])
click(named(status, "Close", "push button"))
wait_for(lambda: frame(app, "Office VPN — Status") is None, "the status window to close")
# "Create desktop shortcut": a launcher that passes desktop-file-validate and whose Exec,
# run as a desktop would run it, asks the app to connect the profile (no password saved:
# the prompt comes up).
select_row(main, "Office VPN")
click(named(main, "Create desktop shortcut", "push button"))
launcher = os.path.join(os.environ["XDG_DATA_HOME"], "applications",
                        "dialtone-connect-%s.desktop" % VPN_ID)
wait_for(lambda: os.path.exists(launcher), "the launcher in applications/")
valid = subprocess.run(["desktop-file-validate", launcher], capture_output=True, text=True)
check(valid.returncode == 0 and not valid.stdout.strip(),
      "the launcher is a valid desktop entry: %s" % valid.stdout.strip())
entry = configparser.ConfigParser(interpolation=None)
entry.optionxform = str
entry.read(launcher)
check(entry["Desktop Entry"]["Name"] == "Connect Office VPN" and
      entry["Desktop Action disconnect"]["Name"] == "Disconnect",
      "the launcher connects Office VPN and offers Disconnect")
check(os.stat(launcher).st_mode & 0o111, "the launcher is executable")
check(label_starting(main, "Shortcut created") is not None, "the window says it was created")
subprocess.run(shlex.split(entry["Desktop Entry"]["Exec"]), check=True, timeout=20)
ask = wait_for(lambda: frame(app, "Password for “Office VPN”"),
               "the launcher's connect to reach the app (its password prompt)")
check(True, "the launcher's Exec reached the app: its password prompt is up")
click(named(ask, "Cancel", "push button"))
wait_for(lambda: frame(app, "Password for “Office VPN”") is None, "the prompt to close")
w1, h1 = extents("Dialtone")
select_row(main, "Office VPN")
click(named(main, "Edit", "push button"))
ed = wait_for(lambda: frame(app, EDIT_VPN), "the editor")
ew1, eh1 = extents(EDIT_VPN)
cancel(app, ed, EDIT_VPN)
light = brightness(shot(SHOTS, "theme-light-main", "Dialtone"))
check(proc.poll() is None, "the app ran without a critical warning")
stop(proc)

# 2. 200% scaling.
proc, app, main = start({"GDK_SCALE": "2"})
w2, h2 = extents("Dialtone")
check(w2 >= 1.8 * w1 and h2 >= 1.8 * h1,
      "at 200%% the main window is twice the size: %dx%d → %dx%d" % (w1, h1, w2, h2))
audit(main, "main window at 200%")
shot(SHOTS, "scale-200-main", "Dialtone")
select_row(main, "Office VPN")
click(named(main, "Edit", "push button"))
ed = wait_for(lambda: frame(app, EDIT_VPN), "the editor at 200%")
ew2, eh2 = extents(EDIT_VPN)
check(ew2 >= 1.8 * ew1 and eh2 >= 1.8 * eh1,
      "at 200%% the editor is twice the size: %dx%d → %dx%d" % (ew1, eh1, ew2, eh2))
save = named(ed, "Save", "push button")
sx, sy = save.queryComponent().getPosition(pyatspi.DESKTOP_COORDS)
check(0 <= sx and 0 <= sy, "at 200%% the editor's Save button is on screen (%d, %d)" % (sx, sy))
check(ew2 <= 2560 and eh2 <= 1600, "at 200%% the editor fits a 2560x1600 screen: %dx%d"
      % (ew2, eh2))
shot(SHOTS, "scale-200-editor", EDIT_VPN)
cancel(app, ed, EDIT_VPN)
check(proc.poll() is None, "at 200% the app ran without a critical warning")
stop(proc)

# 3. The dark theme.
proc, app, main = start({"GTK_THEME": "Adwaita:dark"})
dark = brightness(shot(SHOTS, "theme-dark-main", "Dialtone"))
check(dark < 0.45 and light > 0.6,
      "the dark theme is dark (mean brightness %.2f, light theme %.2f)" % (dark, light))
select_row(main, "Office VPN")
click(named(main, "Edit", "push button"))
ed = wait_for(lambda: frame(app, EDIT_VPN), "the editor in the dark theme")
edark = brightness(shot(SHOTS, "theme-dark-editor", EDIT_VPN))
check(edark < 0.45, "the editor follows the dark theme (mean brightness %.2f)" % edark)
cancel(app, ed, EDIT_VPN)
check(proc.poll() is None, "in the dark theme the app ran without a critical warning")
stop(proc)
print("1..%d" % __import__("guilib").checks)
