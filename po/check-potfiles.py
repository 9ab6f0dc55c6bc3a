#!/usr/bin/env python3
"""check-potfiles.py SOURCE_ROOT — po/POTFILES.in names exactly the files with translatable text.

Fails (exit 1, one line per problem) when
  - a file has marked strings (_(), N_(), C_(), NC_(), ngettext, translatable="yes") or is a
    kind xgettext always translates (.desktop, metainfo, polkit .policy) but is not listed;
  - POTFILES.in lists a file that does not exist, or lists one twice;
  - a .ui file has a user-visible property (label, title, tooltip, text, accessible name …)
    with words in it that is not translatable="yes".
The tree is walked, not git: a release tarball is checked the same way. tests/, bench/, po/,
hidden folders and meson build folders are not shipped text and are skipped.
"""
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(__file__, "..", ".."))
SKIP_TOP = {"tests", "bench", "po", "subprojects", "tools"}
C_MARK = re.compile(r"\b(?:_|N_|C_|NC_|Q_|ngettext|g_dngettext|g_dpgettext2?)\s*\(")
UI_MARK = re.compile(r'translatable="yes"')
ALWAYS = re.compile(r"(\.desktop(\.in)?|\.metainfo\.xml(\.in)?|\.appdata\.xml(\.in)?"
                    r"|\.policy(\.in)?)$")
# Properties a person reads or a screen reader speaks.
VISIBLE = ("label", "title", "subtitle", "text", "tooltip-text", "tooltip-markup",
           "placeholder-text", "secondary-text", "primary-icon-tooltip-text",
           "secondary-icon-tooltip-text", "AtkObject::accessible-name",
           "AtkObject::accessible-description")
UI_PROP = re.compile(r'<(property|attribute)\s+name="([^"]+)"([^>]*)>([^<]*)</\1>')


def shipped_files():
    for top, dirs, files in os.walk(ROOT):
        rel_top = os.path.relpath(top, ROOT)
        keep = []
        for d in dirs:
            path = os.path.join(top, d)
            if d.startswith(".") or (rel_top == "." and d in SKIP_TOP):
                continue
            if os.path.exists(os.path.join(path, "meson-private")):
                continue  # a build folder inside the tree
            keep.append(d)
        dirs[:] = sorted(keep)
        for f in sorted(files):
            yield os.path.normpath(os.path.join(rel_top, f))


def translatable(rel):
    if ALWAYS.search(rel):
        return True
    if not rel.endswith((".c", ".h", ".ui", ".xml", ".in")):
        return False
    with open(os.path.join(ROOT, rel), encoding="utf-8", errors="replace") as f:
        text = f.read()
    if rel.endswith((".c", ".h")):
        return C_MARK.search(text) is not None
    return UI_MARK.search(text) is not None


def ui_problems(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        text = f.read()
    for m in UI_PROP.finditer(text):
        name = m.group(2).replace("_", "-")
        if name not in VISIBLE or not re.search(r"[A-Za-z]", m.group(4)):
            continue
        if 'translatable="yes"' not in m.group(3):
            line = text.count("\n", 0, m.start()) + 1
            yield "%s:%d: %s “%s” is not translatable=\"yes\"" % (rel, line, name, m.group(4))


def main():
    problems = []
    listed = []
    with open(os.path.join(ROOT, "po", "POTFILES.in"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("[") and "]" in line:  # [encoding: …] or [type: …] prefixes
                line = line.split("]", 1)[1].strip()
            if line in listed:
                problems.append("po/POTFILES.in:%d: %s is listed twice" % (n, line))
            listed.append(line)
            if not os.path.isfile(os.path.join(ROOT, line)):
                problems.append("po/POTFILES.in:%d: %s does not exist" % (n, line))
    found = 0
    for rel in shipped_files():
        if rel.endswith(".ui"):
            problems.extend(ui_problems(rel))
        if not translatable(rel):
            continue
        found += 1
        if rel not in listed:
            problems.append("%s has translatable text but is not in po/POTFILES.in" % rel)
    for p in problems:
        print("FAIL:", p)
    print("%d files with translatable text, %d listed, %d problems" %
          (found, len(listed), len(problems)))
    return 1 if problems or found == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
