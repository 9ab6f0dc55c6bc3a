#!/usr/bin/env bash
# validate-ui.sh UI-DIR — gtk-builder-tool validate on every .ui there, on a private Xvfb
# (GTK needs a display to open). A Dialtone type used inside another template (DtPageGeneral
# in dt-editor.ui) is unknown to gtk-builder-tool: it is checked as the parent class its own
# template declares, without the signals written on it (its own, such as DtEditorPage's
# "changed"; such an object holds nothing else), so the rest of that file is still validated.
set -euo pipefail
ui_dir=${1:?usage: $0 UI-DIR}

command -v gtk-builder-tool >/dev/null || { echo "SKIP: no gtk-builder-tool (libgtk-3-bin)"; exit 77; }
command -v Xvfb >/dev/null || { echo "SKIP: no Xvfb (xvfb)"; exit 77; }

tmp=$(mktemp -d)
xvfb_pid=""
cleanup() {
    [ -z "$xvfb_pid" ] || { kill "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; }
    rm -rf "$tmp"
}
trap cleanup EXIT

Xvfb -displayfd 3 -screen 0 640x480x24 -nolisten tcp 3>"$tmp/display" 2>"$tmp/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$tmp/display" ] && break; sleep 0.05; done
[ -s "$tmp/display" ] || { echo "FAIL: Xvfb did not start: $(cat "$tmp/xvfb.log")"; exit 1; }
export DISPLAY=":$(head -n1 "$tmp/display")"
export GDK_BACKEND=x11 NO_AT_BRIDGE=1

# class → parent, from every template here.
sed_args=()
while read -r class parent; do
    sed_args+=(-e "/<object class=\"$class\"/,/<\/object>/s/<signal [^>]*\/>//"
        -e "s/<object class=\"$class\"/<object class=\"$parent\"/")
done < <(sed -n 's/.*<template class="\([A-Za-z0-9]*\)" parent="\([A-Za-z0-9]*\)".*/\1 \2/p' "$ui_dir"/*.ui)

shopt -s nullglob
files=("$ui_dir"/*.ui)
[ ${#files[@]} -gt 0 ] || { echo "FAIL: no .ui files in $ui_dir"; exit 1; }
failed=0
for f in "${files[@]}"; do
    name=$(basename "$f")
    sed "${sed_args[@]}" "$f" >"$tmp/$name"
    # Any output is a finding: gtk-builder-tool warns about some problems without failing.
    if ! out=$(cd "$tmp" && gtk-builder-tool validate "$name" 2>&1) || [ -n "$out" ]; then
        echo "FAIL: $name: $out"
        failed=1
    else
        echo "ok: $name"
    fi
done
exit $failed
