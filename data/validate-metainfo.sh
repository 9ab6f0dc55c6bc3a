#!/usr/bin/env bash
# validate-metainfo.sh FILE — appstreamcli validate --no-net, failing on errors, warnings and
# infos alike (a missing content rating is only an info). Pedantic hints pass: the one here
# is the upper case in the id, which is fixed (org.dialtone.Dialtone).
set -uo pipefail
out=$(appstreamcli validate --no-net "${1:?usage: $0 FILE}" 2>&1)
rc=$?
echo "$out"
[ $rc -eq 0 ] || exit 1
! grep -qE '^[EWI]: ' <<<"$out"
