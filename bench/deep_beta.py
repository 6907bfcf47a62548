#!/usr/bin/python3
"""Deep β-NMF and min-vol deep KL-NMF: the paper's protocol and clustering, through the CLI
(docs/models.md §11).

Protocol of Leplat, Hien, Onwunta & Gillis: multilayer β-NMF with 1000 iterations per layer
versus multilayer with 500 followed by 500 deep iterations, from the same seeds; the table
gives each layer's error D_β(W_{l-1} | W_l H_l) of the deep model as a percentage of the
multilayer one (the paper's Table: CBCL 108.3 / 26.8 / 4.4 %, TDT2 107.5 / 30 / 22 %).
Then clustering with the documented defaults (deep-beta, and nmf --loss kl beside it) and
the time of 100 outer iterations.

  /usr/bin/python3 bench/deep_beta.py --build build --datasets ../shared/datasets
      [--protocol news4:20,10,5 orl:80,40,20] [--cluster news4 orl mnist_10k] [--time mnist_70k]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

PAPER = {"CBCL (paper)": [108.3, 26.8, 4.4], "TDT2 (paper)": [107.5, 30.0, 22.0]}


def run(build, args):
    start = time.perf_counter()
    out = subprocess.run([os.path.join(build, "tools", "dnmf"), "cluster", *args, "--json", "--quiet"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"deep_beta.py: dnmf cluster {' '.join(args)} failed: {out.stderr.strip()}")
    result = json.loads(out.stdout)
    result["wall"] = time.perf_counter() - start
    return result


def classes(datasets, name):
    with open(os.path.join(datasets, "MANIFEST.tsv")) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if cols[0] == name:
                return int(cols[5])
    sys.exit(f"deep_beta.py: {name} is not in {datasets}/MANIFEST.tsv")


def data_args(datasets, name):
    d = os.path.join(datasets, name)
    return [os.path.join(d, "X.mtx.gz"), "--labels", os.path.join(d, "labels.txt"), "-k",
            str(classes(datasets, name))]


def adjacency_file(datasets, name, tmp):
    """The graph's edge list as a symmetric 0/1 adjacency in Matrix Market (nodes 0..n-1)."""
    import numpy as np
    import scipy.io
    import scipy.sparse as sp
    edges = np.loadtxt(os.path.join(datasets, name, "edges.txt"), dtype=np.int64, comments="#", ndmin=2)[:, :2]
    n = sum(1 for _ in open(os.path.join(datasets, name, "labels.txt")))
    A = sp.coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n)).tocsr()
    A = ((A + A.T) > 0).astype(np.float64)
    A = (A - sp.diags(A.diagonal())).tocsr()  # no self-loops
    A.eliminate_zeros()
    path = os.path.join(tmp, name + ".mtx")
    scipy.io.mmwrite(path, A)
    return path


def protocol(build, datasets, spec):
    name, layers = spec.split(":")
    common = data_args(datasets, name) + ["--model", "deep-beta", "--layers", layers,
                                          "--pretrain-tol", "0", "--seed", "1"]
    multi = run(build, common + ["--pretrain-iter", "1000", "--iter", "1"])["initial_layer_errors"]
    deep = run(build, common + ["--pretrain-iter", "500", "--iter", "500"])["layer_errors"]
    return name, layers, [100.0 * d / m for d, m in zip(deep, multi)]


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default="build")
    p.add_argument("--datasets", required=True)
    p.add_argument("--protocol", nargs="*", default=["news4:20,10,5", "orl:80,40,20"])
    p.add_argument("--cluster", nargs="*", default=["news4", "orl", "mnist_10k"])
    p.add_argument("--time", nargs="*", default=["mnist_70k"])
    p.add_argument("--graphs", nargs="*", default=["polblogs", "cora", "email_eu_core"],
                   help="labelled graphs clustered through their adjacency as KL data")
    a = p.parse_args(argv)

    print("Layer errors, deep (multilayer 500 + deep 500) / multilayer 1000, % (KL, seed 1)")
    print(f"{'data':<16} {'layers':<10} {'layer 1':>8} {'layer 2':>8} {'layer 3':>8}")
    for name, errs in PAPER.items():
        print(f"{name:<16} {'':<10} " + " ".join(f"{e:>8.1f}" for e in errs))
    for spec in a.protocol:
        name, layers, ratios = protocol(a.build, a.datasets, spec)
        print(f"{name:<16} {layers:<10} " + " ".join(f"{r:>8.1f}" for r in ratios), flush=True)

    print("\nClustering with the defaults (k = number of classes, seed 0)")
    print(f"{'data':<12} {'model':<36} {'ACC':>6} {'NMI':>6} {'ARI':>6} {'seconds':>8}")
    for name in a.cluster:
        for model in (["deep-beta"], ["minvol-deep-kl"], ["nmf", "--loss", "kl"],
                      ["nmf", "--loss", "kl", "--kmeans-normalize", "l1"]):
            r = run(a.build, data_args(a.datasets, name) + ["--model", *model])
            m = r
            print(f"{name:<12} {' '.join(model):<36} {m['acc']:>6.3f} {m['nmi']:>6.3f} {m['ari']:>6.3f} "
                  f"{r['seconds']:>8.1f}", flush=True)

    if a.graphs:
        print("\nGraphs: the symmetrised 0/1 adjacency as count data (KL on the adjacency)")
        print(f"{'graph':<14} {'model':<36} {'ACC':>6} {'NMI':>6} {'ARI':>6} {'seconds':>8}")
        with tempfile.TemporaryDirectory() as tmp:
            for name in a.graphs:
                mtx = adjacency_file(a.datasets, name, tmp)
                labels = os.path.join(a.datasets, name, "labels.txt")
                for model in (["deep-beta"], ["minvol-deep-kl"], ["nmf", "--loss", "kl", "--kmeans-normalize", "l1"]):
                    r = run(a.build, [mtx, "--labels", labels, "-k", str(classes(a.datasets, name)), "--model", *model])
                    print(f"{name:<14} {' '.join(model):<36} {r['acc']:>6.3f} {r['nmi']:>6.3f} {r['ari']:>6.3f} "
                          f"{r['seconds']:>8.1f}", flush=True)

    print("\nTime of the defaults (500 pre-training iterations per layer at most, 100 outer iterations)")
    for name, model in ((n, m) for n in a.time for m in ("deep-beta", "minvol-deep-kl")):
        r = run(a.build, data_args(a.datasets, name) + ["--model", model])
        print(f"{name} {model}: fit {r['fit_seconds']:.1f} s (pre-training included), pre-training iterations "
              f"{r['pretrain_iterations']}, outer iterations {r['iterations']}; ACC {r['acc']:.3f} "
              f"NMI {r['nmi']:.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
