#!/usr/bin/env bash
# The image's hash tree at work: a fresh instance whose image holds a few
# files; then single-bit flips at random offsets of build/image.cimg, each
# on a fresh copy. A run either refuses the image at boot (non-zero, with a
# line on stderr), or every file it reads is either right or fails with an
# I/O error — never wrong content. Also: another instance's image and a
# truncated image are refused at boot with a message.
set -eu
cella="$1"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
instance="$scratch/instance"
"$cella" new "$instance" >/dev/null
"$cella" add -C "$instance" /bin/cat /bin/sh >/dev/null
head -c 300000 /dev/urandom | base64 >"$instance/image/big.txt"
echo "small file" >"$instance/image/small.txt"
seq 1 20000 >"$instance/image/numbers.txt"
"$cella" build -C "$instance" >/dev/null
image="$instance/build/image.cimg"
cp "$image" "$scratch/good.cimg"
size=$(stat -c %s "$image")
files="/big.txt /small.txt /numbers.txt"

fail() { echo "FAIL: $*"; exit 1; }

# Each file on its own run: a flip in one file does not hide the others.
check_files() {
  local label="$1"
  for file in $files; do
    local out="$scratch/out" err="$scratch/err"
    if "$cella" run -C "$instance" /bin/cat "$file" >"$out" 2>"$err"; then
      cmp -s "$out" "$instance/image$file" || fail "$label: $file read back wrong content"
    else
      grep -q "Input/output error\|hash\|image" "$err" || fail "$label: $file failed without a reason: $(cat "$err")"
    fi
  done
}

check_files "unchanged image"
detected=0
for round in $(seq 1 25); do
  cp "$scratch/good.cimg" "$image"
  offset=$(( (RANDOM * 32768 + RANDOM) % size ))
  bit=$(( RANDOM % 8 ))
  python3 - "$image" "$offset" "$bit" <<'PY'
import sys
path, offset, bit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "r+b") as f:
    f.seek(offset)
    byte = f.read(1)[0]
    f.seek(offset)
    f.write(bytes([byte ^ (1 << bit)]))
PY
  check_files "bit $bit of byte $offset flipped"
done
cp "$scratch/good.cimg" "$image"

# Another instance's image.
other="$scratch/other"
"$cella" new "$other" >/dev/null
"$cella" add -C "$other" /bin/cat >/dev/null
echo "other" >"$other/image/small.txt"
"$cella" build -C "$other" >/dev/null
cp "$other/build/image.cimg" "$image"
if "$cella" run -C "$instance" /bin/cat /small.txt >/dev/null 2>"$scratch/err"; then fail "another instance's image ran"; fi
grep -q "build/image.hash" "$scratch/err" || fail "another instance's image: $(cat "$scratch/err")"

# A truncated image.
cp "$scratch/good.cimg" "$image"
truncate -s -4096 "$image"
if "$cella" run -C "$instance" /bin/cat /small.txt >/dev/null 2>"$scratch/err"; then fail "a truncated image ran"; fi
grep -q "cut short" "$scratch/err" || fail "truncated image: $(cat "$scratch/err")"
echo "image integrity ok"
