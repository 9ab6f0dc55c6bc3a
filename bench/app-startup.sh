#!/usr/bin/env bash
# app-startup.sh [BUILD-DIR] — the app's startup time and idle cost beside a bare GTK 3 window
# (issue 8: first window under 300 ms, no CPU while idle). Runs bench/app-startup.py in a
# throw-away desktop session (tests/gui/gui-session.sh: Xvfb, a private session bus, a
# keyring; no system bus, so nothing connects). Build optimised without sanitizers:
#   meson setup build-bench --buildtype=release && meson compile -C build-bench
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "${1:-$HERE/../build-bench}" && pwd)
[ -x "$BUILD/src/app/dialtone" ] && [ -x "$BUILD/bench/gtk-hello" ] || {
    echo "build $BUILD first (with -Dgui=true)" >&2
    exit 77
}
if grep -q -- '-fsanitize' "$BUILD/build.ninja" 2>/dev/null; then
    echo "warning: $BUILD is a sanitizer build; figures will be high" >&2
fi
exec "$HERE/../tests/gui/gui-session.sh" "$BUILD" "$HERE/app-startup.py"
