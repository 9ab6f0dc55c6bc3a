#!/usr/bin/env bash
# validate-flatpak.sh MANIFEST — what can be checked without the GNOME runtime (offline):
# flatpak-builder parses the manifest (--show-manifest). It only warns about a field of the
# wrong type and still exits 0, so anything on stderr is a failure.
set -uo pipefail
manifest=${1:?usage: $0 MANIFEST}
command -v flatpak-builder >/dev/null || { echo "SKIP: no flatpak-builder (tools/deps)"; exit 77; }
err=$(mktemp)
trap 'rm -f "$err"' EXIT
flatpak-builder --show-manifest "$manifest" >/dev/null 2>"$err"
rc=$?
cat "$err" >&2
[ $rc -eq 0 ] && [ ! -s "$err" ]
