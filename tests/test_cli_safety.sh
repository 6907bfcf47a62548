#!/usr/bin/env bash
# Hostile input and output safety of the dnmf command (docs/reliability.md): every case
# ends with exit 2 and one line naming the file or option and the problem — or, for
# output paths, with the documented behaviour — and no output or temporary file is
# damaged or left behind. One block per defect of the reliability issue.
set -uo pipefail
dnmf=$1
data=${DNMF_DATASETS:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pass=0
check() {  # check NAME CONDITION...
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name" >&2; fail=$((fail + 1)); fi
}
expect_error() {  # expect_error NAME EXPECTED_CODE PATTERN -- command...
  local name=$1 code=$2 pattern=$3; shift 4
  local out rc
  out=$("$@" 2>&1 >/dev/null); rc=$?
  if [ "$rc" -ne "$code" ]; then echo "FAIL: $name: exit $rc, expected $code ($out)" >&2; fail=$((fail + 1)); return; fi
  if ! grep -q -- "$pattern" <<<"$out"; then echo "FAIL: $name: stderr '$out' lacks '$pattern'" >&2; fail=$((fail + 1)); return; fi
  if [ "$(printf '%s\n' "$out" | wc -l)" -ne 1 ]; then echo "FAIL: $name: expected one stderr line, got: $out" >&2; fail=$((fail + 1)); return; fi
  pass=$((pass + 1))
}
no_temporaries() { test -z "$(find "$tmp" -name '.dnmf-*' -print -quit)"; }

iris=$data/iris/X.mtx
truth=$data/iris/labels.txt
karate=$data/karate/edges.txt

# 1. Empty and comment-only graphs: a clear error, never a crash.
: >"$tmp/empty.txt"
printf '# only a comment\n%% and another\n' >"$tmp/comments.txt"
expect_error "graph stats of /dev/null" 2 "/dev/null: holds no edges" -- "$dnmf" graph stats /dev/null --json
expect_error "graph stats of a comment-only list" 2 "comments.txt: holds no edges" -- "$dnmf" graph stats "$tmp/comments.txt"
expect_error "graph cluster of an empty list" 2 "empty.txt: holds no edges" -- "$dnmf" graph cluster "$tmp/empty.txt" -k 2

# 2. Data whose squared norms overflow is refused up front (it used to hang).
printf '%%%%MatrixMarket matrix coordinate real general\n3 1 3\n1 1 1e155\n2 1 1\n3 1 2\n' >"$tmp/big.mtx"
expect_error "knn on overflowing data" 2 "big.mtx: the data's sum of squares overflows" -- \
  timeout 20 "$dnmf" knn "$tmp/big.mtx" --out "$tmp/g.mtx" -p 1
expect_error "danmf on overflowing data" 2 "big.mtx: danmf: the data's sum of squares overflows" -- \
  timeout 20 "$dnmf" cluster "$tmp/big.mtx" -k 1 --model danmf --layers 2 --normalize none -p 1
printf '%%%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1e308\n2 2 1\n' >"$tmp/huge_values.mtx"
expect_error "1e308 data is an input error" 2 "huge_values.mtx" -- "$dnmf" cluster "$tmp/huge_values.mtx" -k 1
check "no graph written" test ! -e "$tmp/g.mtx"

# 3. Outputs that are not regular files: devices written through, links followed, - = stdout.
if [ "$(id -u)" -eq 0 ]; then note_root="(as root)"; else note_root="(not root)"; fi
"$dnmf" cluster "$iris" -k 3 --quiet --out /dev/null >/dev/null
check "/dev/null stays a character device $note_root" test -c /dev/null
out=$("$dnmf" cluster "$iris" -k 3 --quiet --out /dev/full 2>&1 >/dev/null); rc=$?
check "/dev/full: exit 2 naming it ($out)" bash -c "[ $rc -eq 2 ] && grep -q '/dev/full' <<<'$out'"
check "/dev/full stays a character device" test -c /dev/full
echo old >"$tmp/real.txt"
ln -s real.txt "$tmp/link.txt"
"$dnmf" cluster "$iris" -k 3 --quiet --out "$tmp/link.txt" >/dev/null
check "a symlink given to --out stays a link" test -L "$tmp/link.txt"
check "its target receives the labels" test "$(wc -l <"$tmp/real.txt")" -eq 150
labels=$("$dnmf" cluster "$iris" -k 3 --quiet --out - 2>"$tmp/summary.txt")
check "--out - writes the labels to stdout" test "$(wc -l <<<"$labels")" -eq 150
check "--out - creates no file named -" test ! -e ./-
check "with --out - the summary goes to stderr" grep -q '^nmf: ' "$tmp/summary.txt"

# 4. Multi-output commands are atomic as a group.
mkdir "$tmp/p.H.mtx"
expect_error "factorize with PREFIX.H.mtx a directory" 2 "p.H.mtx: is a directory" -- \
  "$dnmf" factorize "$iris" --rank 2 --out "$tmp/p" --quiet
check "factorize left no PREFIX.W.mtx" test ! -e "$tmp/p.W.mtx"
echo keep >"$tmp/m.model"
mkdir "$tmp/ro" && echo keep >"$tmp/ro/l.txt" && chmod 0555 "$tmp/ro"
if [ "$(id -u)" -ne 0 ]; then
  expect_error "cluster with an unwritable --out" 2 "cannot create files in" -- \
    "$dnmf" cluster "$iris" -k 3 --model danmf --save-model "$tmp/m.model" --out "$tmp/ro/l.txt" -q
  check "the model file was not replaced" grep -qx keep "$tmp/m.model"
fi
chmod 0755 "$tmp/ro"
# SIGTERM while the finished files wait to be committed: no temporary survives and
# neither output changes (the pause is a test hook of the tool).
echo keep >"$tmp/l.txt"
DNMF_TEST_PAUSE_BEFORE_COMMIT=30 "$dnmf" cluster "$iris" -k 3 --model danmf --layers 6,4 --pretrain-iter 5 \
  --iter 5 --save-model "$tmp/m.model" --out "$tmp/l.txt" -q >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do [ -n "$(find "$tmp" -maxdepth 1 -name '.dnmf-*' -print -quit)" ] && break; sleep 0.1; done
check "temporaries exist while the commit waits" test -n "$(find "$tmp" -maxdepth 1 -name '.dnmf-*' -print -quit)"
kill -TERM "$pid"; wait "$pid"; rc=$?
check "SIGTERM ended the process (status $rc)" test "$rc" -eq 143
check "no temporary survives SIGTERM" no_temporaries
check "--out unchanged after SIGTERM" grep -qx keep "$tmp/l.txt"
check "--save-model unchanged after SIGTERM" grep -qx keep "$tmp/m.model"
# SIGINT during the fit (job control on, so the background job does not ignore SIGINT).
set -m
"$dnmf" cluster "$data/digits/X.mtx" -k 10 --model danmf-crfr --out "$tmp/l.txt" -q >/dev/null 2>&1 &
pid=$!
set +m
sleep 1; kill -INT "$pid"; wait "$pid"; rc=$?
check "SIGINT ended the process (status $rc)" test "$rc" -eq 130
check "SIGINT during the fit leaves --out unchanged" grep -qx keep "$tmp/l.txt"
check "no temporary survives SIGINT" no_temporaries

# 5. Outputs that collide with an input or with each other are refused before any work.
cp "$iris" "$tmp/x.mtx"
expect_error "--out equal to the data" 2 "would overwrite the input DATA" -- "$dnmf" cluster "$tmp/x.mtx" -k 3 --out "$tmp/x.mtx"
check "the data file is intact" cmp -s "$iris" "$tmp/x.mtx"
ln -s x.mtx "$tmp/x_link.mtx"
expect_error "--out a link to the data" 2 "would overwrite the input" -- "$dnmf" cluster "$tmp/x.mtx" -k 3 --out "$tmp/x_link.mtx"
"$dnmf" cluster "$iris" -k 3 --model danmf --layers 6,4 --pretrain-iter 5 --iter 5 --save-model "$tmp/enc.model" -q >/dev/null
cp "$tmp/enc.model" "$tmp/enc.copy"
expect_error "transform --out equal to the model" 2 "would overwrite the input MODEL" -- \
  "$dnmf" transform "$tmp/enc.model" "$iris" --out "$tmp/enc.model"
check "the model file is intact" cmp -s "$tmp/enc.model" "$tmp/enc.copy"
cp "$truth" "$tmp/t.txt"
expect_error "--out equal to --labels" 2 "would overwrite the input --labels" -- \
  "$dnmf" cluster "$iris" -k 3 --labels "$tmp/t.txt" --out "$tmp/t.txt"
check "the labels file is intact" cmp -s "$truth" "$tmp/t.txt"
expect_error "--out equal to --save-model" 2 "name the same output file" -- \
  "$dnmf" cluster "$iris" -k 3 --model danmf --out "$tmp/same" --save-model "$tmp/same"
expect_error "graph cluster --out equal to the edges" 2 "would overwrite the input EDGES" -- \
  "$dnmf" graph cluster "$karate" -k 2 --out "$karate"

# 6. Output paths are checked before reading the data (here the data does not even exist).
expect_error "--out in a missing directory" 2 "directory /nodir does not exist" -- \
  "$dnmf" cluster "$tmp/absent.mtx" -k 2 --out /nodir/x.txt
expect_error "knn --out in a missing directory" 2 "does not exist" -- "$dnmf" knn "$tmp/absent.mtx" --out /nodir/g.mtx

# 7. What a header or an id may make us allocate is bounded (memory capped at 600 MB here).
# AddressSanitizer reserves terabytes of shadow memory and cannot start under ulimit -v:
# in a sanitizer build the caps are dropped (the checks below must then pass on their
# own merit) and the out-of-memory case, which needs the cap, is skipped.
if bash -c 'ulimit -v 600000; exec "$0" --version' "$dnmf" >/dev/null 2>&1; then
  capped() { local kb=$1; shift; bash -c "ulimit -v $kb; exec \"\$@\"" _ "$@"; }
  can_cap=1
else
  capped() { shift; "$@"; }
  can_cap=0
  echo "note: this dnmf cannot run under ulimit -v (sanitizer build); memory caps dropped" >&2
fi
printf '%%%%MatrixMarket matrix array real general\n20000 20000\n1\n2\n' >"$tmp/lie.mtx"
expect_error "3-line array declaring 20000 x 20000" 2 "lie.mtx:2:.*can hold" -- \
  capped 600000 "$dnmf" cluster "$tmp/lie.mtx" -k 2
printf '0 100000000\n' >"$tmp/bigid.txt"
expect_error "edge list with id 10^8" 2 "bigid.txt: node id 100000000 implies" -- \
  capped 600000 "$dnmf" graph stats "$tmp/bigid.txt"
head -c 300000000 /dev/zero | tr '\0' '7' | gzip -1 >"$tmp/longline.txt.gz"
expect_error "one 300 MB line in a small .gz" 2 "longline.txt.gz:1: line longer than" -- \
  capped 600000 "$dnmf" eval "$tmp/longline.txt.gz" "$tmp/longline.txt.gz"
expect_error "--max-memory refuses a big declared size" 2 "memory budget" -- \
  "$dnmf" cluster "$data/digits/X.mtx" -k 10 --max-memory 100K
if [ "$can_cap" -eq 1 ]; then
  expect_error "out of memory names the stage" 1 "out of memory while fitting danmf on" -- \
    capped 700000 "$dnmf" cluster "$iris" -k 3 --model danmf --layers 1000000,3 -q
fi

# 8. A model holding huge values: an input error, and no Inf ever written.
awk '/^W 1 / { w = NR } w && NR > w && NR <= w + 4 { for (i = 1; i <= NF; ++i) $i = "1.7e308" } { print }' \
  "$tmp/enc.model" >"$tmp/inf.model"
expect_error "transform with a 1.7e308 model" 2 "inf.model: the encoding overflows" -- \
  "$dnmf" transform "$tmp/inf.model" "$iris" --out "$tmp/H.mtx"
check "no H.mtx with Inf written" test ! -e "$tmp/H.mtx"

# 9. --iter 0: one rule for every model.
for m in nmf danmf dn2mfgl; do
  expect_error "--iter 0 $m" 2 "iter = 0 must satisfy 1 <= iter" -- "$dnmf" cluster "$iris" -k 3 --model $m --iter 0
done
expect_error "--iter 0 dasnmf" 2 "iter = 0 must satisfy" -- "$dnmf" graph cluster "$karate" -k 2 --model dasnmf --iter 0

# 10. A Matrix Market adjacency where an edge list is expected is read as the adjacency.
"$dnmf" knn "$iris" -p 5 --out "$tmp/g.mtx" -q >/dev/null
stats=$("$dnmf" graph stats "$tmp/g.mtx")
check "knn output read by graph stats: 150 nodes (no extra node 0)" grep -qx 'nodes: 150' <<<"$stats"

# 11. Messages.
gzip -c "$iris" | head -c 1500 >"$tmp/cut.mtx.gz"
expect_error "truncated .gz" 2 "cut.mtx.gz:.*truncated gzip stream" -- "$dnmf" cluster "$tmp/cut.mtx.gz" -k 2
gzip -c "$iris" >"$tmp/whole.mtx.gz"
head -c "$(($(stat -c %s "$tmp/whole.mtx.gz") - 8))" "$tmp/whole.mtx.gz" >"$tmp/notrailer.mtx.gz"
expect_error "missing gzip trailer" 2 "notrailer.mtx.gz:.*truncated gzip stream" -- "$dnmf" cluster "$tmp/notrailer.mtx.gz" -k 2
printf '0 1\n2147483647 0\n' >"$tmp/maxid.txt"
expect_error "node id 2^31 - 1" 2 "maxid.txt:2: node id 2147483647 is too large (the largest supported id is 2147483646" -- \
  "$dnmf" graph stats "$tmp/maxid.txt"
expect_error "--rank 2^31" 2 "rank = 2147483648 must satisfy 1 <= rank <= 2147483647" -- \
  "$dnmf" cluster "$iris" -k 3 --rank 2147483648
printf '%%%%MatrixMarket matrix coordinate real general\n0 4 0\n' >"$tmp/nothing.mtx"
expect_error "empty matrix" 2 "nothing.mtx: holds no data (0 samples x 4 features)" -- "$dnmf" cluster "$tmp/nothing.mtx" -k 1
head -n 8 "$iris" | sed 's/^150 4 600$/5 4 20/' >"$tmp/five.mtx"
printf '%%%%MatrixMarket matrix coordinate real general\n5 4 5\n1 1 1\n2 2 1\n3 3 1\n4 4 1\n5 1 2\n' >"$tmp/five.mtx"
out=$("$dnmf" cluster "$tmp/five.mtx" -k 2 --model danmf --pretrain-iter 3 --iter 3 -q --json)
check "default layers 4k,2k,k fit n = 5 samples" test "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["layers"])' "$out")" = "[5, 4, 2]"

# 12. Failed writes to standard output are detected.
expect_error "stdout on /dev/full" 2 "standard output: write error" -- bash -c "exec \"\$0\" eval \"\$1\" \"\$1\" >/dev/full" "$dnmf" "$truth"

# 13. A valid 250-character --out name works (the temporary name does not lengthen it).
long=$(printf 'n%.0s' $(seq 250))
"$dnmf" cluster "$iris" -k 3 -q --out "$tmp/$long" >/dev/null
check "250-character --out name" test "$(wc -l <"$tmp/$long")" -eq 150

# 14. Repeated options and malformed lists.
expect_error "-k given twice" 2 "given more than once" -- "$dnmf" cluster "$iris" -k 2 -k 3
expect_error "--layers 8,4," 2 "separated by commas" -- "$dnmf" cluster "$iris" -k 3 --model danmf --layers 8,4,
expect_error "--layers 8,,4" 2 "separated by commas" -- "$dnmf" cluster "$iris" -k 3 --model danmf --layers 8,,4
out=$("$dnmf" cluster "$iris" -k3 -q)
check "-k3 is -k 3" grep -q '^nmf: ' <<<"$out"

check "no temporary file anywhere" no_temporaries
echo "cli safety: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
