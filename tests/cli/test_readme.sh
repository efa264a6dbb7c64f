#!/bin/sh
# test_readme.sh -- the README's examples print what the README shows.
#
# Every indented "$ COMMAND" line of README.md is run, in order, in one
# folder where data/ is the bundled data, with the built tools first on
# the PATH; standard output and standard error are taken together.  Each
# indented line the README shows under a command must be among the lines
# the command printed.  Times ("0.01s") are compared as a placeholder,
# since they change from run to run; every other figure must match.
#
# The figures are those of the AVX2 and AVX-512 matrix kernels, which
# agree bit for bit; the portable C kernels sum in another order, so on a
# CPU without AVX2 and FMA the last digits differ and the test is skipped
# (exit 77, which ctest reports as skipped).
. "$(dirname "$0")/lib.sh"

if ! grep -qw avx2 /proc/cpuinfo 2>/dev/null ||
   ! grep -qw fma /proc/cpuinfo 2>/dev/null; then
    echo "test_readme: skipped: no AVX2 and FMA, so not the README's kernels"
    exit 77
fi

README=$MLP_SOURCE_DIR/README.md
W=$T/readme
mkdir "$W"
ln -s "$D" "$W/data"

# README.md -> $T/ex.N.cmd (the command) and $T/ex.N.want (its lines)
awk -v dir="$T" '
    /^    \$ / { n++; sub(/^    \$ /, ""); print > (dir "/ex." n ".cmd")
               close(dir "/ex." n ".cmd"); want = dir "/ex." n ".want"
               printf "" > want; inside = 1; next }
    inside && /^    [^ ]/ { sub(/^    /, ""); print > want; next }
    inside && /^     / { sub(/^    /, ""); print > want; next }
    { inside = 0 }
    END { print n + 0 > (dir "/ex.count") }' "$README"

# times to a placeholder, in each of the forms a time takes ("0.01s",
# "1m05s", "2h03m"): a slow run, such as one under valgrind, can show a
# longer form than the README's
norm() { sed -E 's/[0-9]+\.[0-9]+s|[0-9]+m[0-9]{2}s|[0-9]+h[0-9]{2}m/Ns/g' "$1"; }

n=$(cat "$T/ex.count")
check "the README has examples ($n)" test "$n" -ge 5
i=1
while [ "$i" -le "$n" ]; do
    cmd=$(cat "$T/ex.$i.cmd")
    (cd "$W" && PATH="$MLP_BIN_DIR:$PATH" sh -c "$cmd") \
        >"$T/ex.$i.got" 2>&1 || true
    norm "$T/ex.$i.got" >"$T/ex.$i.got.n"
    norm "$T/ex.$i.want" >"$T/ex.$i.want.n"
    missing=0
    while IFS= read -r line; do
        grep -qxF -- "$line" "$T/ex.$i.got.n" || {
            missing=$((missing + 1))
            echo "  \$ $cmd" >&2
            echo "  shows:   $line" >&2
        }
    done <"$T/ex.$i.want.n"
    if [ "$missing" -gt 0 ]; then
        echo "  printed:" >&2
        sed 's/^/    /' "$T/ex.$i.got" | head -n 20 >&2
    fi
    check "README example $i prints the lines shown ($missing missing)" \
        test "$missing" -eq 0
    i=$((i + 1))
done

finish test_readme
