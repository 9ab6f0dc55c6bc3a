#!/bin/sh
# rename-common-syms.sh OUT.a IN.a — a copy of libdtcommon with its dt_auth_method_to_string and
# dt_auth_method_from_string renamed (see meson.build). Meson makes thin archives, which objcopy
# cannot copy, so each member is copied and a real archive made from the copies.
set -eu
out=$1
in=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dt-rename.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
i=0
for member in $(ar t "$in"); do
    # A thin archive names its members as ar was run: relative to the current directory.
    if [ -e "$member" ]; then src=$member; else src=$(dirname "$in")/$member; fi
    i=$((i + 1))
    objcopy \
        --redefine-sym dt_auth_method_to_string=dt_common_auth_method_to_string \
        --redefine-sym dt_auth_method_from_string=dt_common_auth_method_from_string \
        "$src" "$tmp/$i-$(basename "$member")"
done
rm -f "$out"
ar rcs "$out" "$tmp"/*.o
