"""guilib.py — what the GUI tests share: bounded waits, AT-SPI look-ups and clicks,
screenshots. Imported by test-connect.py (test-app.py predates it)."""
import os
import subprocess
import sys
import time

import pyatspi

TIMEOUT = 20.0
checks = 0


def check(cond, what):
    global checks
    if not cond:
        print("FAIL:", what)
        sys.exit(1)
    checks += 1
    print("ok", checks, "-", what, flush=True)


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


def states(n):
    return n.getState()


def showing(n):
    return states(n).contains(pyatspi.STATE_SHOWING)


def sensitive(n):
    return states(n).contains(pyatspi.STATE_SENSITIVE)


def named(root, name, role=None):
    return find(root, lambda n: n.name == name and (role is None or n.getRoleName() == role))


def label_starting(root, prefix):
    return find(root, lambda n: n.getRoleName() == "label" and showing(n)
                and n.name.startswith(prefix))


def click(n):
    a = n.queryAction()
    names = [a.getName(i) for i in range(a.nActions)]
    a.doAction(names.index("click"))


def set_text(n, text):
    n.queryEditableText().setTextContents(text)


def frame(app, title):
    return find(app, lambda n: n.getRoleName() in ("frame", "dialog") and n.name == title
                and showing(n))


def find_app(name="dialtone"):
    d = pyatspi.Registry.getDesktop(0)
    apps = [d.getChildAtIndex(i) for i in range(d.childCount)]
    return [a for a in apps if a is not None and a.name == name]


def select_tab(notebook, title):
    tab = wait_for(lambda: find(notebook, lambda n: n.getRoleName() == "page tab" and
                                n.name == title), "the tab %s" % title)
    notebook.querySelection().selectChild(tab.getIndexInParent())
    wait_for(lambda: states(tab).contains(pyatspi.STATE_SELECTED), "the tab %s selected" % title)


def shot(shots, name, window_title=None):
    """The whole screen, or one window by its title (xwininfo), as SHOTS/name.png."""
    os.makedirs(shots, exist_ok=True)
    path = os.path.join(shots, name + ".png")
    target = "root"
    if window_title:
        target = visible_window(window_title) or "root"
    time.sleep(0.3)  # let the last change paint; the picture is not checked for timing
    subprocess.run(["import", "-window", target, path], check=True)
    print("screenshot", path, flush=True)
    return path


def visible_window(title):
    """The X id of the viewable window with this exact title, or None (xwininfo)."""
    tree = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True,
                          text=True).stdout
    for line in tree.splitlines():
        parts = line.strip().split(" ", 1)
        if len(parts) < 2 or not parts[1].startswith('"%s"' % title):
            continue
        info = subprocess.run(["xwininfo", "-id", parts[0]], capture_output=True,
                              text=True).stdout
        if "IsViewable" in info:
            return parts[0]
    return None
