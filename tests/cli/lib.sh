# lib.sh -- the setup every command-line test shares.  Sourced, not run.
#
# Strict mode, the C locale, the tools from MLP_BIN_DIR, data from
# MLP_SOURCE_DIR, a temporary folder $T removed on exit, and helpers that
# fail the test with a message saying what was expected.
set -eu
export LC_ALL=C
: "${MLP_SOURCE_DIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${MLP_BIN_DIR:=$MLP_SOURCE_DIR/build}"
D=$MLP_SOURCE_DIR/data
MLPTRAIN=$MLP_BIN_DIR/mlptrain
MLPPREDICT=$MLP_BIN_DIR/mlppredict
MLPPLOT=$MLP_BIN_DIR/mlpplot
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
passed=0
failed=0

fail() { echo "FAIL: $*" >&2; failed=$((failed + 1)); }
pass() { passed=$((passed + 1)); }

# check WHAT CMD...: CMD succeeds.
check() {
    what=$1; shift
    if "$@"; then pass; else fail "$what"; fi
}

# same A B: the two files are byte-identical.
same() { cmp -s "$1" "$2"; }

# expect_status N CMD...: run CMD (stdout to $T/out, stderr to $T/err) and
# check that it exits with status N.
expect_status() {
    want=$1; shift
    set +e
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    set -e
    if [ "$got" -eq "$want" ]; then pass; else
        fail "$* exited $got, expected $want; stderr: $(head -c 400 "$T/err")"
    fi
}

# expect_err TEXT: the last command's stderr contains TEXT.
expect_err() {
    if grep -qF -- "$1" "$T/err"; then pass; else
        fail "stderr lacks '$1': $(head -c 400 "$T/err")"
    fi
}

# expect_out TEXT: the last command's stdout contains TEXT.
expect_out() {
    if grep -qF -- "$1" "$T/out"; then pass; else
        fail "stdout lacks '$1': $(head -c 400 "$T/out")"
    fi
}

# finish: print the tally and exit non-zero if anything failed.
finish() {
    echo "$(basename "$0" .sh): $passed passed, $failed failed"
    [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}
