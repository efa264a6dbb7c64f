# test_hostile.sh -- hostile input through the tools: malformed, huge,
# binary, compressed and mislabelled CSV files; bad option values;
# outputs that cannot be written; damaged and strange model files; a
# locale with a decimal comma.  Each must end with the documented status
# and a message naming the file (and line and column where there is one),
# never with a crash, a hang or a NaN on the output.
. "$(dirname "$0")/lib.sh"

# says WHAT REGEX: the last command's stderr matches REGEX (extended, any
# case).
says() {
    if grep -qiE -- "$2" "$T/err"; then pass; else
        fail "stderr does not say $1: $(head -c 300 "$T/err")"
    fi
}

# no_nan FILE: FILE holds no NaN or infinity.
no_nan() {
    if grep -qiE 'nan|inf' "$1"; then
        fail "NaN or infinity in $(basename "$1"): $(grep -iE 'nan|inf' \
            "$1" | head -n 3 | tr '\n' ' ')"
    else pass; fi
}

# numbers FILE: every field of FILE (CSV) after its header is a number.
numbers() {
    if awk -F, 'NR > 1 { for (i = 1; i <= NF; i++)
        if ($i !~ /^-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?$/) bad = 1 }
        END { exit bad || NR < 2 }' "$1"; then pass; else
        fail "not all numbers in $(basename "$1"): $(head -n 3 "$1")"
    fi
}

# train_bad FILE STATUS PLACE [REGEX]: mlptrain refuses FILE with STATUS
# and a message containing PLACE (file:line:col) and matching REGEX.
train_bad() {
    expect_status "$2" "$MLPTRAIN" -q -i "$1" -e 2 -o "$T/x.bin"
    expect_err "mlptrain: $3"
    if [ $# -ge 4 ]; then says "$4" "$4"; fi
}

P=$D/points.csv
"$MLPTRAIN" -q -i "$P" -e 30 -o "$T/good.bin"
cp "$T/good.bin" "$T/keep.bin"
C=$T/c
mkdir "$C"

# Empty, header only, ragged rows (both counts named, a hint for a
# trailing delimiter).
: > "$C/empty.csv"
train_bad "$C/empty.csv" 65 "$C/empty.csv" "no data|empty"
printf 'a,b,y\n' > "$C/header.csv"
train_bad "$C/header.csv" 65 "$C/header.csv" "no data|only a header"
printf 'a,b,y\n1,2,x\n1,2,y,\n' > "$C/trail.csv"
train_bad "$C/trail.csv" 65 "$C/trail.csv:3" "4 fields.*expected 3"
says "a trailing delimiter hint" "trailing"
printf 'a,b,y\n1,2,x\n1,2\n' > "$C/short.csv"
train_bad "$C/short.csv" 65 "$C/short.csv:3" "2 fields.*expected 3"

# Quotes: never closed (the error names the line that opened it, even
# when it would swallow the rest of the file), and a stray one.
printf 'a,b,y\n1,2,x\n3,"4,y\n' > "$C/open.csv"
train_bad "$C/open.csv" 65 "$C/open.csv:3" "never closed"
{ printf 'a,b,y\n1,2,x\n3,"4,y\n'
  awk 'BEGIN { for (i = 0; i < 5000; i++) print i ",2,x" }'; } \
    > "$C/swallow.csv"
train_bad "$C/swallow.csv" 65 "$C/swallow.csv:3" "never closed"
printf 'a,b,y\n1,2,x\n1,2"3,y\n' > "$C/stray.csv"
train_bad "$C/stray.csv" 65 "$C/stray.csv:3:2" "quote|'\"'"

# Binary and foreign text: a NUL byte, invalid UTF-8 in the header,
# UTF-16 with its byte order mark, duplicate column names.
printf 'a,b,y\n1,2,x\n1,\0002,y\n' > "$C/nul.csv"
train_bad "$C/nul.csv" 65 "$C/nul.csv:3:2" "NUL"
printf 'a\377,b,y\n1,2,x\n3,2,y\n' > "$C/latin.csv"
train_bad "$C/latin.csv" 65 "$C/latin.csv:1:1" "UTF-8"
printf '\377\376a\000,\000b\000\n\000' > "$C/utf16.csv"
train_bad "$C/utf16.csv" 65 "$C/utf16.csv" "UTF-16"
printf 'a,a,y\n1,2,x\n3,2,y\n' > "$C/dup.csv"
train_bad "$C/dup.csv" 65 "$C/dup.csv:1" "same name"

# Numbers that are not, each named at line 3 column 2 and quoted.
for v in '' nan inf -inf 0x1p3 1e400 2.5abc 1_000 ' 1' '1.5.2' '+-1'; do
    printf 'a,b,y\n1,2,x\n1,%s,y\n3,3,x\n' "$v" > "$C/num.csv"
    train_bad "$C/num.csv" 65 "$C/num.csv:3:2: expected a number, got \"$v\""
done
printf 'a;b;y\n1;2;x\n1;1,5;y\n3;3;x\n' > "$C/comma.csv"
train_bad "$C/comma.csv" 65 "$C/comma.csv:3:2: expected a number, got \"1,5\""

# Long lines: a 10 MB number, and a 10 MB class label, which no model
# file can hold (4096 bytes at most): it must be refused while reading
# the CSV, naming its place, not after training.
{ printf 'a,b,y\n1,2,x\n3,'; head -c 10000000 /dev/zero | tr '\0' 7
  printf ',y\n5,6,x\n'; } > "$C/longnum.csv"
train_bad "$C/longnum.csv" 65 "$C/longnum.csv:3:2" "range"
{ printf 'a,b,y\n1,2,x\n3,4,'; head -c 10000000 /dev/zero | tr '\0' L
  printf '\n5,6,x\n'; } > "$C/longlabel.csv"
cp "$T/good.bin" "$T/m.bin"
expect_status 65 "$MLPTRAIN" -i "$C/longlabel.csv" -e 1 -o "$T/m.bin"
expect_err "mlptrain: $C/longlabel.csv:3:3"
check "a 10 MB label is refused before training ($(head -c 150 "$T/err"))" \
    sh -c '! grep -q "^epoch" "$1"' sh "$T/err"
check "the model is untouched after a 10 MB label" same "$T/m.bin" \
    "$T/good.bin"

# 100,000 columns: a valid row that loads.  mlppredict picks its two
# features out of it by name; mlptrain refuses so wide an input layer
# cleanly, naming the width.
{ printf 'x1,x2'; seq -f ',c%.0f' 3 100000 | tr -d '\n'; echo
  for r in 0.25,-0.5,a 1,2,b -3,0.125,a; do
      printf '%s' "${r%,*}"; yes ',7' | head -n 99997 | tr -d '\n'
      echo ",${r##*,}"
  done; } > "$C/wide.csv"
expect_status 0 "$MLPPREDICT" -q -m "$T/good.bin" -i "$C/wide.csv"
check "100,000 columns: 3 predictions" test "$(wc -l < "$T/out")" -eq 3
set +e
"$MLPTRAIN" -q -i "$C/wide.csv" -e 1 -o "$T/x.bin" 2> "$T/err"
rc=$?
set -e
check "100,000 features: refused with 64, 65 or 71, got $rc" \
    test "$rc" -eq 64 -o "$rc" -eq 65 -o "$rc" -eq 71
says "the width and the limit" "99999.*65536"
check "no model from refused inputs" test ! -e "$T/x.bin"

# A constant column trains without NaN.
awk 'BEGIN { print "a,c,y"; for (i = 0; i < 40; i++)
    printf "%d,5,%s\n", i, (i % 2 ? "odd" : "even") }' > "$C/const.csv"
expect_status 0 "$MLPTRAIN" -q -i "$C/const.csv" -e 20 -o "$T/const.bin"
expect_status 0 "$MLPPREDICT" -q -p -m "$T/const.bin" -i "$C/const.csv"
no_nan "$T/out"
numbers "$T/out"

# gzip damaged four ways, and other compressors named by their magic.
gzip -c "$P" > "$C/ok.gz"
size=$(wc -c < "$C/ok.gz")
head -c $((size - 10)) "$C/ok.gz" > "$C/cut.gz"
train_bad "$C/cut.gz" 65 "$C/cut.gz" "truncated|unexpected end"
cp "$C/ok.gz" "$C/flip.gz"
printf '\125' | dd of="$C/flip.gz" bs=1 seek=$((size / 2)) conv=notrunc \
    2> /dev/null
train_bad "$C/flip.gz" 65 "$C/flip.gz" "corrupt|gzip"
cp "$C/ok.gz" "$C/crc.gz"
printf '\0\0\0\0' | dd of="$C/crc.gz" bs=1 seek=$((size - 8)) \
    conv=notrunc 2> /dev/null
train_bad "$C/crc.gz" 65 "$C/crc.gz" "CRC|check"
cp "$C/ok.gz" "$C/junk.gz"
printf 'junk after' >> "$C/junk.gz"
train_bad "$C/junk.gz" 65 "$C/junk.gz" "junk|trailing|after"
printf '\050\265\057\375rest' > "$C/data.zst"
train_bad "$C/data.zst" 65 "$C/data.zst" "zstd"
printf '\375\067\172\130\132\000rest' > "$C/data.xz"
train_bad "$C/data.xz" 65 "$C/data.xz" "xz"
printf 'BZh91AY&SYrest' > "$C/data.bz2"
train_bad "$C/data.bz2" 65 "$C/data.bz2" "bzip2"
printf 'PK\003\004rest' > "$C/data.zip"
train_bad "$C/data.zip" 65 "$C/data.zip" "zip"
expect_status 65 "$MLPPREDICT" -m "$T/good.bin" -i "$C/data.zst"
expect_err "$C/data.zst"

# Option values.
for bad in "-h 2x" "-e -1" "-r nan" "-j 0" "-h 70000" "-b 1e3"; do
    expect_status 64 "$MLPTRAIN" -i "$P" ${bad} -o "$T/x.bin"
    expect_err "option ${bad% *}"
done

# Outputs: a missing folder, the input itself, a read-only folder.
expect_status 73 "$MLPTRAIN" -q -i "$P" -e 1 -o "$T/none/m.bin"
expect_err "$T/none"
cp "$P" "$C/in.csv"
expect_status 73 "$MLPTRAIN" -q -i "$C/in.csv" -e 1 -o "$C/in.csv"
check "the input is unchanged" same "$C/in.csv" "$P"
if [ "$(id -u)" -eq 0 ]; then
    echo "skipped: read-only folder (root may write anywhere)"
else
    mkdir "$T/ro"
    chmod 555 "$T/ro"
    expect_status 73 "$MLPTRAIN" -q -i "$P" -e 1 -o "$T/ro/m.bin"
    expect_err "$T/ro"
    chmod 755 "$T/ro"
fi

# mlppredict: rows of the wrong width name their line, and nothing that
# was printed is NaN; finite but extreme values give no NaN either.
printf '1,2\n3\n' > "$C/narrow.csv"
expect_status 65 "$MLPPREDICT" -m "$T/good.bin" -i "$C/narrow.csv"
expect_err "$C/narrow.csv:2: 1 fields, expected 2"
no_nan "$T/out"
printf '1,2\n3,4,5,6\n' > "$C/broad.csv"
expect_status 65 "$MLPPREDICT" -m "$T/good.bin" -i "$C/broad.csv"
expect_err "$C/broad.csv:2: 4 fields, expected 2"
printf '3.4e38,-3.4e38\n-3.4e38,3.4e38\n3.4e38,3.4e38\n1e30,-1e30\n' \
    > "$C/extreme.csv"
expect_status 0 "$MLPPREDICT" -q -p -m "$T/good.bin" -i "$C/extreme.csv"
no_nan "$T/out"
"$MLPTRAIN" -q -i "$D/sine.csv" -h 16,16 -a relu -e 50 -o "$T/sine.bin"
printf 'x\n3.4e38\n-3.4e38\n1e37\n' > "$C/extreme1.csv"
expect_status 0 "$MLPPREDICT" -q -m "$T/sine.bin" -i "$C/extreme1.csv"
no_nan "$T/out"

# A reader that leaves early ends the output quietly; a full disk is
# reported once, with 74.
awk -F, 'NR > 1 { for (k = 0; k < 100; k++) print $1 "," $2 }' "$P" \
    > "$C/many.csv"
set +e
"$MLPPREDICT" -m "$T/good.bin" -i "$C/many.csv" 2> "$T/err" | head -n 1 \
    > /dev/null
set -e
check "| head -1: nothing on stderr ($(head -c 200 "$T/err"))" \
    test ! -s "$T/err"
expect_status 74 sh -c '"$1" -m "$2" -i "$3" > /dev/full' sh \
    "$MLPPREDICT" "$T/good.bin" "$P"
says "no space" "no space"
check "a full disk is reported once ($(tr '\n' '|' < "$T/err"))" \
    test "$(wc -l < "$T/err")" -eq 1
expect_status 74 "$MLPPREDICT" -m "$T/good.bin" -i "$P" -o /dev/full
expect_err "/dev/full"

# Models: truncated, a flipped bit, a folder, a FIFO (which must not
# hang), /dev/zero, byte-swapped words, and big-endian header fields
# with a good checksum.
M=$T/models
mkdir "$M"
size=$(wc -c < "$T/good.bin")
head -c $((size - 7)) "$T/good.bin" > "$M/cut.bin"
expect_status 65 "$MLPPREDICT" -m "$M/cut.bin" -i "$P"
expect_err "$M/cut.bin"
says "truncated" "truncat"
cp "$T/good.bin" "$M/bit.bin"
byte=$(od -An -tu1 -j $((size / 2)) -N1 "$M/bit.bin" | tr -d ' ')
printf "\\$(printf '%03o' $((byte ^ 4)))" |
    dd of="$M/bit.bin" bs=1 seek=$((size / 2)) conv=notrunc 2> /dev/null
check "one bit differs" sh -c '! cmp -s "$1" "$2"' sh "$M/bit.bin" \
    "$T/good.bin"
expect_status 65 "$MLPPREDICT" -m "$M/bit.bin" -i "$P"
expect_err "$M/bit.bin"
says "corrupted" "corrupt|checksum"
mkdir "$M/dir.bin"
expect_status 66 "$MLPPREDICT" -m "$M/dir.bin" -i "$P"
expect_err "$M/dir.bin"
says "a folder" "folder|director"
mkfifo "$M/fifo.bin"
expect_status 66 timeout 5 "$MLPPREDICT" -m "$M/fifo.bin" -i "$P"
expect_err "$M/fifo.bin"
says "a pipe" "pipe|fifo|regular"
expect_status 66 timeout 5 "$MLPPREDICT" -m /dev/zero -i "$P"
expect_err "/dev/zero"
says "a device" "device|regular"
dd if="$T/good.bin" of="$M/swapped.bin" conv=swab 2> /dev/null
expect_status 65 "$MLPPREDICT" -m "$M/swapped.bin" -i "$P"
expect_err "$M/swapped.bin"
says "not a model" "not an? .*model|byte order|magic"
head -c 8 "$T/good.bin" > "$M/big-endian.bin"
printf '\000\000\000\001\000\000\000\030' >> "$M/big-endian.bin"
tail -c +17 "$T/good.bin" >> "$M/big-endian.bin"
expect_status 65 "$MLPPREDICT" -m "$M/big-endian.bin" -i "$P"
expect_err "$M/big-endian.bin"
says "byte order or version" "byte order|big-endian|version|corrupt"
expect_status 65 "$MLPTRAIN" -q -i "$P" --init "$M/bit.bin" -o "$T/x.bin"
expect_err "$M/bit.bin"

# The locale: a decimal-comma locale changes neither how 1.5 is read nor
# how numbers are printed.  One is built with localedef when none is
# installed.
loc=$(locale -a 2> /dev/null | grep -iE '^(de_DE|fr_FR|nl_NL)\.utf-?8$' |
      head -n 1 || true)
if [ -z "$loc" ] && command -v localedef > /dev/null &&
    mkdir -p "$T/locale" &&
    localedef -i de_DE -f UTF-8 "$T/locale/de_DE.UTF-8" > /dev/null 2>&1
then
    export LOCPATH=$T/locale
    loc=de_DE.UTF-8
fi
if [ -n "$loc" ] &&
    [ "$(LC_ALL=$loc /usr/bin/printf '%.1f' 1.5 2> /dev/null)" = "1,5" ]
then
    LC_ALL=C "$MLPTRAIN" -q -i "$D/sine.csv" -e 20 -o "$T/loc-c.bin"
    LC_ALL=$loc "$MLPTRAIN" -q -i "$D/sine.csv" -e 20 -o "$T/loc-x.bin"
    check "LC_ALL=$loc: the same model" same "$T/loc-c.bin" "$T/loc-x.bin"
    LC_ALL=C "$MLPPREDICT" -q -p -m "$T/good.bin" -i "$P" > "$T/pc.txt"
    LC_ALL=$loc "$MLPPREDICT" -q -p -m "$T/good.bin" -i "$P" > "$T/px.txt"
    check "LC_ALL=$loc: the same -p output" same "$T/pc.txt" "$T/px.txt"
    numbers "$T/px.txt"
    printf 'a,b,y\n1.5,2,x\n2.5,1,y\n1,5,x\n' > "$C/dot.csv"
    LC_ALL=$loc "$MLPTRAIN" -q -i "$C/dot.csv" -e 5 -o "$T/dot-x.bin"
    LC_ALL=C "$MLPTRAIN" -q -i "$C/dot.csv" -e 5 -o "$T/dot-c.bin"
    check "LC_ALL=$loc reads 1.5 as C does" same "$T/dot-c.bin" \
        "$T/dot-x.bin"
    unset LOCPATH
else
    echo "skipped: no decimal-comma locale could be found or built"
fi

# Round trips: the same run gives the same bytes whatever the threads;
# -p output reads back as numbers, none NaN.
"$MLPTRAIN" -q -i "$D/iris.csv" -e 30 -j 1 -o "$T/r1.bin"
"$MLPTRAIN" -q -i "$D/iris.csv" -e 30 -j 2 -o "$T/r2.bin"
check "the same model with 1 and 2 threads" same "$T/r1.bin" "$T/r2.bin"
"$MLPTRAIN" -q -i "$D/iris.csv" -e 30 --init "$T/r1.bin" -o "$T/r3.bin"
expect_status 0 "$MLPPREDICT" -q -p -m "$T/r3.bin" -i "$D/iris.csv"
numbers "$T/out"
no_nan "$T/out"
check "the kept model was never touched" same "$T/keep.bin" "$T/good.bin"

finish
