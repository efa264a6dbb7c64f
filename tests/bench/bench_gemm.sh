#!/bin/sh
# bench_gemm.sh -- build and run the matrix-product benchmark.
#
# Usage: tests/bench/bench_gemm.sh [BUILD_DIR] [--quick]
# Links tests/bench/bench_gemm.c against BUILD_DIR/libmlp.a (default
# /work/main/build) and, when pkg-config finds OpenBLAS, against it too,
# pinned to one thread so that it is compared core for core.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=/work/main/build
quick=
for arg in "$@"; do
    case $arg in
    --quick) quick=--quick ;;
    *) build=$arg ;;
    esac
done
lib=$build/libmlp.a
if [ ! -f "$lib" ]; then
    echo "bench_gemm.sh: $lib not found; build the project first" >&2
    exit 1
fi

blas_flags=
if pkg-config --exists openblas 2>/dev/null; then
    blas_flags="-DHAVE_OPENBLAS $(pkg-config --cflags --libs openblas)"
else
    echo "bench_gemm.sh: OpenBLAS not found, timing mlp_gemm only" >&2
fi

exe=$(mktemp "${TMPDIR:-/tmp}/bench_gemm.XXXXXX")
trap 'rm -f "$exe"' EXIT
# shellcheck disable=SC2086  # blas_flags is a list of words
${CC:-cc} -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -I"$src/src" \
    -I"$src/include" -o "$exe" "$here/bench_gemm.c" "$lib" $blas_flags \
    -lpthread -lm
OPENBLAS_NUM_THREADS=1 "$exe" $quick
