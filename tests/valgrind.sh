#!/bin/sh
# valgrind.sh -- run the command-line tests with every tool under
# valgrind's memcheck, and fail on any report: an invalid read or write,
# a use of uninitialised memory, or a definite leak.
#
# Usage: tests/valgrind.sh BUILD_DIR [TEST_SCRIPT...]
#
# BUILD_DIR is a plain build (no sanitizers), e.g. one configured with
# -DCMAKE_BUILD_TYPE=RelWithDebInfo.  The tests are tests/cli/test_*.sh
# unless scripts are named.  Each tool is replaced, through MLP_BIN_DIR,
# by a wrapper that runs it under valgrind with one log file per process;
# MLP_BUILD_DIR names the build itself, for a test that installs it;
# MLP_UNDER_VALGRIND=1 tells the tests to leave out what only makes sense
# at full speed (timings, address-space limits).  Exits 0 when every test
# passed and every log is empty, 1 otherwise.
set -eu

if [ $# -lt 1 ] || [ ! -x "$1/mlptrain" ]; then
    echo "usage: $0 BUILD_DIR [TEST_SCRIPT...]  (BUILD_DIR/mlptrain must" \
         "exist)" >&2
    exit 64
fi
command -v valgrind > /dev/null || { echo "$0: valgrind not found" >&2
                                     exit 69; }
build=$(cd "$1" && pwd)
shift
src=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -eq 0 ]; then
    set -- "$src"/tests/cli/test_*.sh
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin" "$work/logs"

# One wrapper per tool: valgrind, its own log, the tool's own arguments.
for tool in mlptrain mlppredict mlpplot; do
    [ -x "$build/$tool" ] || continue
    cat > "$work/bin/$tool" <<EOF
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full \\
    --errors-for-leak-kinds=definite --show-leak-kinds=definite \\
    --log-file="$work/logs/$tool.%p.log" "$build/$tool" "\$@"
EOF
    chmod +x "$work/bin/$tool"
done

# The tests, each against the wrappers.
status=0
for script in "$@"; do
    name=$(basename "$script" .sh)
    start=$(date +%s)
    rc=0
    MLP_SOURCE_DIR=$src MLP_BIN_DIR=$work/bin MLP_BUILD_DIR=$build \
        MLP_UNDER_VALGRIND=1 sh "$script" > "$work/$name.out" 2>&1 || rc=$?
    if [ "$rc" -eq 0 ]; then
        echo "$name: passed ($(($(date +%s) - start)) s)"
    elif [ "$rc" -eq 77 ]; then
        echo "$name: skipped ($(tail -n 1 "$work/$name.out"))"
    else
        echo "$name: FAILED ($(($(date +%s) - start)) s)"
        grep -E '^FAIL|passed,' "$work/$name.out" | head -n 20
        status=1
    fi
done

# Every non-empty log is a report.
n_runs=$(ls "$work/logs" | wc -l)
n_bad=0
for log in "$work"/logs/*.log; do
    [ -s "$log" ] || continue
    n_bad=$((n_bad + 1))
    echo "--- valgrind report: $(basename "$log")"
    head -n 40 "$log"
done
echo "valgrind: $n_runs tool runs, $n_bad with reports"
[ "$n_bad" -eq 0 ] || status=1
exit "$status"
