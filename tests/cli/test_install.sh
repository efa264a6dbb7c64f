# test_install.sh -- the library as a C program meets it: the build
# installed into a fresh folder, the README's predict_point.c compiled
# against that install with the flags pkg-config gives, and its answers
# checked against mlppredict's for the same rows.
. "$(dirname "$0")/lib.sh"

if ! command -v pkg-config > /dev/null; then
    echo "test_install: skipped: no pkg-config"
    exit 77
fi

# Under tests/valgrind.sh the tools are wrappers: the build folder comes
# in MLP_BUILD_DIR, and the program runs under valgrind too.
build=${MLP_BUILD_DIR:-$MLP_BIN_DIR}
run=
if [ "${MLP_UNDER_VALGRIND:-0}" = 1 ]; then
    run="valgrind -q --error-exitcode=99 --leak-check=full"
    run="$run --errors-for-leak-kinds=definite"
fi

# install, and find the pkg-config file wherever the library folder is
expect_status 0 cmake --install "$build" --prefix "$T/prefix"
pc=$(find "$T/prefix" -name mlp.pc | head -n 1)
check "the install has mlp.pc" test -n "$pc"
check "the install has mlp.h" test -f "$T/prefix/include/mlp.h"
PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_PATH

# the program exactly as the README shows it, built from the install alone
awk '/^```c$/ { on = 1; next } /^```$/ { on = 0 } on' \
    "$MLP_SOURCE_DIR/README.md" > "$T/predict_point.c"
check "the README holds predict_point.c" \
    grep -q '^int main' "$T/predict_point.c"
flags=$(pkg-config --cflags --libs mlp) || flags=
check "pkg-config knows mlp: $flags" test -n "$flags"
# shellcheck disable=SC2086 # the flags are words
expect_status 0 ${MLP_TEST_CC:-cc} ${MLP_TEST_CFLAGS:-} -Wall -Wextra \
    -Werror "$T/predict_point.c" $flags -o "$T/predict_point"

# a classification: the class of each of the first rows, as mlppredict
# gives it, and a probability of at least a half
expect_status 0 "$MLPTRAIN" -i "$D/points.csv" -h 8 -o "$T/points.bin" -q
head -n 21 "$D/points.csv" > "$T/rows.csv"
expect_status 0 "$MLPPREDICT" -m "$T/points.bin" -i "$T/rows.csv" \
    -o "$T/want.txt"
: > "$T/got.txt"
tail -n +2 "$T/rows.csv" | while IFS=, read -r x1 x2 _; do
    # shellcheck disable=SC2086 # $run is words or nothing
    $run "$T/predict_point" "$T/points.bin" "$x1" "$x2" >> "$T/got.txt" ||
        echo "failed" >> "$T/got.txt"
done
check "predict_point's classes are mlppredict's" \
    sh -c 'cut -d" " -f1 "$1" | cmp -s - "$2"' sh "$T/got.txt" "$T/want.txt"
check "each with a probability of at least 0.5" awk \
    'NF != 2 || $2 < 0.5 || $2 > 1 { bad = 1 } END { exit bad || NR != 20 }' \
    "$T/got.txt"

# a regression: the value, to the digits printed
expect_status 0 "$MLPTRAIN" -i "$D/sine.csv" -h 16 -e 200 -o "$T/sine.bin" -q
x=$(sed -n 2p "$D/sine.csv" | cut -d, -f1)
printf 'x\n%s\n' "$x" > "$T/one.csv"
expect_status 0 "$MLPPREDICT" -m "$T/sine.bin" -i "$T/one.csv" \
    -o "$T/want1.txt"
expect_status 0 $run "$T/predict_point" "$T/sine.bin" "$x"
check "regression: $(cat "$T/out") against $(cat "$T/want1.txt")" awk \
    -v a="$(cat "$T/out")" -v b="$(cat "$T/want1.txt")" \
    'BEGIN { d = a - b; if (d < 0) d = -d
             exit !(a != "" && d <= 1e-5 * (b < 0 ? -b : b) + 1e-6) }'

# its errors: a missing model, and the wrong number of features
expect_status 66 $run "$T/predict_point" "$T/none.bin" 1 2
expect_err "none.bin"
expect_status 64 $run "$T/predict_point" "$T/points.bin" 1
expect_err "the model takes 2 features"

finish
