# test_signals.sh -- interrupting mlptrain: SIGINT and SIGTERM stop at a
# batch boundary with 130 and 143, write the model so far only to
# --checkpoint, never damage the -o model and leave no temporary file; a
# second signal ends the run at once; SIGKILL while saving leaves the
# model complete, old or new.
. "$(dirname "$0")/lib.sh"

# now_ms: milliseconds since the epoch.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# temps DIR: the temporary files the model writer leaves (".NAME.XXXXXX").
temps() { ls -A "$1" | grep -E '^\..+\.[A-Za-z0-9]{6}$' || true; }

# no_temps WHAT DIR: DIR holds no temporary model file.
no_temps() {
    left=$(temps "$2")
    if [ -z "$left" ]; then pass; else fail "$1: left $left"; fi
}

# loads WHAT MODEL: mlppredict reads MODEL and predicts every row of $P.
loads() {
    if "$MLPPREDICT" -q -m "$2" -i "$P" > "$T/pred" 2> "$T/prederr" &&
        [ "$(wc -l < "$T/pred")" -eq 300 ]; then pass; else
        fail "$1: $(head -c 200 "$T/prederr")"
    fi
}

# started: wait (at most a minute) until the run in the background has
# reported its first epoch on $T/err, so that training is under way.
started() {
    n=0
    while ! grep -q '^epoch' "$T/err" && [ "$n" -lt 1200 ]; do
        sleep 0.05
        n=$((n + 1))
    done
}

# interrupt SIG DELAY CMD...: start CMD in the background (stderr to
# $T/err), send SIG DELAY seconds after its first epoch, wait; its status
# goes to $rc and the milliseconds from the signal to its end to $took.
interrupt() {
    sig=$1 delay=$2; shift 2
    : > "$T/err"
    "$@" > "$T/out" 2> "$T/err" &
    pid=$!
    started
    sleep "$delay"
    t0=$(now_ms)
    kill -s "$sig" "$pid"
    set +e
    wait "$pid"
    rc=$?
    set -e
    took=$(($(now_ms) - t0))
}

# is_asan: the tools are built with AddressSanitizer (no LD_PRELOAD then).
is_asan() { grep -qa __asan_init "$MLPTRAIN"; }

# Under valgrind everything is tens of times slower: timings are looser
# and the runs that depend on them are left out.
slow=${MLP_UNDER_VALGRIND:-}
limit=2000
[ -n "$slow" ] && limit=60000

P=$D/points.csv
W=$T/work
mkdir "$W"
"$MLPTRAIN" -q -i "$P" -e 20 -o "$T/orig.bin"
# long enough never to end by itself in a test, short enough that a run
# that missed its signal ends within a minute
LONG="-i $P -e 200000"

# SIGINT and SIGTERM with --checkpoint: the model so far, loadable, and
# the -o model untouched.
for sig in INT TERM; do
    want=130
    [ "$sig" = TERM ] && want=143
    cp "$T/orig.bin" "$W/m.bin"
    rm -f "$W/ck.bin"
    interrupt "$sig" 0.7 "$MLPTRAIN" $LONG -o "$W/m.bin" \
        --checkpoint "$W/ck.bin"
    check "SIG$sig with --checkpoint exits $want (got $rc)" \
        test "$rc" -eq "$want"
    check "SIG$sig: stopped within $limit ms of the signal (took $took)" \
        test "$took" -lt "$limit"
    check "SIG$sig: says it was interrupted" grep -q interrupted "$T/err"
    check "SIG$sig: the -o model is untouched" same "$W/m.bin" \
        "$T/orig.bin"
    check "SIG$sig: a checkpoint was written" test -s "$W/ck.bin"
    loads "SIG$sig: the checkpoint loads" "$W/ck.bin"
    "$MLPPREDICT" -m "$W/ck.bin" -i "$P" > /dev/null 2> "$T/sum"
    acc=$(sed -n 's/^accuracy \([0-9.]*\)%.*/\1/p' "$T/sum")
    check "SIG$sig: the checkpoint has learned (accuracy '$acc'%)" \
        awk -v a="$acc" 'BEGIN { exit !(a != "" && a + 0 >= 80) }'
    no_temps "SIG$sig with --checkpoint" "$W"
done

# Without --checkpoint nothing at all is written.
for sig in INT TERM; do
    want=130
    [ "$sig" = TERM ] && want=143
    cp "$T/orig.bin" "$W/m.bin"
    rm -f "$W/ck.bin" "$W/new.bin"
    ls -A "$W" > "$T/before"
    interrupt "$sig" 0.5 "$MLPTRAIN" $LONG -o "$W/m.bin"
    check "SIG$sig exits $want (got $rc)" test "$rc" -eq "$want"
    check "SIG$sig: the -o model is untouched" same "$W/m.bin" \
        "$T/orig.bin"
    ls -A "$W" > "$T/after"
    check "SIG$sig without --checkpoint writes no file" same "$T/before" \
        "$T/after"
    interrupt "$sig" 0.5 "$MLPTRAIN" $LONG -o "$W/new.bin"
    check "SIG$sig: a new -o model is not created" test ! -e "$W/new.bin"
done

# A second SIGINT ends a run at once, even in the middle of a long batch
# (one batch of 300 rows through a 3072-3072 network takes seconds).
if [ -n "$slow" ]; then
    echo "skipped: timed second SIGINT, and SIGKILL timings (valgrind)"
    finish
    exit $?
fi
cp "$T/orig.bin" "$W/m.bin"
rm -f "$W/ck.bin"
"$MLPTRAIN" -q -i "$P" -h 3072,3072 -b 300 -j 1 -e 1000 -o "$W/m.bin" \
    --checkpoint "$W/ck.bin" 2> "$T/err" &
pid=$!
sleep 0.6
kill -s INT "$pid"
sleep 0.1
t0=$(now_ms)
kill -s INT "$pid" 2> /dev/null || true
set +e
wait "$pid"
rc=$?
set -e
took=$(($(now_ms) - t0))
check "two SIGINTs exit 130 (got $rc)" test "$rc" -eq 130
check "the second SIGINT ends the run at once (took ${took} ms)" \
    test "$took" -lt 700
check "two SIGINTs: the -o model is untouched" same "$W/m.bin" \
    "$T/orig.bin"
if [ -e "$W/ck.bin" ]; then loads "two SIGINTs: checkpoint" "$W/ck.bin"; fi
no_temps "two SIGINTs" "$W"

# A second SIGINT while the checkpoint is being saved: a slow fsync of the
# checkpoint's temporary file holds the save open while it arrives.  The
# checkpoint must be whole or absent, and no temporary file may remain.
if is_asan; then
    echo "skipped: second signal during a save (LD_PRELOAD under ASan)"
else
    cc -shared -fPIC -O2 -o "$T/inject.so" \
        "$MLP_SOURCE_DIR/tests/fault/inject.c"
    rm -f "$W/ck.bin" "$T/flog"
    : > "$T/err"
    LD_PRELOAD=$T/inject.so MLP_FAULT_CALL=fsync MLP_FAULT_PATH=.ck.bin. \
        MLP_FAULT_DELAY_MS=3000 MLP_FAULT_LOG=$T/flog \
        "$MLPTRAIN" $LONG -o "$W/m.bin" --checkpoint "$W/ck.bin" \
        2> "$T/err" &
    pid=$!
    started
    kill -s INT "$pid"
    n=0
    while [ -z "$(temps "$W")" ] && [ "$n" -lt 50 ]; do
        sleep 0.05
        n=$((n + 1))
    done
    sleep 0.2
    kill -s INT "$pid" 2> /dev/null || true
    set +e
    wait "$pid"
    rc=$?
    set -e
    check "the slow fsync was reached" grep -q fsync "$T/flog"
    check "SIGINT during the checkpoint's save exits 130 (got $rc)" \
        test "$rc" -eq 130
    if [ -e "$W/ck.bin" ]; then
        loads "SIGINT during save: checkpoint" "$W/ck.bin"
    fi
    no_temps "a second SIGINT during the checkpoint's save" "$W"
    rm -f "$W"/.ck.bin.*
fi

# SIGKILL at moments spread over a run that replaces a model: afterwards
# the file is complete and byte-equal to the old model or the new one.
# A temporary file may remain after SIGKILL (nothing can remove it); it
# is counted and removed, but never the model.
head -n 21 "$P" > "$T/small.csv"
K="-i $T/small.csv -h 2048,2048 -e 1 -j 1"
"$MLPTRAIN" -q $K -s 1 -o "$T/old.bin"
t0=$(now_ms)
"$MLPTRAIN" -q $K -s 2 -o "$T/new.bin"
full=$(($(now_ms) - t0))
n_runs=30
[ "$full" -gt 1500 ] && n_runs=12    # a sanitizer build: fewer, slower
n_old=0 n_new=0 n_temp=0 n_bad=0

# kill_once SECONDS: replace a copy of the old model, kill the run after
# SECONDS, and count what it left.
kill_once() {
    cp "$T/old.bin" "$W/k.bin"
    "$MLPTRAIN" -q $K -s 2 -o "$W/k.bin" 2> /dev/null &
    pid=$!
    sleep "$1"
    kill -s KILL "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
    if same "$W/k.bin" "$T/old.bin"; then
        n_old=$((n_old + 1))
    elif same "$W/k.bin" "$T/new.bin"; then
        n_new=$((n_new + 1))
    else
        n_bad=$((n_bad + 1))
        cp "$W/k.bin" "$T/broken-$n_bad.bin"
    fi
    if ! "$MLPPREDICT" -q -m "$W/k.bin" -i "$T/small.csv" > /dev/null \
        2> "$T/prederr"; then
        n_bad=$((n_bad + 1))
    fi
    if [ -n "$(temps "$W")" ]; then
        n_temp=$((n_temp + 1))
        rm -f "$W"/.k.bin.*
    fi
}

i=0
while [ "$i" -lt "$n_runs" ]; do
    kill_once "$(awk -v i="$i" -v t="$full" 'BEGIN { srand(i + 17)
        printf "%.3f", t * (0.4 + 0.75 * rand()) / 1000 }')"
    i=$((i + 1))
done

# The run's length varies with the machine's load: when every kill fell
# on one side of the rename, aim further towards the other side (at most
# ten more runs) so that both outcomes are seen.
i=0
while [ "$i" -lt 10 ] && { [ "$n_old" -eq 0 ] || [ "$n_new" -eq 0 ]; }; do
    if [ "$n_new" -eq 0 ]; then
        f=$(awk -v i="$i" 'BEGIN { printf "%.2f", 1.2 + 0.2 * i }')
    else
        f=$(awk -v i="$i" 'BEGIN { printf "%.2f", 0.35 - 0.03 * i }')
    fi
    kill_once "$(awk -v f="$f" -v t="$full" \
        'BEGIN { printf "%.3f", t * f / 1000 }')"
    n_runs=$((n_runs + 1))
    i=$((i + 1))
done
echo "SIGKILL x$n_runs (full run ${full} ms): $n_old old, $n_new new," \
     "$n_bad broken, $n_temp left a temporary file"
check "SIGKILL never leaves a broken model ($n_bad broken)" \
    test "$n_bad" -eq 0
check "SIGKILL runs ended both before and after the rename" \
    test "$n_old" -gt 0 -a "$n_new" -gt 0

finish
