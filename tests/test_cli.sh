#!/usr/bin/env bash
# End-to-end checks of the dnmf command: exit codes, one clear error line naming
# file and line for bad input, no partial outputs, JSON summary, determinism.
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

jget() {  # jget JSON KEY: a top-level value of a JSON object
  python3 -c 'import json, sys; v = json.loads(sys.argv[1])[sys.argv[2]]; print(json.dumps(v) if isinstance(v, (list, dict)) else v)' "$1" "$2"
}

iris=$data/iris/X.mtx
truth=$data/iris/labels.txt

# Happy path with JSON and labels output.
json=$("$dnmf" cluster "$iris" -k 3 --labels "$truth" --json --quiet --seed 1 --out "$tmp/pred.txt")
check "cluster exit 0" test $? -eq 0
check "json has nmi" test -n "$(jget "$json" nmi)"
check "json has model/n/d/k" test "$(jget "$json" model) $(jget "$json" n) $(jget "$json" d) $(jget "$json" k)" = "nmf 150 4 3"
check "labels written" test "$(wc -l <"$tmp/pred.txt")" -eq 150
nmi=$(jget "$json" nmi)
check "iris NMI >= 0.5 (got $nmi)" awk -v v="$nmi" 'BEGIN { exit !(v >= 0.5) }'

# Same seed, same labels.
"$dnmf" cluster "$iris" -k 3 --quiet --seed 1 --out "$tmp/pred2.txt" >/dev/null
check "same seed same labels" cmp -s "$tmp/pred.txt" "$tmp/pred2.txt"

# eval agrees with cluster's own evaluation.
ev=$("$dnmf" eval "$tmp/pred.txt" "$truth" --json)
check "eval nmi equals cluster nmi" test "$(jget "$ev" nmi)" = "$nmi"

# Progress goes to stderr, results to stdout.
err=$("$dnmf" cluster "$iris" -k 3 --iter 5 2>&1 >/dev/null)
check "progress on stderr" grep -q 'iter 5/5' <<<"$err"
out=$("$dnmf" cluster "$iris" -k 3 --iter 5 --quiet 2>&1)
check "--quiet prints no progress" bash -c "! grep -q 'iter ' <<<'$out'"

# factorize writes both factors.
"$dnmf" factorize "$iris" --rank 2 --out "$tmp/f" --quiet >/dev/null
check "factorize W" grep -q '^4 2$' "$tmp/f.W.mtx"
check "factorize H" grep -q '^150 2$' "$tmp/f.H.mtx"

# Bad usage and bad input: exit 2, one line, file and line named.
printf '%%%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 1.0\n4 1 2.0\n' >"$tmp/range.mtx"
expect_error "index out of range" 2 "range.mtx:4:" -- "$dnmf" cluster "$tmp/range.mtx" -k 2
printf '%%%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 nan\n2 2 1\n' >"$tmp/nan.mtx"
expect_error "NaN value" 2 "nan.mtx:3:" -- "$dnmf" cluster "$tmp/nan.mtx" -k 2
printf '%%%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 -1\n2 2 1\n' >"$tmp/neg.mtx"
expect_error "negative entry" 2 "X >= 0" -- "$dnmf" cluster "$tmp/neg.mtx" -k 1
printf '%%%%MatrixMarket matrix\n' >"$tmp/banner.mtx"
expect_error "malformed header" 2 "banner.mtx:1:" -- "$dnmf" cluster "$tmp/banner.mtx" -k 2
printf '%%%%MatrixMarket matrix array real general\n100000000 100000000\n' >"$tmp/huge.mtx"
expect_error "size exhausting memory" 2 "huge.mtx:2:" -- "$dnmf" cluster "$tmp/huge.mtx" -k 2
expect_error "missing file" 2 "nope.mtx" -- "$dnmf" cluster "$tmp/nope.mtx" -k 2
expect_error "k too large" 2 "exceeds" -- "$dnmf" cluster "$iris" -k 151
expect_error "rank too large" 2 "rank" -- "$dnmf" cluster "$iris" -k 3 --rank 5
expect_error "unknown option" 2 "unknown option" -- "$dnmf" cluster "$iris" -k 3 --bogus
expect_error "bad number" 2 "expects an integer" -- "$dnmf" cluster "$iris" -k three
expect_error "missing -k" 2 "needs -k" -- "$dnmf" cluster "$iris"
expect_error "unknown command" 2 "unknown command" -- "$dnmf" frobnicate
head -n 100 "$truth" >"$tmp/short.txt"
expect_error "label count mismatch" 2 "short.txt" -- "$dnmf" cluster "$iris" -k 3 --labels "$tmp/short.txt"

# A failing run never leaves a partial or stale output file.
rm -f "$tmp/out.txt"
"$dnmf" cluster "$tmp/range.mtx" -k 2 --out "$tmp/out.txt" 2>/dev/null
check "no output after failure" test ! -e "$tmp/out.txt"
check "no temp files left" test -z "$(ls -A "$tmp" | grep '^\.dnmf-' || true)"
echo keep >"$tmp/keep.txt"
"$dnmf" cluster "$tmp/nan.mtx" -k 2 --out "$tmp/keep.txt" 2>/dev/null
check "existing output untouched after failure" grep -qx keep "$tmp/keep.txt"

# Deep models: danmf-crfr clusters Iris, saves its encoder, and transform re-encodes.
json=$("$dnmf" cluster "$iris" -k 3 --model danmf-crfr --layers 12,8,6 --pretrain-iter 50 --iter 100 \
  --labels "$truth" --json --quiet --seed 2 --save-model "$tmp/m.model" --out "$tmp/d1.txt")
check "danmf-crfr exit 0" test $? -eq 0
check "danmf-crfr json fields" test "$(jget "$json" layers)" = "[12, 8, 6]"
nmi=$(jget "$json" nmi)
check "danmf-crfr iris NMI >= 0.6 (got $nmi)" awk -v v="$nmi" 'BEGIN { exit !(v >= 0.6) }'
"$dnmf" cluster "$iris" -k 3 --model danmf-crfr --layers 12,8,6 --pretrain-iter 50 --iter 100 --quiet --seed 2 \
  --out "$tmp/d2.txt" >/dev/null
check "danmf-crfr same seed same labels" cmp -s "$tmp/d1.txt" "$tmp/d2.txt"
check "model file header" grep -qx 'dnmf-model 1' "$tmp/m.model"
"$dnmf" transform "$tmp/m.model" "$iris" --out "$tmp/h.mtx" >/dev/null
check "transform writes n x k" grep -q '^150 6$' "$tmp/h.mtx"
wline=$(grep -n '^W 1 ' "$tmp/m.model" | cut -d: -f1)
head -n $((wline + 1)) "$tmp/m.model" >"$tmp/cut.model"  # the header and one row of W 1
expect_error "truncated model file" 2 "cut.model:$((wline + 2)): unexpected end of file" -- "$dnmf" transform "$tmp/cut.model" "$iris" --out "$tmp/h2.mtx"
check "no output from failed transform" test ! -e "$tmp/h2.mtx"
expect_error "transform feature mismatch" 2 "features" -- "$dnmf" transform "$tmp/m.model" "$data/wine/X.mtx" --out "$tmp/h2.mtx"
expect_error "bad --layers" 2 "layers" -- "$dnmf" cluster "$iris" -k 3 --model danmf --layers 12,x
expect_error "layer k > n" 2 "exceeds" -- "$dnmf" cluster "$iris" -k 3 --model danmf --layers 200
expect_error "deep flag on nmf" 2 "does not apply to nmf (it is an option of danmf-crfr)" -- "$dnmf" cluster "$iris" -k 3 --lambda-frp 1
expect_error "unknown model" 2 "unknown --model" -- "$dnmf" cluster "$iris" -k 3 --model deepest

# Dn2MFGL: clusters Iris with the reference defaults but small layers; options are
# checked; an unbounded setting is refused (exit 2, message says why).
json=$("$dnmf" cluster "$iris" -k 3 --model dn2mfgl --layers 4,3 --labels "$truth" --json --quiet --seed 1 \
  --out "$tmp/g1.txt")
check "dn2mfgl exit 0" test $? -eq 0
check "dn2mfgl json fields" test "$(jget "$(jget "$json" options)" l21) $(jget "$json" p)" = "samples 5"
nmi=$(jget "$json" nmi)
check "dn2mfgl iris NMI >= 0.5 (got $nmi)" awk -v v="$nmi" 'BEGIN { exit !(v >= 0.5) }'
"$dnmf" cluster "$iris" -k 3 --model dn2mfgl --layers 4,3 --quiet --seed 1 --out "$tmp/g2.txt" >/dev/null
check "dn2mfgl same seed same labels" cmp -s "$tmp/g1.txt" "$tmp/g2.txt"
json=$("$dnmf" cluster "$iris" -k 3 --model dn2mfgl --layers 4,3 --l21 features --json --quiet)
check "dn2mfgl features mode" test "$(jget "$(jget "$json" options)" l21)" = features
expect_error "dn2mfgl unbounded beta" 2 "unbounded below" -- "$dnmf" cluster "$iris" -k 3 --model dn2mfgl --beta 100 --layers 4,3
expect_error "dn2mfgl layer > d" 2 "exceeds min" -- "$dnmf" cluster "$iris" -k 3 --model dn2mfgl --layers 10,3
expect_error "dn2mfgl bad --l21" 2 "samples" -- "$dnmf" cluster "$iris" -k 3 --model dn2mfgl --l21 rows
expect_error "danmf flag on dn2mfgl" 2 "does not apply to dn2mfgl" -- "$dnmf" cluster "$iris" -k 3 --model dn2mfgl --lambda-att 1
expect_error "dn2mfgl flag on danmf" 2 "it is an option of dn2mfgl" -- "$dnmf" cluster "$iris" -k 3 --model danmf --alpha 1

# knn: the graph is symmetric, has no self-loops, p neighbours per row at least,
# and both search paths write the same file.
entries() { awk '/^%/ { next } !seen { seen = 1; next } { print }' "$1"; }  # data lines of a .mtx
out=$("$dnmf" knn "$iris" -p 5 --method kd-tree --out "$tmp/g_kd.mtx" --quiet)
check "knn exit 0" test $? -eq 0
check "knn reports method" grep -q 'method kd-tree' <<<"$out"
"$dnmf" knn "$iris" -p 5 --method brute-force --out "$tmp/g_bf.mtx" --quiet >/dev/null
check "knn paths write identical graphs" cmp -s <(entries "$tmp/g_kd.mtx") <(entries "$tmp/g_bf.mtx")
check "knn graph is 150 x 150" grep -q '^150 150 ' "$tmp/g_kd.mtx"
check "every node keeps >= p = 5 neighbours" test "$(entries "$tmp/g_kd.mtx" | awk '{ c[$1]++ } END { m = 1e9; for (i in c) if (c[i] < m) m = c[i]; print length(c), m }')" = "150 5"
check "knn graph has no self-loops" test -z "$(entries "$tmp/g_kd.mtx" | awk '$1 == $2')"
check "knn graph is symmetric" cmp -s <(entries "$tmp/g_kd.mtx" | awk '{ print $1, $2, $3 }' | sort) \
  <(entries "$tmp/g_kd.mtx" | awk '{ print $2, $1, $3 }' | sort)
json=$("$dnmf" knn "$iris" --weights binary --symmetrize mutual --out "$tmp/g_bin.mtx" --json --quiet)
check "knn json default p = floor(ln 150) + 1 = 6" test "$(jget "$json" p)" = 6
check "binary weights are 1" test -z "$(entries "$tmp/g_bin.mtx" | awk '$3 != 1')"
expect_error "knn needs --out" 2 "needs -o, --out" -- "$dnmf" knn "$iris"
expect_error "knn p too large" 2 "neighbo" -- "$dnmf" knn "$iris" -p 150 --out "$tmp/g_bad.mtx"
expect_error "knn bad weights" 2 "weights" -- "$dnmf" knn "$iris" --weights gauss --out "$tmp/g_bad.mtx"
expect_error "knn bad input" 2 "nan.mtx:3:" -- "$dnmf" knn "$tmp/nan.mtx" --out "$tmp/g_bad.mtx"
check "knn failure leaves no file" test ! -e "$tmp/g_bad.mtx"

# graph stats on the karate club: 34 nodes, 78 edges, one component, node 33 ranks first.
stats=$("$dnmf" graph stats "$data/karate/edges.txt")
check "graph stats exit 0" test $? -eq 0
check "karate nodes" grep -qx 'nodes: 34' <<<"$stats"
check "karate edges" grep -q '^edges: 78 (undirected)' <<<"$stats"
check "karate components" grep -qx 'components: 1' <<<"$stats"
json=$("$dnmf" graph stats "$data/karate/edges.txt" --json --top 2)
check "karate pagerank top node 33" test "$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["pagerank_top"][0]["node"])' "$json")" = 33
printf '0 1\n1 x\n' >"$tmp/bad_edges.txt"
expect_error "graph stats bad edge line" 2 "bad_edges.txt:2:" -- "$dnmf" graph stats "$tmp/bad_edges.txt"
expect_error "graph needs a subcommand" 2 "stats" -- "$dnmf" graph "$data/karate/edges.txt"

# graph cluster: SymNMF splits the karate club with positive modularity and writes one
# label per node; the same seed gives the same labels; directed input needs asymnmf.
json=$("$dnmf" graph cluster "$data/karate/edges.txt" -k 2 --labels "$data/karate/labels.txt" --json --quiet \
  --out "$tmp/k1.txt")
check "graph cluster exit 0" test $? -eq 0
q=$(jget "$json" modularity)
check "karate symnmf modularity > 0.3 (got $q)" awk -v v="$q" 'BEGIN { exit !(v > 0.3) }'
check "graph cluster json fields" test -n "$(jget "$json" mean_conductance)$(jget "$json" nmi)"
check "graph cluster labels written" test "$(wc -l <"$tmp/k1.txt")" -eq 34
"$dnmf" graph cluster "$data/karate/edges.txt" -k 2 --quiet --out "$tmp/k2.txt" >/dev/null
check "graph cluster same seed same labels" cmp -s "$tmp/k1.txt" "$tmp/k2.txt"
out=$("$dnmf" graph cluster "$data/karate/edges.txt" -k 2 --directed --quiet)
check "directed input runs asymnmf" grep -q '^asymnmf: ' <<<"$out"
check "directed modularity reported" grep -q '^directed modularity ' <<<"$out"
expect_error "symnmf on directed" 2 "asymnmf" -- "$dnmf" graph cluster "$data/karate/edges.txt" -k 2 --directed --model symnmf
expect_error "graph cluster k > n" 2 "k = 40" -- "$dnmf" graph cluster "$data/karate/edges.txt" -k 40
# Deep graph models: both split the karate club along the factions (NMI > 0.5 with
# the default seed), report their layers, and refuse options of the other models.
for m in dasnmf deep-symnmf; do
  json=$("$dnmf" graph cluster "$data/karate/edges.txt" -k 2 --model $m --layers 8 \
    --labels "$data/karate/labels.txt" --json --quiet)
  check "$m exit 0" test $? -eq 0
  nmi=$(jget "$json" nmi)
  check "karate $m NMI > 0.5 (got $nmi)" awk -v v="$nmi" 'BEGIN { exit !(v > 0.5) }'
  check "$m json layers" test "$(jget "$json" layers)" = "[8, 2]"
done
json=$("$dnmf" graph cluster "$data/karate/edges.txt" -k 2 --directed --model dasnmf --layers 8 --assign kmeans --json -q)
check "dasnmf directed with kmeans" test "$(jget "$json" assign)" = kmeans
err=$("$dnmf" graph cluster "$data/karate/edges.txt" -k 2 --directed --model dasnmf --regulariser paper -q 2>&1 >/dev/null)
check "paper regulariser warns on directed graphs" grep -q 'unbounded below' <<<"$err"
expect_error "eta is a dasnmf option" 2 "it is an option of dasnmf" -- "$dnmf" graph cluster "$data/karate/edges.txt" -k 2 --eta 0.1
expect_error "layers must not grow" 2 "must not grow" -- "$dnmf" graph cluster "$data/karate/edges.txt" -k 4 --model dasnmf --layers 2 -q
expect_error "deep-symnmf on directed" 2 "undirected" -- "$dnmf" graph cluster "$data/karate/edges.txt" -k 2 --directed --model deep-symnmf

# --out-embedding and --trace: the representation the labels come from and the objective
# per iteration; JSON reports the stages' seconds and the peak memory.
json=$("$dnmf" cluster "$iris" -k 3 --model danmf --iter 40 --pretrain-iter 10 --out-embedding "$tmp/emb.mtx" \
  --trace "$tmp/trace.tsv" --json -q)
check "embedding is n x k" grep -q '^150 3$' "$tmp/emb.mtx"
check "trace has one row per iteration" test "$(($(wc -l <"$tmp/trace.tsv") - 1))" -eq "$(jget "$json" iterations)"
check "trace ends at the reported objective" \
  python3 -c 'import sys; last = open(sys.argv[1]).read().split()[-1]; sys.exit(abs(float(last) - float(sys.argv[2])) > 1e-9 * abs(float(sys.argv[2])))' \
  "$tmp/trace.tsv" "$(jget "$json" objective)"
check "peak memory reported" awk -v v="$(jget "$json" peak_memory_bytes)" 'BEGIN { exit !(v > 1000000) }'
check "stage seconds reported" python3 -c 'import json, sys; s = json.loads(sys.argv[1])["stage_seconds"]; sys.exit(set(s) != {"read", "fit", "labels"})' "$json"
"$dnmf" graph cluster "$data/karate/edges.txt" -k 2 -q --out "$tmp/kl.txt" --out-embedding "$tmp/kemb.mtx" >/dev/null
check "graph embedding's argmax are the labels" python3 -c '
import sys
rows = [l for l in open(sys.argv[1]) if not l.startswith("%")]
n, k = map(int, rows[0].split()); v = [float(x) for x in rows[1:]]
arg = [max(range(k), key=lambda c: v[c * n + i]) for i in range(n)]
sys.exit(arg != [int(x) for x in open(sys.argv[2]).read().split()])' "$tmp/kemb.mtx" "$tmp/kl.txt"

# Every data format gives the labels of its Matrix Market equivalent (docs/cli.md, --format).
python3 - "$iris" "$tmp" <<'PY'
import gzip, struct, sys
src, out = sys.argv[1], sys.argv[2]
lines = [l for l in open(src) if not l.startswith("%")]
n, d = map(int, lines[0].split()[:2])
x = [[0.0] * d for _ in range(n)]
if len(lines[0].split()) == 3:  # coordinate
    for l in lines[1:]:
        i, j, v = l.split(); x[int(i) - 1][int(j) - 1] = float(v)
else:  # array, column-major
    vals = [float(l) for l in lines[1:]]
    for j in range(d):
        for i in range(n): x[i][j] = vals[j * n + i]
r = lambda v: repr(v)
open(f"{out}/x.csv", "w").write("a,b,c,d\n" + "".join(",".join(r(v) for v in row) + "\n" for row in x))
open(f"{out}/x.tsv", "w").write("".join("\t".join(r(v) for v in row) + "\n" for row in x))
with gzip.open(f"{out}/x.svm.gz", "wt") as f:
    f.write("".join("0 " + " ".join(f"{j + 1}:{r(v)}" for j, v in enumerate(row) if v != 0) + "\n" for row in x))
header = "{'descr': '<f8', 'fortran_order': False, 'shape': (%d, %d), }" % (n, d)
header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
with open(f"{out}/x.npy", "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
    f.write(b"".join(struct.pack("<d", v) for row in x for v in row))
PY
"$dnmf" cluster "$iris" -k 3 --model danmf --iter 30 --pretrain-iter 10 -q --out "$tmp/ref.txt" >/dev/null
for f in x.csv x.tsv x.svm.gz x.npy; do
  "$dnmf" cluster "$tmp/$f" -k 3 --model danmf --iter 30 --pretrain-iter 10 -q --out "$tmp/$f.labels" >/dev/null
  check "$f gives the labels of the .mtx" cmp -s "$tmp/ref.txt" "$tmp/$f.labels"
done
expect_error "csv with a ragged line" 2 "ragged.csv:3: has 1 fields, expected 2" -- \
  "$dnmf" cluster "$(printf '1,2\n3,4\n5\n' >"$tmp/ragged.csv"; echo "$tmp/ragged.csv")" -k 2
expect_error "unknown --format" 2 "format must be" -- "$dnmf" cluster "$iris" -k 3 --format xls

# A pipeline: the kNN graph on stdout read as a Matrix Market adjacency from stdin.
piped=$("$dnmf" knn "$iris" --out - -q 2>/dev/null | "$dnmf" graph cluster - -k 3 -q --json --labels "$data/iris/labels.txt")
check "knn | graph cluster - works (NMI $(jget "$piped" nmi))" awk -v v="$(jget "$piped" nmi)" 'BEGIN { exit !(v > 0.5) }'

# A named, weighted CSV edge list with a header: the names come back with the labels.
printf 'source,target,weight\nalice,bob,2\nbob,carol,1\ncarol,alice,1.5\ndave,erin,3\nerin,frank,1\nfrank,dave,2\ncarol,dave,0.1\n' >"$tmp/named.csv"
"$dnmf" graph cluster "$tmp/named.csv" -k 2 -q --out "$tmp/named.labels" >/dev/null
check "names written back" test "$(cut -f1 "$tmp/named.labels" | tr '\n' ' ')" = "alice bob carol dave erin frank "
check "the two triangles split" test "$(cut -f2 "$tmp/named.labels" | tr '\n' ' ')" = "0 0 0 1 1 1 " -o \
  "$(cut -f2 "$tmp/named.labels" | tr '\n' ' ')" = "1 1 1 0 0 0 "

# Bash completion (dnmf help --bash-completion, installed by meson install): flags,
# model names and choice values for the command being typed.
"$dnmf" help --bash-completion >"$tmp/completion.bash"
complete_words() {  # complete_words WORD... : the candidates for the last word
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _dnmf; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$tmp/completion.bash" "$@"
}
check "completes subcommands" test "$(complete_words dnmf clu)" = cluster
check "completes flags" grep -qx -- --model <<<"$(complete_words dnmf cluster x.mtx --mod)"
check "completes data models" test "$(complete_words dnmf cluster x.mtx --model danmf | tr '\n' ' ')" = "danmf danmf-crfr "
check "completes graph models" grep -qx dasnmf <<<"$(complete_words dnmf graph cluster e.txt --model d)"
check "completes choice values" test "$(complete_words dnmf cluster x --loss k)" = kl

# --graph: the kNN graph written by 'dnmf knn' and given back is the graph the model would
# build itself (same data scaling), so the fit is the same to the last bit.
"$dnmf" knn "$data/wine/X.mtx" --out "$tmp/wine_g.mtx" -q >/dev/null
for m in danmf-crfr dn2mfgl; do
  a=$("$dnmf" cluster "$data/wine/X.mtx" -k 3 --model $m --normalize none --iter 20 --pretrain-iter 10 -q --json)
  b=$("$dnmf" cluster "$data/wine/X.mtx" -k 3 --model $m --normalize none --iter 20 --pretrain-iter 10 -q --json \
    --graph "$tmp/wine_g.mtx" $([ $m = dn2mfgl ] && echo "-p 3"))
  [ $m = dn2mfgl ] && continue  # dn2mfgl builds a binary p = 5 graph; only check it runs
  check "$m --graph = its own kNN graph (objective $(jget "$a" objective))" test "$(jget "$a" objective)" = "$(jget "$b" objective)"
done
check "dn2mfgl --graph runs" test -n "$(jget "$b" objective)"
expect_error "--graph for nmf" 2 "nmf has no sample-graph term" -- "$dnmf" cluster "$iris" -k 3 --graph "$tmp/wine_g.mtx"
expect_error "--graph of the wrong size" 2 "wine_g.mtx" -- "$dnmf" cluster "$iris" -k 3 --model danmf --graph "$tmp/wine_g.mtx"

# -k A:B suggests the number of clusters: 4 blobs in the data, 5 planted blocks in a graph.
python3 - "$tmp" <<'PY'
import random, sys
random.seed(3)
d = sys.argv[1]
with open(f"{d}/blobs.csv", "w") as f:
    for c in range(4):
        centre = [0.0] * 6; centre[c] = 5.0; centre[(c + 1) % 6] = 2.0
        for i in range(40):
            f.write(",".join(f"{max(0.0, x + random.gauss(0, 0.4)):.6f}" for x in centre) + "\n")
with open(f"{d}/sbm.txt", "w") as f:
    for i in range(150):
        for j in range(i + 1, 150):
            if random.random() < (0.3 if i // 30 == j // 30 else 0.01):
                f.write(f"{i} {j}\n")
PY
json=$("$dnmf" cluster "$tmp/blobs.csv" -k 2:7 -q --json)
check "k sweep suggests the 4 blobs (got $(jget "$json" suggested_k))" test "$(jget "$json" suggested_k)" = 4
json=$("$dnmf" graph cluster "$tmp/sbm.txt" -k 2:8 -q --json)
check "k sweep suggests the 5 planted blocks (got $(jget "$json" suggested_k))" test "$(jget "$json" suggested_k)" = 5
check "k sweep reports stability per k" python3 -c 'import json, sys; t = json.loads(sys.argv[1])["table"]; sys.exit(len(t) != 7 or not all(0 <= r["stability"] <= 1 for r in t))' "$json"
expect_error "k range must grow" 2 "expected A:B with A < B" -- "$dnmf" cluster "$iris" -k 5:3
expect_error "k range writes no labels" 2 "writes no labels" -- "$dnmf" cluster "$iris" -k 2:4 --out "$tmp/x.txt"

# predict: the saved model assigns samples to the nearest cluster centre in its code space;
# on the training rows it agrees with the fitted labels (not exactly: the fit clusters H,
# predict the encoder's codes), and it refuses models without centres.
"$dnmf" cluster "$iris" -k 3 --model danmf-crfr --save-model "$tmp/p.model" --out "$tmp/fit.labels" -q >/dev/null
"$dnmf" predict "$tmp/p.model" "$iris" --out "$tmp/pred.labels" >/dev/null
agree=$("$dnmf" eval "$tmp/fit.labels" "$tmp/pred.labels" --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["acc"])')
check "predict agrees with the fit on the training rows (ACC $agree)" awk -v v="$agree" 'BEGIN { exit !(v >= 0.95) }'
awk '/^centroids/ { skip = 1 } /^end$/ { skip = 0 } !skip' "$tmp/p.model" >"$tmp/nocentres.model"
expect_error "predict without centres" 2 "nocentres.model: holds no cluster centres" -- \
  "$dnmf" predict "$tmp/nocentres.model" "$iris" --out "$tmp/x.labels"
expect_error "--save-model with argmax" 2 "needs --assign kmeans" -- \
  "$dnmf" cluster "$iris" -k 3 --model danmf --assign argmax --save-model "$tmp/q.model"

# Help for each subcommand.
for c in cluster factorize eval knn transform predict "graph stats" "graph cluster"; do
  # shellcheck disable=SC2086
  help=$("$dnmf" $c --help)
  check "help $c" grep -q "usage: dnmf $c" <<<"$help"
done

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
