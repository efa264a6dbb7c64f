# test_errors.sh -- every exit status the tools document that a test can
# provoke, with the message that goes with it, and models that a failed
# run must leave alone.
. "$(dirname "$0")/lib.sh"

# says WHAT REGEX: the last command's stderr tells WHAT (an extended
# regular expression, any case).
says() {
    if grep -qiE -- "$2" "$T/err"; then pass; else
        fail "stderr does not say $1: $(head -c 300 "$T/err")"
    fi
}

# quick SECONDS CMD...: as expect_status' run, but killed after SECONDS;
# a run that had to be killed exits 124 and so fails any other status.
quick() {
    limit=$1; shift
    timeout "$limit" "$@"
}

P=$D/points.csv
"$MLPTRAIN" -q -i "$P" -e 50 -o "$T/good.bin"
cp "$T/good.bin" "$T/model.bin"

# Usage errors: 64, a message naming the option, and a hint.
expect_status 64 "$MLPTRAIN" --bogus -o "$T/x.bin"
expect_err "mlptrain: unknown option '--bogus'"
expect_err "Try 'mlptrain --help'"
expect_status 64 "$MLPTRAIN" -x -o "$T/x.bin"
expect_err "unknown option '-x'"
expect_status 64 "$MLPTRAIN" -i "$P" -o
expect_err "needs a value"
for bad in "-h 2x" "-h 8,,2" "-h 0,4" "-e -1" "-e 0" "-e 1e3" "-b 0" \
           "-r nan" "-r 0" "-r -0.1" "-r inf" "-r 0x1p-3" "-r 11" \
           "--validation 2" "--validation -0.1" "--momentum 1" \
           "--l2 nan" "--cv 1" "-j 0" "-s -1" "-a softsign" "-O rmsprop" \
           "--task cluster" "-d :" "--patience 0"; do
    opt=${bad% *}
    val=${bad#* }
    expect_status 64 "$MLPTRAIN" -i "$P" "$opt" "$val" -o "$T/x.bin"
    expect_err "mlptrain: option $opt: "
    expect_err "Try 'mlptrain --help'"
done
# A bound the help names is inside its range, a step beyond it is not.
expect_status 0 "$MLPTRAIN" -q -i "$P" -e 1 -r 1e-9 -o "$T/edge.bin"
expect_status 0 "$MLPTRAIN" -q -i "$P" -e 1 -r 10 --validation 0.9 \
    --momentum 0.999999 -O momentum -o "$T/edge.bin"
expect_status 64 "$MLPTRAIN" -i "$P" -e 1 -r 9e-10 -o "$T/edge.bin"
expect_err "option -r: 9e-10 is out of range"
expect_status 64 "$MLPTRAIN" -i "$P" -e 1 -r 10.001 -o "$T/edge.bin"
expect_status 64 "$MLPTRAIN" -i "$P"
expect_err "no model file given (-o MODEL)"
expect_status 64 "$MLPTRAIN" -i "$P" --patience 5 -o "$T/x.bin"
expect_err "--patience needs --validation"
expect_status 64 "$MLPTRAIN" -i "$P" -o "$T/x.bin" extra
expect_err "unexpected argument 'extra'"
check "no model after usage errors" test ! -e "$T/x.bin"

expect_status 64 "$MLPPREDICT" --bogus -m "$T/good.bin"
expect_err "mlppredict: unknown option '--bogus'"
expect_err "Try 'mlppredict --help'"
expect_status 64 "$MLPPREDICT" -i "$P"
expect_err "no model given (-m MODEL)"
expect_status 64 "$MLPPREDICT" -m "$T/good.bin" -d x -i "$P"
expect_err "option -d"
expect_status 64 "$MLPPREDICT" -m "$T/good.bin" -l nosuch -i "$P"
expect_err "no column \"nosuch\""

# Inputs that cannot be opened: 66, naming the file.
expect_status 66 "$MLPTRAIN" -i "$T/missing.csv" -o "$T/x.bin"
expect_err "$T/missing.csv"
expect_status 66 "$MLPPREDICT" -m "$T/good.bin" -i "$T/missing.csv"
expect_err "$T/missing.csv"
expect_status 66 "$MLPPREDICT" -m "$T/missing.bin" -i "$P"
expect_err "$T/missing.bin"
mkdir "$T/folder.bin"
expect_status 66 "$MLPPREDICT" -m "$T/folder.bin" -i "$P"
expect_err "$T/folder.bin"
says "a folder" "folder|director|regular file"
expect_status 66 "$MLPTRAIN" -i "$P" --init "$T/missing.bin" -o "$T/x.bin"
expect_err "$T/missing.bin"

# Malformed CSV: 65, with file, line, column and the offending text.
printf 'x,y\n1,2\nabc,3\n' > "$T/bad.csv"
expect_status 65 "$MLPTRAIN" -i "$T/bad.csv" -o "$T/x.bin"
expect_err "mlptrain: $T/bad.csv:3:1: expected a number, got \"abc\""
printf 'x1,x2,y\n1,2,a\n3,4\n5,6,b\n' > "$T/ragged.csv"
expect_status 65 "$MLPTRAIN" -i "$T/ragged.csv" -o "$T/x.bin"
expect_err "$T/ragged.csv:3"
check "ragged row: both counts named ($(cat "$T/err"))" \
    grep -qE '2 fields.*3|3 fields.*2|expected 3.*2|2.*expected 3' "$T/err"
printf 'x1,x2,y\n1,2,a\n3,nan,b\n' > "$T/nan.csv"
expect_status 65 "$MLPTRAIN" -i "$T/nan.csv" -o "$T/x.bin"
expect_err "$T/nan.csv:3:2: expected a number, got \"nan\""
printf 'x1,label\n' > "$T/headonly.csv"
expect_status 65 "$MLPTRAIN" -i "$T/headonly.csv" -o "$T/x.bin"
expect_err "$T/headonly.csv"
: > "$T/empty.csv"
expect_status 65 "$MLPTRAIN" -i "$T/empty.csv" -o "$T/x.bin"
expect_err "$T/empty.csv"
head -c 300 "$P" | gzip -c | head -c 60 > "$T/cut.csv.gz"
expect_status 65 "$MLPTRAIN" -i "$T/cut.csv.gz" -o "$T/x.bin"
expect_err "$T/cut.csv.gz"
check "no model after bad data" test ! -e "$T/x.bin"

# Prediction input that does not fit the model: 65.
printf 'x1,x3,label\n1,2,blue\n' > "$T/noname.csv"
expect_status 65 "$MLPPREDICT" -m "$T/good.bin" -i "$T/noname.csv"
expect_err "no column named \"x2\""
printf '1,2,3,4\n' > "$T/wide.csv"
expect_status 65 "$MLPPREDICT" -m "$T/good.bin" -i "$T/wide.csv"
expect_err "$T/wide.csv:1: 4 fields"
printf 'x1,x2\n1,2\n3\n' > "$T/short.csv"
expect_status 65 "$MLPPREDICT" -m "$T/good.bin" -i "$T/short.csv"
expect_err "$T/short.csv:3"
printf 'x1,x2\n1,2\n3,four\n' > "$T/word.csv"
expect_status 65 "$MLPPREDICT" -m "$T/good.bin" -i "$T/word.csv"
expect_err "$T/word.csv:3:2: expected a number, got \"four\""

# Damaged models: 65, for mlppredict and for --init.
size=$(wc -c < "$T/good.bin")
head -c $((size / 2)) "$T/good.bin" > "$T/half.bin"
expect_status 65 "$MLPPREDICT" -m "$T/half.bin" -i "$P"
expect_err "$T/half.bin"
says "truncated" "truncat"
head -c $((size - 1)) "$T/good.bin" > "$T/short.bin"
expect_status 65 "$MLPPREDICT" -m "$T/short.bin" -i "$P"
expect_err "$T/short.bin"
cp "$T/good.bin" "$T/flip.bin"
printf '\377' | dd of="$T/flip.bin" bs=1 seek=$((size / 2)) conv=notrunc \
    2> /dev/null
check "a byte was changed" sh -c '! cmp -s "$1" "$2"' sh "$T/flip.bin" \
    "$T/good.bin"
expect_status 65 "$MLPPREDICT" -m "$T/flip.bin" -i "$P"
expect_err "$T/flip.bin"
says "corrupted" "corrupt|checksum"
cp "$T/good.bin" "$T/long.bin"
printf 'x' >> "$T/long.bin"
expect_status 65 "$MLPPREDICT" -m "$T/long.bin" -i "$P"
expect_err "$T/long.bin"
expect_status 65 "$MLPPREDICT" -m "$P" -i "$P"
expect_err "$P"
says "not a model" "not an? .*model"
: > "$T/zero.bin"
expect_status 65 "$MLPPREDICT" -m "$T/zero.bin" -i "$P"
expect_err "$T/zero.bin"
expect_status 65 "$MLPTRAIN" -i "$P" --init "$T/flip.bin" -o "$T/x.bin"
expect_err "$T/flip.bin"

# A model that does not fit the data for --init: 65.
expect_status 65 "$MLPTRAIN" -i "$D/iris.csv" --init "$T/good.bin" \
    -o "$T/x.bin"
expect_err "the model has 2 features, the data 4"
expect_status 65 "$MLPTRAIN" -i "$D/sine.csv" --init "$T/good.bin" \
    -o "$T/x.bin"
expect_err "the model is for classification, the data for regression"
awk -F, -v OFS=, 'NR > 1 && $3 == "red" { $3 = "green" } { print }' "$P" \
    > "$T/green.csv"
expect_status 65 "$MLPTRAIN" -i "$T/green.csv" --init "$T/good.bin" \
    -o "$T/x.bin"
expect_err "class \"green\" is not one of the model's classes"

# Outputs that cannot be created: 73, before any training.
expect_status 73 quick 5 "$MLPTRAIN" -i "$P" -e 100000000 \
    -o "$T/nofolder/m.bin"
expect_err "$T/nofolder"
expect_status 73 quick 5 "$MLPTRAIN" -i "$P" -e 100000000 \
    -o "$T/folder.bin"
expect_err "is a directory"
cp "$P" "$T/input.csv"
expect_status 73 quick 5 "$MLPTRAIN" -i "$T/input.csv" -e 100000000 \
    -o "$T/input.csv"
expect_err "is the input file"
check "the input is unchanged" same "$T/input.csv" "$P"
cp "$P" "$T/input2.csv"
expect_status 73 "$MLPTRAIN" -i "$T/input2.csv" -e 5 -o "$T/x.bin" \
    --log "$T/input2.csv"
expect_err "is the input file"
check "the input is unchanged after --log onto it" same "$T/input2.csv" "$P"
expect_status 73 quick 5 "$MLPTRAIN" -i "$P" -e 100000000 -o "$T/x.bin" \
    --checkpoint "$T/nofolder/ck.bin"
expect_err "$T/nofolder"
expect_status 73 "$MLPTRAIN" -i "$P" -e 5 -o "$T/x.bin" \
    --log "$T/nofolder/log.csv"
expect_err "$T/nofolder/log.csv"
expect_status 73 "$MLPPREDICT" -m "$T/good.bin" -i "$P" \
    -o "$T/nofolder/out.txt"
expect_err "$T/nofolder/out.txt"
cp "$P" "$T/input3.csv"
expect_status 73 "$MLPPREDICT" -m "$T/good.bin" -i "$T/input3.csv" \
    -o "$T/input3.csv"
check "mlppredict leaves its input alone" same "$T/input3.csv" "$P"
cp "$T/good.bin" "$T/model3.bin"
expect_status 73 "$MLPPREDICT" -m "$T/model3.bin" -i "$P" -o "$T/model3.bin"
check "mlppredict leaves its model alone" same "$T/model3.bin" \
    "$T/good.bin"
if [ "$(id -u)" -ne 0 ]; then
    mkdir "$T/locked"
    chmod 555 "$T/locked"
    expect_status 73 quick 5 "$MLPTRAIN" -i "$P" -e 100000000 \
        -o "$T/locked/m.bin"
    expect_err "cannot write in folder"
    chmod 755 "$T/locked"
fi

# Divergence: huge raw features and a large sgd step.  75, a hint at
# the learning rate, and the existing model left as it was.
awk 'BEGIN { srand(5); print "u,v,label"
    for (i = 0; i < 200; i++) {
        u = (rand() - 0.5) * 2e6; v = (rand() - 0.5) * 2e6
        printf "%.1f,%.1f,%s\n", u, v, (u > v ? "up" : "down") } }' \
    > "$T/huge.csv"
expect_status 75 "$MLPTRAIN" -i "$T/huge.csv" -O sgd -r 10 -a relu -e 50 \
    --no-standardize -o "$T/model.bin"
expect_err "rate"
check "the model is untouched after divergence" same "$T/model.bin" \
    "$T/good.bin"
expect_status 65 "$MLPTRAIN" -i "$T/bad.csv" -o "$T/model.bin"
check "the model is untouched after bad data" same "$T/model.bin" \
    "$T/good.bin"
expect_status 64 "$MLPTRAIN" -i "$P" --init "$T/model.bin" -h 3 \
    -o "$T/model.bin"
check "the model is untouched after a refused --init" same "$T/model.bin" \
    "$T/good.bin"
ls -a "$T" > "$T/listing"
check "no temporary files left" sh -c '! grep -q "^\.model\.bin\." "$1"' \
    sh "$T/listing"

# The locale changes nothing: numbers are read and written the same way.
loc=C.UTF-8
if locale -a 2>/dev/null | grep -qix 'de_DE.utf-\{0,1\}8'; then
    loc=de_DE.UTF-8
fi
LC_ALL=C "$MLPTRAIN" -q -i "$D/sine.csv" -e 20 -o "$T/loc-c.bin"
LC_ALL=$loc "$MLPTRAIN" -q -i "$D/sine.csv" -e 20 -o "$T/loc-x.bin"
check "LC_ALL=$loc gives the same model as LC_ALL=C" same "$T/loc-c.bin" \
    "$T/loc-x.bin"
LC_ALL=C "$MLPPREDICT" -q -m "$T/loc-c.bin" -i "$D/sine.csv" > "$T/pc.txt"
LC_ALL=$loc "$MLPPREDICT" -q -m "$T/loc-c.bin" -i "$D/sine.csv" \
    > "$T/px.txt"
check "LC_ALL=$loc gives the same predictions" same "$T/pc.txt" "$T/px.txt"

finish
