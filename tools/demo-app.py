#!/usr/bin/python3
"""demo-app.py APP — the app part of tools/demo, run inside tests/gui/connect-session.sh.

The world is already there: dialtone-server (with the demo account) in one network namespace,
dialtone-helper on a private system bus in another, a private session bus with gnome-keyring
and a notification server. This puts the "Demo VPN" profile in the session's config folder and
its password in the keyring, then starts the app:

  DT_DEMO_HEADLESS unset: on the user's display; the user connects and looks around. The demo
      ends when the app quits or on Ctrl-C.
  DT_DEMO_HEADLESS=1: under Xvfb; this script connects through the app's own action, opens
      the status window, takes screenshots of the main window and of Details (MPPE 128-bit),
      prints where they are, then keeps everything running until Ctrl-C, or for
      DT_DEMO_SECONDS seconds when that is set.
"""
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "gui"))

APP = sys.argv[1]
CONFIG = os.environ["XDG_CONFIG_HOME"]
PASSWORD = os.environ["DT_GUI_PASSWORD"]
NS = os.environ["DT_GUI_NS_CLIENT"]
HEADLESS = os.environ.get("DT_DEMO_HEADLESS") == "1"
SHOTS = os.environ.get("DT_GUI_SHOTS", os.path.join(os.getcwd(), "demo-screenshots"))
PROFILE_ID = "3f1c0000-0000-4000-8000-00000000de70"
NAME = "Demo VPN"

PROFILE = """[Profile]
Id=%s
Name=%s
Type=pptp

[PPTP]
Server=192.0.2.1
User=alice

[Security]
Authentication=mschapv2
Encryption=require-128
AllowStateful=false
Compression=true

[IPv4]
DefaultRoute=true
DNS=auto
""" % (PROFILE_ID, NAME)


def say(*words):
    print("==", *words, flush=True)


def store_password():
    # The app's schema (src/app/dt-password.c): org.dialtone.Password, profile + user.
    subprocess.run(["secret-tool", "store", "--label", "Dialtone: %s" % NAME,
                    "xdg:schema", "org.dialtone.Password", "profile", PROFILE_ID,
                    "user", "alice"], input=PASSWORD, text=True, check=True)


def stay(seconds):
    end = time.time() + seconds if seconds else None
    while app.poll() is None and (end is None or time.time() < end):
        time.sleep(0.5)


os.makedirs(os.path.join(CONFIG, "dialtone", "profiles"), exist_ok=True)
with open(os.path.join(CONFIG, "dialtone", "profiles", PROFILE_ID + ".conf"), "w") as f:
    f.write(PROFILE)
store_password()
say("Profile \"%s\": server 192.0.2.1, user alice, MS-CHAP v2, MPPE 128-bit required;"
    " its password is in the keyring" % NAME)

signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
log = open(os.path.join(os.environ["DT_GUI_WORK"], "app.log"), "w")
app = subprocess.Popen([APP], stdout=log, stderr=subprocess.STDOUT)
try:
    if not HEADLESS:
        say("The app is open on your display. Select \"%s\" and press Connect; then Status"
            " → Details shows MS-CHAP v2, MPPC and MPPE 128-bit." % NAME)
        say("The tunnel lives in network namespace %s: try"
            " ip netns exec %s ping 198.51.100.1" % (NS, NS))
        say("Quit the app or press Ctrl-C to end the demo; everything is removed.")
        stay(None)
        sys.exit(0)

    from gi.repository import Gio, GLib
    from guilib import find_app, frame, label_starting, named, select_tab, shot, wait_for

    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    rapp = wait_for(lambda: (find_app() or [None])[0], "the app on the AT-SPI bus")
    main = wait_for(lambda: frame(rapp, "Dialtone"), "the main window")
    row = wait_for(lambda: named(main, NAME), "the profile's row")
    say("Connecting \"%s\" through the app (app.connect, as its Connect button does)" % NAME)
    bus.call_sync("org.dialtone.Dialtone", "/org/dialtone/Dialtone", "org.gtk.Actions",
                  "Activate", GLib.Variant("(sava{sv})", ("connect", [GLib.Variant("s", NAME)],
                                                          {})),
                  None, Gio.DBusCallFlags.NONE, 5000, None)
    state = wait_for(lambda: label_starting(row, "Connected"), "the row to say Connected", 60)
    say("The row says: %s" % state.name)
    main_png = shot(SHOTS, "demo-main-window", "Dialtone")
    bus.call_sync("org.dialtone.Dialtone", "/org/dialtone/Dialtone", "org.gtk.Actions",
                  "Activate", GLib.Variant("(sava{sv})", ("status", [GLib.Variant("s", NAME)],
                                                          {})),
                  None, Gio.DBusCallFlags.NONE, 5000, None)
    status = wait_for(lambda: frame(rapp, NAME + " — Status"), "the status window")
    select_tab(named(status, "Status pages", "page tab list"), "Details")
    enc = wait_for(lambda: label_starting(status, "Encryption: "), "the Details page")
    say("Details: %s" % enc.name)
    if not enc.name.startswith("Encryption: MPPE 128-bit"):
        say("FAIL: the demo should have negotiated MPPE 128-bit")
        sys.exit(1)
    details_png = shot(SHOTS, "demo-status-details", NAME + " — Status")
    ping = subprocess.run(["ip", "netns", "exec", NS, "ping", "-c", "3", "-i", "0.3", "-W", "2",
                           "198.51.100.1"], capture_output=True, text=True)
    say("ping through the tunnel: %s" % (ping.stdout.strip().splitlines() or ["?"])[-2:])
    if ping.returncode != 0:
        say("FAIL: ping through the tunnel: %s" % ping.stderr.strip())
        sys.exit(1)
    say("Screenshots: %s and %s" % (main_png, details_png))
    seconds = float(os.environ.get("DT_DEMO_SECONDS") or 0)
    if seconds:
        say("Keeping it up for %g s" % seconds)
    else:
        say("Connected. Press Ctrl-C to end the demo; everything is removed.")
    stay(seconds)
    rc = 0 if app.poll() is None else 1
    if rc:
        say("The app ended on its own (exit %s); its log: %s" % (app.returncode, log.name))
    sys.exit(rc)
except KeyboardInterrupt:
    sys.exit(130)
finally:
    if app.poll() is None:
        app.terminate()
        try:
            app.wait(5)
        except subprocess.TimeoutExpired:
            app.kill()
