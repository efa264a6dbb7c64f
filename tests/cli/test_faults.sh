# test_faults.sh -- faults while saving and allocating, injected with the
# LD_PRELOAD library tests/fault/inject.c (built here with cc): a failed
# write, fsync, close or rename is reported with 74 and leaves the old
# model byte-identical and no temporary file; short and interrupted
# writes still give the same model; a network too large for memory is
# refused with 71; a low `ulimit -v` never crashes; a diverging run exits
# 75 and writes nothing.
. "$(dirname "$0")/lib.sh"

# temps DIR: the temporary files the model writer leaves (".NAME.XXXXXX").
temps() { ls -A "$1" | grep -E '^\..+\.[A-Za-z0-9]{6}$' || true; }

# no_temps WHAT DIR: DIR holds no temporary model file.
no_temps() {
    left=$(temps "$2")
    if [ -z "$left" ]; then pass; else fail "$1: left $left"; fi
}

# reached WHAT: the injected fault was hit (the shim logged it).
reached() {
    if [ -s "$T/flog" ]; then pass; else fail "$1: fault never reached"; fi
}

# faulty VAR=VALUE... -- CMD...: run CMD with the shim and the settings.
faulty() {
    rm -f "$T/flog"
    env LD_PRELOAD="$T/inject.so" MLP_FAULT_LOG="$T/flog" "$@"
}

P=$D/points.csv
W=$T/work
mkdir "$W"
"$MLPTRAIN" -q -i "$P" -e 20 -o "$T/orig.bin"
"$MLPTRAIN" -q -i "$P" -e 3 -o "$T/clean.bin"
TRAIN="$MLPTRAIN -q -i $P -e 3"

# Divergence (no LD_PRELOAD needed): huge raw features and a large sgd
# step.  75 and a message; an existing model stays, no new one appears.
awk 'BEGIN { srand(3); print "u,v,label"
    for (i = 0; i < 200; i++) {
        u = (rand() - 0.5) * 2e6; v = (rand() - 0.5) * 2e6
        printf "%.1f,%.1f,%s\n", u, v, (u > v ? "up" : "down") } }' \
    > "$T/huge.csv"
DIVERGE="-i $T/huge.csv -O sgd -r 10 -a relu -e 50 --no-standardize"
cp "$T/orig.bin" "$W/m.bin"
expect_status 75 "$MLPTRAIN" $DIVERGE -o "$W/m.bin" --checkpoint "$W/ck.bin"
check "divergence is explained: $(head -c 200 "$T/err")" \
    grep -qiE 'nan|infinite|diverg' "$T/err"
check "divergence leaves the model as it was" same "$W/m.bin" "$T/orig.bin"
check "divergence writes no checkpoint" test ! -e "$W/ck.bin"
expect_status 75 "$MLPTRAIN" $DIVERGE -o "$W/fresh.bin"
check "divergence creates no model" test ! -e "$W/fresh.bin"
no_temps "divergence" "$W"

if grep -qa __asan_init "$MLPTRAIN"; then
    echo "skipped: LD_PRELOAD and ulimit tests (the tools use ASan)"
    finish
    exit $?
fi
cc -shared -fPIC -O2 -o "$T/inject.so" "$MLP_SOURCE_DIR/tests/fault/inject.c"
head -n 21 "$P" > "$T/small.csv"

# A failed write, sync, close or rename of the temporary file: 74, a
# message naming the model and the error, the old model byte-identical,
# no temporary file; and no model when there was none before.
for call in write fsync close rename; do
    for e in ENOSPC EIO; do
        case $e in
        ENOSPC) text="No space left on device" ;;
        EIO) text="Input/output error" ;;
        esac
        cp "$T/orig.bin" "$W/m.bin"
        expect_status 74 faulty MLP_FAULT_CALL=$call MLP_FAULT_ERRNO=$e \
            MLP_FAULT_PATH=.m.bin. $TRAIN -o "$W/m.bin"
        reached "$call $e"
        expect_err "$W/m.bin"
        expect_err "$text"
        check "$call $e: the old model is unchanged" same "$W/m.bin" \
            "$T/orig.bin"
        no_temps "$call $e" "$W"
    done
    rm -f "$W/n.bin"
    expect_status 74 faulty MLP_FAULT_CALL=$call MLP_FAULT_ERRNO=ENOSPC \
        MLP_FAULT_PATH=.n.bin. $TRAIN -o "$W/n.bin"
    reached "$call on a new model"
    check "$call fails: no model is created" test ! -e "$W/n.bin"
    no_temps "$call on a new model" "$W"
done

# The temporary file cannot be created: 73, naming the folder.
cp "$T/orig.bin" "$W/m.bin"
expect_status 73 faulty MLP_FAULT_CALL=open MLP_FAULT_ERRNO=EACCES \
    MLP_FAULT_PATH=.m.bin. $TRAIN -o "$W/m.bin"
reached "open"
expect_err "Permission denied"
check "a failed create leaves the old model" same "$W/m.bin" "$T/orig.bin"
no_temps "failed create" "$W"

# Short writes and writes interrupted by a signal (EINTR) are resumed:
# the model is byte-identical to one saved without them.
expect_status 0 faulty MLP_FAULT_CALL=write MLP_FAULT_SHORT=1 \
    MLP_FAULT_COUNT=0 MLP_FAULT_PATH=.short.bin. $TRAIN -o "$W/short.bin"
reached "short writes"
check "short writes: the same model" same "$W/short.bin" "$T/clean.bin"
expect_status 0 faulty MLP_FAULT_CALL=write MLP_FAULT_ERRNO=EINTR \
    MLP_FAULT_COUNT=3 MLP_FAULT_PATH=.eintr.bin. $TRAIN -o "$W/eintr.bin"
reached "EINTR"
check "EINTR: the same model" same "$W/eintr.bin" "$T/clean.bin"
no_temps "short writes and EINTR" "$W"

# The checkpoint cannot be written after SIGINT: the error is reported,
# the run still ends with 130, nothing is left behind.
cp "$T/orig.bin" "$W/m.bin"
rm -f "$W/ck.bin"
rm -f "$T/flog"
: > "$T/err"
LD_PRELOAD=$T/inject.so MLP_FAULT_LOG=$T/flog MLP_FAULT_CALL=fsync \
    MLP_FAULT_ERRNO=EIO MLP_FAULT_PATH=.ck.bin. \
    "$MLPTRAIN" -i "$P" -e 200000 -o "$W/m.bin" \
    --checkpoint "$W/ck.bin" > /dev/null 2> "$T/err" &
pid=$!
n=0
while ! grep -q '^epoch' "$T/err" && [ "$n" -lt 1200 ]; do
    sleep 0.05
    n=$((n + 1))
done
kill -s INT "$pid"
set +e
wait "$pid"
rc=$?
set -e
check "failed checkpoint: exit 130 (got $rc)" test "$rc" -eq 130
reached "checkpoint fsync"
expect_err "$W/ck.bin"
expect_err "Input/output error"
check "failed checkpoint: none written" test ! -e "$W/ck.bin"
check "failed checkpoint: the model is untouched" same "$W/m.bin" \
    "$T/orig.bin"
no_temps "failed checkpoint" "$W"

# A failing --log (stdio writes do not pass through the shim: a full
# device does it): 74 naming the log file.
expect_status 74 "$MLPTRAIN" -q -i "$P" -e 3 -o "$W/l.bin" --log /dev/full
expect_err "/dev/full"

# Allocations: a network too large for any memory.  Requests above 1 GiB
# fail in the shim; mlptrain must say how big the network is, exit 71,
# and better still refuse before asking for the memory at all (on a
# machine that overcommits, the request would succeed and the run be
# killed later by the kernel).  Valgrind replaces the allocator, so the
# shim cannot fail allocations under it.
if [ -n "${MLP_UNDER_VALGRIND:-}" ]; then
    echo "skipped: allocation faults (under valgrind)"
else
    expect_status 71 faulty MLP_FAULT_BIG=1073741824 \
        "$MLPTRAIN" -q -i "$P" -e 1 -h 60000,60000 -o "$W/big.bin"
    check "the refusal names the size: $(head -c 200 "$T/err")" \
        grep -qE '3600300001|14401200004|14[.,]?4 ?G|13[.,]?4 ?Gi' "$T/err"
    asked=$(tr '\n' ' ' < "$T/flog" 2> /dev/null || true)
    check "a 60000,60000 network is refused before allocating ($asked)" \
        test ! -s "$T/flog"
    check "no model from a refused network" test ! -e "$W/big.bin"
    expect_status 71 faulty MLP_FAULT_BIG=100000000 \
        "$MLPTRAIN" -q -i "$P" -e 1 -h 8000,8000 -o "$W/big.bin"
    reached "allocation of a 8000,8000 network"
    expect_err "64040001"
    "$MLPTRAIN" -q -i "$T/small.csv" -h 2048,2048 -e 1 -o "$T/large.bin"
    expect_status 71 faulty MLP_FAULT_BIG=8000000 \
        "$MLPPREDICT" -q -m "$T/large.bin" -i "$T/small.csv"
    reached "allocation of a 16 MB model"
    expect_err "$T/large.bin"
    check "out of memory is said: $(head -c 200 "$T/err")" \
        grep -qi "memory" "$T/err"
fi

# ulimit -v: whatever the limit, a clean result (0) or a clean refusal
# (71), never a crash; and a limit far below the network's needs must be
# refused.  Not under valgrind, which needs the address space itself.
if [ -n "${MLP_UNDER_VALGRIND:-}" ]; then
    echo "skipped: ulimit -v (under valgrind)"
else
    for kb in 8000 20000 40000 80000 160000 400000; do
        set +e
        (ulimit -v "$kb" && exec "$MLPTRAIN" -q -i "$P" -e 1 \
            -h 1024,1024 -o "$W/u.bin") > /dev/null 2> "$T/err"
        rc=$?
        set -e
        check "ulimit -v $kb: exit 0 or 71, got $rc: $(head -c 200 "$T/err")" \
            test "$rc" -eq 0 -o "$rc" -eq 71
        if [ "$rc" -eq 71 ]; then
            check "ulimit -v $kb: a message" test -s "$T/err"
        fi
        set +e
        (ulimit -v "$kb" && exec "$MLPPREDICT" -q -m "$T/large.bin" \
            -i "$T/small.csv") > /dev/null 2> "$T/err"
        rc=$?
        set -e
        msg=$(head -c 99 "$T/err")
        check "mlppredict, ulimit -v $kb: 0 or 71, got $rc: $msg" \
            test "$rc" -eq 0 -o "$rc" -eq 71
    done
    set +e
    (ulimit -v 200000 && exec "$MLPTRAIN" -q -i "$P" -e 1 -h 4096,4096 \
        -o "$W/u.bin") > /dev/null 2> "$T/err"
    rc=$?
    set -e
    check "ulimit -v 200000, a 4096,4096 network: 71, got $rc" \
        test "$rc" -eq 71
    check "ulimit refusal explained: $(head -c 200 "$T/err")" \
        grep -qiE 'allocate|memory' "$T/err"
fi
no_temps "allocation faults" "$W"

finish
