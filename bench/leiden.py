#!/usr/bin/python3
"""Leiden (modularity) baseline for dnmf's graph-clustering benchmarks.

Usage (from the repository root):

    bench/leiden.py [--datasets DIR] [--dnmf PATH] [--seeds N] [--only NAME,...] [--out TSV]

Defaults: DIR = ../shared/datasets, PATH = build/tools/dnmf, N = 10,
TSV = bench/leiden.tsv (all relative to the repository root).

For each graph dataset of DIR/MANIFEST.tsv in the benchmark list, the edge list
(DIR/<name>/edges.txt[.gz], 0-based "u v" lines, '#' comments) is loaded into an
igraph Graph with n vertices (isolated nodes kept) and the manifest's direction, and
leidenalg.find_partition(g, ModularityVertexPartition, seed=s) runs for s = 0..N-1
(default n_iterations=2; directed graphs get directed modularity). Each labelling is
scored with `dnmf eval PRED DIR/<name>/labels.txt --json`. Directed datasets get a
second row `<name>/undirected` on the symmetrised simple graph (reciprocal arcs
collapsed into one edge). The table gives mean ± std (sample std over seeds) of NMI,
ARI, leidenalg's modularity, number of communities and find_partition wall time; the
TSV holds one row per (dataset, variant) with the means and stds (plus ACC).

Needs the Debian packages python3-igraph and python3-leidenalg
(`DNMF_WITH_LEIDEN=1 scripts/install-deps.sh`); hence /usr/bin/python3.
"""

import argparse
import csv
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import igraph
import leidenalg

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATASETS = ["karate", "football", "polbooks", "dolphins", "polblogs", "email_eu_core",
            "cora", "citeseer", "wiki", "lfr_1k", "lfr_10k", "lfr_100k"]
METRICS = ["nmi", "ari", "acc", "modularity", "communities", "seconds"]


def read_manifest(directory):
    with open(os.path.join(directory, "MANIFEST.tsv"), newline="") as f:
        return {row["name"]: row for row in csv.DictReader(f, delimiter="\t")}


def read_edges(directory, name):
    base = os.path.join(directory, name, "edges.txt")
    path = base if os.path.exists(base) else base + ".gz"
    opener = gzip.open if path.endswith(".gz") else open
    edges = []
    with opener(path, "rt") as f:
        for line in f:
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            edges.append((int(parts[0]), int(parts[1])))
    return edges


def evaluate(dnmf, labels, truth):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(map(str, labels)) + "\n")
        pred = f.name
    try:
        out = subprocess.run([dnmf, "eval", pred, truth, "--json"], check=True,
                             capture_output=True, text=True).stdout
    finally:
        os.unlink(pred)
    return json.loads(out)


def run(graph, seeds, dnmf, truth):
    per = {m: [] for m in METRICS}
    for s in range(seeds):
        t0 = time.perf_counter()
        part = leidenalg.find_partition(graph, leidenalg.ModularityVertexPartition, seed=s)
        seconds = time.perf_counter() - t0
        scores = evaluate(dnmf, part.membership, truth)
        for m in ("nmi", "ari", "acc"):
            per[m].append(float(scores[m]))
        per["modularity"].append(part.modularity)
        per["communities"].append(len(part))
        per["seconds"].append(seconds)
    return {m: (statistics.fmean(v), statistics.stdev(v) if len(v) > 1 else 0.0)
            for m, v in per.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default=os.path.join(ROOT, "..", "shared", "datasets"))
    ap.add_argument("--dnmf", default=os.path.join(ROOT, "build", "tools", "dnmf"))
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--only", help="comma-separated dataset names")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "leiden.tsv"))
    args = ap.parse_args()

    manifest = read_manifest(args.datasets)
    names = DATASETS
    if args.only:
        names = [x for x in args.only.split(",") if x]
        unknown = [x for x in names if x not in DATASETS]
        if unknown:
            sys.exit(f"leiden.py: not in the benchmark list: {','.join(unknown)}")

    rows = []
    head = (f"{'dataset':<24} {'n':>7} {'edges':>8} {'k*':>3}  {'NMI':>13}  {'ARI':>13}  "
            f"{'modularity':>13}  {'#comm':>11}  {'seconds':>15}")
    print(f"Leiden (ModularityVertexPartition), {args.seeds} seeds, mean ± std")
    print(head)
    print("-" * len(head))
    for name in names:
        info = manifest.get(name)
        if info is None or info["kind"] != "graph":
            sys.exit(f"leiden.py: {name} is not a graph dataset in the manifest")
        n, classes = int(info["n"]), int(info["classes"])
        directed = info["directed"] == "True"
        truth = os.path.join(args.datasets, name, "labels.txt")
        g = igraph.Graph(n=n, edges=read_edges(args.datasets, name), directed=directed)
        variants = [(name, g)]
        if directed:
            variants.append((name + "/undirected", g.as_undirected(mode="collapse")))
        for label, graph in variants:
            r = run(graph, args.seeds, args.dnmf, truth)
            rows.append((label, graph.is_directed(), n, graph.ecount(), classes, r))
            f = lambda m, p: f"{r[m][0]:.{p}f} ± {r[m][1]:.{p}f}"
            print(f"{label:<24} {n:>7} {graph.ecount():>8} {classes:>3}  {f('nmi', 3):>13}  "
                  f"{f('ari', 3):>13}  {f('modularity', 3):>13}  {f('communities', 1):>11}  "
                  f"{f('seconds', 3):>15}", flush=True)
    print("k* = ground-truth classes; modularity is directed for directed graphs")

    with open(args.out, "w") as out:
        cols = ["dataset", "directed", "n", "edges", "classes", "seeds"]
        cols += [f"{m}_{s}" for m in METRICS for s in ("mean", "std")]
        out.write("\t".join(cols) + "\n")
        for label, directed, n, m, classes, r in rows:
            vals = [label, str(directed), str(n), str(m), str(classes), str(args.seeds)]
            vals += [f"{r[x][i]:.6g}" for x in METRICS for i in (0, 1)]
            out.write("\t".join(vals) + "\n")


if __name__ == "__main__":
    main()
