#!/bin/sh
# bench_suite.sh -- time mlptrain and mlppredict on five workloads beside
# scikit-learn, PyTorch and FANN, and print one table of the results.
#
# Usage: sh tests/bench/bench_suite.sh [--quick] [--peers] [--no-peers]
#                                      [--runs N] [--work DIR] [BUILD_DIR]
#   --quick     tiny sizes, one run, mlptrain only (peers with --peers):
#               checks that everything still works, in well under a minute
#   --runs N    runs per measurement, the median is reported (default 3)
#   --work DIR  where data sets are cached and tools built
#               (default ${TMPDIR:-/tmp}/mlp-bench)
#   BUILD_DIR   the build folder holding mlptrain and mlppredict
#               (default: build/ beside tests/)
# The table goes to standard output (and WORK/results.txt), progress to
# standard error.  Exit status: 0, or 1 when a tool or peer that ran
# failed, 64 for bad arguments.  A peer that is not installed is skipped,
# and the table says so.  See tests/bench/README.md.
set -eu
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
build=$here/../../build
work=${TMPDIR:-/tmp}/mlp-bench
quick=0
runs=
peers=
failed=0
py=${PYTHON:-/usr/bin/python3}

# Peers and the reference products run on one core, like mlptrain -j 1.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

say() { echo "bench: $*" >&2; }
die() { echo "bench_suite.sh: $1" >&2; exit "${2:-1}"; }

# ---- options -------------------------------------------------------------

while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1 ;;
    --peers) peers=1 ;;
    --no-peers) peers=0 ;;
    --runs)
        [ $# -ge 2 ] || die "--runs needs a number" 64
        runs=$2
        shift ;;
    --work)
        [ $# -ge 2 ] || die "--work needs a folder" 64
        work=$2
        shift ;;
    --help)
        sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0 ;;
    -*) die "unknown option $1 (try --help)" 64 ;;
    *) build=$1 ;;
    esac
    shift
done
[ -n "$runs" ] || runs=$([ "$quick" = 1 ] && echo 1 || echo 3)
case $runs in
'' | *[!0-9]* | 0*) die "--runs: expected a positive number, got '$runs'" 64 ;;
esac
[ -n "$peers" ] || peers=$([ "$quick" = 1 ] && echo 0 || echo 1)

MLPTRAIN=$build/mlptrain
MLPPREDICT=$build/mlppredict
for tool in "$MLPTRAIN" "$MLPPREDICT"; do
    [ -x "$tool" ] || die "$tool not found; build the project first"
done
case $(date +%N) in
*[!0-9]*) die "this date(1) has no %N; nanosecond times are needed" ;;
esac

# ---- sizes of the workloads ----------------------------------------------

if [ "$quick" = 1 ]; then
    w1_rows=1000 w1_epochs=5 w2_epochs=2 w3_rows=2000 w3_epochs=1
    load_rows=20000 pred_rows=20000 pred_train_rows=2000
else
    w1_rows=10000 w1_epochs=200 w2_epochs=100 w3_rows=60000 w3_epochs=2
    load_rows=1000000 pred_rows=1000000 pred_train_rows=50000
fi
digits_src=/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz

# Runs may share the work folder: the data and helper programs are
# written under temporary names and renamed; results are per run.
mkdir -p "$work/bin" "$work/data"
res=$(mktemp -d "$work/res.XXXXXX")
trap 'rm -rf "$res"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir "$res/out"

# ---- helpers -------------------------------------------------------------

now() { date +%s.%N; }

# put KEY VALUE: record one figure of KEY (one line per run).
put() { echo "$2" >>"$res/$1"; }

# med KEY: the median of KEY's figures, or nothing when there are none.
med() {
    [ -s "$res/$1" ] || return 0
    sort -g "$res/$1" | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2];
              else printf "%.6g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# note TEXT: a line for the notes under the table.
note() { echo "$*" >>"$res/notes"; }

# calc EXPR [VARS...]: evaluate an awk expression of v1, v2, v3 (the
# VARS); prints nothing when a VAR is empty, a divisor v1 or v2 is zero,
# or the result is not finite.
calc() {
    expr=$1
    shift
    for v in "$@"; do [ -n "$v" ] || return 0; done
    awk -v v1="${1:-0}" -v v2="${2:-0}" -v v3="${3:-0}" -v e="$expr" \
        "BEGIN {
            if ((index(e, \"/ v1\") && v1 + 0 == 0) ||
                (index(e, \"/ v2\") && v2 + 0 == 0))
                exit
            x = $expr
            if (x - x == 0)
                printf \"%.6g\\n\", x
        }"
}

# timed LOG OUT CMD...: run CMD, standard output to OUT and error to
# LOG.err; $secs is the wall time.  Returns CMD's status.
timed() {
    t_log=$1 t_out=$2
    shift 2
    t0=$(now)
    set +e
    "$@" >"$t_out" 2>"$t_log.err"
    t_rc=$?
    set -e
    t1=$(now)
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
    return $t_rc
}

# failure WHAT LOG: report a failed run and remember it for the exit.
failure() {
    failed=1
    say "FAILED: $1"
    sed 's/^/    /' "$2.err" | tail -n 8 >&2
    note "$1 failed"
}

# train_seconds LOG: mlptrain's own training time, from the seconds
# column of the last row of its --log file (the training alone).
train_seconds() {
    tail -n 1 "$1" | awk -F, 'NR == 1 && $1 ~ /^[0-9]+$/ { print $NF }'
}

# predict_accuracy MODEL FILE: training accuracy in percent, by mlppredict
# on the labelled training rows, the same measure the peers report.
predict_accuracy() {
    "$MLPPREDICT" -m "$1" -i "$2" 2>&1 >/dev/null |
        sed -n 's/^accuracy \([0-9.]*\)%.*/\1/p'
}

# ---- helper programs -----------------------------------------------------

# build_c NAME SOURCE FLAGS...: compile into $work/bin when out of date.
build_c() {
    b_exe=$work/bin/$1 b_src=$here/$2 b_log=$work/bin/$1.log
    shift 2
    [ -x "$b_exe" ] && [ -z "$(find "$b_src" -newer "$b_exe")" ] && return 0
    # shellcheck disable=SC2068  # flags are lists of words
    ${CC:-cc} -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -o "$b_exe.$$" \
        "$b_src" $@ 2>"$b_log" && mv "$b_exe.$$" "$b_exe"
}

build_c gen_workloads gen_workloads.c -lm ||
    die "cannot compile gen_workloads.c: $(cat "$work/bin/gen_workloads.log")"
GEN=$work/bin/gen_workloads

have_fann=0
if [ "$peers" = 1 ]; then
    fann_flags=$(pkg-config --cflags --libs fann 2>/dev/null || echo -lfann)
    if build_c peer_fann peer_fann.c "$fann_flags" -lm; then
        have_fann=1
    else
        note "FANN: not measured, peer_fann.c does not build here" \
             "(libfann-dev missing?)"
    fi
fi

have_blas=0
if pkg-config --exists openblas 2>/dev/null &&
   build_c sgemm_rate sgemm_rate.c "$(pkg-config --cflags --libs openblas)"
then
    have_blas=1
fi

have_py=0
if [ "$peers" = 1 ]; then
    if [ -x "$py" ]; then
        have_py=1
    else
        note "sklearn, torch: not measured, $py not found"
    fi
fi

# ---- data sets, generated once and cached --------------------------------

# make_data FILE CMD...: run CMD into FILE unless FILE exists already.
make_data() {
    m_file=$1
    shift
    [ -s "$m_file" ] && return 0
    say "generating $(basename "$m_file")"
    "$@" >"$m_file.$$" || die "cannot generate $m_file"
    mv "$m_file.$$" "$m_file"
}

# shellcheck disable=SC2317  # run through make_data
gen_gz() { "$GEN" "$@" | gzip -1; }

# The first 1437 rows of the 8x8 digits scikit-learn ships (64 pixel
# columns, then the class), with a header; else a synthetic stand-in.
# shellcheck disable=SC2317  # run through make_data
digits_csv() {
    if [ -r "$digits_src" ]; then
        printf '%s,label\n' "$(seq -s, -f 'p%g' 1 64)"
        gzip -dc "$digits_src" | head -n 1437
    else
        "$GEN" centroids 1437 2 64 10
    fi
}

D=$work/data
w1_data=$D/moons-$w1_rows.csv
w2_data=$D/digits-1437.csv
w3_data=$D/centroids-$w3_rows-784.csv.gz
load_data=$D/table-$load_rows.csv
pred_data=$D/features-$pred_rows.csv
pred_train=$D/table-$pred_train_rows-train.csv
make_data "$w1_data" "$GEN" moons "$w1_rows" 1
make_data "$w2_data" digits_csv
[ -r "$digits_src" ] ||
    note "W2: $digits_src missing; synthetic 64-column data used instead"
make_data "$w3_data" gen_gz centroids "$w3_rows" 3 784 10
make_data "$load_data" "$GEN" table "$load_rows" 4
make_data "$pred_data" "$GEN" features "$pred_rows" 5
make_data "$pred_train" head -n $((pred_train_rows + 1)) "$load_data"

# ---- running the tools ---------------------------------------------------

# mlp_train KEY DATA MODEL OPTIONS...: time mlptrain $runs times; records
# KEY.wall (the whole process) and KEY.train (its training alone).
mlp_train() {
    k=$1 k_data=$2 k_model=$3
    shift 3
    i=0
    while [ $i -lt "$runs" ]; do
        i=$((i + 1))
        if ! timed "$res/$k" /dev/null "$MLPTRAIN" -i "$k_data" -s 1 \
                   -o "$k_model" --log "$res/$k.log" -q "$@"; then
            failure "$k: mlptrain $*" "$res/$k"
            return 0
        fi
        put "$k.wall" "$secs"
        put "$k.train" "$(train_seconds "$res/$k.log")"
    done
}

# peer KEY CMD...: time a peer $runs times and record every key=value
# line it prints as KEY.key, and its process time as KEY.wall.
peer() {
    k=$1
    shift
    i=0
    while [ $i -lt "$runs" ]; do
        i=$((i + 1))
        if ! timed "$res/$k" "$res/$k.out" "$@"; then
            failure "$k: $*" "$res/$k"
            return 0
        fi
        if grep -q '^skip=' "$res/$k.out"; then
            note "${k%%.*} ${k#*.}: not measured, $(sed -n 's/^skip=//p' \
                  "$res/$k.out")"
            return 0
        fi
        put "$k.wall" "$secs"
        while IFS='=' read -r key val; do
            put "$k.$key" "$val"
        done <"$res/$k.out"
    done
}

# py_peer KEY SCRIPT ARGS...: peer() on a Python peer, when peers run.
py_peer() {
    [ "$have_py" = 1 ] || return 0
    k=$1 script=$here/$2
    shift 2
    peer "$k" "$py" "$script" "$@"
}

# bench_train NAME DATA HIDDEN ACT BATCH EPOCHS RATE FANN_RATE: one
# training workload on every tool; accuracies are of the final weights
# on the training rows, in percent.
bench_train() {
    n=$1 data=$2 hid=$3 act=$4 bs=$5 ep=$6 rate=$7 frate=$8
    say "$n: -h $hid -a $act -b $bs -e $ep -r $rate, $runs run(s) each"
    mlp_train "$n.mlp" "$data" "$res/out/$n.bin" -h "$hid" -a "$act" \
        -b "$bs" -O adam -e "$ep" -r "$rate" -j 1
    [ -s "$res/$n.mlp.wall" ] &&
        put "$n.mlp.acc" "$(predict_accuracy "$res/out/$n.bin" "$data")"
    [ "$peers" = 1 ] || return 0

    py_peer "$n.sklearn" peer_sklearn.py train "$data" "$hid" "$act" "$bs" \
        "$ep" "$rate" 1
    py_peer "$n.torch" peer_torch.py train "$data" "$hid" "$act" "$bs" \
        "$ep" "$rate" 1
    if [ "$have_fann" = 1 ] && [ -n "$frate" ]; then
        peer "$n.fann" "$work/bin/peer_fann" "$data" "$hid" "$act" "$ep" \
            "$frate" 1
    fi
}

# Peer accuracies are shares; the table shows percent.
percent() {
    for p in sklearn torch fann; do
        v=$(med "$1.$p.acc")
        [ -z "$v" ] || put "$1.$p.pct" "$(calc 'v1 * 100' "$v")"
    done
}

# ---- the workloads -------------------------------------------------------

started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')

bench_train w1 "$w1_data" 2 sigmoid 32 "$w1_epochs" 0.01 0.7
percent w1
bench_train w2 "$w2_data" 128 relu 64 "$w2_epochs" 0.001 0.1
percent w2

# W3: the GEMM bound first, then mlptrain on one and two threads.
w3_layers="784 512 512 10"
if [ "$have_blas" = 1 ]; then
    say "w3: timing OpenBLAS sgemm on the network's products"
    sg_args="128 $w3_rows $w3_layers"
    [ "$quick" = 0 ] || sg_args="--quick $sg_args"
    # shellcheck disable=SC2086  # the arguments are separate words
    "$work/bin/sgemm_rate" $sg_args >"$res/sgemm.out" ||
        failure "sgemm_rate" "$res/sgemm"
fi
sgemm_value() { sed -n "s/^$1=//p" "$res/sgemm.out" 2>/dev/null || true; }
bound=$(sgemm_value bound_seconds_per_epoch)
gflops=$(sgemm_value sgemm_gflops)
flops=$(sgemm_value flops_per_epoch)
if [ -z "$bound" ]; then
    # forward 2BIO a layer, backward 4BIO (2BIO for the first, no dX)
    flops=$(calc "v1 * 2 * (784*512*2 + 512*512*3 + 512*10*3)" "$w3_rows")
    gflops=100
    bound=$(calc 'v1 / 100e9' "$flops")
    note "W3: OpenBLAS not found; GEMM bound assumes 100 GFLOP/s"
fi

say "w3: $w3_rows x 784, -h 512,512 -a relu -b 128 -e $w3_epochs"
for j in 1 2; do
    mlp_train "w3.mlp$j" "$w3_data" "$res/out/w3.bin" -h 512,512 -a relu \
        -b 128 -O adam -e "$w3_epochs" -r 0.001 -j "$j"
done
[ -s "$res/w3.mlp1.wall" ] &&
    put w3.mlp.acc "$(predict_accuracy "$res/out/w3.bin" "$w3_data")"
if [ "$peers" = 1 ]; then
    py_peer w3.sklearn peer_sklearn.py train "$w3_data" 512,512 relu 128 \
        "$w3_epochs" 0.001 1
    py_peer w3.torch peer_torch.py train "$w3_data" 512,512 relu 128 \
        "$w3_epochs" 0.001 1
    percent w3
    for p in sklearn torch; do
        for i in $(seq "$runs"); do
            l=$(sed -n "${i}p" "$res/w3.$p.load_s" 2>/dev/null || true)
            t=$(sed -n "${i}p" "$res/w3.$p.train_s" 2>/dev/null || true)
            [ -z "$l" ] || [ -z "$t" ] || put "w3.$p.both" "$(calc \
                'v1 + v2' "$l" "$t")"
        done
    done
fi

# Load: the file read by cat, by mlptrain, by numpy (and pandas).
say "load: $load_rows x 21"
load_bytes=$(wc -c <"$load_data")
cat "$load_data" >/dev/null
for i in $(seq "$runs"); do
    timed "$res/load.cat" /dev/null cat "$load_data" ||
        failure "cat" "$res/load.cat"
    put load.cat "$secs"
    if timed "$res/load.mlp" /dev/null "$MLPTRAIN" -i "$load_data" -h 0 \
             -e 1 -o "$res/out/load.bin" -q; then
        put load.mlp "$secs"
    else
        failure "load: mlptrain -h 0 -e 1" "$res/load.mlp"
    fi
done
[ "$peers" = 1 ] && py_peer load.py peer_sklearn.py load "$load_data"

# Predict: a 20-64-32-1 network from one quick epoch, then every row.
say "predict: $pred_rows rows through 20-64-32-1"
if "$MLPTRAIN" -i "$pred_train" -h 64,32 -a relu -e 1 -j 1 -q \
        -o "$res/out/pred.bin" 2>"$res/pred.train.err"; then
    for i in $(seq "$runs"); do
        if timed "$res/pred.mlp" /dev/null "$MLPPREDICT" \
                 -m "$res/out/pred.bin" -i "$pred_data"; then
            put pred.mlp "$secs"
        else
            failure "mlppredict" "$res/pred.mlp"
        fi
    done
else
    failure "predict: mlptrain -h 64,32 -e 1" "$res/pred.train"
fi
if [ "$peers" = 1 ]; then
    py_peer pred.sklearn peer_sklearn.py predict "$pred_train" \
        "$pred_data" 64,32 1
    py_peer pred.torch peer_torch.py predict "$pred_train" "$pred_data" \
        64,32 1
fi

# ---- the table -----------------------------------------------------------

# fmt VALUE DIGITS: a figure with DIGITS decimals, or "-" when missing.
fmt() {
    if [ -z "$1" ]; then echo -; else printf "%.${2}f" "$1"; fi
}

# row LABEL DIGITS MLP SKLEARN TORCH FANN [RATIO_TEXT]
row() {
    printf '  %-26s %9s %9s %9s %9s  %s\n' "$1" "$(fmt "$3" "$2")" \
        "$(fmt "$4" "$2")" "$(fmt "$5" "$2")" "$(fmt "$6" "$2")" "${7:-}"
}

# ratios KEY MLP_VALUE SUFFIX: peer/mlptrain for each peer of KEY's row.
ratios() {
    r_out=
    for p in sklearn torch fann; do
        r=$(calc 'v1 / v2' "$(med "$1.$p.$3")" "$2")
        [ -z "$r" ] || r_out="$r_out $p $(fmt "$r" 1)x"
    done
    echo "${r_out# }"
}

# machine: what the figures were measured on.
machine() {
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null |
          head -n 1)
    cc_path=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' \
              "$build/CMakeCache.txt" 2>/dev/null || true)
    cc_version=$(${cc_path:-cc} --version 2>/dev/null | head -n 1)
    echo "date: $started"
    simd=$(grep -m 1 '^flags' /proc/cpuinfo 2>/dev/null |
           grep -o -w -e avx2 -e avx512f | tr '\n' ' ' || true)
    echo "machine: ${cpu:-unknown CPU} (${simd% })," \
         "$(getconf _NPROCESSORS_ONLN) cores," \
         "load average at start $load_at_start"
    echo "compiler: ${cc_version:-unknown}; $("$MLPTRAIN" --version)"
    echo "runs: median of $runs; mlptrain -j 1 and every peer on one thread" \
         "unless noted"
}

train_rows() {
    row "train s" 3 "$(med "$1.mlp.train")" "$(med "$1.sklearn.train_s")" \
        "$(med "$1.torch.train_s")" "$(med "$1.fann.train_s")" \
        "$(ratios "$1" "$(med "$1.mlp.train")" train_s)"
    row "train accuracy %" 2 "$(med "$1.mlp.acc")" \
        "$(med "$1.sklearn.pct")" "$(med "$1.torch.pct")" \
        "$(med "$1.fann.pct")"
}

w3_rows_print() {
    row "load+train s, -j 1" 2 "$(med w3.mlp1.wall)" \
        "$(med w3.sklearn.both)" "$(med w3.torch.both)" "" \
        "$(ratios w3 "$(med w3.mlp1.wall)" both)"
    row "train s, -j 1" 2 "$(med w3.mlp1.train)" \
        "$(med w3.sklearn.train_s)" "$(med w3.torch.train_s)" "" \
        "$(ratios w3 "$(med w3.mlp1.train)" train_s)"
    row "load+train s, -j 2" 2 "$(med w3.mlp2.wall)" "" "" "" \
        "mlptrain only"
    row "train s, -j 2" 2 "$(med w3.mlp2.train)" "" "" ""
    row "train accuracy %" 2 "$(med w3.mlp.acc)" \
        "$(med w3.sklearn.pct)" "$(med w3.torch.pct)" ""
}

pred_rows_print() {
    m=$(calc 'v1 / v2 / 1e6' "$pred_rows" "$(med pred.mlp)")
    s=$(calc 'v1 / v2 / 1e6' "$pred_rows" "$(med pred.sklearn.total_s)")
    t=$(calc 'v1 / v2 / 1e6' "$pred_rows" "$(med pred.torch.total_s)")
    r=
    [ -z "$s" ] || r="sklearn $(fmt "$(calc 'v1 / v2' "$m" "$s")" 1)x"
    [ -z "$t" ] || r="$r torch $(fmt "$(calc 'v1 / v2' "$m" "$t")" 1)x"
    row "M rows/s, all of it" 3 "$m" "$s" "$t" "" "${r# }"
    put pred.mrows "$m"
}

# load_row LABEL SECONDS: one reader of the load file.
load_row() {
    printf '  %-48s %9s %9s\n' "$1" "$(fmt "$2" 3)" \
        "$(fmt "$(calc 'v1 / v2 / 1e6' "$load_bytes" "$2")" 0)"
}

load_rows_print() {
    printf '  %-48s %9s %9s\n' "reader" "seconds" "MB/s"
    load_row "cat > /dev/null" "$(med load.cat)"
    load_row "mlptrain -h 0 -e 1 -q (all it does, see notes)" \
        "$(med load.mlp)"
    load_row "numpy.loadtxt (float32)" "$(med load.py.numpy_s)"
    if [ -s "$res/load.py.pandas_s" ]; then
        load_row "pandas.read_csv (float32)" "$(med load.py.pandas_s)"
    elif [ -s "$res/load.py.pandas_skip" ]; then
        note "pandas: not measured, not importable from $py"
    fi
}

table() {
    machine
    echo
    printf '  %-26s %9s %9s %9s %9s  %s\n' "" mlptrain sklearn torch FANN \
        "peer/mlptrain"
    echo "W1 two moons $w1_rows x 2, 2-2-1 sigmoid, batch 32, Adam," \
         "$w1_epochs epochs"
    train_rows w1
    echo "W2 digits 1437 x 64, 64-128-10 relu, batch 64, Adam," \
         "$w2_epochs epochs"
    train_rows w2
    echo "W3 $w3_rows x 784 gzip CSV, 784-512-512-10 relu, batch 128," \
         "Adam, $w3_epochs epochs"
    w3_rows_print
    echo "Predict $pred_rows x 20 CSV through 20-64-32-1 (relu)"
    pred_rows_print
    echo "Load $load_rows x 21 CSV," \
         "$(fmt "$(calc 'v1 / 1e6' "$load_bytes")" 1) MB"
    load_rows_print
}

# ---- targets and notes ---------------------------------------------------

# verdict X OP T: whether X OP T holds (OP is >= or <=), in words.
verdict() {
    if [ -z "$1" ]; then
        echo "not measured"
        return 0
    fi
    awk -v x="$1" -v op="$2" -v t="$3" 'BEGIN {
        ok = op == ">=" ? x + 0 >= t + 0 : x + 0 <= t + 0
        print ok ? "met" : "NOT met" }'
}

targets() {
    if [ "$quick" = 1 ]; then
        echo "Targets: not judged in quick mode, whose sizes are too small"
        return 0
    fi
    echo "Targets"

    r=$(calc 'v1 / v2' "$(med w1.fann.train_s)" "$(med w1.mlp.train)")
    echo "  W1 FANN time / mlptrain time per epoch: $(fmt "$r" 2)x" \
         "(target >= 2): $(verdict "$r" '>=' 2)"
    r=$(calc 'v1 / v2' "$(med w2.torch.train_s)" "$(med w2.mlp.train)")
    echo "  W2 torch time / mlptrain time: $(fmt "$r" 2)x" \
         "(target >= 3.5): $(verdict "$r" '>=' 3.5)"
    echo "  W2 KANN time / mlptrain time (target >= 1.5): not measured," \
         "KANN is not installed here"

    e=$(calc 'v1 / v2' "$(med w3.mlp1.train)" "$w3_epochs")
    r=$(calc 'v1 / v2' "$e" "$bound")
    echo "  W3 mlptrain -j 1 per epoch / GEMM bound: $(fmt "$e" 2) s /" \
         "$(fmt "$bound" 2) s = $(fmt "$r" 2) (target <= 1.15):" \
         "$(verdict "$r" '<=' 1.15)"
    echo "     bound: $(fmt "$(calc 'v1 / 1e9' "$flops")" 1) GFLOP per epoch" \
         "(forward 2BIO, backward 4BIO per layer, 2BIO for the first)" \
         "at $(fmt "$gflops" 1) GFLOP/s"
    echo "     ($( [ "$have_blas" = 1 ] &&
        echo "OpenBLAS sgemm on these shapes, one thread, measured" ||
        echo "assumed: OpenBLAS not found"))"

    r=$(calc 'v1 / v2 / 1e6' "$load_bytes" "$(med load.mlp)")
    echo "  Load mlptrain: $(fmt "$r" 0) MB/s (target >= 500):" \
         "$(verdict "$r" '>=' 500)"
    r=$(med pred.mrows)
    echo "  Predict mlppredict: $(fmt "$r" 2) M rows/s (target >= 2):" \
         "$(verdict "$r" '>=' 2)"
}

notes() {
    echo "Notes"
    cat <<NOTES
  train s: mlptrain's own training time (--log); the peers time their
    fit alone, after loading.  Accuracy: the final weights on the training
    rows (for mlptrain by mlppredict).  Two classes: one sigmoid output.
  FANN has no mini-batch Adam: it trains per row (incremental backprop on
    squared error; rate 0.7 on W1, 0.1 on W2), rows shuffled each epoch.
    FANN 2.2 has no ReLU: relu layers use FANN_LINEAR_PIECE (clipped at 1).
    FANN is not run on W3, whose per-row training is outside the budget.
  W3 load+train s: mlptrain's whole process; for the peers, load_s +
    train_s inside Python (interpreter start and imports left out).
  Load: the mlptrain figure is its whole process: read and parse,
    standardise, one epoch of a 21-weight logistic model, save.  MB is
    10^6 bytes.  The file is in the page cache (read once before timing).
  Predict: the whole mlppredict process, labels to /dev/null.  Peers:
    numpy.loadtxt, standardise, predict, write labels; training not timed.
NOTES
    [ ! -s "$res/notes" ] || sort -u "$res/notes" | sed 's/^/  /'
}

if ! { table && echo && targets && echo && notes; } >"$work/results.txt"
then
    failed=1
    say "FAILED: writing the table"
fi
cat "$work/results.txt"
[ "$failed" = 0 ] || say "some runs FAILED; see above"
exit "$failed"
