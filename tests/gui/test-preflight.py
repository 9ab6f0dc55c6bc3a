#!/usr/bin/python3
"""test-preflight.py APP — the Test button of a PPTP profile (run by connect-session.sh).

The world is test-connect.py's: dialtone-server listening on 192.0.2.1 in a server namespace,
reached from a client namespace. The app runs dialtonectl test (DIALTONE_CTL: a wrapper that
runs the build tree's dialtonectl in the client namespace, as root, so GRE is checked too).
With three PPTP profiles on disk, through AT-SPI:
  1. Test is insensitive for a dial-up profile;
  2. "Office VPN" (the live server): every step ✓, the server's SCCRP fingerprint
     (“dialtone-server”), "Test passed" and the next step;
  3. "Closed VPN" (192.0.2.2, the client's own address: nothing listens on TCP 1723): DNS ✓,
     TCP ✗, the later steps not tried, "TCP port 1723 refused" and what to check;
  4. "Lost VPN" (192.0.2.99 on the link, no such host): "TCP port 1723 blocked";
  5. Cancel while "Lost VPN" is being tested: "Test cancelled", dialtonectl is gone;
  6. "Office VPN" with dialtonectl as nobody, as a user runs it: GRE skipped, "GRE not
     checked", the other steps and the fingerprint as before;
and the main window answers AT-SPI while a test runs (the main loop never waits).
A screenshot of the passed test goes to $DT_GUI_SHOTS.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

from guilib import (check, click, find, find_app, frame, label_starting, named, sensitive,
                    shot, showing, wait_for)
import guilib

APP = sys.argv[1]
WORK = os.environ["DT_GUI_WORK"]
CONFIG = os.environ["XDG_CONFIG_HOME"]
PROFILES = os.path.join(CONFIG, "dialtone", "profiles")
SHOTS = os.environ.get("DT_GUI_SHOTS", os.path.join(os.getcwd(), "screenshots"))
NS = os.environ["DT_GUI_NS_CLIENT"]
CTL = os.environ["DT_GUI_CTL"]
# Each step waits at most 5 s (dialtonectl's default); six steps and the process around them.
TEST_TIMEOUT = 60.0

PPTP = """[Profile]
Id=%s
Name=%s
Type=pptp

[PPTP]
Server=%s
User=alice
"""
DIALUP = """[Profile]
Id=0b8e7d8c-1c7e-4d2e-9a51-3f0f6c2d9e30
Name=Office ISP
Type=dialup

[Dialup]
Device=/dev/ttyS0
Speed=115200
Phone=5551234
User=isp-user
"""
os.makedirs(PROFILES, exist_ok=True)
for pid, name, server in (("0b8e7d8c-1c7e-4d2e-9a51-3f0f6c2d9e31", "Office VPN", "192.0.2.1"),
                          ("0b8e7d8c-1c7e-4d2e-9a51-3f0f6c2d9e32", "Closed VPN", "192.0.2.2"),
                          ("0b8e7d8c-1c7e-4d2e-9a51-3f0f6c2d9e33", "Lost VPN", "192.0.2.99")):
    with open(os.path.join(PROFILES, pid + ".conf"), "w") as f:
        f.write(PPTP % (pid, name, server))
with open(os.path.join(PROFILES, "0b8e7d8c-1c7e-4d2e-9a51-3f0f6c2d9e30.conf"), "w") as f:
    f.write(DIALUP)

# While UNPRIVILEGED exists, dialtonectl runs as nobody (as it does for a user) from a
# world-readable copy of the profiles, since the session's XDG dirs are root's alone.
UNPRIVILEGED = os.path.join(WORK, "ctl-unprivileged")
PUBLIC = tempfile.mkdtemp(prefix="dt-preflight-")
os.chmod(PUBLIC, 0o755)
shutil.copytree(os.path.join(CONFIG, "dialtone"), os.path.join(PUBLIC, "dialtone"))
for d, _dirs, files in os.walk(PUBLIC):
    os.chmod(d, 0o755)
    for name in files:
        os.chmod(os.path.join(d, name), 0o644)
wrapper = os.path.join(WORK, "dialtonectl-in-ns")
with open(wrapper, "w") as f:
    f.write("""#!/bin/sh
echo "$$" >>"{pids}"
if [ -e "{flag}" ]; then
    XDG_CONFIG_HOME="{public}" exec ip netns exec "{ns}" \\
        setpriv --reuid=65534 --regid=65534 --clear-groups "{ctl}" "$@"
fi
exec ip netns exec "{ns}" "{ctl}" "$@"
""".format(pids=os.path.join(WORK, "ctl-pids"), flag=UNPRIVILEGED, public=PUBLIC, ns=NS, ctl=CTL))
os.chmod(wrapper, 0o755)


def select_row(main, name):
    plist = named(main, "Profiles", "list box")
    for i in range(plist.childCount):
        if find(plist.getChildAtIndex(i), lambda n: n.name == name):
            plist.querySelection().selectChild(i)
            return
    check(False, "a row named %s" % name)


def step(dialog, title):
    """The step's accessible name, "TCP port 1723: passed"."""
    n = find(dialog, lambda n: n.getRoleName() == "label" and showing(n) and
             (n.name or "").startswith(title + ": "))
    return n.name if n else None


def shown_text(dialog, prefix):
    """A label whose text (not its accessible name) starts with prefix."""
    def text(n):
        try:
            return n.queryText().getText(0, -1)
        except Exception:
            return ""
    return find(dialog, lambda n: n.getRoleName() == "label" and showing(n) and
                text(n).startswith(prefix))


def run_test(main, name):
    select_row(main, name)
    test = wait_for(lambda: sensitive(named(main, "Test", "push button")) and
                    named(main, "Test", "push button"), "Test to become sensitive")
    click(test)
    return wait_for(lambda: frame(app, "Test “%s”" % name), "the test dialog")


def close(dialog, name):
    click(named(dialog, "Close", "push button"))
    wait_for(lambda: frame(app, "Test “%s”" % name) is None, "the test dialog to close")


proc = None
try:
    log = open(os.path.join(WORK, "app.log"), "w")
    proc = subprocess.Popen([APP], stdout=log, stderr=subprocess.STDOUT,
                            env=dict(os.environ, G_DEBUG="fatal-criticals",
                                     DIALTONE_CTL=wrapper))
    app = wait_for(lambda: (find_app() or [None])[0], "the app on the AT-SPI bus")
    main = wait_for(lambda: frame(app, "Dialtone"), "the main window")
    wait_for(lambda: named(main, "Office VPN"), "the profiles")

    # 1. Only a PPTP profile can be tested.
    select_row(main, "Office ISP")
    wait_for(lambda: not sensitive(named(main, "Test", "push button")),
             "Test to be insensitive for a dial-up profile")
    check(True, "a dial-up profile: Test is insensitive")

    # 2. The live server: every step passes, with its fingerprint.
    dialog = run_test(main, "Office VPN")
    check(label_starting(dialog, "Checking the path to 192.0.2.1") is not None or
          label_starting(dialog, "Test passed") is not None, "the dialog shows its progress")
    check(named(main, "Office VPN") is not None, "the main window answers while a test runs")
    wait_for(lambda: label_starting(dialog, "Test passed"), "Test passed", TEST_TIMEOUT)
    for title in ("Name lookup (DNS)", "TCP port 1723", "PPTP control connection", "Call",
                  "GRE (IP protocol 47)", "Clean close"):
        check(step(dialog, title) == title + ": passed", "step %r" % step(dialog, title))
    sw = label_starting(dialog, "Server software: ")
    check(sw is not None and sw.name.startswith("Server software: Dialtone on “dialtone-server”, "
                                                "firmware "),
          "the server's fingerprint: %s" % (sw and sw.name))
    check(label_starting(dialog, "The path to the server works") is not None,
          "what the result means")
    check(label_starting(dialog, "Connect. If it still fails") is not None, "the next step")
    check(shown_text(dialog, "✓ TCP port 1723") is not None, "the steps are marked ✓")
    shot(SHOTS, "test-passed", "Test “Office VPN”")
    close(dialog, "Office VPN")

    # 3. Nothing listens on TCP 1723 at 192.0.2.2.
    dialog = run_test(main, "Closed VPN")
    wait_for(lambda: label_starting(dialog, "TCP port 1723 refused"), "TCP port 1723 refused",
             TEST_TIMEOUT)
    check(step(dialog, "Name lookup (DNS)") == "Name lookup (DNS): passed", "DNS passed")
    check(step(dialog, "TCP port 1723") == "TCP port 1723: failed", "TCP failed")
    check(shown_text(dialog, "✗ TCP port 1723") is not None, "the failed step is marked ✗")
    check(step(dialog, "PPTP control connection") == "PPTP control connection: not tried",
          "PPTP not tried")
    check(label_starting(dialog, "Server software: ") is None, "no fingerprint without a server")
    check(label_starting(dialog, "The server’s computer answers, but nothing accepts") is not None,
          "what it means")
    check(label_starting(dialog, "Check that the VPN server is running and listens on port 1723")
          is not None, "the next step")
    close(dialog, "Closed VPN")

    # 4. No host at 192.0.2.99: unreachable, the "blocked" class.
    dialog = run_test(main, "Lost VPN")
    wait_for(lambda: label_starting(dialog, "TCP port 1723 blocked"), "TCP port 1723 blocked",
             TEST_TIMEOUT)
    check(label_starting(dialog, "TCP port 1723 does not get through") is not None,
          "what it means")
    check(label_starting(dialog, "Ask the network’s administrator to allow outgoing TCP port 1723")
          is not None, "the next step")
    close(dialog, "Lost VPN")

    # 5. Cancel: the dialog says so, and dialtonectl is gone.
    pids_file = os.path.join(WORK, "ctl-pids")
    before = len(open(pids_file).read().split())
    dialog = run_test(main, "Lost VPN")
    wait_for(lambda: len(open(pids_file).read().split()) > before, "dialtonectl to start")
    pid = int(open(pids_file).read().split()[-1])  # ip netns exec execs dialtonectl: same pid
    click(named(dialog, "Cancel", "push button"))
    wait_for(lambda: label_starting(dialog, "Test cancelled"), "Test cancelled")

    def gone():
        try:
            with open("/proc/%d/stat" % pid) as f:
                return f.read().split(") ", 1)[1].startswith("Z")  # reaped soon after
        except FileNotFoundError:
            return True
    wait_for(gone, "dialtonectl to end")
    check(True, "Cancel ends dialtonectl (pid %d) and says so" % pid)
    close(dialog, "Lost VPN")

    # 6. As a user runs it, without root: GRE is skipped and the dialog says why.
    open(UNPRIVILEGED, "w").close()
    dialog = run_test(main, "Office VPN")
    wait_for(lambda: label_starting(dialog, "GRE not checked"), "GRE not checked", TEST_TIMEOUT)
    check(step(dialog, "PPTP control connection") == "PPTP control connection: passed" and
          step(dialog, "GRE (IP protocol 47)") == "GRE (IP protocol 47): skipped",
          "unprivileged: PPTP passed, %r" % step(dialog, "GRE (IP protocol 47)"))
    check(label_starting(dialog, "Server software: Dialtone on “dialtone-server”") is not None,
          "unprivileged: the server's fingerprint")
    check(label_starting(dialog, "Name lookup, TCP port 1723 and PPTP work. GRE could not be "
                                 "checked") is not None, "unprivileged: what it means")
    close(dialog, "Office VPN")
    os.unlink(UNPRIVILEGED)
    check(proc.poll() is None, "the app still runs")
finally:
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    out = open(os.path.join(WORK, "app.log")).read() if os.path.exists(
        os.path.join(WORK, "app.log")) else ""
    if out:
        print("--- app output\n" + out)
    shutil.rmtree(PUBLIC, ignore_errors=True)

print("%d checks passed" % guilib.checks)
