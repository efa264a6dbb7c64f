# test_train.sh -- mlptrain from the command line: the examples of its
# manual page, every option, reproducible model files and interruption.
. "$(dirname "$0")/lib.sh"

# num_ge A B, num_lt A B, num_le A B: A is a number and A >= B (< B,
# <= B).  An empty A, from a summary that lacks the figure, fails.
num_cmp() {
    awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN {
        if (a !~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/) exit 1
        exit !(op == ">=" ? a + 0 >= b + 0 : \
               op == "<" ? a + 0 < b + 0 : a + 0 <= b + 0) }'
}
num_ge() { num_cmp "$1" ">=" "$2"; }
num_lt() { num_cmp "$1" "<" "$2"; }
num_le() { num_cmp "$1" "<=" "$2"; }

# train_acc FILE: the training accuracy (percent) in a summary.
train_acc() {
    sed -n 's/^trained [^;]*, accuracy \([0-9.]*\)%.*/\1/p' "$1"
}

# train_loss FILE: the training loss in a summary.
train_loss() {
    sed -n 's/^trained .*: loss \([0-9.eE+-]*\).*/\1/p' "$1"
}

# epochs_run FILE: the number of epochs a summary says were run.
epochs_run() {
    sed -n 's/^trained \([0-9]*\) epochs.*/\1/p' "$1"
}

# pred_acc FILE: the accuracy (percent) in mlppredict's summary.
pred_acc() {
    sed -n 's/^accuracy \([0-9.]*\)% .*/\1/p' "$1"
}

# differ A B: the two files are not byte-identical.
differ() { ! cmp -s "$1" "$2"; }

P=$D/points.csv

# --help on stdout names every long option of the source; --version.
expect_status 0 "$MLPTRAIN" --help
check "--help prints nothing on stderr" test ! -s "$T/err"
expect_out "Usage: mlptrain"
cp "$T/out" "$T/help.txt"
longs=$(sed -n 's/^ *{ "\([a-z0-9-]*\)", .*/\1/p' \
    "$MLP_SOURCE_DIR/src/cli/mlptrain.c")
check "long options found in the source" test -n "$longs"
for name in $longs; do
    expect_out "--$name"
    roff=$(printf '%s' "$name" | sed 's/-/\\-/g')
    if grep -qF -e "\\-\\-$name" -e "\\-\\-$roff" \
        "$MLP_SOURCE_DIR/man/mlptrain.1"; then
        pass
    else
        fail "man/mlptrain.1 lacks \\-\\-$name"
    fi
done
expect_status 0 "$MLPTRAIN" --version
check "--version prints 'mlptrain X.Y.Z'" \
    grep -qE '^mlptrain [0-9]+\.[0-9]+\.[0-9]+$' "$T/out"

# Every one-line default that --help gives is the manual page's too.
grep -o '(default: [^)]*)' "$T/help.txt" | sort -u > "$T/defaults"
check "--help names defaults" test "$(wc -l < "$T/defaults")" -ge 10
while IFS= read -r d; do
    if grep -qF -- "$d" "$MLP_SOURCE_DIR/man/mlptrain.1"; then pass; else
        fail "man/mlptrain.1 lacks '$d'"
    fi
done < "$T/defaults"
epochs=$(sed -n 's/.*--epochs N .*(default: \([0-9]*\)).*/\1/p' "$T/help.txt")
rate=$(sed -n 's/.*--rate R .*(default: \([0-9.]*\)).*/\1/p' "$T/help.txt")

# The first example: defaults with -h 8, summary on standard error.
expect_status 0 "$MLPTRAIN" -i "$P" -h 8 -o "$T/m.bin"
check "model written" test -s "$T/m.bin"
first_loss=$(train_loss "$T/err")
expect_err "rows 300, features 2, classes 2"
expect_err "trained $epochs epochs"
check "points accuracy >= 95%: $(train_acc "$T/err")" \
    num_ge "$(train_acc "$T/err")" 95
check "nothing on stdout" test ! -s "$T/out"
expect_err "model written to $T/m.bin"

# -q: nothing at all.
expect_status 0 "$MLPTRAIN" -q -i "$P" -o "$T/q.bin"
check "-q is silent on stderr" test ! -s "$T/err"
check "-q is silent on stdout" test ! -s "$T/out"
check "-q does not change the model" same "$T/m.bin" "$T/q.bin"

# --log: the documented header and one row per epoch, at the default
# rate.
expect_status 0 "$MLPTRAIN" -i "$P" -e 30 --log "$T/log.csv" -o "$T/l.bin"
check "log header" test "$(head -1 "$T/log.csv")" = \
    "epoch,loss,accuracy,val_loss,val_accuracy,rate,seconds"
check "log has 30 rows" test "$(wc -l < "$T/log.csv")" -eq 31
check "log rows numbered 1..30, 7 fields each" awk -F, \
    'NR > 1 && ($1 != NR - 1 || NF != 7 || $2 == "" || $3 == "") { bad = 1 }
     END { exit bad }' "$T/log.csv"
check "log rate is the default $rate" awk -F, -v r="$rate" \
    'NR > 1 && $6 != r + 0 { bad = 1 } END { exit bad || NR < 2 || r == "" }' \
    "$T/log.csv"

# -v: a line for every epoch.
expect_status 0 "$MLPTRAIN" -v -i "$P" -e 12 -o "$T/v.bin"
check "-v reports 12 epochs" test "$(grep -c '^epoch ' "$T/err")" -eq 12

# On a terminal, which script(1) lends: one line redrawn in place, at
# most ten times a second (so a fast run is not held up by its own
# progress), ending on the last epoch, and the same model as elsewhere.
if command -v script > /dev/null; then
    expect_status 0 script -qec \
        "'$MLPTRAIN' -i '$P' -e 5000 -o '$T/tty.bin'" /dev/null
    tr '\r' '\n' < "$T/out" | grep '^epoch ' > "$T/draws" || true
    draws=$(wc -l < "$T/draws")
    secs=$(tr '\r' '\n' < "$T/out" |
           sed -n 's/^trained 5000 epochs in \([0-9.]*\)s.*/\1/p')
    check "live line drawn $draws times in ${secs}s, at most 10 a second" \
        awk -v n="$draws" -v s="$secs" \
        'BEGIN { exit !(s != "" && n >= 2 && n <= 3 + 10 * s) }'
    check "live line ends on the last epoch: $(tail -1 "$T/draws")" \
        grep -q '^epoch 5000/5000 ' "$T/draws"
    expect_status 0 "$MLPTRAIN" -i "$P" -e 5000 -o "$T/notty.bin"
    check "a terminal does not change the model" \
        same "$T/tty.bin" "$T/notty.bin"
fi

# Validation with patience stops early (manual page example).
expect_status 0 "$MLPTRAIN" -i "$D/iris.csv" -e 5000 --validation 0.2 \
    --patience 20 -o "$T/iris.bin"
check "patience stops before 5000 epochs: $(epochs_run "$T/err")" \
    num_lt "$(epochs_run "$T/err")" 5000
expect_err "validation loss"

# With --validation the scaling comes from the training rows alone.  A
# constant feature and a step of 1e-9 leave the prediction at the mean
# of the training targets; with targets 1, 2, 4, ..., 512, five times the
# mean of the five training rows is a sum of five distinct powers of two,
# where the mean of all ten would be 102.3.
{ echo "c,y"; for i in 0 1 2 3 4 5 6 7 8 9; do echo "1,$((1 << i))"; done; } \
    > "$T/pow.csv"
expect_status 0 "$MLPTRAIN" -i "$T/pow.csv" -h 0 --task regress -O sgd \
    -r 1e-9 -e 1 --validation 0.5 -o "$T/pow.bin"
expect_status 0 "$MLPPREDICT" -q -m "$T/pow.bin" -i "$T/pow.csv"
mean=$(sort -u "$T/out")
bits=$(awk -v m="$mean" 'BEGIN { s = m * 5; n = 0
    if (s != int(s)) { print -1; exit }
    for (; s > 0; s = int(s / 2)) n += s % 2
    print n }')
check "validation: target scaled by 5 training rows (mean $mean)" \
    test "$bits" -eq 5

# Cross-validation (manual page example): the score on stdout, no model.
expect_status 0 "$MLPTRAIN" -i "$D/iris.csv" --cv 5
check "cv line format: $(cat "$T/out")" \
    grep -qE '^accuracy [0-9.]+ \+- [0-9.]+ \(5-fold\)$' "$T/out"
check "cv accuracy >= 0.9" num_ge "$(cut -d' ' -f2 "$T/out")" 0.9

# Regression (manual page example) and its fitted values.
expect_status 0 "$MLPTRAIN" -i "$D/sine.csv" -h 16,16 -e 500 -o "$T/sine.bin"
expect_err "linear output"
train_rmse=$(sed -n 's/^trained .*, rmse \([0-9.eE+-]*\)$/\1/p' "$T/err")
expect_status 0 sh -c '"$1" -m "$2" -i "$3" > "$4"' sh \
    "$MLPPREDICT" "$T/sine.bin" "$D/sine.csv" "$T/fitted.txt"
rmse=$(sed -n 's/^rows 300: rmse \([0-9.eE+-]*\),.*/\1/p' "$T/err")
check "sine rmse < 0.2: $rmse" num_lt "$rmse" 0.2
# the summary's rmse is in the target's units: mlppredict's, to the four
# digits it prints
check "training rmse $train_rmse is mlppredict's $rmse" awk \
    -v a="$train_rmse" -v b="$rmse" 'BEGIN {
        d = a - b; if (d < 0) d = -d
        exit !(a ~ /^[0-9.]+(e-?[0-9]+)?$/ && d <= 0.0005 * b) }'
check "300 fitted values" test "$(grep -cE '^-?[0-9.]+(e-?[0-9]+)?$' \
    "$T/fitted.txt")" -eq 300

# XOR (manual page example): two hidden units learn it, none cannot.
expect_status 0 "$MLPTRAIN" -i "$D/xor.csv" -h 2 -a sigmoid -s 3 -o "$T/xor.bin"
expect_status 0 "$MLPPREDICT" -m "$T/xor.bin" -i "$D/xor.csv"
check "xor with -h 2: 100%" test "$(pred_acc "$T/err")" = "100.00"
expect_status 0 "$MLPTRAIN" -i "$D/xor.csv" -h 0 -a sigmoid -r 0.1 -e 2000 \
    -o "$T/xor0.bin"
expect_status 0 "$MLPPREDICT" -m "$T/xor0.bin" -i "$D/xor.csv"
check "xor with -h 0 below 100%: $(pred_acc "$T/err")" \
    num_lt "$(pred_acc "$T/err")" 100

# Three spiral arms need two relu layers.
expect_status 0 "$MLPTRAIN" -i "$D/spiral.csv" -h 32,32 -a relu -e 300 \
    -o "$T/spiral.bin"
expect_err "classes 3"
check "spiral accuracy >= 95%: $(train_acc "$T/err")" \
    num_ge "$(train_acc "$T/err")" 95

# Every optimiser and activation runs; --l2 and --momentum too.
for o in sgd momentum adam; do
    expect_status 0 "$MLPTRAIN" -i "$P" -e 20 -O "$o" -o "$T/o-$o.bin"
    check "-O $o writes a model" test -s "$T/o-$o.bin"
done
check "sgd and adam differ" differ "$T/o-sgd.bin" "$T/o-adam.bin"
for a in sigmoid tanh relu; do
    expect_status 0 "$MLPTRAIN" -i "$P" -e 20 -a "$a" -o "$T/a-$a.bin"
    expect_err "($a hidden"
done
expect_status 0 "$MLPTRAIN" -i "$P" -e 20 --l2 0.01 -o "$T/l2.bin"
check "--l2 changes the model" differ "$T/l2.bin" "$T/a-tanh.bin"
expect_status 0 "$MLPTRAIN" -i "$P" -e 20 -O momentum --momentum 0.5 \
    -o "$T/mom.bin"
check "--momentum changes the model" differ "$T/mom.bin" "$T/o-momentum.bin"

# Reproducible: threads do not matter, the seed does.
expect_status 0 "$MLPTRAIN" -i "$D/spiral.csv" -h 16 -e 30 -j 1 -o "$T/j1.bin"
expect_status 0 "$MLPTRAIN" -i "$D/spiral.csv" -h 16 -e 30 -j 2 -o "$T/j2.bin"
check "-j 1 and -j 2 give the same model" same "$T/j1.bin" "$T/j2.bin"
expect_status 0 "$MLPTRAIN" -i "$D/spiral.csv" -h 16 -e 30 -j 1 -o "$T/j1b.bin"
check "the same run twice gives the same model" same "$T/j1.bin" "$T/j1b.bin"
expect_status 0 "$MLPTRAIN" -i "$D/spiral.csv" -h 16 -e 30 -s 7 -o "$T/s7.bin"
"$MLPPREDICT" -q -p -m "$T/j1.bin" -i "$D/spiral.csv" > "$T/p1.txt"
"$MLPPREDICT" -q -p -m "$T/s7.bin" -i "$D/spiral.csv" > "$T/p7.txt"
check "another seed gives other predictions" differ "$T/p1.txt" "$T/p7.txt"

# --init continues training (manual page example, in place) ...
cp "$T/m.bin" "$T/model.bin"
expect_status 0 "$MLPTRAIN" -i "$P" --init "$T/model.bin" -e 100 \
    -o "$T/model.bin"
after=$(train_loss "$T/err")
check "continued loss $after <= first loss $first_loss" \
    num_le "$after" "$first_loss"
check "the continued model is new" differ "$T/model.bin" "$T/m.bin"
check "continued accuracy >= 95%" num_ge "$(train_acc "$T/err")" 95
# ... and refuses other hidden layers.
expect_status 64 "$MLPTRAIN" -i "$P" --init "$T/m.bin" -h 4 -o "$T/i4.bin"
expect_err "-h does not match"
check "no model after a refused --init" test ! -e "$T/i4.bin"

# gzip input, as a file, as -i - and as standard input.
gzip -c "$P" > "$T/p.csv.gz"
expect_status 0 "$MLPTRAIN" -i "$T/p.csv.gz" -o "$T/gz1.bin"
check "gzip file gives the same model" same "$T/gz1.bin" "$T/m.bin"
expect_status 0 sh -c '"$1" -i - -o "$2" < "$3"' sh \
    "$MLPTRAIN" "$T/gz2.bin" "$T/p.csv.gz"
check "gzip on -i - gives the same model" same "$T/gz2.bin" "$T/m.bin"
expect_status 0 sh -c 'gzip -c "$3" | "$1" -o "$2"' sh \
    "$MLPTRAIN" "$T/gz3.bin" "$P"
check "gzip piped in gives the same model" same "$T/gz3.bin" "$T/m.bin"
expect_status 0 sh -c '"$1" -o "$2" < "$3"' sh "$MLPTRAIN" "$T/in.bin" "$P"
check "plain standard input gives the same model" same "$T/in.bin" "$T/m.bin"

# Delimiters: named, and detected.
tr ',' ';' < "$P" > "$T/p.ssv"
expect_status 0 "$MLPTRAIN" -i "$T/p.ssv" -d ';' -o "$T/ssv.bin"
check "-d ';' gives the same model" same "$T/ssv.bin" "$T/m.bin"
expect_status 0 "$MLPTRAIN" -i "$T/p.ssv" -o "$T/ssv2.bin"
check "';' detected gives the same model" same "$T/ssv2.bin" "$T/m.bin"
tr ',' '\t' < "$P" > "$T/p.tsv"
expect_status 0 "$MLPTRAIN" -i "$T/p.tsv" -d tab -o "$T/tsv.bin"
check "-d tab gives the same model" same "$T/tsv.bin" "$T/m.bin"

# Header: forced, refused, and absent.
expect_status 0 "$MLPTRAIN" -i "$P" --header -o "$T/h.bin"
check "--header gives the same model" same "$T/h.bin" "$T/m.bin"
tail -n +2 "$P" > "$T/nohead.csv"
expect_status 0 "$MLPTRAIN" -i "$T/nohead.csv" --no-header -o "$T/nh.bin"
expect_err "rows 300, features 2, classes 2"
expect_status 0 "$MLPTRAIN" -i "$T/nohead.csv" -o "$T/nh2.bin"
expect_err "rows 300, features 2, classes 2"
check "no header detected as with --no-header" same "$T/nh.bin" "$T/nh2.bin"
expect_status 65 "$MLPTRAIN" -i "$P" --no-header -o "$T/nh3.bin"
expect_err "$P:1:1: expected a number, got \"x1\""

# The label by name and by index; an ignored id column.
awk -F, -v OFS=, '{ print $3, $1, $2 }' "$P" > "$T/first.csv"
expect_status 0 "$MLPTRAIN" -i "$T/first.csv" -l label -o "$T/lname.bin"
expect_err "rows 300, features 2, classes 2"
expect_status 0 "$MLPTRAIN" -i "$T/first.csv" -l 1 -o "$T/lidx.bin"
check "-l by name and by index agree" same "$T/lname.bin" "$T/lidx.bin"
check "-l 1 learns the crescents" num_ge "$(train_acc "$T/err")" 95
awk -F, -v OFS=, 'NR == 1 { print "id", $0 } NR > 1 { print NR - 1, $0 }' \
    "$P" > "$T/id.csv"
expect_status 0 "$MLPTRAIN" -i "$T/id.csv" --ignore id -o "$T/ign.bin"
check "--ignore id gives the same model" same "$T/ign.bin" "$T/m.bin"
expect_status 0 "$MLPTRAIN" -i "$T/id.csv" --ignore 1 -o "$T/ign1.bin"
check "--ignore 1 gives the same model" same "$T/ign1.bin" "$T/m.bin"

# --task regress on whole-number labels.
expect_status 0 "$MLPTRAIN" -i "$D/spiral.csv" --task regress -e 20 \
    -o "$T/reg.bin"
expect_err "linear output"
check "regression has no classes" sh -c '! grep -q classes "$1"' sh "$T/err"
expect_status 0 "$MLPPREDICT" -m "$T/reg.bin" -i "$D/spiral.csv"
expect_err "rows 300: rmse"
expect_status 0 "$MLPTRAIN" -i "$D/sine.csv" --task classify -e 5 \
    -o "$T/cls.bin"
n_y=$(tail -n +2 "$D/sine.csv" | cut -d, -f2 | sort -u | wc -l)
expect_err "classes $n_y"

# --no-standardize trains on the raw features.
expect_status 0 "$MLPTRAIN" -i "$P" --no-standardize -o "$T/raw.bin"
check "--no-standardize changes the model" differ "$T/raw.bin" "$T/m.bin"
check "--no-standardize still learns: $(train_acc "$T/err")" \
    num_ge "$(train_acc "$T/err")" 90

# SIGINT with --checkpoint (manual page example): the model so far is
# saved there, -o is not written, and the exit status is 130.
awk 'BEGIN { srand(3); print "a,b,c,d,label"
    for (i = 0; i < 20000; i++) {
        a = rand() * 2 - 1; b = rand() * 2 - 1
        printf "%.4f,%.4f,%.4f,%.4f,%s\n", a, b, rand(), rand(),
            (a * b > 0 ? "same" : "other") } }' | gzip -c > "$T/big.csv.gz"

# wait_epoch FILE: wait up to 10 s for the first epoch's report in FILE.
wait_epoch() {
    i=0
    while [ $i -lt 100 ] && ! grep -q '^epoch 1/' "$1"; do
        sleep 0.1
        i=$((i + 1))
    done
}

gzip -dc "$T/big.csv.gz" | "$MLPTRAIN" -h 64,32 -a relu \
    --checkpoint "$T/big.ckpt" -o "$T/big.bin" 2> "$T/big.err" &
pid=$!
wait_epoch "$T/big.err"
kill -INT $pid
set +e
wait $pid
rc=$?
set -e
check "SIGINT exits 130 (got $rc)" test $rc -eq 130
check "checkpoint written" test -s "$T/big.ckpt"
check "-o not written after SIGINT" test ! -e "$T/big.bin"
check "SIGINT reported" grep -q "interrupted; model so far written" \
    "$T/big.err"
expect_status 0 sh -c 'gzip -dc "$3" | "$1" -m "$2"' sh \
    "$MLPPREDICT" "$T/big.ckpt" "$T/big.csv.gz"
expect_err "accuracy"
check "20000 predictions from the checkpoint" \
    test "$(wc -l < "$T/out")" -eq 20000

# SIGTERM: exit 143, an existing -o left as it was.
cp "$T/m.bin" "$T/keep.bin"
"$MLPTRAIN" -i "$P" -e 100000000 --checkpoint "$T/term.ckpt" \
    -o "$T/keep.bin" 2> "$T/term.err" &
pid=$!
wait_epoch "$T/term.err"
kill -TERM $pid
set +e
wait $pid
rc=$?
set -e
check "SIGTERM exits 143 (got $rc)" test $rc -eq 143
check "existing -o untouched after SIGTERM" same "$T/keep.bin" "$T/m.bin"
check "checkpoint written on SIGTERM" test -s "$T/term.ckpt"
expect_status 0 "$MLPPREDICT" -m "$T/term.ckpt" -i "$P"
expect_err "accuracy"

finish
