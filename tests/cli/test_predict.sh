# test_predict.sh -- mlppredict from the command line: the examples of its
# manual page, output forms, column matching, gzip, streaming and output
# errors.
. "$(dirname "$0")/lib.sh"

# num_lt A B: A is a number below B; an empty A fails.
num_lt() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        exit !(a ~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/ && a + 0 < b + 0) }'
}

# lines FILE: its number of lines.
lines() { wc -l < "$1" | tr -d ' '; }

P=$D/points.csv
"$MLPTRAIN" -q -i "$P" -h 8 -o "$T/model.bin"
"$MLPTRAIN" -q -i "$D/sine.csv" -h 16,16 -e 500 -o "$T/sine.bin"

# --help names every long option of the source; --version.
expect_status 0 "$MLPPREDICT" --help
expect_out "Usage: mlppredict"
grep -o '(default: [^)]*)' "$T/out" | sort -u > "$T/defaults"
check "--help names defaults" test "$(wc -l < "$T/defaults")" -ge 3
while IFS= read -r d; do
    if grep -qF -- "$d" "$MLP_SOURCE_DIR/man/mlppredict.1"; then pass; else
        fail "man/mlppredict.1 lacks '$d'"
    fi
done < "$T/defaults"
longs=$(sed -n 's/^ *{ "\([a-z0-9-]*\)", .*/\1/p' \
    "$MLP_SOURCE_DIR/src/cli/mlppredict.c")
check "long options found in the source" test -n "$longs"
for name in $longs; do
    expect_out "--$name"
    roff=$(printf '%s' "$name" | sed 's/-/\\-/g')
    if grep -qF -e "\\-\\-$name" -e "\\-\\-$roff" \
        "$MLP_SOURCE_DIR/man/mlppredict.1"; then
        pass
    else
        fail "man/mlppredict.1 lacks \\-\\-$name"
    fi
done
expect_status 0 "$MLPPREDICT" --version
check "--version prints 'mlppredict X.Y.Z'" \
    grep -qE '^mlppredict [0-9]+\.[0-9]+\.[0-9]+$' "$T/out"

# Labels for the bundled rows (manual page example), with a summary.
expect_status 0 sh -c '"$1" -m "$2" -i "$3" > "$4"' sh \
    "$MLPPREDICT" "$T/model.bin" "$P" "$T/labels.txt"
check "300 labels" test "$(lines "$T/labels.txt")" -eq 300
check "every label is blue or red" \
    awk '$0 != "blue" && $0 != "red" { bad = 1 } END { exit bad }' \
    "$T/labels.txt"
check "both classes predicted" test "$(sort -u "$T/labels.txt" | wc -l)" -eq 2
expect_err "accuracy "
expect_err "confusion matrix (rows: true, columns: predicted)"
check "confusion matrix counts sum to 300" awk '
    $1 ~ /^(blue|red)$/ && $2 ~ /^[0-9]+$/ { n += $2 + $3; rows++ }
    END { exit !(rows == 2 && n == 300) }' "$T/err"
acc=$(sed -n 's/^accuracy [0-9.]*% (\([0-9]*\)\/300)$/\1/p' "$T/err")
tail -n +2 "$P" | cut -d, -f3 | paste -d, "$T/labels.txt" - > "$T/pair.txt"
right=$(awk -F, '$1 == $2' "$T/pair.txt" | wc -l | tr -d ' ')
check "summary count $acc matches the labels ($right right)" \
    test "$acc" = "$right"

# Compressed rows on standard input (manual page example).
gzip -c "$P" > "$T/new.csv.gz"
expect_status 0 sh -c 'zcat "$3" | "$1" -m "$2" > "$4"' sh \
    "$MLPPREDICT" "$T/model.bin" "$T/new.csv.gz" "$T/labels2.txt"
check "gzip on stdin gives the same labels" same "$T/labels2.txt" \
    "$T/labels.txt"
expect_status 0 "$MLPPREDICT" -m "$T/model.bin" -i "$T/new.csv.gz" -q
check "gzip file gives the same labels" same "$T/out" "$T/labels.txt"

# -p: a header of the classes, then probabilities that sum to 1.
expect_status 0 "$MLPPREDICT" -m "$T/model.bin" -p -i "$P"
check "-p header is blue,red" test "$(head -1 "$T/out")" = "blue,red"
check "-p: 300 rows" test "$(lines "$T/out")" -eq 301
check "-p: two probabilities summing to 1" awk -F, 'NR > 1 {
    s = $1 + $2
    if (NF != 2 || $1 < 0 || $2 < 0 || s < 0.9999 || s > 1.0001) bad = 1 }
    END { exit bad }' "$T/out"
check "-p agrees with the labels" sh -c 'tail -n +2 "$1" |
    awk -F, "{ print (\$2 > \$1 ? \"red\" : \"blue\") }" | cmp -s - "$2"' \
    sh "$T/out" "$T/labels.txt"

# -p -k from standard input (manual page example): the row, then the
# probabilities.
expect_status 0 sh -c '"$1" -m "$2" -p -k < "$3"' sh \
    "$MLPPREDICT" "$T/model.bin" "$P"
check "-p -k header" test "$(head -1 "$T/out")" = "x1,x2,label,blue,red"
check "-p -k keeps the rows" sh -c 'cut -d, -f1-3 "$1" | cmp -s - "$2"' \
    sh "$T/out" "$P"
check "-p -k: five fields a row" awk -F, 'NF != 5 { bad = 1 }
    END { exit bad || NR != 301 }' "$T/out"

# -k alone: the row, then the label.
expect_status 0 "$MLPPREDICT" -m "$T/model.bin" -k -q -i "$P"
check "-k adds the label" sh -c 'tail -n +2 "$1" | cut -d, -f4 |
    cmp -s - "$2"' sh "$T/out" "$T/labels.txt"

# Counting the classes (manual page example).
expect_status 0 sh -c '"$1" -m "$2" -q -i "$3" | sort | uniq -c' sh \
    "$MLPPREDICT" "$T/model.bin" "$P"
check "-q prints no summary" test ! -s "$T/err"
check "uniq -c counts 300 rows in 2 classes" awk '
    { n += $1; k++ } END { exit !(n == 300 && k == 2) }' "$T/out"

# Regression values, to a file (manual page example).
expect_status 0 "$MLPPREDICT" -m "$T/sine.bin" -i "$D/sine.csv" \
    -o "$T/fitted.txt"
check "-o: nothing on stdout" test ! -s "$T/out"
check "300 numbers" test "$(grep -cE '^-?[0-9]+(\.[0-9]+)?(e-?[0-9]+)?$' \
    "$T/fitted.txt")" -eq 300
rmse=$(sed -n 's/^rows 300: rmse \([0-9.eE+-]*\), mae .*, r2 .*/\1/p' \
    "$T/err")
check "sine rmse < 0.2: $rmse" num_lt "$rmse" 0.2
expect_status 0 "$MLPPREDICT" -m "$T/model.bin" -i "$P" -o "$T/pred.txt"
check "-o FILE holds the labels" same "$T/pred.txt" "$T/labels.txt"
check "-o: nothing on stdout" test ! -s "$T/out"

# Columns found by name: swapped features give the same predictions.
awk -F, -v OFS=, '{ print $2, $1, $3 }' "$P" > "$T/swapped.csv"
expect_status 0 "$MLPPREDICT" -m "$T/model.bin" -i "$T/swapped.csv"
check "swapped columns: same labels" same "$T/out" "$T/labels.txt"
awk -F, -v OFS=, '{ print $3, "n" NR, $2, $1 }' "$P" > "$T/extra.csv"
expect_status 0 "$MLPPREDICT" -m "$T/model.bin" -i "$T/extra.csv"
check "label first and an extra column: same labels" same "$T/out" \
    "$T/labels.txt"
expect_err "accuracy "

# No header and no label: features by position, no summary.
tail -n +2 "$P" | cut -d, -f1,2 > "$T/bare.csv"
expect_status 0 "$MLPPREDICT" -m "$T/model.bin" -i "$T/bare.csv"
check "bare rows: same labels" same "$T/out" "$T/labels.txt"
check "bare rows: no summary" test ! -s "$T/err"
tail -n +2 "$P" > "$T/nohead.csv"
expect_status 0 "$MLPPREDICT" -m "$T/model.bin" -i "$T/nohead.csv"
check "no header, with labels: same labels" same "$T/out" "$T/labels.txt"
expect_err "accuracy "
expect_status 0 "$MLPPREDICT" -m "$T/model.bin" --no-header -i "$T/bare.csv"
check "--no-header: same labels" same "$T/out" "$T/labels.txt"

# Delimiters: the input's is kept in the output.
tr ',' ';' < "$P" > "$T/p.ssv"
expect_status 0 "$MLPPREDICT" -m "$T/model.bin" -d ';' -q -k -i "$T/p.ssv"
check "-d ';': same labels" sh -c 'cut -d";" -f4 "$1" | tail -n +2 |
    cmp -s - "$2"' sh "$T/out" "$T/labels.txt"

# Streaming: the first rows are predicted while the rest is awaited.
(head -5 "$P"; sleep 3; tail -n +6 "$P") |
    "$MLPPREDICT" -m "$T/model.bin" > "$T/stream.txt" 2> /dev/null &
pid=$!
i=0
while [ $i -lt 25 ] && [ "$(lines "$T/stream.txt")" -lt 4 ]; do
    sleep 0.1
    i=$((i + 1))
done
early=$(lines "$T/stream.txt")
check "4 predictions before the input ends (got $early by $i/10 s)" \
    test "$early" -eq 4
wait $pid
check "all 300 predictions in the end" same "$T/stream.txt" "$T/labels.txt"

# A reader that stops early: a quiet end, whether SIGPIPE kills the
# program or is ignored and the write fails with EPIPE.
awk 'BEGIN { for (i = 0; i < 200000; i++) printf "%.3f,%.3f\n",
    (i % 97) / 50 - 1, (i % 89) / 90 - 0.5 }' > "$T/many.csv"
{ set +e; "$MLPPREDICT" -m "$T/model.bin" -i "$T/many.csv" 2> "$T/pipe.err"
  echo $? > "$T/pipe.rc"; } | head -1 > "$T/pipe.out"
rc=$(cat "$T/pipe.rc")
check "| head -1: exit 0 or 141 (got $rc)" test "$rc" -eq 0 -o "$rc" -eq 141
check "| head -1: no message ($(head -c 200 "$T/pipe.err"))" \
    test ! -s "$T/pipe.err"
check "| head -1: one label" test "$(lines "$T/pipe.out")" -eq 1
( trap '' PIPE
  { set +e; "$MLPPREDICT" -m "$T/model.bin" -i "$T/many.csv" \
        2> "$T/pipe.err"
    echo $? > "$T/pipe.rc"; } | head -1 > "$T/pipe.out" )
rc=$(cat "$T/pipe.rc")
check "SIGPIPE ignored, | head -1: exit 0 (got $rc)" test "$rc" -eq 0
check "SIGPIPE ignored, | head -1: no message ($(head -c 200 \
    "$T/pipe.err"))" test ! -s "$T/pipe.err"

# A full disk: a message and status 74.
expect_status 74 sh -c '"$1" -m "$2" -i "$3" > /dev/full' sh \
    "$MLPPREDICT" "$T/model.bin" "$P"
expect_err "No space left on device"
check "/dev/full: one message ($(cat "$T/err"))" \
    test "$(grep -c '^mlppredict: ' "$T/err")" -eq 1
expect_status 74 "$MLPPREDICT" -m "$T/model.bin" -i "$P" -o /dev/full
expect_err "/dev/full"

finish
