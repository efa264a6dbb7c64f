#!/bin/sh
# bench_load.sh -- how fast mlp_table_load reads a large numeric CSV, plain
# and gzip, beside cat and zcat of the same bytes (and numpy / pandas when
# they are installed).
#
#     tests/bench/bench_load.sh [--quick] [BUILD_DIR]
#
# BUILD_DIR (default /work/main/build) holds libmlp.a.  The data, 1,000,000
# rows by 21 columns (10,000 with --quick), is generated once, seeded, and
# cached in BUILD_DIR/bench-data.  Each figure is the median of 3 runs (1
# with --quick, which only checks that everything still works).
set -eu
export LC_ALL=C

rows=1000000
runs=3
if [ "${1:-}" = "--quick" ]; then
    rows=10000
    runs=1
    shift
fi
build=${1:-/work/main/build}
src=$(cd "$(dirname "$0")/../.." && pwd)
cache=$build/bench-data
mkdir -p "$cache"
cc=${CC:-cc}

# The driver and the generator, built against the build's library.
if [ ! -f "$build/libmlp.a" ]; then
    echo "bench_load.sh: no $build/libmlp.a; build first" >&2
    exit 66
fi
"$cc" -O2 -I"$src/include" -I"$build/include" \
    "$src/tests/bench/load_driver.c" "$build/libmlp.a" -lz -lm -lpthread \
    -o "$cache/load_driver"
"$cc" -O2 "$src/tests/bench/gen_csv.c" -o "$cache/gen_csv"

# The data, made once per size.
csv=$cache/bench-$rows.csv
if [ ! -s "$csv" ] || [ ! -s "$csv.gz" ]; then
    "$cache/gen_csv" "$rows" > "$csv.tmp"
    mv "$csv.tmp" "$csv"
    gzip -6 -c "$csv" > "$csv.gz.tmp"
    mv "$csv.gz.tmp" "$csv.gz"
fi
bytes=$(wc -c < "$csv")

# median CMD...: the median wall time of $runs runs of a shell command.
median() {
    i=0
    : > "$cache/times"
    while [ "$i" -lt "$runs" ]; do
        s=$(date +%s.%N)
        sh -c "$1" > /dev/null
        e=$(date +%s.%N)
        echo "$s $e" | awk '{ printf "%.6f\n", $2 - $1 }' >> "$cache/times"
        i=$((i + 1))
    done
    sort -n "$cache/times" |
        awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'
}

# median_driver FILE [THREADS]: the median of the driver's own load time.
median_driver() {
    i=0
    : > "$cache/times"
    while [ "$i" -lt "$runs" ]; do
        "$cache/load_driver" "$1" "${2:-1}" > "$cache/driver.out"
        cut -d' ' -f1 < "$cache/driver.out" >> "$cache/times"
        i=$((i + 1))
    done
    sort -n "$cache/times" |
        awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'
}

# The shape must be right before any figure means something.
"$cache/load_driver" "$csv" > "$cache/driver.out"
read -r _ n_rows n_feat rss_kib matrix_kib cpu_plain < "$cache/driver.out"
if [ "$n_rows" -ne "$rows" ] || [ "$n_feat" -ne 20 ]; then
    echo "bench_load.sh: loaded $n_rows x $n_feat, want $rows x 20" >&2
    exit 1
fi
"$cache/load_driver" "$csv" 2 > "$cache/driver.out"
read -r _ n_rows _ rss2_kib _ _ < "$cache/driver.out"
if [ "$n_rows" -ne "$rows" ]; then
    echo "bench_load.sh: two threads loaded $n_rows rows, want $rows" >&2
    exit 1
fi
"$cache/load_driver" "$csv.gz" > "$cache/driver.out"
read -r _ n_rows_gz _ _ _ cpu_gz < "$cache/driver.out"
if [ "$n_rows_gz" -ne "$rows" ]; then
    echo "bench_load.sh: gzip loaded $n_rows_gz rows, want $rows" >&2
    exit 1
fi

# The timings.
t_cat=$(median "cat '$csv'")
t_zcat=$(median "zcat '$csv.gz'")
t_plain=$(median_driver "$csv")
t_plain2=$(median_driver "$csv" 2)
t_gz=$(median_driver "$csv.gz")
t_numpy=
t_pandas=
if python3 -c 'import numpy' 2>/dev/null; then
    t_numpy=$(median "python3 -c \"import numpy; numpy.loadtxt('$csv', \
        delimiter=',', skiprows=1, dtype=numpy.float32)\"")
fi
if python3 -c 'import pandas' 2>/dev/null; then
    t_pandas=$(median "python3 -c \"import pandas; pandas.read_csv('$csv')\"")
fi

# The table: MB/s of the uncompressed bytes, and time against the loader.
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
echo "machine: $(uname -m), $cpu"
echo "file: $rows rows x 21 columns, $bytes bytes ($(wc -c < "$csv.gz") gzip)"
echo "peak memory loading plain: $rss_kib KiB for a $matrix_kib KiB matrix" \
     "($rss2_kib KiB on two threads)"
echo "processor time of one load: $cpu_plain s plain, $cpu_gz s gzip"
row() {
    [ -n "$2" ] || return 0
    echo "$1 $2 $bytes $t_plain" | awk '{
        printf "%-28s %8.3f s %9.1f MB/s %7.2fx\n", $1, $2, $3 / $2 / 1e6,
               $2 / $4 }'
}
printf "%-28s %10s %14s %8s\n" what time speed vs-ours
row mlp_table_load "$t_plain"
row mlp_table_load_2_threads "$t_plain2"
row mlp_table_load_gzip "$t_gz"
row cat_to_dev_null "$t_cat"
row zcat_to_dev_null "$t_zcat"
row numpy.loadtxt "$t_numpy"
row pandas.read_csv "$t_pandas"
