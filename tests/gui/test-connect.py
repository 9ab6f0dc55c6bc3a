#!/usr/bin/python3
"""test-connect.py APP — connect for real through the app (run by connect-session.sh).

The world: dialtone-server and dialtone-helper in namespaces on a private system bus,
Xvfb, a private session bus with gnome-keyring and notification-daemon. This script adds a
StatusNotifierWatcher (sni-watcher.py) and a dbus-monitor of the Notify calls, starts the
app and, through AT-SPI:
  1. creates a PPTP profile in the editor and saves its password in the keyring;
  2. connects from the main window: the row says Connected with what was negotiated;
  3. reads the status window's Details (MS-CHAP v2, MPPC, MPPE 128-bit stateless, strong)
     and Negotiation (option 18 sent and received, bits in words) pages; Save Report writes
     a pcapng file tshark reads, without the password;
  4. sees the "connected" notification's text on the session bus;
  5. sees the tray item's state over D-Bus: icon, title, lights blinking with traffic
     through the tunnel, and the menu offering Disconnect; the tray-icon-style setting (the
     schema compiled into $DT_GUI_WORK, the real dconf) switches the icon between the
     coloured and the symbolic telephone while it runs, and every name the tray can set, in
     both styles, is an icon GTK finds in the item's IconThemePath;
  6. disconnects from the status window: row, notification, tray and the namespace agree;
  7. app.connect by name over D-Bus with no saved password: the prompt; a wrong password
     gives the failed notification with the next step, the row's reason, the tray's error;
  8. again with the right password and Save password (now in the keyring); activating the
     tray icon opens the status window; app.disconnect;
  9. do not disturb (show-banners off in dconf): no connected notification; then the server
     is killed under the connection and the "Redialing" notification says "Redial 1 of 3".
Screenshots of the main window, the editor, and the Details and Negotiation pages go to
$DT_GUI_SHOTS.
"""
import configparser
import glob
import os
import re
import signal
import subprocess
import sys
import time

import gi
gi.require_version("Gtk", "3.0")
from gi.repository import Gio, GLib, Gtk  # noqa: E402

from guilib import (check, click, find, find_app, frame, label_starting, named, select_tab,
                    sensitive, set_text, shot, showing, wait_for)
import guilib

APP = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ["DT_GUI_WORK"]
CONFIG = os.environ["XDG_CONFIG_HOME"]
PROFILES = os.path.join(CONFIG, "dialtone", "profiles")
SHOTS = os.environ.get("DT_GUI_SHOTS", os.path.join(os.getcwd(), "screenshots"))
NS = os.environ["DT_GUI_NS_CLIENT"]
PASSWORD = os.environ["DT_GUI_PASSWORD"]
SUMMARY = "MS-CHAP v2 · MPPC · MPPE 128-bit"
CONNECT_TIMEOUT = 60.0

bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)

# The app's schema, compiled from the sources for the app and gsettings (in addition to the
# system's schemas); auto picks the coloured icons under this "desktop".
SCHEMAS = os.path.join(WORK, "schemas")
os.makedirs(SCHEMAS, exist_ok=True)
subprocess.run(["glib-compile-schemas", "--strict", "--targetdir", SCHEMAS,
                os.path.join(HERE, "..", "..", "data")], check=True)
os.environ["GSETTINGS_SCHEMA_DIR"] = SCHEMAS
os.environ["XDG_CURRENT_DESKTOP"] = "XFCE"
# Every state and light the tray shows (dt_tray_icon_name): 11 names a style.
TRAY_NAMES = ["dialtone-" + s for s in ("idle", "connecting", "error")] + [
    "dialtone-%s%s" % (s, l) for s in ("strong", "weak") for l in ("", "-tx", "-rx", "-txrx")]
seen_icons = set()


def dbus_get(dest, path, iface, prop):
    r = bus.call_sync(dest, path, "org.freedesktop.DBus.Properties", "Get",
                      GLib.Variant("(ss)", (iface, prop)), None, Gio.DBusCallFlags.NONE, 5000,
                      None)
    return r.unpack()[0]


def tray_item():
    items = dbus_get("org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher",
                     "org.kde.StatusNotifierWatcher", "RegisteredStatusNotifierItems")
    return items[0].split("/", 1) if items else None


def tray_prop(prop):
    name, path = tray_item()
    value = dbus_get(name, "/" + path, "org.kde.StatusNotifierItem", prop)
    if prop == "IconName":
        seen_icons.add(value)
    return value


def set_icon_style(style):
    subprocess.run(["gsettings", "set", "org.dialtone.Dialtone", "tray-icon-style", style],
                   check=True)


def check_icon_theme(names):
    """Each name is a file in the tray's IconThemePath that GTK's icon lookup finds."""
    theme_path = tray_prop("IconThemePath")
    theme = Gtk.IconTheme.new()
    theme.append_search_path(theme_path)
    for n in sorted(names):
        f = os.path.join(theme_path, "hicolor", "scalable", "status", n + ".svg")
        info = theme.lookup_icon(n, 16, 0)
        check(os.path.isfile(f) and info is not None and info.get_filename() == f,
              "the icon %s is %s and GTK finds it there" % (n, f))


def tray_menu_labels():
    name, path = tray_item()
    menu = dbus_get(name, "/" + path, "org.kde.StatusNotifierItem", "Menu")
    r = bus.call_sync(name, menu, "com.canonical.dbusmenu", "GetLayout",
                      GLib.Variant("(iias)", (0, -1, [])), None, Gio.DBusCallFlags.NONE, 5000,
                      None)
    _rev, (_id, _props, children) = r.unpack()
    return [c[1].get("label", "") for c in children]


def notifications():
    """(summary, body) of every Notify call seen on the session bus so far."""
    with open(os.path.join(WORK, "notify-monitor.log")) as f:
        text = f.read()
    out = []
    for call in text.split("method call")[1:]:
        strings = re.findall(r'^\s+string "(.*)"$', call, re.M)
        # app_name, app_icon, summary, body, then actions and hint keys
        if len(strings) >= 4:
            out.append((strings[2], strings[3]))
    return out


def row_state(row):
    return find(row, lambda n: n.getRoleName() == "label" and showing(n) and
                (n.name.startswith("Connect") or n.name.startswith("Disconnect") or
                 n.name.startswith("Failed") or n.name.startswith("Not connected")) and
                n.getRoleName() == "label")


procs = []
logs = []


def start(argv, name, env=None):
    log = open(os.path.join(WORK, name + ".log"), "w")
    logs.append(log)
    p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
    procs.append(p)
    return p


try:
    start(["/usr/bin/python3", os.path.join(HERE, "sni-watcher.py")], "sni-watcher")
    wait_for(lambda: "watcher ready" in open(os.path.join(WORK, "sni-watcher.log")).read(),
             "the StatusNotifierWatcher")
    start(["dbus-monitor", "--session",
           "type='method_call',interface='org.freedesktop.Notifications',member='Notify'"],
          "notify-monitor")
    time.sleep(0.5)  # dbus-monitor has no ready signal; a missed call fails the test later
    app_proc = start([APP], "app", env=dict(os.environ, G_DEBUG="fatal-criticals"))
    app = wait_for(lambda: (find_app() or [None])[0], "the app on the AT-SPI bus")
    main = wait_for(lambda: frame(app, "Dialtone"), "the main window")
    profiles = wait_for(lambda: named(main, "Profiles", "list box"), "the profile list")

    name, path = wait_for(tray_item, "the tray item registered with the watcher")
    check(tray_prop("IconName") == "dialtone-idle", "the tray shows the idle telephone")
    check(tray_prop("Status") == "Active", "the tray item is active")
    check_icon_theme(TRAY_NAMES + [n + "-symbolic" for n in TRAY_NAMES])
    set_icon_style("symbolic")
    wait_for(lambda: tray_prop("IconName") == "dialtone-idle-symbolic",
             "the symbolic idle telephone after tray-icon-style=symbolic")
    check(True, "tray-icon-style=symbolic: the tray shows dialtone-idle-symbolic")
    set_icon_style("color")
    wait_for(lambda: tray_prop("IconName") == "dialtone-idle", "the coloured idle telephone")
    check(True, "tray-icon-style=color: the tray shows dialtone-idle again")

    # 1. A PPTP profile through the editor, its password into the keyring.
    click(named(main, "Add"))
    click(wait_for(lambda: find(app, lambda n: n.name == "PPTP VPN…" and showing(n)),
                   "the Add menu"))
    ed = wait_for(lambda: frame(app, "New PPTP VPN"), "the PPTP editor")
    save = named(ed, "Save", "push button")
    set_text(named(ed, "Name", "text"), "Office VPN")
    set_text(named(ed, "Server", "text"), "192.0.2.1")
    set_text(named(ed, "User name", "text"), "alice")
    set_text(named(ed, "Password", "password text"), PASSWORD)
    click(named(ed, "Save password", "check box"))
    wait_for(lambda: sensitive(save), "Save to become sensitive")
    shot(SHOTS, "editor", "New PPTP VPN")
    click(save)
    wait_for(lambda: frame(app, "New PPTP VPN") is None, "the editor to close after Save")
    files = glob.glob(os.path.join(PROFILES, "*.conf"))
    check(len(files) == 1, "the profile is on disk")
    kf = configparser.ConfigParser(interpolation=None)
    kf.read(files[0])
    pid = kf["Profile"]["Id"]
    got = subprocess.run(["secret-tool", "lookup", "profile", pid, "user", "alice"],
                         capture_output=True, text=True)
    check(got.stdout == PASSWORD, "the password is in the keyring")

    # 2. Connect from the main window.
    row = wait_for(lambda: named(profiles, "Office VPN"), "the profile's row")
    connect = wait_for(lambda: find(row, lambda n: n.name == "Connect" and
                                    n.getRoleName() == "push button" and sensitive(n)),
                       "a sensitive Connect button (the helper is on the system bus)")
    check(True, "with the helper running, Connect is sensitive")
    click(connect)
    state = wait_for(lambda: label_starting(row, "Connected"), "the row to say Connected",
                     CONNECT_TIMEOUT)
    check(state.name == "Connected · " + SUMMARY, "the row says %r" % state.name)
    check(find(row, lambda n: n.name == "Disconnect" and n.getRoleName() == "push button")
          is not None, "the row's button is now Disconnect")
    shot(SHOTS, "main-window-connected", "Dialtone")

    # 3. The status window.
    click(wait_for(lambda: find(row, lambda n: n.name == "Status" and showing(n)),
                   "the row's Status button"))
    status = wait_for(lambda: frame(app, "Office VPN — Status"), "the status window")
    pages = named(status, "Status pages", "page tab list")
    general = wait_for(lambda: label_starting(status, "Duration: "), "the General page")
    check(label_starting(status, "Status: Connected") is not None, "General: Status: Connected")
    check(label_starting(status, "Sent: ") is not None and
          label_starting(status, "Received: ") is not None, "General: bytes and packets")
    check(label_starting(status, "Compression ratio: ") is not None,
          "General: the compression ratio")
    check(label_starting(status, "Errors: ") is not None, "General: errors")
    select_tab(pages, "Details")
    wait_for(lambda: label_starting(status, "Authenticated with"), "the Details page")
    for line in ("Server type: PPTP", "Authenticated with MS-CHAP v2", "Compression: MPPC",
                 "Encryption: MPPE 128-bit, stateless (strong)", "DNS: 198.51.100.53"):
        check(named(status, line, "label") is not None, "Details: %s" % line)
    addr = label_starting(status, "Your address: ")
    check(addr is not None and addr.name.startswith("Your address: 198.51.100."),
          "Details: %s" % (addr and addr.name))
    check(label_starting(status, "MTU: ") is not None, "Details: the MTU")
    sw = label_starting(status, "Server software: ")
    check(sw is not None and sw.name.startswith("Server software: Dialtone on “dialtone-server”, "
                                                "firmware "),
          "Details: the server's SCCRP fingerprint: %s" % (sw and sw.name))
    iface = label_starting(status, "Interface: ").name.split(": ", 1)[1]
    shot(SHOTS, "status-details", "Office VPN — Status")

    select_tab(pages, "Negotiation")
    sent = wait_for(lambda: label_starting(status, "Sent: "), "the Negotiation page")
    received = label_starting(status, "Received: ")
    print("   ", sent.name, "/", received.name)
    check(re.fullmatch(r"Sent: [0-9A-F]{2} [0-9A-F]{2} [0-9A-F]{2} [0-9A-F]{2}", sent.name),
          "Negotiation: option 18 as sent, in bytes")
    # The server requires 128-bit stateless with MPPC: what it sends is exactly that.
    check(received.name == "Received: 01 00 00 41", "Negotiation: %r" % received.name)
    for words in ("H = 1: stateless mode", "S = 1: 128-bit encryption",
                  "C = 1: MPPC compression", "L = 0: no 40-bit encryption"):
        check(find(status, lambda n: n.getRoleName() == "label" and showing(n) and
                   n.name.strip().startswith(words)) is not None,
              "Negotiation: a bit in words: %s" % words)
    shot(SHOTS, "status-negotiation", "Office VPN — Status")

    # 3b. Save Report: the helper's connection report as a pcapng file that tshark reads,
    # with the PPP control exchange and without the password.
    click(named(status, "Save report", "push button"))
    saved = wait_for(lambda: label_starting(status, "Report saved as "), "the report saved")
    report = saved.name[len("Report saved as "):].split(". It holds", 1)[0]
    check(os.path.isfile(report) and (os.stat(report).st_mode & 0o077) == 0,
          "the report is a private file: %s" % report)
    with open(report, "rb") as f:
        check(PASSWORD.encode() not in f.read(), "the report holds no password")
    lcp = subprocess.run(["tshark", "-r", report, "-Y", "lcp || chap || ipcp || ccp"],
                         capture_output=True, text=True)
    check(lcp.returncode == 0 and len(lcp.stdout.splitlines()) >= 6,
          "tshark reads the report's LCP, CHAP, IPCP and CCP packets (%d)"
          % len(lcp.stdout.splitlines()))

    # 4. The notification, as the notification server received it.
    n = wait_for(lambda: [x for x in notifications() if x[0] == "Office VPN connected"],
                 "the connected notification")
    check(n[-1][1] == SUMMARY + ": strong encryption.", "notification: %r" % (n[-1],))

    # 5. The tray over D-Bus: state, title, lights, menu.
    wait_for(lambda: tray_prop("IconName").startswith("dialtone-strong"),
             "the tray's connected (strong) icon")
    check(True, "the tray shows connected with strong encryption: %s" % tray_prop("IconName"))
    check(tray_prop("Title") == "Dialtone: " + SUMMARY, "tray title %r" % tray_prop("Title"))
    check("Disconnect Office VPN" in tray_menu_labels() and "Status…" in tray_menu_labels()
          and "Open Dialtone" in tray_menu_labels() and "Quit" in tray_menu_labels(),
          "the tray menu: %s" % tray_menu_labels())
    ping = subprocess.Popen(["ip", "netns", "exec", NS, "ping", "-q", "-i", "0.2", "-c", "150",
                             "198.51.100.1"], stdout=subprocess.DEVNULL)
    procs.append(ping)
    seen = set()

    def lights():
        seen.add(tray_prop("IconName"))
        return any(s.endswith("-tx") or s.endswith("-rx") or s.endswith("-txrx") for s in seen)
    wait_for(lights, "a tray light to blink with traffic", 15)
    check(True, "the tray's lights follow the traffic: %s" % sorted(seen))
    # The same in the symbolic style, switched while connected; then auto, which is the
    # coloured style under XFCE.
    set_icon_style("symbolic")
    wait_for(lambda: tray_prop("IconName").endswith("-symbolic"), "the symbolic icon")
    seen.clear()
    wait_for(lambda: seen.add(tray_prop("IconName")) or
             any(re.fullmatch(r"dialtone-strong-(tx|rx|txrx)-symbolic", s) for s in seen),
             "a symbolic tray light to blink with traffic", 15)
    check(all(s.endswith("-symbolic") for s in seen) and
          any(re.fullmatch(r"dialtone-strong(-tx|-rx|-txrx)?-symbolic", s) for s in seen),
          "tray-icon-style=symbolic while connected: %s" % sorted(seen))
    set_icon_style("auto")
    wait_for(lambda: re.fullmatch(r"dialtone-strong(-tx|-rx|-txrx)?", tray_prop("IconName")),
             "the coloured connected icon under tray-icon-style=auto (XDG_CURRENT_DESKTOP=XFCE)")
    check(True, "tray-icon-style=auto under XFCE: %s" % tray_prop("IconName"))
    ping.terminate()
    ping.wait()

    # 6. Disconnect from the status window.
    click(named(status, "Disconnect", "push button"))
    wait_for(lambda: label_starting(row, "Disconnected"), "the row to say Disconnected",
             CONNECT_TIMEOUT)
    check(find(row, lambda n: n.name == "Connect" and n.getRoleName() == "push button" and
               sensitive(n)) is not None, "the row offers Connect again")
    n = wait_for(lambda: [x for x in notifications() if x[0] == "Office VPN disconnected"],
                 "the disconnected notification")
    check(n[-1][1] == "The connection was closed on request.", "notification: %r" % (n[-1],))
    wait_for(lambda: tray_prop("IconName") == "dialtone-idle", "the tray back to idle")
    check(tray_prop("Title") == "Dialtone", "the tray title no longer names a connection")
    check("Connect Office VPN" in tray_menu_labels(), "the tray menu offers Connect again")
    wait_for(lambda: subprocess.run(["ip", "-n", NS, "link", "show", "dev", iface],
                                    capture_output=True).returncode != 0,
             "the tunnel interface %s to go" % iface)
    check(True, "the tunnel interface %s is gone from the client namespace" % iface)
    click(named(status, "Close", "push button"))
    wait_for(lambda: frame(app, "Office VPN — Status") is None, "the status window to close")

    # 7. app.connect by name over D-Bus (as a .desktop action would), with no saved
    # password: the prompt, a wrong password, the failure in words with the next step.
    subprocess.run(["secret-tool", "clear", "profile", pid], check=True)

    def activate(action, name):
        bus.call_sync("org.dialtone.Dialtone", "/org/dialtone/Dialtone", "org.gtk.Actions",
                      "Activate", GLib.Variant("(sava{sv})", (action, [GLib.Variant("s", name)],
                                                              {})),
                      None, Gio.DBusCallFlags.NONE, 5000, None)
    activate("connect", "Office VPN")
    ask = wait_for(lambda: frame(app, "Password for “Office VPN”"), "the password prompt")
    ask_ok = named(ask, "Connect", "push button")
    check(not sensitive(ask_ok), "the prompt's Connect waits for a password")
    set_text(named(ask, "Password", "password text"), "not-the-password")
    wait_for(lambda: sensitive(ask_ok), "the prompt's Connect to become sensitive")
    shot(SHOTS, "password-prompt", "Password for “Office VPN”")
    click(ask_ok)
    n = wait_for(lambda: [x for x in notifications() if x[0] == "Office VPN could not connect"],
                 "the failed notification", CONNECT_TIMEOUT)
    check(n[-1][1].startswith("The user name or password was not accepted.") and
          n[-1][1].endswith(" Check the user name, domain and password, then connect again."),
          "notification: %r" % (n[-1],))
    failed = wait_for(lambda: label_starting(row, "Failed"), "the row to say Failed")
    check("not accepted" in failed.name, "the row says why: %r" % failed.name)
    wait_for(lambda: tray_prop("IconName") == "dialtone-error", "the tray's error icon")
    check(True, "the tray shows the error state")
    set_icon_style("symbolic")
    wait_for(lambda: tray_prop("IconName") == "dialtone-error-symbolic",
             "the symbolic error icon")
    check(True, "the symbolic error icon")
    set_icon_style("auto")
    wait_for(lambda: tray_prop("IconName") == "dialtone-error", "the coloured error icon")
    got = subprocess.run(["secret-tool", "lookup", "profile", pid, "user", "alice"],
                         capture_output=True, text=True)
    check(got.returncode != 0, "a password typed without Save password is not kept")

    # 8. Again with the right password and Save password; app.disconnect by name.
    activate("connect", "Office VPN")
    ask = wait_for(lambda: frame(app, "Password for “Office VPN”"), "the password prompt")
    set_text(named(ask, "Password", "password text"), PASSWORD)
    click(named(ask, "Save password", "check box"))
    click(wait_for(lambda: sensitive(named(ask, "Connect", "push button")) and
                   named(ask, "Connect", "push button"), "the prompt's Connect"))
    wait_for(lambda: label_starting(row, "Connected"), "the row to say Connected",
             CONNECT_TIMEOUT)
    wait_for(lambda: tray_prop("IconName").startswith("dialtone-strong"),
             "the tray's connected icon")
    check(True, "connected with the prompted password; the tray left its error state")
    # Activating the tray icon (SecondaryActivate: a middle click, or the XEmbed icon's
    # activation) opens the status window of the connection.
    name, path = tray_item()
    bus.call_sync(name, "/" + path, "org.kde.StatusNotifierItem", "SecondaryActivate",
                  GLib.Variant("(ii)", (0, 0)), None, Gio.DBusCallFlags.NONE, 5000, None)
    status = wait_for(lambda: frame(app, "Office VPN — Status"),
                      "the status window opened from the tray")
    wait_for(lambda: label_starting(status, "Status: Connected"), "it to say Connected")
    check(True, "activating the tray icon opens the connection's status window")
    got = subprocess.run(["secret-tool", "lookup", "profile", pid, "user", "alice"],
                         capture_output=True, text=True)
    check(got.stdout == PASSWORD, "Save password in the prompt put it in the keyring")
    activate("disconnect", "Office VPN")
    wait_for(lambda: label_starting(row, "Disconnected"), "the row to say Disconnected",
             CONNECT_TIMEOUT)
    check(True, "app.disconnect by name disconnects")

    # 9. Do not disturb (GNOME's show-banners off, through the real dconf): connecting
    # pops nothing up. Then, banners on again, the server dies under the connection: the
    # helper redials per the profile's [Redial] and the app says so, once, with the count.
    def gsettings_set(value):
        subprocess.run(["gsettings", "set", "org.gnome.desktop.notifications", "show-banners",
                        value], check=True)
        wait_for(lambda: subprocess.run(["gsettings", "get", "org.gnome.desktop.notifications",
                                         "show-banners"], capture_output=True,
                                        text=True).stdout.strip() == value,
                 "show-banners to read %s" % value)
    gsettings_set("false")
    before = len([x for x in notifications() if x[0] == "Office VPN connected"])
    activate("connect", "Office VPN")
    wait_for(lambda: label_starting(row, "Connected"), "the row to say Connected",
             CONNECT_TIMEOUT)
    gsettings_set("true")
    after = len([x for x in notifications() if x[0] == "Office VPN connected"])
    check(after == before, "do not disturb: no connected notification (%d → %d)" % (before, after))
    os.kill(int(os.environ["DT_GUI_SERVER_PID"]), signal.SIGKILL)  # this test's server only
    n = wait_for(lambda: [x for x in notifications() if x[0] == "Redialing Office VPN"],
                 "the redialing notification", CONNECT_TIMEOUT)
    check(n[-1][1].endswith(". Redial 1 of 3."), "redialing notification: %r" % (n[-1],))
    wait_for(lambda: label_starting(row, "Connecting"), "the row to say Connecting")
    activate("disconnect", "Office VPN")
    wait_for(lambda: label_starting(row, "Disconnected"), "the row to say Disconnected",
             CONNECT_TIMEOUT)
    check(len([x for x in notifications() if x[0] == "Redialing Office VPN"]) == 1,
          "the redial was announced once")
    check(app_proc.poll() is None, "the app still runs")
    check(seen_icons <= set(TRAY_NAMES + [n + "-symbolic" for n in TRAY_NAMES]),
          "every icon the tray set is one of the checked names: %s" % sorted(seen_icons))
except SystemExit:
    if os.path.exists(os.path.join(WORK, "notify-monitor.log")):
        print("notifications seen:", notifications())
    raise
finally:
    for p in reversed(procs):
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    for log in logs:
        log.close()
    app_log = os.path.join(WORK, "app.log")
    if os.path.exists(app_log):
        with open(app_log) as f:
            out = f.read()
        if out:
            print("--- app output\n" + out)

print("%d checks passed" % guilib.checks)
