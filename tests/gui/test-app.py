#!/usr/bin/python3
"""test-app.py APP — drive the real Dialtone app through AT-SPI (pyatspi).

Run inside gui-session.sh (Xvfb, private session bus, unlocked
gnome-keyring, private XDG_CONFIG_HOME). What it proves, step by step:
  1. a dial-up profile already on disk is listed;
  2. a PPTP profile is created through the editor; an invalid server name
     marks the field, shows a message and keeps Save insensitive, and
     nothing is written while it is invalid;
  3. once valid, Save writes the file with FORMATS.md's keys; the password
     is in the keyring (org.dialtone.Password, profile=Id, user) and not in
     the file; the row says "dials Office ISP first";
  4. a second start of the app exits and leaves one instance;
  5. duplicate adds "Copy of Office VPN" on disk; delete removes it and
     shows an in-app notification; Undo brings the file and row back.
Screenshots go to $DT_GUI_SHOTS.
"""
import configparser
import glob
import os
import subprocess
import sys
import time

import pyatspi

APP = sys.argv[1]
CONFIG = os.environ["XDG_CONFIG_HOME"]
PROFILES = os.path.join(CONFIG, "dialtone", "profiles")
SHOTS = os.environ.get("DT_GUI_SHOTS", os.path.join(os.getcwd(), "screenshots"))
TIMEOUT = 20.0
ISP_ID = "0b8e7d8c-1c7e-4d2e-9a51-3f0f6c2d9e11"
PASSWORD = "correct horse battery staple"
checks = 0


def check(cond, what):
    global checks
    if not cond:
        print("FAIL:", what)
        sys.exit(1)
    checks += 1
    print("ok", checks, "-", what)


def wait_for(fn, what, timeout=TIMEOUT):
    end = time.time() + timeout
    while time.time() < end:
        try:
            r = fn()
        except Exception:  # the tree changes under us; try again
            r = None
        if r:
            return r
        time.sleep(0.1)
    print("FAIL: timed out waiting for", what)
    sys.exit(1)


def find(node, pred, depth=0):
    if node is None or depth > 40:
        return None
    try:
        if pred(node):
            return node
        for i in range(node.childCount):
            r = find(node.getChildAtIndex(i), pred, depth + 1)
            if r is not None:
                return r
    except Exception:
        pass
    return None


def find_all(node, pred, out=None, depth=0):
    out = [] if out is None else out
    if node is None or depth > 40:
        return out
    try:
        if pred(node):
            out.append(node)
        for i in range(node.childCount):
            find_all(node.getChildAtIndex(i), pred, out, depth + 1)
    except Exception:
        pass
    return out


def states(n):
    return n.getState()


def showing(n):
    return states(n).contains(pyatspi.STATE_SHOWING)


def sensitive(n):
    return states(n).contains(pyatspi.STATE_SENSITIVE)


def named(root, name, role=None):
    return find(root, lambda n: n.name == name and (role is None or n.getRoleName() == role))


def click(n):
    a = n.queryAction()
    names = [a.getName(i) for i in range(a.nActions)]
    a.doAction(names.index("click"))


def set_text(n, text):
    n.queryEditableText().setTextContents(text)


def text_of(n):
    t = n.queryText()
    return t.getText(0, t.characterCount)


def shot(name):
    os.makedirs(SHOTS, exist_ok=True)
    path = os.path.join(SHOTS, name + ".png")
    subprocess.run(["import", "-window", "root", path], check=True)
    print("screenshot", path)


def frame(app, title):
    return find(app, lambda n: n.getRoleName() in ("frame", "dialog") and n.name == title
                and showing(n))


def goto_page(ed, title):
    """Choose a page in the editor's sidebar, as a keyboard user would."""
    sidebar = named(ed, "Settings pages")
    row = wait_for(lambda: find(sidebar, lambda n: n.getRoleName() == "list item" and
                                find(n, lambda m: m.name == title) is not None),
                   "the sidebar row %s" % title)
    row.parent.querySelection().selectChild(row.getIndexInParent())


def profile_files():
    return sorted(glob.glob(os.path.join(PROFILES, "*.conf")))


def read_profile(path):
    kf = configparser.ConfigParser(interpolation=None)
    kf.optionxform = str
    kf.read(path)
    return kf


def find_app():
    d = pyatspi.Registry.getDesktop(0)
    apps = [d.getChildAtIndex(i) for i in range(d.childCount)]
    return [a for a in apps if a is not None and a.name == "dialtone"]


# 1. A dial-up profile the app should list, written as FORMATS.md has it.
os.makedirs(PROFILES, exist_ok=True)
with open(os.path.join(PROFILES, ISP_ID + ".conf"), "w") as f:
    f.write("[Profile]\nId=%s\nName=Office ISP\nType=dialup\n\n"
            "[Dialup]\nDevice=/dev/ttyUSB0\nPhone=5551234\nUser=isp-user\n" % ISP_ID)

env = dict(os.environ, G_DEBUG="fatal-criticals")
log = open(os.path.join(os.environ["DT_GUI_WORK"], "app.log"), "w")
proc = subprocess.Popen([APP], env=env, stdout=log, stderr=subprocess.STDOUT)
try:
    app = wait_for(lambda: (find_app() or [None])[0], "the app on the AT-SPI bus")
    main = wait_for(lambda: frame(app, "Dialtone"), "the main window")
    profiles = wait_for(lambda: named(main, "Profiles", "list box"), "the profile list")
    wait_for(lambda: named(profiles, "Office ISP"), "the dial-up profile's row")
    check(True, "the dial-up profile on disk is listed")

    # 2. Add → PPTP VPN… opens the editor.
    click(named(main, "Add"))
    click(wait_for(lambda: find(app, lambda n: n.name == "PPTP VPN…" and showing(n)),
                   "the Add menu"))
    ed = wait_for(lambda: frame(app, "New PPTP VPN"), "the PPTP editor")
    save = named(ed, "Save", "push button")
    check(not sensitive(save), "Save is insensitive while the new profile is empty")

    set_text(named(ed, "Name", "text"), "Office VPN")
    server = named(ed, "Server", "text")
    set_text(server, "bad_host!.example")
    set_text(named(ed, "User name", "text"), "alice")
    set_text(named(ed, "Domain", "text"), "CORP")
    msg = wait_for(lambda: find(ed, lambda n: n.getRoleName() == "label" and showing(n)
                                and n.name.startswith("Server is not a valid host name")),
                   "the validation message for the server")
    print("   message:", msg.name)
    check("valid host name" in server.description,
          "the server field itself is marked (accessible description: %r)" % server.description)
    check(not sensitive(save), "Save is insensitive while the server name is invalid")
    click(save)  # must do nothing
    time.sleep(0.5)
    check(len(profile_files()) == 1, "nothing was written while invalid")
    shot("editor-invalid-server")

    set_text(server, "vpn.example.com")
    wait_for(lambda: sensitive(save), "Save to become sensitive")
    check(server.description == "", "the server field is no longer marked")
    set_text(named(ed, "Password", "password text"), PASSWORD)
    click(named(ed, "Save password", "check box"))
    goto_page(ed, "Dial first")
    dial_first = wait_for(lambda: named(ed, "Dial first", "combo box"), "the Dial first page")
    # Rows: “Don't dial first”, then the dial-up profiles by name. The file
    # check below proves the choice landed.
    check(dial_first.querySelection().selectChild(1), "Dial first: choose “Office ISP”")

    # The Security page, for the screenshot: its explanations and limits.
    goto_page(ed, "Security")
    wait_for(lambda: named(ed, "What PPTP does not protect against"), "the Security page")
    limits = find(ed, lambda n: n.getRoleName() == "label" and "MS-CHAP v2 password" in n.name)
    check(limits is not None and "integrity" in limits.name and "40- and 56-bit" in limits.name,
          "the Security page says what PPTP does not protect against")
    pap = named(ed, "Allow PAP", "check box")
    warning = find(ed, lambda n: n.getRoleName() == "label" and "in the clear" in n.name)
    check(not states(pap).contains(pyatspi.STATE_CHECKED) and not showing(warning),
          "PAP is off by default and its warning hidden")
    click(pap)
    wait_for(lambda: showing(warning), "the PAP warning")
    check(True, "allowing PAP shows that the password travels in the clear")
    click(pap)
    wait_for(lambda: not showing(warning), "the PAP warning to hide")
    shot("editor-security")

    click(save)
    wait_for(lambda: frame(app, "New PPTP VPN") is None, "the editor to close after Save")

    # 3. The file on disk, and the password in the keyring only.
    files = [p for p in profile_files() if not p.endswith(ISP_ID + ".conf")]
    check(len(files) == 1, "one new profile file: %s" % files)
    path = files[0]
    kf = read_profile(path)
    pid = kf["Profile"]["Id"]
    check(os.path.basename(path) == pid + ".conf", "the file is named after its Id")
    check(kf["Profile"]["Name"] == "Office VPN", "Profile.Name")
    check(kf["Profile"]["Type"] == "pptp", "Profile.Type=pptp")
    check(kf["Profile"]["DialFirst"] == ISP_ID, "Profile.DialFirst names the dial-up profile")
    check(kf["PPTP"]["Server"] == "vpn.example.com", "PPTP.Server")
    check(kf["PPTP"]["User"] == "alice", "PPTP.User")
    check(kf["PPTP"]["Domain"] == "CORP", "PPTP.Domain")
    check(kf["Security"]["Authentication"] == "mschapv2", "Security.Authentication default")
    check(kf["Security"]["Encryption"] == "require-128", "Security.Encryption default")
    check(os.stat(path).st_mode & 0o077 == 0, "the profile file is private (0600)")
    with open(path) as f:
        text = f.read()
    check(PASSWORD not in text and "Password" not in text, "no password in the profile file")
    got = subprocess.run(["secret-tool", "lookup", "profile", pid, "user", "alice"],
                         capture_output=True, text=True)
    check(got.returncode == 0 and got.stdout == PASSWORD,
          "the password is in the keyring under profile=Id, user=alice")
    search = subprocess.run(["secret-tool", "search", "--all", "profile", pid],
                            capture_output=True, text=True)
    check("schema = org.dialtone.Password" in search.stdout + search.stderr,
          "the keyring item uses the schema org.dialtone.Password")

    row = wait_for(lambda: named(profiles, "Office VPN"), "the new profile's row")
    check(find(row, lambda n: n.getRoleName() == "label" and
               "dials Office ISP first" in n.name) is not None,
          "the PPTP row says “dials Office ISP first”")
    connect = find(row, lambda n: n.name == "Connect")
    check(connect is not None and not sensitive(connect) and
          "system service" in connect.description,
          "without dialtone-helper, Connect is insensitive and says it needs the system "
          "service (%r)" % connect.description)
    shot("main-window")

    # 4. Single instance: a second start hands over and exits.
    t0 = time.time()
    second = subprocess.run([APP], env=env, capture_output=True, timeout=30)
    check(second.returncode == 0, "a second start exits cleanly (%.1f s)" % (time.time() - t0))
    check(len(find_app()) == 1 and proc.poll() is None, "one instance keeps running")

    # 5. Duplicate, delete, undo.
    profiles.querySelection().selectChild(row.getIndexInParent())
    wait_for(lambda: sensitive(named(main, "Duplicate", "push button")), "a selected row")
    click(named(main, "Duplicate", "push button"))
    copy = wait_for(lambda: named(profiles, "Copy of Office VPN"), "the duplicate's row")
    check(len(profile_files()) == 3, "the duplicate is on disk")
    copy_path = [p for p in profile_files() if read_profile(p)["Profile"]["Name"] ==
                 "Copy of Office VPN"][0]
    check(read_profile(copy_path)["PPTP"]["Server"] == "vpn.example.com",
          "the duplicate keeps the settings")
    copy_id = read_profile(copy_path)["Profile"]["Id"]

    def copy_password():
        r = subprocess.run(["secret-tool", "lookup", "profile", copy_id, "user", "alice"],
                           capture_output=True, text=True)
        return r.returncode == 0 and r.stdout == PASSWORD
    wait_for(copy_password, "the copy's password in the keyring")
    check(True, "the duplicate's password is copied to its own Id in the keyring")

    profiles.querySelection().selectChild(copy.getIndexInParent())
    wait_for(lambda: states(copy).contains(pyatspi.STATE_SELECTED), "the copy selected")
    click(named(main, "Delete", "push button"))
    wait_for(lambda: named(profiles, "Copy of Office VPN") is None, "the row to go")
    check(not os.path.exists(copy_path), "delete removes the file")
    note = wait_for(lambda: find(main, lambda n: n.getRoleName() == "label" and showing(n) and
                                 n.name == "“Copy of Office VPN” deleted"),
                    "the in-app notification")
    check(note is not None, "an in-app notification says what was deleted")
    undo = named(main, "Undo", "push button")
    check(showing(undo) and sensitive(undo), "it offers Undo")
    shot("main-window-deleted")
    click(undo)
    wait_for(lambda: named(profiles, "Copy of Office VPN"), "the row to come back")
    check(os.path.exists(copy_path), "Undo writes the file back under the same Id")
    check(read_profile(copy_path)["PPTP"]["Server"] == "vpn.example.com",
          "the restored profile is the same")
    check(len(profile_files()) == 3, "three profiles on disk")
    check(copy_password(), "Undo keeps the restored profile's password")
    shot("main-window-undone")

    # Once Undo is no longer offered, the deleted profile's password goes too.
    copy = wait_for(lambda: named(profiles, "Copy of Office VPN"), "the copy's row")
    profiles.querySelection().selectChild(copy.getIndexInParent())
    wait_for(lambda: states(copy).contains(pyatspi.STATE_SELECTED), "the copy selected")
    click(named(main, "Delete", "push button"))
    wait_for(lambda: named(profiles, "Copy of Office VPN") is None, "the row to go")
    check(copy_password(), "the password stays while Undo is offered")
    click(wait_for(lambda: find(main, lambda n: n.name == "Dismiss" and showing(n)),
                   "the notification's Dismiss button"))
    wait_for(lambda: not copy_password(), "the deleted profile's password to go")
    check(True, "dismissing the notification removes the deleted profile's password")
    check(len(profile_files()) == 2, "two profiles on disk")

    # 6. A dial-up profile through its own editor: the Modem page.
    click(named(main, "Add"))
    click(wait_for(lambda: find(app, lambda n: n.name == "Dial-up Connection…" and showing(n)),
                   "the Add menu"))
    ed = wait_for(lambda: frame(app, "New Dial-up Connection"), "the dial-up editor")
    save = named(ed, "Save", "push button")
    set_text(named(ed, "Name", "text"), "Home ISP")
    check(named(ed, "Server", "text") is None or not showing(named(ed, "Server", "text")),
          "a dial-up profile has no server field")
    goto_page(ed, "Modem")
    device = wait_for(lambda: find(ed, lambda n: n.name == "Device" and n.getRoleName() == "text"),
                      "the Modem page")
    set_text(device, "/dev/ttyACM0")
    phone = named(ed, "Phone number", "text")
    set_text(phone, "555-CALL-NOW")
    wait_for(lambda: find(ed, lambda n: n.getRoleName() == "label" and showing(n) and
                          n.name.startswith("Phone number")), "the phone number message")
    check(not sensitive(save), "an invalid phone number blocks Save")
    set_text(phone, "555 1234")
    set_text(named(ed, "Init string", "text"), "ATZ; AT&F1")
    wait_for(lambda: sensitive(save), "Save to become sensitive")
    shot("editor-modem")
    click(save)
    wait_for(lambda: frame(app, "New Dial-up Connection") is None, "the editor to close")
    home = [read_profile(p) for p in profile_files()
            if read_profile(p)["Profile"]["Name"] == "Home ISP"]
    check(len(home) == 1, "the dial-up profile is on disk")
    d = home[0]["Dialup"]
    check(home[0]["Profile"]["Type"] == "dialup" and d["Device"] == "/dev/ttyACM0" and
          d["Phone"] == "555 1234" and d["Init"].rstrip(";") in ("ATZ;AT&F1",) and
          d["Speed"] == "115200" and d["FlowControl"] == "hardware" and
          d["DialCommand"] == "ATDT",
          "Dialup keys: %s" % dict(d))
    check(len(profile_files()) == 3, "three profiles on disk")
finally:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    with open(os.path.join(os.environ["DT_GUI_WORK"], "app.log")) as f:
        out = f.read()
    if out:
        print("--- app output\n" + out)

print("%d checks passed" % checks)
