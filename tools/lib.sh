# tools/lib.sh — what the tools share; sourced, from the tree's top.
#
# dt_shared_dir: the shared test data (RFC vectors, the VM peer): $DT_SHARED_DIR, else ../shared
# beside the tree, else (a clone made elsewhere: git clone . /tmp/x) the one beside the
# repository it was cloned from. Sets shared, or stops with a message naming the tool.
dt_shared_dir() {
    local tool=$1 origin
    shared=${DT_SHARED_DIR:-}
    if [ -z "$shared" ]; then
        shared=$(realpath -m ../shared)
        origin=$(git config --get remote.origin.url 2>/dev/null || true)
        if [ ! -d "$shared/vectors" ] && [ -n "$origin" ] && [ -d "$origin" ]; then
            shared=$(realpath -m "$origin/../shared")
        fi
    fi
    [ -d "$shared/vectors" ] || {
        echo "$tool: no shared test data at $shared (the RFC vectors); set DT_SHARED_DIR" >&2
        exit 1
    }
}
