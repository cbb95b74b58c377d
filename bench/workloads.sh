#!/usr/bin/env bash
# Copied from the project brief (shared/bench/run-workloads.sh): the reference workloads, as facts.
# Run one benchmark workload once, optionally under an emulator prefix.
#
# Usage:
#   EMU="<prefix command or empty>" bench/run-workloads.sh <workload>
#   bench/run-workloads.sh --list
#
# Examples:
#   bench/run-workloads.sh sha256                       # native
#   EMU="qemu-x86_64" bench/run-workloads.sh sha256
#   EMU="blink" bench/run-workloads.sh sha256           # Blink, JIT on (its default)
#   EMU="blink -j" bench/run-workloads.sh sha256        # Blink, interpreter only
#   EMU="node /path/bin/rustos run --root /" bench/run-workloads.sh sha256
#
# EMU is split on whitespace (no quoting, no globbing) and put in front of
# every guest command. Every guest program is a host Debian 12 binary named
# by absolute path. Input data is created natively (never under EMU), once,
# under $DATA; creation messages go to stderr. Stdout carries only the
# workload's own output.
#
# Timing: time the whole script, e.g.
#   /usr/bin/time -f '%e s' env EMU="qemu-x86_64" bench/run-workloads.sh gzip

set -euo pipefail

DATA=/tmp/rustos-bench-data
DATA_VERSION=v2
WORKLOADS="true sha256 gzip xz sort python perl sqlite dash-loop fork-exec"

# Fixed environment so every run does the same work.
export LC_ALL=C
export PATH=/usr/bin:/bin
unset LANG LANGUAGE PYTHONPATH PYTHONHOME PYTHONSTARTUP PERL5LIB PERL5OPT \
      GLIBC_TUNABLES LD_PRELOAD LD_LIBRARY_PATH 2>/dev/null || true

usage() {
  echo "usage: EMU=\"<prefix or empty>\" $0 <workload>" >&2
  echo "workloads: $WORKLOADS" >&2
  exit 2
}

# Deterministic input data, generated natively with the host's Python.
# Bytes come from SHAKE-256 streams with fixed seeds, so the files are the
# same on every machine; their sha256 sums are stable across machines.
make_data() {
  local tmp
  mkdir -p "$DATA"
  tmp=$(mktemp -d "$DATA/.gen.XXXXXX")
  echo "run-workloads: creating input data in $DATA ..." >&2
  /usr/bin/python3 -S - "$tmp" <<'PY'
import hashlib, sys, array

out = sys.argv[1]

def stream(seed, n):
    """n deterministic pseudo-random bytes."""
    return hashlib.shake_256(b"rustos-bench " + seed).digest(n)

def u16(seed, n):
    a = array.array("H", stream(seed, 2 * n))
    if sys.byteorder == "big":
        a.byteswap()
    return a

# 1) 32 MiB of pseudo-random bytes for sha256sum.
with open(out + "/random-32m.bin", "wb") as f:
    f.write(stream(b"random-32m v1", 32 << 20))

# A vocabulary of 4096 pronounceable pseudo-words, drawn with a Zipf-like
# skew (word k has weight ~ 1/(k+8)) so the text compresses like prose.
cons, vows = "bcdfghjklmnprstvwz", "aeiou"
vb = stream(b"vocab v1", 4096 * 16)
vocab = []
for k in range(4096):
    b = vb[16 * k:16 * k + 16]
    n = 1 + b[0] % 4                      # 1..4 syllables
    w = "".join(cons[b[1 + 2 * j] % len(cons)] + vows[b[2 + 2 * j] % len(vows)]
                for j in range(n))
    if b[15] % 3 == 0:
        w += cons[b[14] % len(cons)]
    vocab.append(w)
weights = [1.0 / (k + 8) for k in range(4096)]
total = sum(weights)
table, acc, k = [], 0.0, 0
for v in range(65536):                    # 16-bit value -> word (inverse CDF)
    x = (v + 0.5) / 65536 * total
    while acc + weights[k] < x and k < 4095:
        acc += weights[k]
        k += 1
    table.append(vocab[k])

# 2) 16 MiB text: words separated by spaces, ~1 line break per 12 words,
#    occasional punctuation. Cut to exactly 16 MiB.
size = 16 << 20
words = u16(b"text-16m words v1", 3_400_000)
seps = stream(b"text-16m seps v1", 3_400_000)
sep_of = [" "] * 256
for i in range(0, 21):
    sep_of[i] = "\n"
for i in range(21, 31):
    sep_of[i] = ", "
for i in range(31, 38):
    sep_of[i] = ". "
text = "".join([table[w] + sep_of[s] for w, s in zip(words, seps)])
data = text.encode("ascii")
assert len(data) >= size, len(data)
with open(out + "/text-16m.txt", "wb") as f:
    f.write(data[:size])

# 3) 1M lines for sort: "<word> <word> <number>".
n = 1_000_000
w1 = u16(b"lines-1m w1 v1", n)
w2 = u16(b"lines-1m w2 v1", n)
num = array.array("I", stream(b"lines-1m num v1", 4 * n))
if sys.byteorder == "big":
    num.byteswap()
with open(out + "/lines-1m.txt", "w") as f:
    f.write("".join([table[a] + " " + table[b] + " " + str(c % 1000000) + "\n"
                     for a, b, c in zip(w1, w2, num)]))
PY
  # 4) .xz of the 16 MiB text (single-threaded, preset 6: deterministic).
  /usr/bin/xz -T1 -6 -c "$tmp/text-16m.txt" > "$tmp/text-16m.txt.xz"
  mv -f "$tmp"/random-32m.bin "$tmp"/text-16m.txt "$tmp"/text-16m.txt.xz \
        "$tmp"/lines-1m.txt "$DATA"/
  rmdir "$tmp"
  touch "$DATA/.complete-$DATA_VERSION"
  echo "run-workloads: data ready" >&2
}

[ $# -eq 1 ] || usage
[ "$1" = "--list" ] && { echo $WORKLOADS; exit 0; }

[ -f "$DATA/.complete-$DATA_VERSION" ] || make_data

# Split EMU on whitespace, without globbing.
set -f
read -r -a E <<< "${EMU:-}"
set +f

case "$1" in
  true)
    exec "${E[@]}" /bin/true ;;
  sha256)
    f="$DATA/random-32m.bin"
    exec "${E[@]}" /usr/bin/sha256sum "$f" "$f" "$f" ;;
  gzip)
    exec "${E[@]}" /usr/bin/gzip -6 -c "$DATA/text-16m.txt" > /dev/null ;;
  xz)
    f="$DATA/text-16m.txt.xz"
    exec "${E[@]}" /usr/bin/xz -T1 -d -c "$f" "$f" > /dev/null ;;
  sort)
    "${E[@]}" /usr/bin/sort --parallel=1 "$DATA/lines-1m.txt" | "${E[@]}" /usr/bin/md5sum ;;
  python)
    exec "${E[@]}" /usr/bin/python3.11 -S -c \
      'print(sum(i * i for i in range(20_000_000)))' ;;
  perl)
    exec "${E[@]}" /usr/bin/perl -e \
      'my $s = 0; for my $i (1 .. 20_000_000) { $s = ($s + $i * $i) % 4294967291 } print "$s\n";' ;;
  sqlite)
    exec "${E[@]}" /usr/bin/sqlite3 :memory: \
      'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000) SELECT sum(x) FROM c;' ;;
  dash-loop)
    exec "${E[@]}" /bin/dash -c \
      'i=0; while [ $i -lt 500000 ]; do i=$((i+1)); done; echo $i' ;;
  fork-exec)
    exec "${E[@]}" /bin/dash -c \
      'for i in $(seq 400); do /bin/true; done' ;;
  *)
    usage ;;
esac
