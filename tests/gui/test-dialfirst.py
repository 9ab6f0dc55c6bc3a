#!/usr/bin/python3
"""test-dialfirst.py APP — the article's two stacked profiles, through the app (run by
connect-session.sh with DT_GUI_ISP set).

The world: a fake modem and ISP on a pty (itest-dialup-isp, MS-CHAP v2 for bob) that routes
into a namespace where dialtone-server listens on 10.77.0.1; dialtone-helper on a private
system bus; Xvfb, a private session bus with gnome-keyring. This script writes two profiles,
"Office ISP" (dial-up on the pty) and "Office VPN" (PPTP to 10.77.0.1, DialFirst = Office ISP),
puts only the VPN's password in the keyring, starts the app and, through AT-SPI:
  1. the VPN's row says it dials Office ISP first;
  2. Connect on that row: the app finds the VPN's password in the keyring and asks for the
     dial-up profile's, which is saved with Save password;
  3. the row says Connected with MPPE 128-bit; the status window's Details name the dial-up
     link the tunnel runs over; two TUNs in the client namespace, a ping through both;
  4. Disconnect: both links go, in the namespace and in the row.
A screenshot of Details goes to $DT_GUI_SHOTS.
"""
import os
import subprocess
import sys

from guilib import (check, click, find, find_app, frame, label_starting, named, select_tab,
                    sensitive, set_text, shot, showing, wait_for)
import guilib

APP = sys.argv[1]
WORK = os.environ["DT_GUI_WORK"]
CONFIG = os.environ["XDG_CONFIG_HOME"]
PROFILES = os.path.join(CONFIG, "dialtone", "profiles")
SHOTS = os.environ.get("DT_GUI_SHOTS", os.path.join(os.getcwd(), "screenshots"))
NS = os.environ["DT_GUI_NS_CLIENT"]
PASSWORD = os.environ["DT_GUI_PASSWORD"]
ISP_PASSWORD = os.environ["DT_GUI_ISP_PASSWORD"]
PTY = os.environ["DT_GUI_ISP_PTY"]
ISP_ID = "3f1c0000-0000-4000-8000-0000000000f1"
VPN_ID = "3f1c0000-0000-4000-8000-0000000000f2"
CONNECT_TIMEOUT = 60.0

ISP = """[Profile]
Id=%s
Name=Office ISP
Type=dialup

[Dialup]
Device=%s
Speed=115200
FlowControl=none
Init=ATZ
Phone=5551234
User=bob

[Security]
Authentication=mschapv2
Encryption=none
Compression=false

[IPv4]
DefaultRoute=false
DNS=none

[PPP]
EchoInterval=0

[Redial]
Attempts=0
""" % (ISP_ID, PTY)

VPN = """[Profile]
Id=%s
Name=Office VPN
Type=pptp
DialFirst=%s

[PPTP]
Server=10.77.0.1
User=alice

[Security]
Authentication=mschapv2
Encryption=require-128
AllowStateful=false
Compression=true

[IPv4]
DefaultRoute=false
Routes=198.51.100.0/24
DNS=auto

[PPP]
EchoInterval=0

[Redial]
Attempts=0
""" % (VPN_ID, ISP_ID)


def keyring(profile_id, user):
    got = subprocess.run(["secret-tool", "lookup", "profile", profile_id, "user", user],
                         capture_output=True, text=True)
    return got.stdout if got.returncode == 0 else None


def dt_tuns():
    out = subprocess.run(["ip", "-n", NS, "-o", "link", "show"], capture_output=True,
                         text=True).stdout
    return [line.split(": ")[1] for line in out.splitlines() if ": dt" in line]


os.makedirs(PROFILES, exist_ok=True)
for pid, text in ((ISP_ID, ISP), (VPN_ID, VPN)):
    with open(os.path.join(PROFILES, pid + ".conf"), "w") as f:
        f.write(text)
subprocess.run(["secret-tool", "store", "--label", "Dialtone: Office VPN", "xdg:schema",
                "org.dialtone.Password", "profile", VPN_ID, "user", "alice"], input=PASSWORD,
               text=True, check=True)

log = open(os.path.join(WORK, "app.log"), "w")
app_proc = subprocess.Popen([APP], stdout=log, stderr=subprocess.STDOUT,
                            env=dict(os.environ, G_DEBUG="fatal-criticals"))
try:
    app = wait_for(lambda: (find_app() or [None])[0], "the app on the AT-SPI bus")
    main = wait_for(lambda: frame(app, "Dialtone"), "the main window")
    profiles = wait_for(lambda: named(main, "Profiles", "list box"), "the profile list")
    row = wait_for(lambda: named(profiles, "Office VPN"), "the VPN's row")

    # 1. The row tells the stack.
    first = find(row, lambda n: n.getRoleName() == "label" and "Office ISP" in n.name)
    check(first is not None and "first" in first.name,
          "the VPN's row says it dials first: %r" % (first and first.name))

    # 2. Connect: the VPN's password from the keyring, the dial-up one asked for.
    click(wait_for(lambda: find(row, lambda n: n.name == "Connect" and
                                n.getRoleName() == "push button" and sensitive(n)),
                   "a sensitive Connect button"))
    ask = wait_for(lambda: frame(app, "Password for “Office ISP”"),
                   "the prompt for the dial-up profile's password")
    check(frame(app, "Password for “Office VPN”") is None,
          "no prompt for the VPN: its password came from the keyring")
    set_text(named(ask, "Password", "password text"), ISP_PASSWORD)
    click(named(ask, "Save password", "check box"))
    click(wait_for(lambda: sensitive(named(ask, "Connect", "push button")) and
                   named(ask, "Connect", "push button"), "the prompt's Connect"))

    # 3. Up, both links.
    state = wait_for(lambda: label_starting(row, "Connected"), "the row to say Connected",
                     CONNECT_TIMEOUT)
    check("MPPE 128-bit" in state.name, "the row says %r" % state.name)
    check(keyring(ISP_ID, "bob") == ISP_PASSWORD,
          "Save password put the dial-up password in the keyring under the ISP profile")
    tuns = dt_tuns()
    check(len(tuns) == 2, "two TUNs in the client namespace (dial-up and tunnel): %s" % tuns)
    ping = subprocess.run(["ip", "netns", "exec", NS, "ping", "-c", "3", "-i", "0.2", "-W", "2",
                           "198.51.100.1"], stdout=subprocess.DEVNULL)
    check(ping.returncode == 0, "a ping through the tunnel over the dial-up link")
    click(wait_for(lambda: find(row, lambda n: n.name == "Status" and showing(n)),
                   "the row's Status button"))
    status = wait_for(lambda: frame(app, "Office VPN — Status"), "the status window")
    select_tab(named(status, "Status pages", "page tab list"), "Details")
    dialled = wait_for(lambda: label_starting(status, "Dialled first: "), "Details: the dial-up link")
    check(dialled.name.endswith(", address 10.77.0.2"), "Details: %s" % dialled.name)
    check(named(status, "Encryption: MPPE 128-bit, stateless (strong)", "label") is not None,
          "Details: MPPE 128-bit over the dial-up link")
    check(label_starting(status, "Server: 10.77.0.1") is not None, "Details: the server")
    shot(SHOTS, "status-details-dialfirst", "Office VPN — Status")

    # 4. Disconnect: the tunnel, then the dial-up link.
    click(named(status, "Disconnect", "push button"))
    wait_for(lambda: label_starting(row, "Disconnected"), "the row to say Disconnected",
             CONNECT_TIMEOUT)
    wait_for(lambda: not dt_tuns(), "both TUNs to go")
    check(True, "disconnect took down the tunnel and the dial-up link")
    check(app_proc.poll() is None, "the app still runs")
finally:
    if app_proc.poll() is None:
        app_proc.terminate()
        try:
            app_proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app_proc.kill()
    log.close()
    with open(os.path.join(WORK, "app.log")) as f:
        out = f.read()
    if out:
        print("--- app output\n" + out)

print("%d checks passed" % guilib.checks)
