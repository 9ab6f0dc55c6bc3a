#!/bin/sh
# run-libfuzzer.sh TARGET SEED_CORPUS SECONDS ARTIFACT_DIR
# A bounded libFuzzer campaign: the seeds are copied to a scratch corpus so the
# source tree is never written; crashes land in ARTIFACT_DIR.  libFuzzer exits
# 77 on a crash by default, which meson would read as "skipped": make it 1.
set -eu
target=$1 seeds=$2 seconds=$3 artifacts=$4
work=$(mktemp -d "${TMPDIR:-/tmp}/dt-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
cp -r "$seeds"/. "$work"/
exec "$target" -max_total_time="$seconds" -timeout=10 -error_exitcode=1 -timeout_exitcode=1 -rss_limit_mb=2048 -max_len=4096 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$work"
