#!/usr/bin/env bash
# check-translations.sh SOURCE_ROOT — every language in po/LINGUAS is complete and current.
#
# Fails when a .po file is missing, is not in LINGUAS, does not pass `msgfmt --check`
# (format specifiers, plural forms, header), or has a fuzzy or untranslated message, either
# as committed or after msgmerge with a template extracted from the sources now: a string
# added or changed in the code without a translation fails here, before a user sees English.
set -euo pipefail
root=$1
po=$root/po
work=$(mktemp -d /tmp/dialtone-po.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The same extraction as i18n.gettext(preset : 'glib') in po/meson.build.
(cd "$root" && xgettext --package-name=dialtone --from-code=UTF-8 --add-comments \
    --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dcgettext:2 \
    --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
    --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
    --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
    --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
    --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
    -f po/POTFILES.in -o "$work/dialtone.pot" 2>"$work/xgettext.log") || {
    cat "$work/xgettext.log"
    exit 1
}
# Any warning fails: a msgid cut at a macro (G_GUINT64_FORMAT) never matches at run time, and
# without its ITS rules (polkit.its from polkitd, metainfo.its from appstream) xgettext reads an
# XML file as C and quietly finds nothing in it.
if [ -s "$work/xgettext.log" ]; then
    cat "$work/xgettext.log"
    echo "FAIL: xgettext warned about the sources (tools/deps installs the ITS rules)"
    exit 1
fi
total=$(grep -c '^msgid ' "$work/dialtone.pot")
total=$((total - 1)) # the header
echo "template: $total messages"

fail=0
mapfile -t langs < <(grep -v '^\s*\(#\|$\)' "$po/LINGUAS")
[ ${#langs[@]} -gt 0 ] || { echo "FAIL: po/LINGUAS lists no language"; exit 1; }
for f in "$po"/*.po; do
    l=$(basename "$f" .po)
    printf '%s\n' "${langs[@]}" | grep -qx "$l" || { echo "FAIL: po/$l.po is not in LINGUAS"; fail=1; }
done

# msgfmt --statistics prints "N translated messages[, N fuzzy …][, N untranslated …]."
judge() { # label file [expected count]
    local out
    if ! out=$(msgfmt --check --statistics -o /dev/null "$2" 2>&1); then
        echo "FAIL: $1: msgfmt --check: $out"
        return 1
    fi
    echo "$1: $out"
    if [[ $out == *fuzzy* || $out == *untranslated* ]]; then
        echo "FAIL: $1 has fuzzy or untranslated messages:"
        msgattrib --only-fuzzy --no-wrap "$2" | grep '^msgid' | grep -vx 'msgid ""' | head -n 20
        msgattrib --untranslated --no-wrap "$2" | grep '^msgid' | sed 1d | head -n 20
        return 1
    fi
    [ -z "${3:-}" ] || [[ $out == "$3 translated message"* ]] || {
        echo "FAIL: $1: expected $3 translated messages"
        return 1
    }
}
for l in "${langs[@]}"; do
    f=$po/$l.po
    [ -f "$f" ] || { echo "FAIL: po/LINGUAS lists $l but po/$l.po is missing"; fail=1; continue; }
    msgmerge --quiet --no-wrap "$f" "$work/dialtone.pot" -o "$work/$l.po"
    judge "po/$l.po as committed" "$f" || fail=1
    judge "po/$l.po merged with the sources' strings" "$work/$l.po" "$total" || fail=1
done
exit $fail
