#!/bin/sh
# run_fuzzers.sh -- build the libFuzzer targets with clang and run each
# for a while on a copy of its seed corpus, failing on any crash, leak,
# timeout or out-of-memory report.
#
# Usage: tests/fuzz/run_fuzzers.sh BUILD_DIR [SECONDS]
#
# BUILD_DIR is configured here with clang and -DMLP_FUZZ=ON (which also
# instruments the library); SECONDS per target comes from the second
# argument, else $FUZZ_SECONDS, else 30.  The targets run one after the
# other with their dictionaries (csv.dict, model.dict, predict.dict).
# Seeds are copied to BUILD_DIR/fuzz-corpus/<target> first, so the
# repository's corpus is never modified; new inputs found there can be
# minimised into it by hand with -merge=1.  Crash reproducers are written
# to BUILD_DIR/fuzz-artifacts/.
#
# A long run, for a quiet machine (an hour per target, two jobs each):
#     FUZZ_SECONDS=3600 FUZZ_JOBS=2 tests/fuzz/run_fuzzers.sh build-fuzz
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 BUILD_DIR [SECONDS]" >&2
    exit 64
fi
build=$1
seconds=${2:-${FUZZ_SECONDS:-30}}
jobs=${FUZZ_JOBS:-1}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
case $seconds in
    ''|*[!0-9]*) echo "$0: SECONDS must be a whole number" >&2; exit 64 ;;
esac

# Build the targets (and the instrumented library) with clang.
cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER=clang -DMLP_FUZZ=ON \
    -DBUILD_TESTING=OFF > "$build.configure.log" 2>&1 ||
    { cat "$build.configure.log" >&2; exit 1; }
cmake --build "$build" -j2 > "$build/fuzz-build.log" 2>&1 ||
    { tail -n 30 "$build/fuzz-build.log" >&2; exit 1; }
mkdir -p "$build/fuzz-corpus" "$build/fuzz-artifacts"

status=0
for target in fuzz_csv fuzz_model fuzz_predict; do
    name=${target#fuzz_}
    exe=$build/$target
    if [ ! -x "$exe" ]; then
        echo "$target: not built" >&2
        status=1
        continue
    fi

    # a fresh copy of the seeds, so the repository's corpus stays as is
    corpus=$build/fuzz-corpus/$name
    rm -rf "$corpus"
    mkdir -p "$corpus"
    if [ -d "$here/corpus_$name" ]; then
        cp -R "$here/corpus_$name/." "$corpus/"
    fi
    dict=
    [ -f "$here/$name.dict" ] && dict=-dict=$here/$name.dict

    # run; libFuzzer exits non-zero on a crash, leak, timeout or OOM
    log=$build/fuzz-artifacts/$target.log
    start=$(date +%s)
    set +e
    if [ "$jobs" -gt 1 ]; then
        "$exe" $dict -max_total_time="$seconds" -timeout=10 \
            -rss_limit_mb=2048 -max_len=65536 -jobs="$jobs" \
            -workers="$jobs" -print_final_stats=1 \
            -artifact_prefix="$build/fuzz-artifacts/$target-" \
            "$corpus" > "$log" 2>&1
    else
        "$exe" $dict -max_total_time="$seconds" -timeout=10 \
            -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
            -artifact_prefix="$build/fuzz-artifacts/$target-" \
            "$corpus" > "$log" 2>&1
    fi
    rc=$?
    set -e
    took=$(($(date +%s) - start))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
            awk '{ s += $1 } END { print s + 0 }')
    bad='ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|runtime error:'
    if [ "$rc" -eq 0 ] && ! grep -qE "$bad" "$log"; then
        echo "$target: ok, ${took} s, $execs runs," \
             "$(ls "$corpus" | wc -l) corpus files"
    else
        echo "$target: FAILED (exit $rc) after ${took} s, $execs runs;" \
             "log $log"
        grep -E 'ERROR|runtime error|SUMMARY|Test unit written' "$log" |
            head -n 10
        status=1
    fi
done
exit "$status"
