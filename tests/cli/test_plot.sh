# test_plot.sh -- mlpplot from the command line: pictures of the right
# kind and size, atomic output, and the exit status of every misuse.
. "$(dirname "$0")/lib.sh"

# png_size FILE: "WIDTHxHEIGHT" from the IHDR chunk, or "bad" when FILE
# does not start with the PNG signature and an IHDR.
png_size() {
    sig=$(od -An -tx1 -N16 "$1" | tr -d ' \n')
    case $sig in
    89504e470d0a1a0a0000000d49484452) ;;
    *) echo bad; return ;;
    esac
    set -- $(od -An -tu1 -j16 -N8 "$1")
    w=$(( ($1 << 24) + ($2 << 16) + ($3 << 8) + $4 ))
    h=$(( ($5 << 24) + ($6 << 16) + ($7 << 8) + $8 ))
    echo "${w}x$h"
}

# expect_png FILE WxH: FILE is a PNG of that size.
expect_png() {
    got=$(png_size "$1" 2>/dev/null || echo missing)
    if [ "$got" = "$2" ]; then pass; else
        fail "$1: expected a ${2} PNG, got $got"
    fi
}

# expect_file_has FILE TEXT
expect_file_has() {
    if grep -qF -- "$2" "$1"; then pass; else fail "$1 lacks '$2'"; fi
}

# A model and a log to draw.
expect_status 0 "$MLPTRAIN" -i "$D/points.csv" -h 4 -e 300 -o "$T/m.bin" \
    --log "$T/log.csv" -q

# Regions, as PNG at the default and a given size, with unit panels.
expect_status 0 "$MLPPLOT" -m "$T/m.bin" -i "$D/points.csv" -o "$T/r.png"
expect_png "$T/r.png" 640x480
expect_err "accuracy"
expect_status 0 "$MLPPLOT" -m "$T/m.bin" -i "$D/points.csv" \
    -o "$T/big.png" --size 800x600 -q
expect_png "$T/big.png" 800x600
[ -s "$T/err" ] && fail "-q printed: $(cat "$T/err")" || pass
expect_status 0 "$MLPPLOT" -m "$T/m.bin" -i "$D/points.csv" \
    -o "$T/u.png" --units
case $(png_size "$T/u.png") in
*x480) w=$(png_size "$T/u.png"); w=${w%x*}
       [ "$w" -gt 640 ] && pass || fail "--units did not widen: $w" ;;
*) fail "--units: not a PNG of height 480" ;;
esac
expect_status 0 "$MLPPLOT" -m "$T/m.bin" -o "$T/nopoints.png"
expect_png "$T/nopoints.png" 640x480

# Regions as SVG: points as circles, labels as text, shading embedded.
expect_status 0 "$MLPPLOT" -m "$T/m.bin" -i "$D/points.csv" -o "$T/r.svg"
expect_file_has "$T/r.svg" '<svg xmlns="http://www.w3.org/2000/svg"'
expect_file_has "$T/r.svg" 'width="640" height="480"'
expect_file_has "$T/r.svg" 'data:image/png;base64,'
expect_file_has "$T/r.svg" '>blue</text>'
expect_file_has "$T/r.svg" '>x1</text>'
n=$(grep -c '<circle' "$T/r.svg")
[ "$n" -ge 300 ] && pass || fail "SVG has $n circles for 300 points"
[ "$(tail -n 1 "$T/r.svg")" = "</svg>" ] && pass || fail "SVG not closed"

# PNG to standard output.
"$MLPPLOT" -m "$T/m.bin" -i "$D/points.csv" -o - -q >"$T/stdout.png" \
    && pass || fail "-o - failed"
expect_png "$T/stdout.png" 640x480

# More features, chosen axes; a regression as its fitted curve.
expect_status 0 "$MLPTRAIN" -i "$D/iris.csv" -h 4 -e 50 -o "$T/iris.bin" -q
expect_status 0 "$MLPPLOT" -m "$T/iris.bin" -i "$D/iris.csv" \
    --axes petal_length,petal_width -o "$T/iris.png"
expect_png "$T/iris.png" 640x480
expect_status 0 "$MLPPLOT" -m "$T/iris.bin" -i "$D/iris.csv" --axes 3,1 \
    -o "$T/iris.svg"
expect_file_has "$T/iris.svg" '>petal_length</text>'
expect_status 0 "$MLPTRAIN" -i "$D/sine.csv" -h 8 -e 50 -o "$T/sine.bin" -q
expect_status 0 "$MLPPLOT" -m "$T/sine.bin" -i "$D/sine.csv" \
    -o "$T/sine.png"
expect_png "$T/sine.png" 640x480

# The label found by the model's name for it, wherever the column is.
printf 'label,x2,x1\nblue,0.2,0.1\nred,0.5,0.5\n' >"$T/moved.csv"
expect_status 0 "$MLPPLOT" -m "$T/m.bin" -i "$T/moved.csv" -o "$T/mv.png"
expect_err "on 2 points"

# Labels the model does not know are drawn and counted, not refused.
printf 'x1,x2,label\n0.1,0.2,blue\n0.5,0.5,green\n' >"$T/odd.csv"
expect_status 0 "$MLPPLOT" -m "$T/m.bin" -i "$T/odd.csv" -o "$T/odd.png"
expect_err "does not know"

# Training curves.
expect_status 0 "$MLPPLOT" --curve "$T/log.csv" -o "$T/c.png"
expect_png "$T/c.png" 640x480
expect_status 0 "$MLPPLOT" --curve "$T/log.csv" -o "$T/c.svg" \
    --size 500x400
expect_file_has "$T/c.svg" 'width="500" height="400"'
expect_file_has "$T/c.svg" '>epoch</text>'

# Help and version.
expect_status 0 "$MLPPLOT" --help
for opt in --model --input --output --axes --units --curve --size \
           --delimiter --header --no-header --label --quiet --version; do
    expect_out "$opt"
done
expect_out "default: 640x480"
expect_status 0 "$MLPPLOT" --version
expect_out "mlpplot "

# Misuse: exit 64 with a message.
expect_status 64 "$MLPPLOT" -m "$T/m.bin"
expect_err "-o FILE"
expect_status 64 "$MLPPLOT" -m "$T/m.bin" -o "$T/x.jpg"
expect_err ".png or .svg"
expect_status 64 "$MLPPLOT" -m "$T/m.bin" -o "$T/x.png" --size 640
expect_status 64 "$MLPPLOT" -m "$T/m.bin" -o "$T/x.png" --size 10x10
expect_status 64 "$MLPPLOT" -m "$T/m.bin" -o "$T/x.png" --axes x1
expect_status 64 "$MLPPLOT" -m "$T/m.bin" -o "$T/x.png" --axes x1,x1
expect_status 64 "$MLPPLOT" -m "$T/m.bin" -o "$T/x.png" --axes x1,nosuch
expect_err "nosuch"
expect_status 64 "$MLPPLOT" --curve "$T/log.csv" -m "$T/m.bin" -o "$T/x.png"
expect_status 64 "$MLPPLOT" -o "$T/x.png"
expect_status 64 "$MLPPLOT" --bogus
expect_status 64 "$MLPPLOT" -m "$T/m.bin" -o "$T/x.png" extra
expect_status 0 "$MLPTRAIN" -i "$D/xor.csv" --task regress -h 2 -e 5 \
    -o "$T/reg2.bin" -q
expect_status 64 "$MLPPLOT" -m "$T/reg2.bin" -o "$T/x.png"
expect_err "regions need a classification model"

# Bad data (65), missing inputs (66), unwritable output (73).
printf 'not a model\n' >"$T/junk.bin"
expect_status 65 "$MLPPLOT" -m "$T/junk.bin" -o "$T/x.png"
printf 'a,b\n1,2\n' >"$T/junk.csv"
expect_status 65 "$MLPPLOT" --curve "$T/junk.csv" -o "$T/x.png"
printf 'x1,x2,label\n0.1,abc,blue\n0.3,0.4,red\n' >"$T/badpts.csv"
expect_status 65 "$MLPPLOT" -m "$T/m.bin" -i "$T/badpts.csv" -o "$T/x.png"
expect_err "badpts.csv:2:2"
expect_status 66 "$MLPPLOT" -m "$T/nosuch.bin" -o "$T/x.png"
expect_status 66 "$MLPPLOT" -m "$T/m.bin" -i "$T/nosuch.csv" -o "$T/x.png"
expect_status 66 "$MLPPLOT" --curve "$T/nosuch.csv" -o "$T/x.png"
[ -e "$T/x.png" ] && fail "a failed run left x.png" || pass
expect_status 73 "$MLPPLOT" -m "$T/m.bin" -o "$T/no/such/dir/x.png"
cp "$T/log.csv" "$T/log.svg"
expect_status 73 "$MLPPLOT" --curve "$T/log.svg" -o "$T/log.svg"
cmp -s "$T/log.csv" "$T/log.svg" && pass || fail "the input was overwritten"

# A full disk is an I/O error.
if [ -w /dev/full ]; then
    set +e; "$MLPPLOT" -m "$T/m.bin" -o - >/dev/full 2>"$T/err"; got=$?
    set -e
    [ "$got" -eq 74 ] && pass || fail "-o - to /dev/full exited $got"
fi

# A failed run leaves an existing picture as it was, and no temporaries.
printf 'old' >"$T/keep.png"
expect_status 65 "$MLPPLOT" -m "$T/junk.bin" -o "$T/keep.png"
[ "$(cat "$T/keep.png")" = old ] && pass || fail "keep.png was changed"
ls "$T" | grep -q '\.tmp' && fail "temporary files left: $(ls "$T")" || pass

finish
